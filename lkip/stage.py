"""Stage: the DuckDB warehouse's raw, staging and meta layers; one transaction per file."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from lkip import checkpoint_vacuum, raw_layer, replacement, skpd_parts
from lkip.raw_layer import LINEAGE, RAW_DDL, RawCells, ident, param  # noqa: F401 (RawCells: stage.RawCells)
from lkip.issues import Issue

MONEY = "DECIMAL(18,2)"


def staging_tables() -> dict[str, str]:
    """Each staging table's own columns as SQL, generated from its declaration (lkip.tables),
    for every table a reader of lkip.sources fills."""
    from lkip import sources

    return {name: table.ddl() for name, table in sources.tables().items()}


META_DDL = """
CREATE TABLE IF NOT EXISTS meta.files (
    file_sha256 VARCHAR PRIMARY KEY,
    source_file VARCHAR,
    original_path VARCHAR,
    size_bytes BIGINT,
    kind VARCHAR,
    kode_skpd VARCHAR,
    nama_skpd VARCHAR,
    tahun INTEGER,
    periode_awal DATE,
    periode_akhir DATE,
    s_d_triwulan INTEGER,
    outcome VARCHAR,
    n_rows BIGINT,
    n_warnings INTEGER,
    n_errors INTEGER,
    run_id VARCHAR,
    staged_at TIMESTAMP,
    superseded_by VARCHAR,
    archived_path VARCHAR,
    penggantian VARCHAR,
    berkas VARCHAR
);
CREATE TABLE IF NOT EXISTS meta.runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    status VARCHAR,
    n_files INTEGER,
    summary JSON
);
CREATE TABLE IF NOT EXISTS meta.issues (
    file_sha256 VARCHAR,
    source_file VARCHAR,
    run_id VARCHAR,
    severity VARCHAR,
    sheet VARCHAR,
    excel_row INTEGER,
    kolom VARCHAR,
    nilai VARCHAR,
    diharapkan VARCHAR,
    pesan VARCHAR
);
"""

class WarehouseDamaged(Exception):
    """The warehouse file cannot be opened: it is a cache of input/processed, rebuild it."""


def connect(cfg: Any = None, path: Path | str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    target = Path(path) if path is not None else Path(cfg.warehouse)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = _open(target, read_only, cfg)
        # Bounded memory: DuckDB spills to disk past this instead of growing with the drop, and
        # does not keep insertion order (every table is ordered by its own columns: urutan, kode).
        mem = (cfg.get("warehouse.memory_limit") if cfg is not None else None) or "512MB"
        con.execute(f"SET memory_limit = '{mem}'")
        con.execute("SET preserve_insertion_order = false")
        # A commit is durable once in the write-ahead log. DuckDB's default (16MB) would also
        # checkpoint at the commit of any file of some 50 000 rows or more, rewriting the tables
        # file by file: with a larger threshold that happens every few hundred MB, and once
        # when the run closes the connection.
        wal = (cfg.get("warehouse.checkpoint_threshold") if cfg is not None else None) or "256MiB"
        con.execute(f"SET checkpoint_threshold = '{wal}'")
        if not read_only:
            init_warehouse(con)
            checkpoint_vacuum.apply(con, cfg)   # row groups merged at the checkpoints of every Nth run only
        else:
            con.execute("SELECT 1").fetchall()
    except duckdb.Error as exc:
        raise WarehouseDamaged(
            f"Gudang data {target} rusak atau tidak dapat dibuka ({exc.__class__.__name__}). "
            "Jalankan `lkip rebuild` untuk membangunnya kembali dari input/processed. "
            f"/ The warehouse {target} is damaged or unreadable; run `lkip rebuild`."
        ) from exc
    return con


ROW_GROUP_ROWS = 16384


def _open(target: Path, read_only: bool, cfg: Any) -> duckdb.DuckDBPyConnection:
    """The warehouse file; for writing, attached with row groups of `[warehouse] row_group_rows`
    (16 384) rows instead of DuckDB's 122 880. DuckDB writes an append of at least one row group
    straight to the database file, compressed ("optimistic write"), and its commit only logs
    where; a smaller append goes whole into the write-ahead log at its commit and is compressed
    again at the next checkpoint. One file is one transaction: with the default size a register
    of 25 000 rows took the slow path, twice the CPU of the fast one (bench/duckdb_row_groups.py).
    The size is a property of the attachment, not of the file (DuckDB does not keep it), hence
    ATTACH ... (ROW_GROUP_SIZE n) under its own name (the file's stem, as a plain connect names
    it) and USE; a cursor of this connection must `use_warehouse` too. 0: a plain connect."""
    value = cfg.get("warehouse.row_group_rows") if cfg is not None else None
    rows = ROW_GROUP_ROWS if value is None or value == "" else int(value)
    if read_only or rows <= 0:
        return duckdb.connect(str(target), read_only=read_only)
    con = duckdb.connect()
    try:
        name = ident(target.stem or "lkip")
        con.execute(f"ATTACH {_literal(str(target))} AS {name} (ROW_GROUP_SIZE {rows})")
        con.execute(f"USE {name}")
    except BaseException:
        con.close()
        raise
    return con


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def use_warehouse(cur: duckdb.DuckDBPyConnection, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of `con` on the same database (a cursor starts on the in-memory one: _open)."""
    db = con.execute("SELECT current_database()").fetchone()[0]
    cur.execute(f"USE {ident(db)}")
    return cur


