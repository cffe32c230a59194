"""A new warehouse's schema is made in one transaction (lkip.stage.init_warehouse): all or nothing."""

from __future__ import annotations

import duckdb
import pytest

from lkip import stage


def _tables(con) -> set[str]:
    return {f"{s}.{t}" for s, t in con.execute(
        "select schema_name, table_name from duckdb_tables()").fetchall()}


def test_made_at_once_and_again_without_change(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    stage.init_warehouse(con)
    made = _tables(con)
    assert {"meta.files", "meta.runs"} <= made
    stage.init_warehouse(con)  # every connect runs it: nothing changes
    assert _tables(con) == made
    con.execute("select 1").fetchall()  # no transaction left open
    con.execute("begin transaction")
    con.execute("commit")


def test_a_failing_statement_leaves_nothing_half_made(tmp_path, monkeypatch):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    monkeypatch.setattr(stage, "META_DDL", "CREATE TABLE meta.broken (")
    with pytest.raises(duckdb.Error):
        stage.init_warehouse(con)
    assert _tables(con) == set()  # the staging tables created before it were rolled back
    con.execute("begin transaction")  # and the connection is usable
    con.execute("commit")
