"""The run report: `output/runs/<run id>.json` and a short human summary.

The JSON is written to a temporary name and renamed into place, so a reader never sees half of
it. Nothing here imports prefect: `lkip validate` and the tests use it directly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

OUTCOME_LABELS = {
    "accepted": "diterima",
    "accepted_with_warnings": "diterima dengan peringatan",
    "rejected": "ditolak",
    "duplicate": "duplikat (sudah dimuat)",
    "failed": "gagal diproses",
    "skipped": "dilewati",
}


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def new_run_id() -> str:
    # Sortable, unique enough for one office server, safe as a file name.
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{os.getpid()}-{os.urandom(2).hex()}"


def atomic_write_text(path: Path, text: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "item"):  # numpy / decimal-like scalars
        try:
            return value.item()
        except Exception:
            pass
    return str(value)


def outcome_record(outcome: Any) -> dict[str, Any]:
    """One file's line of the report, from a FileOutcome (or a dict with the same fields)."""
    get = (lambda k, d=None: outcome.get(k, d)) if isinstance(outcome, dict) else (
        lambda k, d=None: getattr(outcome, k, d)
    )
    rec = {
        "file": str(get("path", "")),
        "name": Path(str(get("path", ""))).name,
        "sha256": get("sha256"),
        "kind": get("kind"),
        "kode_skpd": get("kode_skpd"),
        "tahun": get("tahun"),
        "outcome": get("outcome"),
        "n_rows": get("n_rows", 0) or 0,
        "n_warnings": get("n_warnings", 0) or 0,
        "n_errors": get("n_errors", 0) or 0,
        "messages": list(get("messages", []) or [])[:50],
        "archived_to": get("archived_to"),
        "seconds": get("seconds"),
    }
    return _jsonable(rec)


def build_report(
    run_id: str,
    started_at: str,
    status: str,
    files: list[dict[str, Any]],
    durations: dict[str, float],
    reconciliation_differences: int | None = None,
    outputs: list[str] | None = None,
    error: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    counts = Counter(f.get("outcome") for f in files)
    report = {
        "run_id": run_id,
        "started_at": started_at,
        "finished_at": now_iso(),
        "status": status,
        "files_seen": len(files),
        "files_by_outcome": dict(sorted(counts.items(), key=lambda kv: str(kv[0]))),
        "rows_staged": sum(
            f.get("n_rows", 0) for f in files if f.get("outcome") in ("accepted", "accepted_with_warnings")
        ),
        "warnings": sum(f.get("n_warnings", 0) for f in files),
        "errors": sum(f.get("n_errors", 0) for f in files),
        "reconciliation_differences": reconciliation_differences,
        "durations_seconds": {k: round(v, 3) for k, v in durations.items()},
        "files": files,
        "outputs": outputs or [],
    }
    if error:
        report["error"] = error
    if extra:
        report.update(_jsonable(extra))
    return _jsonable(report)


def write_report(runs_dir: Path, report: dict[str, Any]) -> Path:
    from lkip.safe_fs import open_dir

    runs_dir = Path(runs_dir)
    with open_dir(runs_dir.parent, (runs_dir.name,), move_aside=False) as folder:  # no link followed
        return folder.write_atomic(f"{report['run_id']}.json",
                                   (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def print_summary(report: dict[str, Any], console: Any = None) -> None:
    """A short table for the officer: one line per file, then the totals."""
    from rich.console import Console
    from rich.table import Table

    from lkip.console_safe import plain

    console = console or Console(stderr=False)
    table = Table(title=f"Run {report['run_id']} — {report['status']}", show_lines=False)
    table.add_column("Berkas")
    table.add_column("Jenis")
    table.add_column("Hasil")
    table.add_column("Baris", justify="right")
    table.add_column("Peringatan", justify="right")
    table.add_column("Galat", justify="right")
    styles = {"rejected": "red", "failed": "bold red", "accepted_with_warnings": "yellow", "accepted": "green"}
    for f in report.get("files", []):
        oc = f.get("outcome") or ""
        table.add_row(
            plain(f.get("name") or ""),
            plain(f.get("kind") or "-"),
            f"[{styles.get(oc, 'white')}]{OUTCOME_LABELS.get(oc, oc)}[/]",
            str(f.get("n_rows", 0)),
            str(f.get("n_warnings", 0)),
            str(f.get("n_errors", 0)),
        )
    if report.get("files"):
        console.print(table)
    by = report.get("files_by_outcome", {})
    parts = [f"{OUTCOME_LABELS.get(k, k)}: {v}" for k, v in by.items()] or ["tidak ada berkas baru"]
    console.print(
        f"Berkas: {report.get('files_seen', 0)} ({', '.join(parts)}); "
        f"baris dimuat: {report.get('rows_staged', 0)}; peringatan: {report.get('warnings', 0)}"
    )
    tw = report.get("peringatan_laporan") or {}
    if tw:
        detail = ", ".join(f"{k}: {v}" for k, v in tw.items())
        console.print(f"[yellow]Peringatan pada tabel laporan: {sum(tw.values())} ({detail}); "
                      "lihat sheet Validasi atau laporan.peringatan[/]")
    rec = report.get("reconciliation_differences")
    if rec:
        console.print(f"[yellow]Selisih rekonsiliasi: {rec} baris (lihat laporan.peringatan)[/]")
    d = report.get("durations_seconds", {})
    if d:
        console.print("Durasi: " + ", ".join(f"{k} {v:.1f} s" for k, v in d.items()))
    for f in report.get("files", []):
        if f.get("outcome") == "rejected":
            dest = f.get("archived_to") or f.get("file")
            console.print(f"[red]Ditolak:[/] {plain(f.get('name'))} → {plain(dest)}")
            for m in f.get("messages", [])[:3]:
                console.print(f"    {plain(m)}")
        elif f.get("outcome") in ("failed", "skipped"):
            head = "[bold red]Gagal diproses:[/]" if f.get("outcome") == "failed" else "[yellow]Dilewati:[/]"
            console.print(f"{head} {plain(f.get('name'))}: {plain(' '.join(f.get('messages', [])[-1:]))}")
    if report.get("error"):
        console.print(f"[bold red]Run gagal:[/] {plain(report['error'])}")
