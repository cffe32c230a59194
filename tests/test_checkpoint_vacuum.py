"""The checkpoint at close merges at most `[warehouse] vacuum_tasks` runs of row groups per table
(lkip.checkpoint_vacuum): the groups a big file wrote at its commit are not rewritten, the tiny
groups of small commits still merge run after run, the contents are the same, and a close killed
in the middle leaves a warehouse the next connection opens with every committed row."""

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


def _cfg(ws: Path, vacuum_tasks: int | None):
    ws.mkdir(parents=True, exist_ok=True)
    text = "" if vacuum_tasks is None else f"[warehouse]\nvacuum_tasks = {vacuum_tasks}\n"
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


def test_the_setting_reaches_the_connection(tmp_path):
    for value, expected in ((None, checkpoint_vacuum.VACUUM_TASKS), (0, 0), (100, 100)):
        con = stage.connect(_cfg(tmp_path / str(value), value))
        try:
            assert con.execute("SELECT current_setting('max_vacuum_tasks')").fetchone()[0] == expected
        finally:
            con.close()


@pytest.mark.parametrize("vacuum_tasks", [None, 100])
def test_close_keeps_the_groups_big_files_wrote(tmp_path, vacuum_tasks):
    """Each SKPD: a small file (through the log), then a register (written at its commit), as a
    city run stages them. DuckDB's own setting (100) merges the groups at close, compressing
    the registers' rows again; the default merges at most one run of them; same rows both ways."""
    cfg = _cfg(tmp_path / "ws", vacuum_tasks)
    con = stage.connect(cfg)
    for i in range(6):
        _commit(con, f"renja{i}", SMALL)
        _commit(con, f"register{i}", BIG)
    con.close()
    groups = _groups(cfg.warehouse)
    assert sum(groups) == 6 * (SMALL + BIG)
    assert len(_rows(cfg.warehouse)) == 6 * (SMALL + BIG)
    if vacuum_tasks is None:
        assert len(groups) >= 6 * 3 - 2          # 18 groups written; one merge of 3 into 2 at most
        assert groups.count(16384) >= 5
    else:
        assert len(groups) <= 6 * 3 - 4          # DuckDB's own: merged throughout


def test_same_contents_with_either_setting(tmp_path):
    got = []
    for value in (None, 100):
        cfg = _cfg(tmp_path / str(value), value)
        con = stage.connect(cfg)
        for i in range(4):
            _commit(con, f"renja{i}", SMALL)
            _commit(con, f"register{i}", BIG)
        con.execute("DELETE FROM staging.t WHERE file = 'register1'")      # a replaced file
        con.close()
        got.append(_rows(cfg.warehouse))
    assert got[0] == got[1] and len(got[0]) == 4 * SMALL + 3 * BIG


@pytest.mark.parametrize("vacuum_tasks, bounded", [(None, True), (0, False)])
def test_small_commits_of_many_runs_still_merge(tmp_path, vacuum_tasks, bounded):
    """Twenty runs, each staging one small file and closing (a checkpoint), every fourth also a
    register: each close leaves the small rows in a group of their own, which the next close
    merges with the default; with no merges at all (0) they pile up."""
    cfg = _cfg(tmp_path / "ws", vacuum_tasks)
    for run in range(20):
        con = stage.connect(cfg)
        _commit(con, f"renja{run}", SMALL)
        if run % 4 == 0:
            _commit(con, f"register{run}", BIG)
        con.close()
    groups = _groups(cfg.warehouse)
    rows = 20 * SMALL + 5 * BIG
    assert sum(groups) == rows
    fewest = -(-rows // stage.ROW_GROUP_ROWS)
    assert (len(groups) <= fewest + 3) is bounded, groups


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