def init_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    """Schemas and tables, in one transaction: one commit (one WAL sync) instead of one per
    statement, ~0,1-0,9 s of a new workspace's first run. Nothing to do when the warehouse
    already has this code's schema (lkip.warehouse_open: its stamp in meta.skema)."""
    from lkip import warehouse_open

    if warehouse_open.current(con):
        return
    con.execute("BEGIN TRANSACTION")
    try:
        _create_tables(con)
        warehouse_open.record(con)
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        raise
    con.execute("COMMIT")


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    for schema in ("raw", "staging", "meta", "core", "laporan"):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for name, cols in staging_tables().items():
        con.execute(f"CREATE TABLE IF NOT EXISTS staging.{name} ({LINEAGE}, {cols})")
    con.execute(RAW_DDL)
    con.execute(META_DDL)
    # what a replacement removed (lkip.replacement), in warehouses made before the column existed
    con.execute("ALTER TABLE meta.files ADD COLUMN IF NOT EXISTS penggantian VARCHAR")
    # a part of a file holding several SKPD (lkip.skpd_parts): the file's SHA-256
    con.execute("ALTER TABLE meta.files ADD COLUMN IF NOT EXISTS berkas VARCHAR")


def staging_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema='staging' AND table_name=? "
        "ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [r[0] for r in rows]


# The staging columns of the last connection that staged a file: asked once per table and
# connection instead of once per table and file (the tables are created when the connection opens
# and never altered while it stages). Holds that one connection only.
_COLUMNS: dict[str, Any] = {"con": None, "tables": {}}


def _staging_columns_cached(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    if _COLUMNS["con"] is not con:
        _COLUMNS["con"], _COLUMNS["tables"] = con, {}
    cols = _COLUMNS["tables"].get(table)
    if cols is None:
        cols = _COLUMNS["tables"][table] = staging_columns(con, table)
    return cols


# ---------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------

def start_run(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    con.execute(
        "INSERT OR REPLACE INTO meta.runs (run_id, started_at, status) VALUES (?, ?, 'running')",
        [run_id, dt.datetime.now()],
    )


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str, summary: dict | None = None) -> None:
    con.execute(
        "UPDATE meta.runs SET finished_at = ?, status = ?, n_files = ?, summary = ? WHERE run_id = ?",
        [
            dt.datetime.now(),
            status,
            int((summary or {}).get("n_files", 0)),
            json.dumps(summary or {}, default=str),
            run_id,
        ],
    )


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------

def staged_file(con: duckdb.DuckDBPyConnection, sha256: str) -> dict | None:
    cur = con.execute("SELECT * FROM meta.files WHERE file_sha256 = ?", [sha256])
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row))


