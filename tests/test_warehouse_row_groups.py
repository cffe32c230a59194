"""The warehouse is written with row groups of `[warehouse] row_group_rows` rows (lkip.stage._open):
a file of that many rows or more is written to the database file at once, and its commit logs
little; a cursor of the connection works on the warehouse too."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from lkip import stage
from lkip.config import load_config


def _cfg(tmp: Path, rows: int | None):
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "lkip.toml").write_text("" if rows is None else f"[warehouse]\nrow_group_rows = {rows}\n")
    return load_config(workspace=tmp)


def _commit_rows(con, n: int) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS staging.t (k VARCHAR, v DECIMAL(18,2), urutan INTEGER)")
    con.execute("BEGIN TRANSACTION")
    con.execute(f"INSERT INTO staging.t SELECT 'SP2D-' || range, range * 1.5, range FROM range({n})")
    con.execute("COMMIT")


def _largest_row_group(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT max(count) FROM pragma_storage_info('staging.t')").fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("rows, largest", [(None, stage.ROW_GROUP_ROWS), (4096, 4096), (0, 40000)])
def test_row_groups_have_the_configured_size(tmp_path, rows, largest):
    cfg = _cfg(tmp_path / "ws", rows)
    con = stage.connect(cfg)
    _commit_rows(con, 40000)
    con.close()
    assert _largest_row_group(cfg.warehouse) == largest    # 0: DuckDB's own (one group of 40 000)


def test_a_big_file_s_commit_writes_the_data_to_the_database_not_to_the_log(tmp_path):
    """40 000 rows in one transaction: with the default 122 880-row groups they go to the
    write-ahead log at the commit (megabytes); with 16 384-row groups to the database file, and
    the log only says where."""
    wal = {}
    for rows in (0, stage.ROW_GROUP_ROWS):
        cfg = _cfg(tmp_path / str(rows), rows)
        con = stage.connect(cfg)
        con.execute("CHECKPOINT")
        _commit_rows(con, 40000)
        log = Path(str(cfg.warehouse) + ".wal")
        wal[rows] = log.stat().st_size if log.exists() else 0
        con.close()
    assert wal[0] > 300_000 and wal[stage.ROW_GROUP_ROWS] < wal[0] / 10


def test_the_warehouse_is_its_file_s_stem_and_a_cursor_uses_it(tmp_path):
    cfg = _cfg(tmp_path / "ws", None)
    con = stage.connect(cfg)
    _commit_rows(con, 10)
    assert con.execute("SELECT current_database()").fetchone()[0] == "lkip"
    cur = stage.use_warehouse(con.cursor(), con)
    assert cur.execute("SELECT count(*) FROM staging.t").fetchone()[0] == 10
    assert con.cursor().execute("SELECT current_database()").fetchone()[0] == "memory"   # why use_warehouse
    con.close()
    again = stage.connect(cfg)       # a warehouse written either way opens either way
    assert again.execute("SELECT count(*) FROM staging.t").fetchone()[0] == 10
    again.close()
    plain = stage.connect(_cfg(tmp_path / "ws", 0))
    assert plain.execute("SELECT count(*), current_database() FROM staging.t").fetchone() == (10, "lkip")
    plain.close()
