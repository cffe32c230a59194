"""The charts of a split unit handed from the flow's process to the worker writing its workbook.

After one SKPD's re-drop the city's workbook (every SKPD's reconciliation rows: the longest part
of the re-drop's publishing) is written by a worker process while the flow's process writes the
rest (runner.run_job_split with `here`). The workbook shows the charts, which the flow's process
draws (publish_base) first; waiting for them before starting the workbook put the charts and the
workbook end to end. Instead the workbook starts at once with the list of charts publish_base
will make (lkip.publish.planned_charts: the same build_charts, nothing drawn), writes every sheet
before the Grafik one, and only then waits for the message that the charts are drawn
(`ChartsLater`): the same sheets in the same order, so the same bytes as a serial publish. The
worker then writes the unit's documents (validasi, HTML, docx) with the charts as drawn, while
the flow's process publishes the other unit (the re-dropped SKPD).

The message is a small JSON file in the temporary folder (the worker is a process of this
machine), written atomically by `send`: the charts as drawn (label, path), or the cause when
publish_base failed. `wait` polls for it; it gives up when the flow's process is gone or after
`timeout` seconds, and refuses charts other than those planned (the workbook then fails and the
unit with it, never shows a stale chart). The flow's process removes the file (`discard`) once the
workbook's part is over, whatever happened.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Iterable


def _pairs(charts: Iterable[Any]) -> list[list[str]]:
    return [[str(c.label), str(c.path)] for c in charts]


def _charts(charts: Iterable[Any]) -> list[list[Any]]:
    return [[str(c.key), str(c.label), str(c.path), int(c.width), int(c.height)] for c in charts]


def _alive(pid: int) -> bool:
    """Whether the flow's process `pid` still runs. Asked of that process itself, not as this
    worker's parent: a worker forked from the run's fork server (lkip.read_pool) has the fork
    server for parent, and was told the flow had stopped whenever its workbook reached the Grafik
    sheet before the charts were drawn. On Windows (no fork server; os.kill would end the
    process) the parent is asked."""
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return os.getppid() == pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


class ChartsLater:
    """Picklable: made in the flow's process, passed to the worker's workbook part."""

    def __init__(self, timeout: float = 900.0) -> None:
        self.path = str(Path(tempfile.gettempdir()) / f"lkip-grafik-{uuid.uuid4().hex}.json")
        self.parent = os.getpid()
        self.timeout = timeout

    def send(self, charts: Iterable[Any] | None, error: str | None = None) -> None:
        """The flow's process: the charts are drawn (or publish_base failed: `error`)."""
        tmp = f"{self.path}.{os.getpid()}.tmp"
        body = {"error": error} if error is not None or charts is None else {"charts": _charts(charts)}
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(body, f)
        os.replace(tmp, self.path)

    def wait(self, planned: Iterable[Any], poll: float = 0.005) -> list[Any]:
        """The worker: the charts as drawn (charts.Chart, their sizes included) once the charts
        `planned` are; raise otherwise."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                with open(self.path, encoding="utf-8") as f:
                    body = json.load(f)
                break
            except FileNotFoundError:
                pass
            if not _alive(self.parent):
                raise RuntimeError("proses utama berhenti sebelum grafik selesai digambar")
            if time.monotonic() > deadline:
                raise RuntimeError(f"grafik tidak selesai digambar dalam {self.timeout:.0f} detik")
            time.sleep(poll)
        if "error" in body:
            raise RuntimeError(f"grafik tidak digambar: {body['error']}")
        from .charts import Chart

        drawn = [Chart(k, label, Path(path), w, h) for k, label, path, w, h in body.get("charts") or []]
        if _pairs(drawn) != _pairs(planned):
            raise RuntimeError("grafik yang digambar berbeda dari yang direncanakan")
        return drawn

    def discard(self) -> None:
        """The flow's process, after the workbook's part: no message left behind."""
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