def replacement_key(kind: str, meta: Any) -> tuple:
    """Files with the same key are versions of one export: the newer replaces the older."""
    from lkip import sources

    reader = sources.reader(kind)
    periode = meta.periode_akhir if reader is not None and reader.replaced_by == "period" else None
    return (kind, meta.kode_skpd, meta.tahun, periode)


def _prepare_frame(df: pd.DataFrame, columns: list[str], lineage: dict[str, Any]) -> pd.DataFrame:
    """The frame as the staging table's columns (lineage and missing columns added): the slow,
    general path, kept for frames whose columns Arrow cannot convert (see ``_arrow_frame``)."""
    out = df.copy()
    for key, value in lineage.items():
        out[key] = value
    for col in columns:
        if col not in out.columns:
            out[col] = None
    out = out[columns]
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = _object_column(out[col])
    return out


def _object_column(col: pd.Series) -> pd.Series:
    """Object columns hold one kind of value each; look at the first one, not at every cell."""
    first = col.first_valid_index()
    sample = None if first is None else col.at[first]
    if isinstance(sample, Decimal):
        # Exact money: Decimal objects go in as text, cast by DuckDB to DECIMAL(18,2).
        return col.map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
    if isinstance(sample, dt.date) and not isinstance(sample, dt.datetime):
        # Python dates: one vectorised conversion instead of DuckDB converting cell by cell.
        return pd.to_datetime(col, errors="coerce")
    return col


def _arrow_column(col: pd.Series) -> Any:
    """One frame column as Arrow, with the values DuckDB reads from the pandas column (NaN is
    NULL). Arrow-backed columns (ArrowDtype, pandas "str") are taken as they are (no copy); object
    columns of Python dates become date32 directly, other object columns go through
    ``_object_column`` (Decimal as text, cast exactly by DuckDB)."""
    if col.dtype == object:
        first = col.first_valid_index()
        sample = None if first is None else col.at[first]
        if isinstance(sample, dt.date) and not isinstance(sample, dt.datetime):
            try:
                return pa.array(col, type=pa.date32(), from_pandas=True)
            except (pa.ArrowException, TypeError, ValueError):
                pass                                   # not only dates: the general conversion
        col = _object_column(col)
    return pa.array(col, from_pandas=True)


def _arrow_frame(df: pd.DataFrame, names: list[str]) -> pa.Table | None:
    """The frame's columns ``names`` as an Arrow table, or None when a column does not convert."""
    try:
        return pa.Table.from_arrays([_arrow_column(df[c]) for c in names], names=names)
    except (pa.ArrowException, TypeError, ValueError):
        return None


def _insert_table(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame, lineage: dict[str, Any]) -> None:
    """The frame's rows into staging.<table>; lineage values are constants of the INSERT, or one
    value per row (an array: each row's part id and SKPD in a file of several SKPD)."""
    columns = _staging_columns_cached(con, table)
    per_row = [c for c, v in lineage.items() if isinstance(v, np.ndarray)]
    present = [c for c in columns if c in df.columns and c not in lineage] + per_row
    if per_row:
        df = df.drop(columns=[c for c in per_row if c in df.columns]).assign(**{c: lineage[c] for c in per_row})
        lineage = {k: v for k, v in lineage.items() if k not in per_row}
    arrow = None if df.columns.duplicated().any() else _arrow_frame(df, present)
    if arrow is None:
        frame = _prepare_frame(df, columns, lineage)
        con.register("_stage_frame", frame)
        try:
            con.execute(f"INSERT INTO staging.{table} BY NAME SELECT * FROM _stage_frame")
        finally:
            con.unregister("_stage_frame")
        return
    exprs, params = [], []
    for col in columns:
        if col in lineage:
            exprs.append("?")
            params.append(param(lineage[col]))
        elif col in present:
            exprs.append(ident(col))
        else:
            exprs.append("NULL")
    con.register("_stage_arrow", arrow)
    try:
        con.execute(
            f"INSERT INTO staging.{table} ({', '.join(ident(c) for c in columns)}) "
            f"SELECT {', '.join(exprs)} FROM _stage_arrow",
            params,
        )
    finally:
        con.unregister("_stage_arrow")


