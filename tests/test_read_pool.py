"""A big drop is read on processes, a small one on threads (lkip.read_pool): same prepared files,
and a reader's failure in a worker comes back as a failed file named by its cause."""

from __future__ import annotations

import pickle
import shutil
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, ThreadPoolExecutor, wait
from pathlib import Path

import pandas as pd
import pytest

from conftest import EXAMPLE
from lkip import drop, read_pool
from lkip.config import load_config
from xlsx_builders import register_rows, register_sheet, write_xlsx


def _workspace(tmp: Path, processes_mb: str) -> tuple[object, list[str]]:
    (tmp / "input").mkdir(parents=True)
    for f in sorted((EXAMPLE / "input").glob("*.xlsx")):
        shutil.copy(f, tmp / "input" / f.name)
    # written once and copied: a workbook written again a second later holds another creation
    # time, so another sha256 (the processes and threads workspaces are compared by it)
    register = tmp.parent / "register_tambahan.xlsx"
    if not register.exists():
        write_xlsx(register, [("Register SP2D", register_sheet(register_rows(40)))])
    shutil.copy(register, tmp / "input" / register.name)
    (tmp / "input" / "bukan_excel.xlsx").write_bytes(b"ini bukan berkas Excel")
    (tmp / "lkip.toml").write_text(f"[runner]\nmax_workers = 2\nread_processes_mb = {processes_mb}\n")
    cfg = load_config(workspace=tmp)
    return cfg, sorted(str(p) for p in (tmp / "input").glob("*.xlsx"))


def _prepare(cfg, paths):
    with read_pool.read_pool(cfg, paths, 2) as pool:
        kind = type(pool)
        prepared, records = drop.prepare_drop(
            cfg, paths, submit=lambda p, rel: pool.submit(read_pool.prepare_portable, p, cfg, rel),
            wait_any=lambda fs: next(iter(wait(fs, return_when=FIRST_COMPLETED).done)))
    return kind, prepared, records


def _summary(prep) -> tuple:
    return (prep.path.name, prep.kind, prep.sha256, repr(prep.meta), prep.outcome,
            sorted(i.text() for i in prep.issues), sorted(prep.tables))


def test_a_big_drop_is_read_on_processes_with_the_same_result_as_threads(tmp_path):
    cfg_p, paths_p = _workspace(tmp_path / "proses", "0")
    cfg_t, paths_t = _workspace(tmp_path / "utas", "-1")
    kind_p, on_processes, rec_p = _prepare(cfg_p, paths_p)
    kind_t, on_threads, rec_t = _prepare(cfg_t, paths_t)
    assert (kind_p, kind_t) == (ProcessPoolExecutor, ThreadPoolExecutor)
    assert rec_p == rec_t == []
    assert [_summary(p) for p in on_processes] == [_summary(p) for p in on_threads]
    assert any(p.outcome == "rejected" for p in on_processes)     # the file that is no workbook
    assert sum(len(df) for p in on_processes for df in p.tables.values() if df is not None) > 20
    for a, b in zip(on_processes, on_threads):
        for name in a.tables:
            pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
        assert pickle.dumps(a.raw) == pickle.dumps(b.raw)


def test_which_pool_depends_on_the_drop_size_and_the_setting(tmp_path):
    cfg, paths = _workspace(tmp_path / "ws", "-1")
    mb = read_pool.drop_mb(paths)
    assert 0 < mb < 1
    assert not read_pool.on_processes(cfg, paths, 2)               # -1: never
    cfg.data["runner"]["read_processes_mb"] = 0
    assert read_pool.on_processes(cfg, paths, 2)                   # 0: always
    assert not read_pool.on_processes(cfg, paths, 1)               # one worker: threads
    assert not read_pool.on_processes(cfg, paths[:1], 2)           # one file: threads
    cfg.data["runner"]["read_processes_mb"] = mb * 2
    assert not read_pool.on_processes(cfg, paths, 2)               # smaller than the threshold
    cfg.data["runner"]["read_processes_mb"] = mb / 2
    assert read_pool.on_processes(cfg, paths, 2)
    del cfg.data["runner"]["read_processes_mb"]                    # the default: 8 MB
    assert not read_pool.on_processes(cfg, paths, 2)


class _Unpicklable(Exception):
    def __init__(self, a, b):
        super().__init__(f"{a}/{b}")


def test_a_reader_bug_in_a_worker_comes_back_as_an_exception_that_names_it(tmp_path, monkeypatch):
    from lkip import ingest
    from lkip.issues import FileIncomplete

    def broken(*args, **kwargs):
        raise _Unpicklable("kolom", 7)

    monkeypatch.setattr(ingest, "prepare", broken)
    with pytest.raises(read_pool.ReaderFailed) as info:
        read_pool.prepare_portable(str(tmp_path / "x.xlsx"), None)
    back = pickle.loads(pickle.dumps(info.value))       # what the parent gets from the worker
    assert str(back) == "_Unpicklable: kolom/7"
    record = drop.failed_outcome("x.xlsx", back, 0.1)
    assert "_Unpicklable: kolom/7" in record["messages"][0]

    def copying(*args, **kwargs):
        raise FileIncomplete("masih disalin")

    monkeypatch.setattr(ingest, "prepare", copying)
    with pytest.raises(FileIncomplete):                  # told apart by the parent: left for the next run
        read_pool.prepare_portable(str(tmp_path / "x.xlsx"), None)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_flow_reads_a_big_drop_on_processes_with_the_thread_run_s_results(tmp_path, example_run,
                                                                              prefect_api_url, monkeypatch):
    """The flow's own path (flows.pipeline.prepare_all) with `read_processes_mb = 0`: the bundled
    example read on two processes gives the warehouse and CSVs of the reference run (read on
    threads: 116 kB < 8 MB)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows import pipeline
    from test_reliability_helpers import csv_digest, make_workspace, warehouse_digest

    pools: list[type] = []
    real = read_pool.read_pool

    def spy(*args, **kwargs):
        pool = real(*args, **kwargs)
        pools.append(type(pool))
        return pool

    monkeypatch.setattr(read_pool, "read_pool", spy)
    ws = make_workspace(tmp_path / "ws", "[runner]\nmax_workers = 2\nread_processes_mb = 0\n")
    with temporary_settings(updates={PREFECT_API_URL: prefect_api_url}):
        report = pipeline.lkip_run(workspace=str(ws), run_id="baca-proses")
    assert pools == [ProcessPoolExecutor]
    assert report["status"] == "completed" and report["files_by_outcome"] == {"accepted": 5}
    assert warehouse_digest(ws) == example_run["digest"]
    assert csv_digest(ws) == example_run["csv"]
