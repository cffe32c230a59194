"""Rebuild a big core table only for the partitions whose source rows changed (core.sp2d).

`core.sp2d` holds every SP2D of every register (1,1 million rows for a 44-SKPD city) and was
half of the model's time; when one SKPD re-drops its register, 43 of its 44 partitions are the
same. Each `(kode_skpd, tahun)` partition of it is a function of that partition's source rows
alone (`core.stg_register_sp2d`: the rows of the files that count; the SP2D-number dedupe is
within a partition), so within `model.build`'s one transaction:

1. the source is fingerprinted per partition: row count and the sum of the rows' hashes (every
   column of every row; the order of rows does not matter, a changed, added or removed row does);
2. when the table exists, the fingerprints of its last build are in `meta.model_partisi` and that
   build ran the same SQL (`meta.model_versi`: a hash of every `sql/core` file, the generated
   staging views and the DuckDB version; `cara`: how the last build went), only the partitions whose fingerprint differs (new,
   changed or gone) are deleted and inserted again, by the file's own SELECT run over those
   partitions' source rows (`INSERT INTO` in place of `CREATE OR REPLACE TABLE ... AS`);
3. otherwise (first build, SQL or DuckDB changed, more than half the partitions changed) the file
   runs as it is: a full rebuild. Either way the new fingerprints are recorded.

The result equals a full rebuild's (tests/test_model_partitions.py compares every core table and
laporan view after re-drops, a duplicate SP2D number across files, a replaced file and an SKPD
that disappears). `model.build(..., full=True)` skips step 2.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Iterable

import duckdb

FORMAT = "1"   # of the fingerprints below: a change here rebuilds the tables in full once
STATE = "meta.model_partisi"
VERSION = "meta.model_versi"
_LAST: dict[str, str] = {}


@dataclass(frozen=True)
class Partitioned:
    source: str                 # the one model object the file reads rows from
    keys: tuple[str, ...]       # the partition: columns of the source and of the table


# Tables built per partition. Only add one whose every partition is a function of the source's
# rows of that partition (no window, join or aggregate across partitions).
TABLES: dict[str, Partitioned] = {
    "core.sp2d": Partitioned("core.stg_register_sp2d", ("kode_skpd", "tahun")),
}

# Comments and string literals, skipped when the statement is rewritten (as model._NOISE).
_NOISE = r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\""


def plan(files: list[Any], full: bool = False) -> list[Any]:
    """The model's ordered core files (lkip.model.SqlFile), those of TABLES set to run `build`."""
    version = code_version(f"{f.label}\0{f.text()}" for f in files)
    out = []
    for f in files:
        table = f.defines[0] if len(f.defines) == 1 else None
        if table in TABLES:
            f = dataclasses.replace(f, run=functools.partial(build, table=table, text=f.text(),
                                                             version=version, full=full))
        out.append(f)
    return out


def code_version(texts: Iterable[str]) -> str:
    """What a partition was built with: the model's SQL (every core file) and DuckDB."""
    h = hashlib.sha256(f"{FORMAT}\0duckdb {duckdb.__version__}\0".encode())
    for text in texts:
        h.update(text.encode("utf-8") + b"\0")
    return h.hexdigest()


def insert_sql(text: str, table: str, source: str, rows: str) -> str | None:
    """The file's statement as an INSERT of the SELECT over `rows` instead of `source`; None when
    the file is not one `CREATE OR REPLACE TABLE <table> AS ...` (then it is only run in full)."""
    create = re.compile(r"\bCREATE\s+OR\s+REPLACE\s+TABLE\s+" + re.escape(table) + r"\s+AS\b", re.I)
    reads = re.compile(r"(?<![\w.])" + re.escape(source) + r"(?![\w.])", re.I)
    counts = {"create": 0, "reads": 0}

    def swap(m: re.Match) -> str:
        s = m.group(0)
        if re.fullmatch(_NOISE, s, re.S):
            return s
        if create.fullmatch(s):
            counts["create"] += 1
            return f"INSERT INTO {table}"
        counts["reads"] += 1
        return rows

    pattern = re.compile(f"{_NOISE}|{create.pattern}|{reads.pattern}", re.S | re.I)
    out = pattern.sub(swap, text)
    if counts["create"] != 1 or counts["reads"] < 1 or not out.lstrip().upper().startswith(("INSERT", "--", "/*")):
        return None
    return out