def insert_file(
    con: duckdb.DuckDBPyConnection,
    *,
    kind: str,
    meta: Any,
    tables: dict[str, pd.DataFrame],
    sha256: str,
    source_file: str,
    original_path: str,
    size: int,
    run_id: str,
    issues: list[Issue],
    outcome: str,
    raw_rows: Any = None,
    fail_after_table: str | None = None,
    parts: list[Any] | None = None,
    archived_path: str | None = None,
) -> list[str]:
    """Write one file's rows in ONE transaction: all of them or none. Returns superseded hashes.

    ``parts`` (lkip.skpd_parts.split): a file of several SKPD, staged as one part per SKPD, each
    replacing and replaced as a file of that SKPD alone (its rows under the part's id).
    ``fail_after_table`` exists for the crash test (a failure in the middle of a file).
    ``archived_path``: where the file will be archived once committed (lkip.archiving.plan), in the
    file's own row of this transaction: the manifest of ``lkip rebuild`` (lkip.archive_manifest)
    then holds every committed file, whenever a crash comes after the commit.
    """
    superseded: list[str] = []
    parts = parts if outcome != "rejected" else None
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM meta.issues WHERE file_sha256 = ? OR starts_with(file_sha256, ?)",
                    [sha256, sha256 + skpd_parts.SEP])
        con.execute("DELETE FROM meta.files WHERE file_sha256 = ? OR berkas = ?", [sha256, sha256])
        stamp = dt.datetime.now()
        if outcome != "rejected":
            per_row = replacement.per_row(kind)
            for unit, unit_meta in [(p.id, p.meta) for p in parts] if parts else [(sha256, meta)]:
                if not per_row:
                    superseded += _supersede(con, kind, unit_meta, unit)
            lineage = {
                "file_sha256": sha256, "source_file": source_file, "run_id": run_id,
                "kode_skpd": meta.kode_skpd, "tahun": meta.tahun,
            }
            for table, df in tables.items():
                if df is None or df.empty:
                    continue
                if parts:     # one INSERT, each row under its SKPD's part (lkip.skpd_parts)
                    df, ids, kode = skpd_parts.row_owners(sha256, df)
                    _insert_table(con, table, df, {**lineage, "file_sha256": ids, "kode_skpd": kode})
                else:
                    _insert_table(con, table, df, lineage)
                if fail_after_table == table:
                    raise RuntimeError(f"simulated crash after staging.{table}")
            for part in raw_layer.raw_parts(raw_rows):
                raw_layer.insert_raw(con, part, lineage, kind, parts)
            for p in parts or []:         # a part: its own meta.files row, the file's outcome
                _insert_meta(con, p.id, source_file, original_path, size, kind, p.meta, outcome, p.n_rows, 0, 0,
                             run_id, stamp, None, sha256)
            if per_row:   # a form replaces the rows it holds
                superseded = replacement.supersede_covered_rows(con, kind, meta, sha256)
            skpd_parts.close_emptied(con, superseded, sha256)
        n_rows = sum(len(df) for df in tables.values() if df is not None) if outcome != "rejected" else 0
        _insert_meta(con, sha256, source_file, original_path, size, kind, meta, outcome, n_rows,
                     sum(1 for i in issues if not i.is_error), sum(1 for i in issues if i.is_error), run_id, stamp,
                     replacement.replacement_note(issues), None, archived_path)
        if issues:
            owner = skpd_parts.issue_owner(parts or [], sha256)
            con.executemany(
                "INSERT INTO meta.issues VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [owner(i), source_file, run_id, i.severity, i.sheet, i.excel_row, i.kolom,
                     None if i.nilai is None else str(i.nilai), i.diharapkan, i.pesan]
                    for i in issues
                ],
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return superseded


