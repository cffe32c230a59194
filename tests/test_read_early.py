"""`lkip run` starts reading a big drop before its flow starts (lkip.read_pool.EarlyRead); the
flow's prepare phase adopts what was read only when it is the file as it is now, read with the
same configuration, and reads everything else itself."""

from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from conftest import EXAMPLE
from lkip import read_pool
from lkip.config import load_config
from xlsx_builders import register_rows, register_sheet, write_xlsx


def _workspace(tmp: Path, processes_mb: str = "0", age: float = 3600.0) -> object:
    """The bundled example plus a register in a subfolder, modified `age` seconds ago."""
    (tmp / "input" / "4.01.01").mkdir(parents=True)
    for f in sorted((EXAMPLE / "input").glob("*.xlsx")):
        shutil.copy(f, tmp / "input" / f.name)
    write_xlsx(tmp / "input" / "4.01.01" / "register_tambahan.xlsx",
               [("Register SP2D", register_sheet(register_rows(60)))])
    then = time.time() - age
    for p in (tmp / "input").rglob("*.xlsx"):
        os.utime(p, (then, then))
    (tmp / "lkip.toml").write_text(f"[runner]\nmax_workers = 2\nread_processes_mb = {processes_mb}\n")
    return load_config(workspace=tmp)


def _read_early(cfg, workers: int = 2) -> read_pool.EarlyRead:
    early = read_pool.start_early(cfg, workers)
    early.thread.join(60)
    assert not early.thread.is_alive()
    for _, fut in list(early.futures.values()):
        fut.result(timeout=120)
    return early


@pytest.fixture(autouse=True)
def _no_leftover():
    yield
    read_pool.close_early()


def test_the_flow_takes_every_file_read_early_and_it_equals_a_file_read_then(tmp_path):
    cfg = _workspace(tmp_path)
    paths = read_pool.input_files(cfg)
    early = _read_early(cfg)
    assert sorted(early.futures) == sorted(paths) and len(paths) == 6
    adopted = read_pool.adopt(cfg, paths, 2)
    assert adopted is early and isinstance(adopted.pool, ProcessPoolExecutor)
    with adopted.pool as pool:
        for p in paths:
            fut = adopted.take(p)
            assert fut is not None and fut.done()
            now = pool.submit(read_pool.prepare_portable, p, cfg, None).result()
            got = fut.result()
            assert (got.rel_path, got.kind, got.sha256, got.n_rows) == (now.rel_path, now.kind, now.sha256, now.n_rows)
            assert sorted(got.tables) == sorted(now.tables)
            for name in got.tables:
                assert got.tables[name].equals(now.tables[name])
        assert adopted.take(paths[0]) is None            # taken once
    assert read_pool.adopt(cfg, paths, 2) is None        # adopted once


def test_a_file_changed_since_it_was_read_early_is_not_taken(tmp_path):
    cfg = _workspace(tmp_path)
    paths = read_pool.input_files(cfg)
    early = _read_early(cfg)
    changed = str(Path(cfg.input_dir) / "4.01.01" / "register_tambahan.xlsx")
    write_xlsx(Path(changed), [("Register SP2D", register_sheet(register_rows(61)))])
    adopted = read_pool.adopt(cfg, paths, 2)
    assert adopted is early
    with adopted.pool:
        assert adopted.take(changed) is None
        assert all(adopted.take(p) is not None for p in paths if p != changed)


def test_a_file_the_flow_does_not_find_is_dropped(tmp_path):
    cfg = _workspace(tmp_path)
    paths = read_pool.input_files(cfg)
    early = _read_early(cfg)
    gone = paths[-1]
    adopted = read_pool.adopt(cfg, paths[:-1], 2)
    with adopted.pool:
        assert gone not in early.futures and adopted.take(gone) is None


