"""Row groups are merged at the checkpoints of every `[warehouse] merge_row_groups_every`th run
only (lkip.checkpoint_vacuum): the other closes leave the groups a big file wrote as written, the
small groups of many runs are still merged, the contents are the same either way, and a close
killed in the middle leaves a warehouse the next connection opens with every committed row."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from lkip import checkpoint_vacuum, stage
from lkip.config import load_config

BIG = 25_000        # a register: one full group of 16 384 rows and one of 8 616, written at its commit
SMALL = 130         # a Renja: its rows go through the log, into the table's last group


def _cfg(ws: Path, every: int | None):
    ws.mkdir(parents=True, exist_ok=True)
    text = "" if every is None else f"[warehouse]\nmerge_row_groups_every = {every}\n"
    (ws / "lkip.toml").write_text(text)
    return load_config(workspace=ws)


def _commit(con, tag: str, n: int) -> None:
    """One file's rows in one transaction, as lkip.stage.insert_file commits them."""
    con.execute("CREATE TABLE IF NOT EXISTS staging.t (file VARCHAR, k VARCHAR, nilai VARCHAR, urutan INTEGER)")
    con.execute("BEGIN TRANSACTION")
    con.execute(f"INSERT INTO staging.t SELECT '{tag}', 'SP2D-' || range, '[\"' || md5(range::VARCHAR) || '\"]', "
                f"range FROM range({n})")
    con.execute("COMMIT")


def _groups(path: Path) -> list[int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [r[0] for r in con.execute(
            "SELECT max(count) FROM pragma_storage_info('staging.t') WHERE column_name = 'k' "
            "GROUP BY row_group_id ORDER BY row_group_id").fetchall()]
    finally:
        con.close()


def _rows(path: Path) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT * FROM staging.t ORDER BY file, urutan").fetchall()
    finally:
        con.close()


def _vacuum_tasks(cfg) -> int:
    con = stage.connect(cfg)
    try:
        return con.execute("SELECT current_setting('max_vacuum_tasks')").fetchone()[0]
    finally:
        con.close()


def test_every_nth_run_merges(tmp_path):
    """max_vacuum_tasks of a writing connection: DuckDB's default when the runs recorded are a
    positive multiple of N, else 0; N = 1 always, N = 0 never."""
    cfg = {n: _cfg(tmp_path / str(n), n) for n in (None, 3, 1, 0)}
    assert checkpoint_vacuum.merge_every(cfg[None]) == checkpoint_vacuum.MERGE_EVERY
    seen: dict = {n: [] for n in cfg}
    for run in range(7):
        for n, c in cfg.items():
            seen[n].append(_vacuum_tasks(c))
            con = stage.connect(c)
            stage.start_run(con, f"run{run}")
            con.close()
    on, off = checkpoint_vacuum.DUCKDB_DEFAULT, 0
    assert seen[3] == [off, off, off, on, off, off, on]
    assert seen[1] == [on] * 7 and seen[0] == [off] * 7
    assert seen[None] == [off] * 7                 # the 20th run is far


@pytest.mark.parametrize("every", [None, 1])
def test_close_keeps_the_groups_big_files_wrote(tmp_path, every):
    """Each SKPD: a small file (through the log), then a register (written at its commit), as a
    city run stages them. A run that merges (1: every run, DuckDB's way) merges the groups at
    close, compressing the registers' rows again; the default's first run leaves them."""
    cfg = _cfg(tmp_path / "ws", every)
    con = stage.connect(cfg)
    for i in range(6):
        _commit(con, f"renja{i}", SMALL)
        _commit(con, f"register{i}", BIG)
    con.close()
    groups = _groups(cfg.warehouse)
    assert sum(groups) == 6 * (SMALL + BIG)
    assert len(_rows(cfg.warehouse)) == 6 * (SMALL + BIG)
    if every is None:
        assert groups == [SMALL, 16384, BIG - 16384] * 6          # as written
    else:
        assert len(groups) <= 6 * 3 - 4                           # merged throughout


def test_same_contents_with_or_without_merges(tmp_path):
    got = []
    for every in (None, 1):
        cfg = _cfg(tmp_path / str(every), every)
        con = stage.connect(cfg)
        for i in range(4):
            _commit(con, f"renja{i}", SMALL)
            _commit(con, f"register{i}", BIG)
        con.execute("DELETE FROM staging.t WHERE file = 'register1'")      # a replaced file
        con.close()
        got.append(_rows(cfg.warehouse))
    assert got[0] == got[1] and len(got[0]) == 4 * SMALL + 3 * BIG


@pytest.mark.parametrize("every, bounded", [(5, True), (0, False)])
def test_small_groups_of_many_runs_are_still_merged(tmp_path, every, bounded):
    """Twenty runs, each staging one small file and closing (a checkpoint), every fourth also a
    register: each close leaves the small rows in a group of their own; every fifth run's close
    merges them; with no merges at all (0) they pile up."""
    cfg = _cfg(tmp_path / "ws", every)
    for run in range(20):
        con = stage.connect(cfg)
        stage.start_run(con, f"run{run}")
        _commit(con, f"renja{run}", SMALL)
        if run % 4 == 0:
            _commit(con, f"register{run}", BIG)
        con.close()
    groups = _groups(cfg.warehouse)
    rows = 20 * SMALL + 5 * BIG
    assert sum(groups) == rows
    fewest = -(-rows // stage.ROW_GROUP_ROWS)
    assert (len(groups) <= fewest + 8) is bounded, groups     # 14 and 30 with DuckDB 2.0.1


CHILD = textwrap.dedent("""
    import sys
    from lkip import stage
    from lkip.config import load_config
    sys.path.insert(0, sys.argv[2])
    from test_checkpoint_vacuum import _commit

    con = stage.connect(load_config(workspace=sys.argv[1]))
    for i in range(4):
        _commit(con, f"renja{i}", 130)
        _commit(con, f"register{i}", 25000)
    # the checkpoint sleeps after writing each table's row groups: the kill lands inside it
    con.execute("SET debug_checkpoint_scan_sleep_ms = 400")
    print("closing", flush=True)
    con.close()
    print("closed", flush=True)
""")


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def test_a_close_killed_midway_leaves_every_committed_row(tmp_path):
    cfg = _cfg(tmp_path / "ws", None)
    stage.connect(cfg).close()                    # the warehouse exists, checkpointed, no log
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[1]), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(cfg.workspace), str(Path(__file__).parent)],
                             stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline().strip() == "closing"
        wal = Path(str(cfg.warehouse) + ".wal")
        assert wal.exists() and wal.stat().st_size > 0
        before = _stamp(cfg.warehouse)
        deadline = time.monotonic() + 60
        while _stamp(cfg.warehouse) == before and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)                       # until the checkpoint writes to the database file
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL    # killed in the close, not after it
    con = stage.connect(cfg)                       # opens: the log replays what the checkpoint did not install
    try:
        assert con.execute("SELECT count(*), count(DISTINCT file) FROM staging.t").fetchone() == (4 * (130 + 25000), 8)
    finally:
        con.close()
    assert len(_rows(cfg.warehouse)) == 4 * (130 + 25000)
