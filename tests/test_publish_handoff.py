"""A split unit with `here` (after a re-drop): the workbook starts on the pool at once, writes its
sheets while this process draws the charts and reads them once they are drawn (lkip.publish.handoff);
the documents are written here after the charts: the bytes of the serial publish; a base that
fails stops the workbook and fails the unit; charts other than those planned are refused."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest

import lkip.publish as publish_pkg
from lkip.config import load_config
from lkip.publish import handoff
from lkip.publish.charts import Chart
from lkip.publish.digest import MANIFEST
from lkip.publish.runner import InProcess, plan, run_job, run_job_split
from test_publish_runner import KODE, _city, _same_outputs

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kota(tmp_path_factory):
    ws = tmp_path_factory.mktemp("ws")
    cfg = load_config(workspace=ws, overrides={"skpd": {KODE: "SEKRETARIAT DAERAH"}, "publish": {"split_rows": 1}})
    con = duckdb.connect(str(_city(ws / "lkip.duckdb")), read_only=True)
    try:
        jobs, _ = plan(con, ws / "x", cfg)
    finally:
        con.close()
    return next(j for j in jobs if j.unit.is_kota), cfg


def test_workbook_written_while_the_charts_are_drawn(kota, tmp_path, monkeypatch):
    job, cfg = kota
    waiting = threading.Event()  # the workbook reached its Grafik sheet
    real_base, real_wait = publish_pkg.publish_base, handoff.ChartsLater.wait
    order, messages, documents = [], [], []
    real_documents = publish_pkg.publish_documents

    def docs(*a, **k):
        documents.append((threading.current_thread() is threading.main_thread(), waiting.is_set()))
        return real_documents(*a, **k)

    def base(*a, **k):  # the charts are drawn only once the workbook is waiting for them
        order.append(("base waits for the workbook", waiting.wait(60)))
        return real_base(*a, **k)

    def wait(self, planned, poll=0.005):
        order.append(("workbook sheets written, charts planned", len(planned)))
        messages.append(self.path)
        waiting.set()
        return real_wait(self, planned, poll)

    monkeypatch.setattr(publish_pkg, "publish_base", base)
    monkeypatch.setattr(handoff.ChartsLater, "wait", wait)
    monkeypatch.setattr(publish_pkg, "publish_documents", docs)
    with ThreadPoolExecutor(2) as pool:  # the worker process, as a thread (nothing drawn there)
        res = run_job_split(job, tmp_path / "split", cfg, pool.submit, InProcess(first=1).submit)
    assert res.error is None, res.error
    # on the "pool", after the workbook (which waited for the charts): one part, one layout
    assert documents == [(False, True)]
    assert order[0] == ("workbook sheets written, charts planned", len(publish_pkg.planned_charts(job.unit, tmp_path)))
    assert order[1] == ("base waits for the workbook", True) and order[0][1] > 0
    serial = run_job(job, tmp_path / "serial", cfg)
    assert sorted(Path(p).relative_to(tmp_path / "split") for p in res.paths) == \
        sorted(Path(p).relative_to(tmp_path / "serial") for p in serial.paths)
    _same_outputs(tmp_path / "serial", tmp_path / "split")  # CSV, PNG, HTML bytes; workbook cells
    assert len(messages) == 1 and not Path(messages[0]).exists()  # the message removed


def test_base_failing_stops_the_workbook_and_fails_the_unit(kota, tmp_path, monkeypatch):
    job, cfg = kota
    made = []
    real_init = handoff.ChartsLater.__init__

    def init(self, timeout=900.0):
        real_init(self, timeout=30)  # were the failure not sent, the test would fail in 30 s, not hang
        made.append(self)

    def broken(*a, **k):
        raise OSError("disk rusak")

    monkeypatch.setattr(handoff.ChartsLater, "__init__", init)
    monkeypatch.setattr(publish_pkg, "publish_base", broken)
    with ThreadPoolExecutor(2) as pool:
        res = run_job_split(job, tmp_path / "out", cfg, pool.submit, InProcess(first=1).submit)
    assert res.error == ("Keluaran kota (konsolidasi) tahun 2020 gagal diterbitkan (OSError: disk rusak); "
                         "SKPD lain tetap diterbitkan.")
    folder = tmp_path / "out" / "2020" / "kota"
    assert not res.paths and not (folder / MANIFEST).exists() and not list(folder.glob("*.xlsx"))
    assert len(made) == 1 and not Path(made[0].path).exists()


def test_only_the_planned_charts_are_taken(tmp_path):
    one = [Chart("a", "Grafik A", tmp_path / "a.png", 0, 0)]
    other = [Chart("b", "Grafik B", tmp_path / "b.png", 0, 0)]
    later = handoff.ChartsLater(timeout=5)
    later.send(one)
    later.wait(one)  # as planned
    with pytest.raises(RuntimeError, match="berbeda"):
        later.wait(other)
    later.send(None, "OSError: disk rusak")
    with pytest.raises(RuntimeError, match="disk rusak"):
        later.wait(one)
    later.discard()
    late = handoff.ChartsLater(timeout=0.05)
    with pytest.raises(RuntimeError, match="tidak selesai"):
        late.wait(one)
    assert not Path(later.path).exists() and not Path(late.path).exists()


def test_a_worker_whose_parent_is_not_the_flow_waits_while_the_flow_runs(tmp_path):
    """A worker forked from the run's fork server has the fork server for parent: it waits for the
    charts as long as the flow's process runs, and stops once that process is gone."""
    import subprocess
    import sys

    flow = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # stands for the flow's process
    try:
        later = handoff.ChartsLater(timeout=30)
        later.parent = flow.pid   # not this process, not its parent
        sender = threading.Timer(0.3, later.send, args=([],))
        sender.start()
        assert later.wait([]) == []   # waited for the message instead of giving up at once
        later.discard()

        gone = handoff.ChartsLater(timeout=30)
        gone.parent = flow.pid
        flow.kill()
        flow.wait()
        with pytest.raises(RuntimeError, match="proses utama berhenti"):
            gone.wait([])
        gone.discard()
    finally:
        flow.kill()
        flow.wait()
