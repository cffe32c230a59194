"""The raw layer (``raw.baris``): every staged row's cells as read, as JSON text, for lineage
and the Parquet export; written by lkip.stage in a file's transaction. Split from lkip.stage
(which re-exports ``RawCells``, ``RAW_DDL``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from lkip import skpd_parts

LINEAGE = """
    file_sha256 VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    sheet VARCHAR,
    excel_row INTEGER,
    run_id VARCHAR,
    kode_skpd VARCHAR,
    tahun INTEGER"""

# nilai is stored with ZSTD, not the default dictionary+FSST: for these ~200-byte JSON rows it is
# cheaper to write (1M rows: 1.5 instead of 2.2 CPU-seconds) and far smaller (32 MB instead of
# 85 MB), for a slower scan (0.17 instead of 0.11 s); the raw layer is written once per file and
# read only for lineage and the Parquet export. (A warehouse made before keeps its column as it was.)
RAW_DDL = f"""
CREATE TABLE IF NOT EXISTS raw.baris (
    {LINEAGE},
    kind VARCHAR,
    tabel VARCHAR,
    nilai JSON USING COMPRESSION zstd
);
"""
RAW_COLUMNS = ("file_sha256", "source_file", "sheet", "excel_row", "run_id", "kode_skpd", "tahun", "kind",
               "tabel", "nilai")


@dataclass
class RawCells:
    """The raw.baris rows of one table read column-wise from a sheet (``Sheet.strings()``): each
    staged row's cells as JSON text, built by DuckDB inside the INSERT from the sheet's own Arrow
    text table, which is kept as it is (not copied, no JSON held in Python). Picklable."""

    sheet: str
    tabel: str
    cells: pa.Table          # the sheet's text table, whole
    positions: np.ndarray    # rows of ``cells`` that were staged (int64)
    origin: int              # Excel row of ``cells`` row 0
    lead: int = 0            # empty cells left of ``cells`` column 0


def insert_raw(con: duckdb.DuckDBPyConnection, raw: Any, lineage: dict[str, Any], kind: str,
               parts: list[Any] | None = None) -> None:
    """raw.baris rows of one part: a frame or Arrow table of JSON rows (sheet, excel_row, tabel,
    nilai), or ``RawCells`` (the JSON built here, by DuckDB). Lineage values are constants, but
    for a file of several SKPD (``parts``): each row's part id and SKPD (lkip.skpd_parts.owners)."""
    consts = {**lineage, "kind": kind}
    where = ""
    if isinstance(raw, RawCells):
        source, exprs, where = _raw_cells_source(raw)
        consts.update(sheet=raw.sheet, tabel=raw.tabel)
        sheets: Any = raw.sheet
    else:
        if isinstance(raw, pd.DataFrame):
            raw = pa.Table.from_pandas(raw[["sheet", "excel_row", "tabel", "nilai"]], preserve_index=False)
        source, exprs = raw, {c: ident(c) for c in ("sheet", "excel_row", "tabel", "nilai")}
        sheets = source.column("sheet").to_numpy()
    if source.num_rows == 0:
        return
    if parts:
        excel = source.column(exprs["excel_row"].strip('"')).to_numpy()
        ids, kode = skpd_parts.owners(parts, sheets, excel)
        source = source.append_column("__lkip_file", ids).append_column("__lkip_skpd", kode)
        exprs = {**exprs, "file_sha256": "__lkip_file", "kode_skpd": "__lkip_skpd"}
        where = (where + " AND" if where else " WHERE") + " __lkip_file IS NOT NULL"
    select, params = [], []
    for col in RAW_COLUMNS:
        if col in exprs:
            select.append(exprs[col])
        else:
            select.append("?")
            params.append(param(consts.get(col)))
    con.register("_raw_source", source)
    try:
        con.execute(f"INSERT INTO raw.baris ({', '.join(RAW_COLUMNS)}) SELECT {', '.join(select)} "
                    f"FROM _raw_source{where}", params)
    finally:
        con.unregister("_raw_source")


def _raw_cells_source(raw: RawCells) -> tuple[pa.Table, dict[str, str], str]:
    """The sheet's text table with each row's Excel row (and which rows to keep), the SQL of
    raw.baris's excel_row and nilai (the JSON array of a row's cells, '' for an empty one) and
    the WHERE clause."""
    cells, pos = raw.cells, np.asarray(raw.positions, dtype=np.int64)
    cols = ", ".join(["''"] * raw.lead + [f"coalesce({ident(c)}, '')" for c in cells.column_names])
    # json_array: the same text as to_json([...]) (yyjson, no spaces), a quarter less work.
    exprs = {"excel_row": "__lkip_row", "nilai": f"json_array({cols})"}
    if len(pos) and bool(np.all(pos[1:] > pos[:-1])):
        # Staged rows in sheet order, each once (as a reader gives them): a mask, no copy of the cells.
        keep = np.zeros(cells.num_rows, dtype=bool)
        keep[pos] = True
        rows = np.arange(raw.origin, raw.origin + cells.num_rows, dtype=np.int64)
        source = cells.append_column("__lkip_row", pa.array(rows)).append_column("__lkip_keep", pa.array(keep))
        return source, exprs, " WHERE __lkip_keep"
    source = cells.take(pa.array(pos)).append_column("__lkip_row", pa.array(pos + raw.origin))
    return source, exprs, ""


def ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def param(value: Any) -> Any:
    """A lineage value as a statement parameter (numpy scalars as Python ones)."""
    return value.item() if isinstance(value, np.generic) else value


def raw_parts(raw_rows: Any) -> list[Any]:
    """``raw_rows`` as a list of parts: None, one frame/table/RawCells, or a list of them."""
    if raw_rows is None:
        return []
    if isinstance(raw_rows, (pd.DataFrame, pa.Table, RawCells)):
        return [raw_rows]
    return list(raw_rows)
