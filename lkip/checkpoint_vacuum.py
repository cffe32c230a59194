"""Which runs' checkpoints merge row groups: `[warehouse] merge_row_groups_every` (20).

At every checkpoint DuckDB looks, in every table, for neighbouring row groups whose rows fit in
fewer groups and rewrites them merged ("vacuum": read, decompress, compress again, write),
whether or not they changed since the last checkpoint. After a city run, raw.baris holds each
register's two groups (16 384 + 8 616 rows, written compressed at the file's commit,
lkip.stage._open) between the small files' rows (~270 rows per SKPD): the checkpoint that
closed the run merged its 131 groups into 97, compressing some 800 000 rows (their JSON with
ZSTD) again, ~90 % of the close (1,4 of 1,6 CPU-seconds). A re-drop's close merged the groups
around the replaced register, in raw.baris and core.sp2d, again: half of its close
(bench/checkpoint_ab.py, bench/results/2026-12-08-checkpoint.md).

DuckDB's `max_vacuum_tasks` (default 100) bounds those merges per table and checkpoint. A
writing connection sets it to 0, leaving every group as written, except in every Nth run (the
runs recorded in meta.runs a positive multiple of N when it opens): that run's checkpoints merge
as DuckDB does by default. Without merges, each run that stages small files leaves a few small
groups per table (and deleted rows inside groups that keep others): the merge every N runs
keeps them to N runs' worth. Only the layout changes, never the contents; groups whose every
row was deleted are dropped at every checkpoint. 1: every run merges (DuckDB's way); 0: never.
"""

from __future__ import annotations

from typing import Any

import duckdb

MERGE_EVERY = 20
DUCKDB_DEFAULT = 100        # DuckDB's own max_vacuum_tasks


def merge_every(cfg: Any) -> int:
    """`[warehouse] merge_row_groups_every` (empty or missing: MERGE_EVERY); never below 0."""
    value = cfg.get("warehouse.merge_row_groups_every") if cfg is not None else None
    return MERGE_EVERY if value is None or value == "" else max(0, int(value))


def vacuum_tasks(con: duckdb.DuckDBPyConnection, cfg: Any) -> int:
    """DuckDB's max_vacuum_tasks for this connection: its default in every Nth run, else 0."""
    every = merge_every(cfg)
    if every <= 1:
        return DUCKDB_DEFAULT if every == 1 else 0
    runs = con.execute("SELECT count(*) FROM meta.runs").fetchone()[0]
    return DUCKDB_DEFAULT if runs and runs % every == 0 else 0


def apply(con: duckdb.DuckDBPyConnection, cfg: Any) -> None:
    """Set on a writing connection once its tables exist (lkip.stage.connect)."""
    con.execute(f"SET max_vacuum_tasks = {vacuum_tasks(con, cfg)}")
