"""`lkip watch`'s kept publish worker (lkip.publish.standby): two re-drops, one after the other, are
published through the same warm worker process (the city's workbook there, the rest in the flow's
process) and give the outputs of a full rebuild; the publish step's shutdown keeps the worker, a
closed or broken pool is replaced, a full publish still starts its own workers."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import duckdb
import pytest

from flows.publish_step import early_pool
from flows.runners import keep_publish_worker
from lkip.config import load_config
from lkip.publish import publish_all, standby
from lkip.publish.digest import MANIFEST
from fixtures_publish import spy_split
from test_publish_runner import KODE, _same_outputs, _snapshot
from test_publish_split_flow import _publish, split_city  # the publish step in a flow of its own; its city

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture
def kept():
    yield standby
    standby.close()


def _pid(_: int) -> int:
    return os.getpid()


def _redrop(warehouse: Path, amount: int) -> None:
    """A corrected file of KODE: its realisation changes, and the city's consolidation with it."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("update laporan.lampiran_3 set rp_tw4 = rp_tw4 + ? where kode_skpd in (?, 'KOTA') "
                    "and level = 'program'", [amount, KODE])
        con.execute("update laporan.tabel_3_31 set realisasi = realisasi + ? where kode_skpd in (?, 'KOTA')",
                    [amount, KODE])
    finally:
        con.close()


def test_two_redrops_through_the_kept_worker_equal_a_full_rebuild(tmp_path, prefect_api_url, kept, monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    warehouse, cfg, out = split_city(tmp_path)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        publish_all(con, out, cfg, workers=1)  # the full run before the re-drops
    finally:
        con.close()
    assert keep_publish_worker(cfg)  # as `lkip watch` starts: 4 units published, so the worker starts now
    pool = standby.take()
    assert pool is not None and pool.lkip_warm.result(timeout=120)
    worker = pool.submit(_pid, 0).result(timeout=60)

    split = spy_split(monkeypatch)
    for amount in (1000, 2500):
        before = _snapshot(out)
        _redrop(warehouse, amount)
        with temporary_settings(updates={PREFECT_API_URL: prefect_api_url}):
            paths, summary = _publish(cfg, str(warehouse))
        assert summary["unit_diterbitkan"] == 2 and summary["unit_tidak_berubah"] == 2 and not summary["unit_gagal"]
        after = _snapshot(out)
        assert {rel.split("/")[1] for rel in after if after[rel] != before.get(rel)} == {KODE, "kota"}
        # the publish step's shutdown left the same warm process for the next run (a submit that
        # finds it still handing back its last result may start the pool's second one: both stay)
        assert standby.take() is pool and worker in pool._processes and pool._processes[worker].is_alive()
        assert pool.submit(_pid, 0).result(timeout=60) in pool._processes
    assert sorted(split) == [(KODE, True), (KODE, True), ("kota", True), ("kota", True)]

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        publish_all(con, tmp_path / "full", cfg, workers=1)  # a full rebuild from the same warehouse
    finally:
        con.close()
    for p in [*out.rglob(MANIFEST), *(tmp_path / "full").rglob(MANIFEST)]:
        p.unlink()
    _same_outputs(out, tmp_path / "full")  # CSV, PNG, HTML bytes; workbook cells


def test_kept_pool_survives_shutdown_and_a_dead_one_is_replaced(kept):
    assert standby.take() is None  # nothing kept unless enabled
    standby.enable(2, start_now=False)
    pool = standby.take()  # started by the first run that needs it
    assert pool is not None and pool.lkip_warm.result(timeout=120)
    pid = pool.submit(_pid, 0).result(timeout=60)
    pool.shutdown(wait=False, cancel_futures=True)  # as the publish step does at its end
    with pool:  # and as a `with` block would
        pass
    assert standby.take() is pool and pid in pool._processes and pool._processes[pid].is_alive()
    assert pool.submit(_pid, 0).result(timeout=60) in pool._processes
    os.kill(pid, signal.SIGKILL)  # the worker dies between two runs
    deadline = time.monotonic() + 60
    while pool.usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pool.usable()
    fresh = standby.take()
    assert fresh is not pool and fresh.submit(_pid, 0).result(timeout=120) != pid
    standby.close()
    assert standby.take() is None and not fresh.usable()


def test_early_pool_takes_the_kept_worker_only_for_a_redrop(tmp_path, kept):
    cfg = load_config(workspace=tmp_path, overrides={"publish": {"workers": 2, "min_units_parallel": 4}})
    assert keep_publish_worker(cfg)  # nothing published yet: enabled, started by the first re-drop
    assert standby._state["pool"] is None
    pool = early_pool(cfg, 6)
    assert pool is standby.take()
    full = early_pool(cfg, 6, every=True)  # a full publish: its own workers, all started at once
    try:
        assert full is not pool and not isinstance(full, standby.KeptPool)
    finally:
        full.shutdown()
    assert early_pool(cfg, 3) is None  # few units in the warehouse: no worker at all, as before
    single = load_config(workspace=tmp_path, overrides={"publish": {"workers": 1}})
    standby.close()
    assert not keep_publish_worker(single) and standby.take() is None
