"""The read workers are forked from a fork server that imported the readers (lkip.read_pool):
what they send back equals a file prepared in this process, and `lkip run` starts that server at
once only for a drop it will read on processes."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import EXAMPLE
from lkip import cli_run, ingest, read_pool
from lkip.config import load_config
from xlsx_builders import register_rows, register_sheet, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
FORKSERVER = "forkserver" in multiprocessing.get_all_start_methods()


def _imported(pool, names: list[str]) -> dict[str, bool]:
    """Which of `names` a worker of `pool` has imported before its first task. The task is the
    builtin eval (pickled by name: unpickling it imports nothing, unlike a function of this test
    module, whose imports would answer the question)."""
    expr = f"{{n: n in __import__('sys').modules for n in {names!r}}}"
    return pool.submit(eval, expr).result()


def _workspace(tmp: Path, processes_mb: str = "0") -> object:
    (tmp / "input" / "4.01.01").mkdir(parents=True)
    for f in sorted((EXAMPLE / "input").glob("*.xlsx")):
        shutil.copy(f, tmp / "input" / f.name)
    write_xlsx(tmp / "input" / "4.01.01" / "register_tambahan.xlsx",
               [("Register SP2D", register_sheet(register_rows(60)))])
    (tmp / "lkip.toml").write_text(f"[runner]\nmax_workers = 2\nread_processes_mb = {processes_mb}\n")
    return load_config(workspace=tmp)


@pytest.mark.skipif(not FORKSERVER, reason="no fork server on this platform: spawned workers")
def test_the_workers_come_from_a_fork_server_with_the_readers_imported(tmp_path):
    cfg = _workspace(tmp_path)
    paths = read_pool.input_files(cfg)
    with read_pool.read_pool(cfg, paths, 2) as pool:
        assert pool._mp_context.get_start_method() == "forkserver"
        first = _imported(pool, ["lkip.ingest", "lkip.sources", "pandera", "openpyxl", "fastexcel"])
    assert first == {"lkip.ingest": True, "lkip.sources": True, "pandera": True, "openpyxl": True,
                     "fastexcel": True}


@pytest.mark.skipif(not FORKSERVER, reason="no fork server on this platform: spawned workers")
def test_the_fork_server_imported_publishing_for_the_publish_workers(tmp_path):
    """A plain pool of the fork server (no initializer): publishing is there before any task."""
    from concurrent.futures import ProcessPoolExecutor

    assert read_pool.start_fork_server() and read_pool.fork_server_running()
    with ProcessPoolExecutor(1, mp_context=read_pool.process_context()) as pool:
        got = _imported(pool, ["lkip.publish", "lkip.publish.runner", "matplotlib.figure", "docx", "xlsxwriter"])
    assert got == {"lkip.publish": True, "lkip.publish.runner": True, "matplotlib.figure": True, "docx": True,
                   "xlsxwriter": True}


def test_a_file_prepared_in_a_worker_equals_one_prepared_here(tmp_path):
    cfg = _workspace(tmp_path)
    paths = sorted(read_pool.input_files(cfg))
    here = [ingest.prepare(Path(p), cfg) for p in paths]
    with read_pool.read_pool(cfg, paths, 2) as pool:
        there = [f.result() for f in [pool.submit(read_pool.prepare_portable, p, cfg, None) for p in paths]]
    assert len(there) == len(paths) >= 6
    assert sum(p.n_rows for p in there) > 60
    for a, b in zip(here, there):
        assert (a.rel_path, a.kind, a.sha256, repr(a.meta), a.headers) == (b.rel_path, b.kind, b.sha256,
                                                                           repr(b.meta), b.headers)
        assert [i.text() for i in a.issues] == [i.text() for i in b.issues]
        assert sorted(a.tables) == sorted(b.tables)
        for name in a.tables:     # dtypes and values, column by column
            assert list(a.tables[name].dtypes.astype(str)) == list(b.tables[name].dtypes.astype(str))
            pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True)
        assert len(a.raw or []) == len(b.raw or [])
        for x, y in zip(a.raw or [], b.raw or []):
            if hasattr(x, "cells"):
                assert (x.sheet, x.tabel, x.origin, x.lead) == (y.sheet, y.tabel, y.origin, y.lead)
                assert x.cells.equals(y.cells) and list(x.positions) == list(y.positions)
            else:
                assert x.equals(y)


def test_input_files_is_the_drop_without_archive_hidden_or_lock_files(tmp_path):
    """What the run itself discovers (a file of no known kind too: the run rejects it)."""
    cfg = _workspace(tmp_path)
    inp = Path(cfg.input_dir)
    for name in ("processed/old.xlsx", "rejected/bad.xlsx", ".hidden/x.xlsx", "~$lock.xlsx", "catatan.txt",
                 "4.01.01/processed/kept.xlsx"):
        (inp / name).parent.mkdir(parents=True, exist_ok=True)
        (inp / name).write_bytes(b"x")
    got = sorted(Path(p).relative_to(inp).as_posix() for p in read_pool.input_files(cfg))
    want = sorted(p.relative_to(inp).as_posix() for p in inp.rglob("*") if p.is_file()
                  and p.parts[len(inp.parts)] not in ("processed", "rejected", ".hidden") and not p.name.startswith("~$"))
    assert got == want and "4.01.01/processed/kept.xlsx" in got and "catatan.txt" in got and len(got) == 8
    assert got == sorted(Path(p).relative_to(inp).as_posix() for p in ingest.discover(cfg, settle_check=False))


@pytest.mark.parametrize("processes_mb, workers, started", [("0", 2, True), ("-1", 2, False), ("0", 1, False),
                                                             ("500", 2, False)])
def test_start_early_starts_the_fork_server_only_for_a_drop_read_on_processes(tmp_path, monkeypatch, processes_mb,
                                                                              workers, started):
    cfg = _workspace(tmp_path, processes_mb)
    calls: list[bool] = []
    monkeypatch.setattr(read_pool, "start_fork_server", lambda: calls.append(True) or True)
    read_pool.start_early(cfg, workers).thread.join(30)
    read_pool.close_early()
    assert calls == ([True] if started else [])


@pytest.mark.parametrize("kind, called", [("threads", True), ("processes", False), ("dask", False)])
def test_lkip_run_starts_the_read_workers_early_with_the_thread_runner_only(tmp_path, monkeypatch, kind, called):
    cfg = _workspace(tmp_path)
    cfg.data["runner"]["kind"] = kind
    calls: list[int] = []
    monkeypatch.setattr(read_pool, "start_early", lambda c, workers: calls.append(workers))
    cli_run._start_read_workers(cfg)
    assert calls == ([2] if called else [])


@pytest.mark.skipif(not FORKSERVER, reason="no fork server on this platform")
def test_start_fork_server_runs_it_and_a_pool_then_uses_it(tmp_path):
    from multiprocessing import forkserver

    assert read_pool.start_fork_server() is True
    pid = forkserver._forkserver._forkserver_pid
    assert pid is not None
    cfg = _workspace(tmp_path)
    paths = read_pool.input_files(cfg)
    with read_pool.read_pool(cfg, paths, 2) as pool:
        assert _imported(pool, ["lkip.ingest"]) == {"lkip.ingest": True}
    assert forkserver._forkserver._forkserver_pid == pid      # the same server, not a second one


@pytest.mark.timeout(300)
def test_prepare_bench_reads_on_processes(tmp_path):
    """bench/prepare_ab.py --processes (the new code only) on a small drop: the timings of the
    flow's way of reading, with the workers' CPU counted."""
    data = tmp_path / "data"
    data.mkdir()
    for f in sorted((EXAMPLE / "input").glob("*.xlsx")):
        shutil.copy(f, data / f.name)
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "prepare_ab.py"), "--data", str(data),
                           "--new-only", "--processes", "--threads", "2", "--no-compare"],
                          capture_output=True, text=True, cwd=str(ROOT), timeout=280)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout)["2"]
    assert got["files"] == 5 and got["wall"] > 0
    assert got["workers_cpu"] > 0.2          # the workers' reading (and the fork server's imports)
    assert got["cpu"] > got["workers_cpu"]
