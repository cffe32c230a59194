"""The warehouse is opened once per `lkip run` (the CLI's check hands its connection to the flow),
and its DDL is skipped when it already has this code's schema (lkip.warehouse_open): a warehouse
of an older code version still gets every new table and column."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from lkip import stage, warehouse_open
from lkip.config import load_config

ROOT = Path(__file__).resolve().parents[1]


def _columns(con, table: str) -> list[str]:
    schema, name = table.split(".")
    return [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema=? and table_name=?",
        [schema, name]).fetchall()]


def _stamp(path: Path) -> str | None:
    con = duckdb.connect(str(path))
    try:
        row = con.execute("select stamp from meta.skema").fetchone()
        return row[0] if row else None
    finally:
        con.close()


def _older_warehouse(path: Path) -> None:
    """A warehouse as an older version left it: no stamp, meta.files without its last columns,
    a staging table missing."""
    con = stage.connect(path=path)
    con.execute("drop table meta.skema")
    con.execute("alter table meta.files drop column berkas")
    con.execute("alter table meta.files drop column penggantian")
    con.execute("drop table staging.renja")
    con.close()


CONNECT = """
import sys
from lkip import stage
con = stage.connect(path=sys.argv[1])
print("sources" if "lkip.sources" in sys.modules else "no sources")
con.close()
"""


def _connect_in_new_process(path: Path) -> str:
    r = subprocess.run([sys.executable, "-c", CONNECT, str(path)], capture_output=True, text=True,
                       cwd=ROOT, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout.strip()


def test_an_older_warehouse_gets_its_new_tables_and_columns_and_the_stamp(tmp_path):
    wh = tmp_path / "lkip.duckdb"
    _older_warehouse(wh)
    assert _stamp_missing(wh)
    assert _connect_in_new_process(wh) == "sources"         # no stamp: the whole DDL, readers loaded
    con = duckdb.connect(str(wh))
    assert {"berkas", "penggantian"} <= set(_columns(con, "meta.files"))
    assert _columns(con, "staging.renja")
    con.close()
    assert _stamp(wh) == warehouse_open.stamp()


def _stamp_missing(path: Path) -> bool:
    con = duckdb.connect(str(path))
    try:
        return not con.execute("select count(*) from duckdb_tables() where schema_name='meta' "
                               "and table_name='skema'").fetchone()[0]
    finally:
        con.close()


def test_a_current_warehouse_opens_without_loading_the_readers_a_stale_stamp_runs_the_ddl(tmp_path):
    wh = tmp_path / "lkip.duckdb"
    stage.connect(path=wh).close()
    assert _stamp(wh) == warehouse_open.stamp()
    assert _connect_in_new_process(wh) == "no sources"      # this code's schema: no DDL, no readers
    con = duckdb.connect(str(wh))                            # another code version made it
    con.execute("update meta.skema set stamp = 'versi lama'")
    con.execute("alter table meta.files drop column berkas")
    con.close()
    assert _connect_in_new_process(wh) == "sources"
    con = duckdb.connect(str(wh))
    assert "berkas" in _columns(con, "meta.files")
    con.close()
    assert _stamp(wh) == warehouse_open.stamp()


def test_once_the_readers_are_loaded_the_ddl_always_runs(tmp_path):
    """A kind added at run time (a test's toy kind) is not in the code the stamp digests."""
    import lkip.sources  # noqa: F401  (loaded, as in any run that read a file)

    wh = tmp_path / "lkip.duckdb"
    con = stage.connect(path=wh)
    con.execute("drop table staging.renja")
    assert not warehouse_open.current(con)
    stage.init_warehouse(con)
    assert _columns(con, "staging.renja")
    con.close()


def test_the_checked_connection_is_the_flows_and_an_unclaimed_one_is_closed(tmp_path):
    wh = tmp_path / "a.duckdb"
    con = stage.connect(path=wh)
    warehouse_open.hand_over(wh, con)
    assert warehouse_open.take(tmp_path / "." / "a.duckdb") is con   # the same file, however written
    assert warehouse_open.take(wh) is None                          # taken once
    con.execute("select 1")
    con.close()
    other = stage.connect(path=tmp_path / "b.duckdb")
    warehouse_open.hand_over(tmp_path / "b.duckdb", other)
    assert warehouse_open.take(wh) is None                          # another warehouse: closed
    try:
        other.execute("select 1")
        raise AssertionError("the connection handed over for another warehouse is still open")
    except duckdb.ConnectionException:
        pass
    left = stage.connect(path=tmp_path / "c.duckdb")
    warehouse_open.hand_over(tmp_path / "c.duckdb", left)
    warehouse_open.release()
    try:
        left.execute("select 1")
        raise AssertionError("release() left the connection open")
    except duckdb.ConnectionException:
        pass


def test_run_check_opens_the_warehouse_the_flow_then_uses(tmp_path):
    from lkip import cli_run, prefect_env

    applied = prefect_env.configure(tmp_path)
    try:
        from flows import pipeline

        cfg = load_config(workspace=tmp_path)
        stage.connect(cfg).close()
        assert cli_run._check_warehouse(cfg, "run") == 0
        handed = warehouse_open._HANDED[str(Path(cfg.warehouse).resolve())]
        run = pipeline._Run(cfg, "r-sekali", "run", logging.getLogger("test"))
        pipeline._open_warehouse(run)
        try:
            assert run.con is handed and not warehouse_open._HANDED
            assert run.con.execute("select status from meta.runs where run_id = 'r-sekali'").fetchone() == ("running",)
        finally:
            run.con.close()
    finally:
        for key in applied:   # this test's Prefect settings stay in this test
            os.environ.pop(key, None)
