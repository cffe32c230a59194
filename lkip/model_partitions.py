"""Rebuild big core tables only for the partitions whose source rows changed (core.sp2d and
the tables read from it).

`core.sp2d` holds every SP2D of every register (1,1 million rows for a 44-SKPD city) and was
half of the model's time; when one SKPD re-drops its register, 43 of its 44 partitions are the
same. Each `(kode_skpd, tahun)` partition of it is a function of that partition's source rows
alone (`core.stg_register_sp2d`: the rows of the files that count; the SP2D-number dedupe is
within a partition), so within `model.build`'s one transaction:

1. the source is fingerprinted per partition: row count and the sum of the rows' hashes (the
   order of rows does not matter, an added or removed row does). The hash is over the columns
   that identify a staged row (`IDENTITY`: file, run, sheet, Excel row, urutan): staged rows are
   only ever inserted and deleted, a file's rows at once, never updated in place (a re-read file
   is staged again by another run; tests/test_model_partitions.py checks that no code updates
   staging rows), so a row's identity stands for its values; a source without one is hashed over
   every column its tables read (`Partitioned.columns`). One fingerprint per source and build,
   shared by every table read from it (`core.sp2d`, `core.int_register_tahun`);
2. when the table exists, the fingerprints of its last build are in `meta.model_partisi` and that
   build ran the same SQL (`meta.model_versi`: a hash of every `sql/core` file, the generated
   staging views and the DuckDB version; `cara`: how the last build went), only the partitions whose fingerprint differs (new,
   changed or gone) are deleted and inserted again, by the file's own SELECT run over those
   partitions' source rows (`INSERT INTO` in place of `CREATE OR REPLACE TABLE ... AS`);
3. otherwise (first build, SQL or DuckDB changed, more than half the partitions changed) the file
   runs as it is: a full rebuild. Either way the new fingerprints are recorded.

A table whose source is itself a partitioned table (`core.realisasi_rp_sp2d`, `core.sp2d_ada`
from `core.sp2d`) has no fingerprint of its own: it follows its source within the same build
(the same changed partitions, "unchanged" or "full"), provided its own last build ran the same
SQL. Every build commits all tables at once, so a table's partitions that its source did not
rebuild are those of the source's previous (committed, equal) build.

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

FORMAT = "3"   # of the fingerprints below: a change here rebuilds the tables in full once
STATE = "meta.model_partisi"
VERSION = "meta.model_versi"
_LAST: dict[str, str] = {}


@dataclass(frozen=True)
class Partitioned:
    source: str                 # the one model object the file reads rows from
    keys: tuple[str, ...]       # the partition: columns of the source and of the table
    # the source's columns the file reads (keys included), all of them fingerprinted; a file
    # reading another one fails to bind when built per partition (tests/test_model_partitions.py
    # runs each file over exactly these). Empty: the source is a partitioned table (followed).
    columns: tuple[str, ...] = ()


# Columns identifying a staged row of a source (see step 1): its fingerprint hashes these alone
# (a fifth of the time of hashing the columns read, ~0,02 s against ~0,1 s for the city register).
IDENTITY: dict[str, tuple[str, ...]] = {
    "core.stg_register_sp2d": ("file_sha256", "run_id", "sheet", "excel_row", "urutan"),
}
_SP2D_KEYS = ("kode_skpd", "tahun")
# Tables built per partition. Only add one whose every partition is a function of the source's
# rows of that partition (no window, join or aggregate across partitions).
TABLES: dict[str, Partitioned] = {
    "core.sp2d": Partitioned("core.stg_register_sp2d", _SP2D_KEYS, (
        "kode_skpd", "tahun", "kode_kegiatan", "tanggal", "jenis", "nilai", "nomor_sp2d",
        "has_kode_kegiatan", "file_sha256", "urutan")),
    "core.int_register_tahun": Partitioned("core.stg_register_sp2d", _SP2D_KEYS, (
        "kode_skpd", "tahun", "tanggal")),
    "core.realisasi_rp_sp2d": Partitioned("core.sp2d", _SP2D_KEYS),
    "core.sp2d_ada": Partitioned("core.sp2d", _SP2D_KEYS),
}

# Comments and string literals, skipped when the statement is rewritten (as model._NOISE).
_NOISE = r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\""


def plan(files: list[Any], full: bool = False) -> list[Any]:
    """The model's ordered core files (lkip.model.SqlFile), those of TABLES set to run `build`."""
    version = code_version(f"{f.label}\0{f.text()}" for f in files)
    build_state = _Build()          # shared by the tables of this one model build
    _LAST.clear()
    for f in files:
        spec = TABLES.get(f.defines[0]) if len(f.defines) == 1 else None
        if spec is not None and spec.columns:
            build_state.uses[spec.source] = build_state.uses.get(spec.source, 0) + 1
    out = []
    for f in files:
        table = f.defines[0] if len(f.defines) == 1 else None
        if table in TABLES:
            f = dataclasses.replace(f, run=functools.partial(build, table=table, text=f.text(),
                                                             version=version, full=full,
                                                             state=build_state))
        out.append(f)
    return out


@dataclass
class _Build:
    """What the partitioned tables of one model build share: how each was built and its changed
    partitions, the fingerprint temp table of each source and how many tables still read it."""
    done: dict[str, tuple[str, list[tuple] | None]] = dataclasses.field(default_factory=dict)
    fingerprints: dict[str, str] = dataclasses.field(default_factory=dict)
    uses: dict[str, int] = dataclasses.field(default_factory=dict)


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