def _select(keys: tuple[str, ...], parts: list[tuple]) -> tuple[str, list]:
    """A WHERE clause matching exactly the partitions `parts` (values of `keys`, NULL included):
    `k IN (...)` per key first (a filter the scan can use), then the exact combinations."""
    if not parts:
        return "false", []
    where: list[str] = []
    params: list = []
    for i, k in enumerate(keys):
        values = sorted({p[i] for p in parts if p[i] is not None}, key=repr)
        test = [f"{k} IN ({', '.join('?' for _ in values)})"] if values else []
        if any(p[i] is None for p in parts):
            test.append(f"{k} IS NULL")
        where.append("(" + " OR ".join(test) + ")")
        params += values
    combos = []
    for p in parts:
        combos.append("(" + " AND ".join(f"{k} IS NOT DISTINCT FROM ?" for k in keys) + ")")
        params += list(p)
    where.append("(" + " OR ".join(combos) + ")")
    return " AND ".join(where), params


def _exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    schema, table = name.split(".")
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ? "
        "AND table_type = 'BASE TABLE'", [schema, table]).fetchone()[0])


def _typed_parts(con: duckdb.DuckDBPyConnection, table: str, keys: tuple[str, ...]) -> list[tuple] | None:
    """The changed partitions (lkip_berubah, keys as text) as values of the table's key types;
    None when one does not read back (then the table is built in full)."""
    schema, name = table.split(".")
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_schema = ? AND table_name = ?", [schema, name]).fetchall())
    if any(k not in types for k in keys):
        return None
    cols = ", ".join(f"{k}, TRY_CAST({k} AS {types[k]})" for k in keys)
    parts = []
    for row in con.execute(f"SELECT {cols} FROM lkip_berubah").fetchall():
        text, typed = row[0::2], row[1::2]
        if any(t is not None and v is None for t, v in zip(text, typed)):
            return None
        parts.append(tuple(typed))
    return parts


def build(con: duckdb.DuckDBPyConnection, table: str, text: str, version: str, full: bool = False) -> str:
    """Build `table` (a key of TABLES) from its file's `text`: "full", "partial" or "unchanged".
    Runs inside the caller's transaction."""
    spec = TABLES[table]
    keys = ", ".join(spec.keys)
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(f"CREATE TABLE IF NOT EXISTS {VERSION} (objek VARCHAR PRIMARY KEY, versi VARCHAR, cara VARCHAR)")
    con.execute(f"CREATE TABLE IF NOT EXISTS {STATE} (objek VARCHAR, "
                + ", ".join(f"{k} VARCHAR" for k in spec.keys) + ", n BIGINT, h HUGEINT)")
    # the keys as text in the state table: one table serves any partitioned object
    con.execute(f"CREATE OR REPLACE TEMP TABLE lkip_sidik AS SELECT {keys}, count(*) AS n, "
                f"sum(hash(s)::HUGEINT) AS h FROM {spec.source} s GROUP BY ALL")
    old = f"(SELECT {keys}, n, h FROM {STATE} WHERE objek = ?)"
    new = "(SELECT " + ", ".join(f"CAST({k} AS VARCHAR) AS {k}" for k in spec.keys) + ", n, h FROM lkip_sidik)"
    how = "full"
    stored = con.execute(f"SELECT versi FROM {VERSION} WHERE objek = ?", [table]).fetchone()
    rows_sql = insert_sql(text, table, spec.source, "lkip_sumber")
    if not full and stored and stored[0] == version and rows_sql and _exists(con, table):
        con.execute(f"CREATE OR REPLACE TEMP TABLE lkip_berubah AS SELECT DISTINCT {keys} FROM "
                    f"(({new} EXCEPT {old}) UNION ALL ({old} EXCEPT {new}))", [table, table])
        changed = con.execute("SELECT count(*) FROM lkip_berubah").fetchone()[0]
        total = con.execute(f"SELECT count(*) FROM {new}").fetchone()[0]
        if changed == 0:
            how = "unchanged"
        elif changed * 2 <= max(total, 1):
            parts = _typed_parts(con, table, spec.keys)
            if parts is not None:
                # the changed partitions by their keys as constants: the scans skip the other
                # SKPDs' row groups
                where, params = _select(spec.keys, parts)
                con.execute(f"DELETE FROM {table} WHERE {where}", params)
                con.execute(f"CREATE OR REPLACE TEMP TABLE lkip_sumber AS SELECT * FROM {spec.source} "
                            f"WHERE {where}", params)
                con.execute(rows_sql)
                how = "partial"
    if how == "full":
        con.execute(text)
    con.execute(f"DELETE FROM {STATE} WHERE objek = ?", [table])
    con.execute(f"INSERT INTO {STATE} SELECT ?, * FROM {new}", [table])
    con.execute(f"INSERT OR REPLACE INTO {VERSION} VALUES (?, ?, ?)", [table, version, how])
    _LAST[table] = how
    # (on a failure the caller's ROLLBACK removes them with everything else)
    for temp in ("lkip_sidik", "lkip_berubah", "lkip_sumber"):
        con.execute(f"DROP TABLE IF EXISTS temp.main.{temp}")
    return how


def last_build() -> dict[str, str]:
    """How each partitioned table was built by the last model.build of this process (bench, tests)."""
    return dict(_LAST)
