"""How many row-group merges a checkpoint may do per table: `[warehouse] vacuum_tasks` (1).

At every checkpoint DuckDB looks, in every table, for adjacent row groups whose rows fit in
fewer groups, and rewrites them merged ("vacuum": read, decompress, compress again, write),
whether or not those groups changed since the last checkpoint. After a city run, raw.baris
holds each register's two groups (16 384 + 8 616 rows, written compressed at the file's commit,
lkip.stage._open) between the small files' rows (~270 rows per SKPD): the checkpoint that
closed the run merged its 131 groups into 97, compressing some 800 000 rows (their JSON with
ZSTD) again, ~90 % of the close (1,4 of 1,6 CPU-seconds); a re-drop's close merged the groups
around the replaced register again (bench/checkpoint_ab.py,
bench/results/2026-12-08-checkpoint.md).

DuckDB's `max_vacuum_tasks` bounds those merges per table and checkpoint (DuckDB's default:
100). With 1, a table merges at most one run of neighbouring groups per checkpoint: the tiny
groups that small commits leave, run after run, are still merged (one merge takes as many as
fit in one group), and the groups a big file wrote stay as written. The contents never change,
only how they are laid out; groups whose every row was deleted are dropped at every checkpoint
whatever the value. 0: no merges at all (the tiny groups then pile up).
"""

from __future__ import annotations

from typing import Any

import duckdb

VACUUM_TASKS = 1


def vacuum_tasks(cfg: Any) -> int:
    """`[warehouse] vacuum_tasks` (empty or missing: VACUUM_TASKS); never below 0."""
    value = cfg.get("warehouse.vacuum_tasks") if cfg is not None else None
    return VACUUM_TASKS if value is None or value == "" else max(0, int(value))


def apply(con: duckdb.DuckDBPyConnection, cfg: Any) -> None:
    """The connection's checkpoints (the one at close included) merge at most that many runs of
    row groups per table."""
    con.execute(f"SET max_vacuum_tasks = {vacuum_tasks(cfg)}")