def _fingerprint(con: duckdb.DuckDBPyConnection, spec: Partitioned, state: _Build) -> str:
    """The temp table of the source's fingerprints (keys as text, n, h), made once per build over
    the source's IDENTITY, else the columns every table of TABLES reads from it."""
    if spec.source not in state.fingerprints:
        cols = IDENTITY.get(spec.source) or sorted(
            {c for t in TABLES.values() if t.source == spec.source for c in t.columns})
        name = f"lkip_sidik_{len(state.fingerprints)}"
        keys = ", ".join(spec.keys)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT "
                    + ", ".join(f"CAST({k} AS VARCHAR) AS {k}" for k in spec.keys)
                    + f", count(*) AS n, sum(hash({', '.join(cols)})::HUGEINT) AS h "
                    f"FROM {spec.source} GROUP BY {keys}")
        state.fingerprints[spec.source] = name
    return state.fingerprints[spec.source]


def _rebuild_parts(con: duckdb.DuckDBPyConnection, table: str, spec: Partitioned, rows_sql: str,
                   parts: list[tuple]) -> None:
    """Delete the partitions `parts` of `table` and insert them again from their source rows."""
    # the changed partitions by their keys as constants: the scans skip the other SKPDs' row groups
    where, params = _select(spec.keys, parts)
    con.execute(f"DELETE FROM {table} WHERE {where}", params)
    cols = ", ".join(spec.columns) if spec.columns else "*"
    con.execute(f"CREATE OR REPLACE TEMP TABLE lkip_sumber AS SELECT {cols} FROM {spec.source} "
                f"WHERE {where}", params)
    con.execute(rows_sql)


def build(con: duckdb.DuckDBPyConnection, table: str, text: str, version: str, full: bool = False,
          state: _Build | None = None) -> str:
    """Build `table` (a key of TABLES) from its file's `text`: "full", "partial" or "unchanged".
    Runs inside the caller's transaction; `state`: shared by the tables of one model build
    (`plan`), without it the table is built on its own."""
    state = state if state is not None else _Build()
    spec = TABLES[table]
    keys = ", ".join(spec.keys)
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(f"CREATE TABLE IF NOT EXISTS {VERSION} (objek VARCHAR PRIMARY KEY, versi VARCHAR, cara VARCHAR)")
    con.execute(f"CREATE TABLE IF NOT EXISTS {STATE} (objek VARCHAR, "
                + ", ".join(f"{k} VARCHAR" for k in spec.keys) + ", n BIGINT, h HUGEINT)")
    stored = con.execute(f"SELECT versi FROM {VERSION} WHERE objek = ?", [table]).fetchone()
    rows_sql = insert_sql(text, table, spec.source, "lkip_sumber")
    can = bool(not full and stored and stored[0] == version and rows_sql and _exists(con, table))
    how, parts = "full", None
    if not spec.columns:     # follows its source, built before it in this build
        src_how, src_parts = state.done.get(spec.source, ("full", None))
        if can and src_how == "unchanged":
            how = "unchanged"
        elif can and src_how == "partial" and src_parts is not None:
            _rebuild_parts(con, table, spec, rows_sql, src_parts)
            how, parts = "partial", src_parts
        if how == "full":
            con.execute(text)
    else:
        sidik = _fingerprint(con, spec, state)
        # the keys as text in the state table: one table serves any partitioned object
        old = f"(SELECT {keys}, n, h FROM {STATE} WHERE objek = ?)"
        new = f"(SELECT {keys}, n, h FROM {sidik})"
        if can:
            con.execute(f"CREATE OR REPLACE TEMP TABLE lkip_berubah AS SELECT DISTINCT {keys} FROM "
                        f"(({new} EXCEPT {old}) UNION ALL ({old} EXCEPT {new}))", [table, table])
            changed = con.execute("SELECT count(*) FROM lkip_berubah").fetchone()[0]
            total = con.execute(f"SELECT count(*) FROM {new}").fetchone()[0]
            if changed == 0:
                how = "unchanged"
            elif changed * 2 <= max(total, 1):
                parts = _typed_parts(con, table, spec.keys)
                if parts is not None:
                    _rebuild_parts(con, table, spec, rows_sql, parts)
                    how = "partial"
        if how == "full":
            con.execute(text)
        con.execute(f"DELETE FROM {STATE} WHERE objek = ?", [table])
        con.execute(f"INSERT INTO {STATE} SELECT ?, * FROM {new}", [table])
        state.uses[spec.source] = state.uses.get(spec.source, 1) - 1
        if state.uses[spec.source] <= 0:
            con.execute(f"DROP TABLE IF EXISTS temp.main.{state.fingerprints.pop(spec.source)}")
    con.execute(f"INSERT OR REPLACE INTO {VERSION} VALUES (?, ?, ?)", [table, version, how])
    state.done[table] = (how, parts if how == "partial" else None)
    _LAST[table] = how
    # (on a failure the caller's ROLLBACK removes them with everything else)
    for temp in ("lkip_berubah", "lkip_sumber"):
        con.execute(f"DROP TABLE IF EXISTS temp.main.{temp}")
    return how


def last_build() -> dict[str, str]:
    """How each partitioned table was built by the last model.build of this process (bench, tests)."""
    return dict(_LAST)
