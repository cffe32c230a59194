"""The warehouse opened once per `lkip run`, and its schema made only when the code changed it.

Two fixed costs of every run, whatever its data (issue 13):

- ``lkip.cli_run`` opens the warehouse before the flow starts, to refuse a damaged or locked one
  in plain words; the flow then opened it again. ``hand_over`` keeps the checked connection for
  the flow of this process (``take``, by ``flows.pipeline``) instead of closing it: one open, one
  close per run. ``release`` closes a connection nobody took (a run that stopped before its flow).
- every open ran each ``CREATE ... IF NOT EXISTS`` / ``ALTER ... ADD COLUMN IF NOT EXISTS`` of
  the schema, and building the staging tables' DDL imports every reader (``lkip.sources``: the
  readers, pandera, ~0,8 s), also for a run that reads no file (nothing new, ``lkip report``).
  ``lkip.stage.init_warehouse`` records ``stamp()`` (a digest of the code that defines the schema)
  in ``meta.skema`` and ``current`` tells the next open that its warehouse already has this
  code's tables. A warehouse of an older code version has another stamp (or none): the DDL runs
  and adds what is new (new tables, new columns). Once the readers are loaded (a kind may have
  been added at run time: a test's toy kind), the DDL always runs: it then costs milliseconds.
"""

from __future__ import annotations

import hashlib
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent
# What the DDL is made of: lkip.stage (schemas, meta, ALTERs), lkip.raw_layer (raw.baris), the
# readers listed in lkip.sources and the table declarations they name (lkip/tables, lkip/extract).
SCHEMA_CODE = ("stage.py", "raw_layer.py", "sources.py", "warehouse_open.py", "tables/**/*.py", "extract/**/*.py")

STAMP_TABLE = "meta.skema"


@lru_cache(maxsize=1)
def stamp() -> str:
    """Digest of the code the warehouse schema is generated from (file names and bytes)."""
    from lkip import __version__

    h = hashlib.sha256(f"lkip {__version__}\0".encode())
    files: set[Path] = set()
    for pattern in SCHEMA_CODE:
        files.update(p for p in PACKAGE.glob(pattern) if p.is_file())
    for path in sorted(files):
        h.update(str(path.relative_to(PACKAGE)).encode("utf-8") + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def current(con: Any) -> bool:
    """Whether this warehouse's schema was made by this code and nothing can have added a kind
    since (the readers are not loaded): its DDL can be skipped."""
    if "lkip.sources" in sys.modules:
        return False
    try:
        row = con.execute(f"SELECT stamp FROM {STAMP_TABLE}").fetchone()
    except Exception:   # no stamp table: a warehouse of an older version, or a new file
        return False
    return row is not None and row[0] == stamp()


def record(con: Any) -> None:
    """Record this code's stamp (inside init_warehouse's transaction)."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {STAMP_TABLE} (stamp VARCHAR)")
    con.execute(f"DELETE FROM {STAMP_TABLE}")
    con.execute(f"INSERT INTO {STAMP_TABLE} VALUES (?)", [stamp()])


# ---- one open per run --------------------------------------------------------------------------

_HANDED: dict[str, Any] = {}


def _key(path: Any) -> str:
    return str(Path(path).resolve())


def hand_over(path: Any, con: Any) -> None:
    """Keep the checked connection of the warehouse at ``path`` for this process's flow run."""
    release()
    _HANDED[_key(path)] = con


def take(path: Any) -> Any:
    """The connection handed over for the warehouse at ``path`` (None when there is none; one
    handed over for another warehouse is closed)."""
    con = _HANDED.pop(_key(path), None)
    release()
    return con


def release() -> None:
    """Close a connection handed over and never taken."""
    while _HANDED:
        _, con = _HANDED.popitem()
        try:
            con.close()
        except Exception:
            pass