def _insert_meta(con: duckdb.DuckDBPyConnection, sha256: str, source_file: str, original_path: str, size: int,
                 kind: str, meta: Any, outcome: str, n_rows: int, n_warnings: int, n_errors: int, run_id: str,
                 stamp: dt.datetime, penggantian: str | None, berkas: str | None,
                 archived_path: str | None = None) -> None:
    """One meta.files row: a file, or a part of a file of several SKPD (``berkas``: the file)."""
    con.execute(
        """INSERT INTO meta.files (file_sha256, source_file, original_path, size_bytes, kind, kode_skpd,
               nama_skpd, tahun, periode_awal, periode_akhir, s_d_triwulan, outcome, n_rows, n_warnings,
               n_errors, run_id, staged_at, penggantian, berkas, archived_path)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            sha256, source_file, original_path, size, kind,
            getattr(meta, "kode_skpd", None), getattr(meta, "nama_skpd", None), getattr(meta, "tahun", None),
            getattr(meta, "periode_awal", None), getattr(meta, "periode_akhir", None),
            getattr(meta, "s_d_triwulan", None), outcome, n_rows, n_warnings, n_errors,
            run_id, stamp, penggantian, berkas, None if archived_path is None else str(archived_path),
        ],
    )


def _supersede(con: duckdb.DuckDBPyConnection, kind: str, meta: Any, sha256: str) -> list[str]:
    key = replacement_key(kind, meta)
    upto = replacement.cumulative_upto(kind, getattr(meta, "periode_akhir", None))
    rows = con.execute(
        """SELECT file_sha256 FROM meta.files
           WHERE kind = ? AND kode_skpd IS NOT DISTINCT FROM ? AND tahun IS NOT DISTINCT FROM ?
             AND (? IS NULL OR periode_akhir = ?)
             AND outcome IN ('accepted', 'accepted_with_warnings') AND superseded_by IS NULL
             AND file_sha256 <> ?
             -- a cumulative file (SIPD documents) replaces only files up to its own last date: an
             -- older one dropped later stays beside the newer (core.realisasi_dokumen takes the latest)
             AND (? IS NULL OR periode_akhir IS NULL OR periode_akhir <= ?)""",
        [key[0], key[1], key[2], key[3], key[3], sha256, upto, upto],
    ).fetchall()
    old = [r[0] for r in rows]
    tables = staging_tables()
    for sha in old:
        for table in tables:
            con.execute(f"DELETE FROM staging.{table} WHERE file_sha256 = ?", [sha])
        con.execute("DELETE FROM raw.baris WHERE file_sha256 = ?", [sha])
        con.execute("UPDATE meta.files SET superseded_by = ? WHERE file_sha256 = ?", [sha256, sha])
    return old


def set_archived_path(con: duckdb.DuckDBPyConnection, sha256: str, path: str | None) -> None:
    con.execute("UPDATE meta.files SET archived_path = ? WHERE file_sha256 = ?", [path, sha256])


def kegiatan_in_renja(con: duckdb.DuckDBPyConnection, kode_skpd: str | None, tahun: int | None) -> set[str] | None:
    """Kegiatan (and sub kegiatan) codes of the staged Renja of that SKPD and year; None if none staged."""
    n, codes, null_code = con.execute(   # one scan: whether any Renja row is staged, its kegiatan codes
        """SELECT count(*), list(DISTINCT kode) FILTER (WHERE baris_jenis = 'kegiatan'),
                  bool_or(kode IS NULL) FILTER (WHERE baris_jenis = 'kegiatan')
           FROM staging.renja WHERE kode_skpd IS NOT DISTINCT FROM ? AND tahun IS NOT DISTINCT FROM ?""",
        [kode_skpd, tahun],
    ).fetchone()
    if not n:
        return None
    return set(codes or []) | ({None} if null_code else set())