@pytest.mark.parametrize("change", ["config", "workers"])
def test_another_configuration_or_pool_size_reads_again(tmp_path, change):
    cfg = _workspace(tmp_path)
    paths = read_pool.input_files(cfg)
    early = _read_early(cfg)
    other = load_config(workspace=tmp_path)
    workers = 2
    if change == "config":
        other.data.setdefault("limits", {})["max_rows"] = 10
    else:
        workers = 3
    assert read_pool.adopt(other, paths, workers) is None
    assert early.handed and early.futures == {}
    with pytest.raises(RuntimeError):    # its pool was let go
        early.pool.submit(len, "x")


def test_a_file_modified_within_stable_seconds_is_left_to_the_flow(tmp_path):
    cfg = _workspace(tmp_path)
    fresh = Path(cfg.input_dir) / "4.01.01" / "register_tambahan.xlsx"
    now = time.time()
    os.utime(fresh, (now, now))
    early = _read_early(cfg)
    assert str(fresh) not in early.futures and len(early.futures) == 5


@pytest.mark.parametrize("processes_mb, workers", [("-1", 2), ("500", 2), ("0", 1)])
def test_a_drop_read_on_threads_is_not_read_early(tmp_path, processes_mb, workers):
    cfg = _workspace(tmp_path, processes_mb)
    early = _read_early(cfg, workers)
    assert early.pool is None and early.futures == {}
    assert read_pool.adopt(cfg, read_pool.input_files(cfg), workers) is None


def test_a_run_that_ends_before_its_flow_lets_the_early_reading_go(tmp_path):
    cfg = _workspace(tmp_path)
    early = _read_early(cfg)
    read_pool.close_early()
    assert early.handed and early.futures == {}
    assert read_pool.adopt(cfg, read_pool.input_files(cfg), 2) is None


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_lkip_run_reads_a_big_drop_early_with_the_results_of_a_run_that_did_not(tmp_path, example_run,
                                                                                 prefect_api_url):
    """`lkip run` on the bundled example with `read_processes_mb = 0` (read on processes, so read
    early): the flow takes all five files from the early reading, and the warehouse and CSVs are
    those of the reference run (read on threads, after the flow started)."""
    from test_reliability_helpers import csv_digest, lkip_env, make_workspace, run_lkip, warehouse_digest

    ws = make_workspace(tmp_path / "ws", "[runner]\nmax_workers = 2\nread_processes_mb = 0\n")
    r = run_lkip(["run", "-w", str(ws)], lkip_env({"PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "INFO"},
                                                   api_url=prefect_api_url))   # the flow's log lines
    assert r.returncode == 0, r.stdout + r.stderr
    assert "5 berkas sudah mulai dibaca sebelum flow dimulai" in r.stdout + r.stderr
    assert warehouse_digest(ws) == example_run["digest"]
    assert csv_digest(ws) == example_run["csv"]


def test_read_early_false_starts_the_fork_server_only(tmp_path, monkeypatch):
    cfg = _workspace(tmp_path)
    cfg.data["runner"]["read_early"] = False
    started: list[bool] = []
    monkeypatch.setattr(read_pool, "start_fork_server", lambda: started.append(True) or True)
    early = _read_early(cfg)
    assert started == [True] and early.pool is None and early.futures == {}
    assert read_pool.adopt(cfg, read_pool.input_files(cfg), 2) is None


def test_the_adopted_pool_has_every_worker_even_when_few_files_were_read_early(tmp_path):
    """One settled file, five still fresh: the flow reads those five on the early pool, which
    must have as many workers as the flow's own would."""
    cfg = _workspace(tmp_path)
    now = time.time()
    for p in Path(cfg.input_dir).glob("*.xlsx"):
        os.utime(p, (now, now))
    early = _read_early(cfg)
    assert len(early.futures) == 1
    adopted = read_pool.adopt(cfg, read_pool.input_files(cfg), 2)
    assert adopted is early and adopted.pool._max_workers == 2
    adopted.pool.shutdown()
