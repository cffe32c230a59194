"""A file holding several SKPD, staged as one part per SKPD (docs/sipd.md "City-wide files").

BPKAD exports one SIPD "Laporan Realisasi Per Dokumen" (and Register SP2D) for the whole Pemda.
The reader tells each row's SKPD (``FileMeta.bagian``, the frame's ``kode_skpd`` column:
lkip.extract.dokumen_skpd, lkip.extract.register_sp2d_sipd); here the file is cut into parts, one
per SKPD, each staged exactly as a file of that SKPD alone would be:

- the file itself stays one thing: one outcome (accepted / with warnings / rejected), one
  ``meta.files`` row under its SHA-256 (duplicates, archive, the rebuild manifest), one move;
- each part is a further ``meta.files`` row whose id is ``<sha256>/<kode_skpd>`` (``berkas``: the
  file's SHA-256), with its SKPD, its own last date and its rows; its staged rows carry the part id
  as ``file_sha256``. Replacement (lkip.stage, lkip.replacement), ``core.file_aktif`` and
  ``core.realisasi_dokumen`` then work per SKPD with no rule of their own: a newer file of the same
  SKPD and year, a single-SKPD file or another city file's part, replaces the part;
- an SKPD of an earlier city file that a newer city file does not hold keeps its earlier part
  (the export is cumulative: documents never disappear, so a missing SKPD means a filtered or
  partial export, not zero realisation); the officer is warned (``left_behind``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from lkip.extract.base import FileMeta
from lkip.extract.dokumen_skpd import ROW_COLUMN
from lkip.issues import Issue, warning

SEP = "/"
KOLOM = "Kode SKPD"        # the column an issue of one SKPD's part names (``naming``)


@dataclass
class Part:
    id: str                        # <sha256>/<kode_skpd>
    meta: FileMeta
    tables: dict[str, pd.DataFrame]   # its rows, with the columns the checks against the warehouse read
    rows: dict[str, np.ndarray]    # sheet -> its rows' Excel rows (sorted): which part a row belongs to

    @property
    def n_rows(self) -> int:
        return sum(len(df) for df in self.tables.values())


def part_id(sha256: str, kode_skpd: str) -> str:
    return f"{sha256}{SEP}{kode_skpd}"


def skpd_of(file_id: str) -> str | None:
    """The SKPD of a part id, None for a file's own SHA-256."""
    return file_id.split(SEP, 1)[1] if SEP in file_id else None


def _checked_columns(kind: str | None) -> set[str]:
    """The columns the checks of a part read (lkip.ingest.warehouse_issues): its Reader's Renja
    check and replacement codes, and the lineage and period columns."""
    from lkip import sources

    cols = {"sheet", "excel_row", "periode_akhir", "kode_kegiatan", ROW_COLUMN}
    reader = sources.reader(kind)
    if reader is not None:
        cols.update(reader.renja_check[3:4] if reader.renja_check else ())
        cols.update(reader.replacement_codes[1:2] if reader.replacement_codes else ())
        cols.update(reader.replacement_rows[0:1] if reader.replacement_rows else ())
    return cols


def split(sha256: str, meta: FileMeta, tables: dict[str, pd.DataFrame], kind: str | None = None) -> list[Part]:
    """The parts of a file of several SKPD (none for a file of one SKPD): each SKPD's rows, with
    the columns its checks read (the rows themselves are staged in one INSERT, ``row_owners``)."""
    if not meta.bagian:
        return []
    codes = list(meta.bagian)
    keep = _checked_columns(kind)
    cut: dict[str, tuple[pd.DataFrame, np.ndarray]] = {}
    for t, df in tables.items():
        if df is None or ROW_COLUMN not in df.columns:
            continue
        groups = df.groupby(ROW_COLUMN, sort=False).indices
        pos = [groups.get(k, np.array([], dtype=np.int64)) for k in codes]
        narrow = df[[c for c in df.columns if c in keep]]
        cut[t] = (narrow.take(np.concatenate(pos)), np.cumsum([0] + [len(p) for p in pos]))
    parts = []
    for n, kode in enumerate(codes):
        part_tables: dict[str, pd.DataFrame] = {}
        rows: dict[str, list[np.ndarray]] = {}
        for t, (ordered, bounds) in cut.items():
            sub = ordered.iloc[bounds[n]:bounds[n + 1]]
            part_tables[t] = sub
            excel = sub["excel_row"].to_numpy(dtype=np.int64)
            for sheet, idx in sub.groupby("sheet", sort=False).indices.items():
                rows.setdefault(sheet, []).append(excel[idx])
        parts.append(Part(part_id(sha256, kode), replace(meta.bagian[kode], bagian={}), part_tables,
                          {sh: np.sort(np.concatenate(r)) for sh, r in rows.items()}))
    return parts


def row_owners(sha256: str, df: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The frame's rows that belong to an SKPD, each row's part id and SKPD (staging lineage)."""
    kode = df[ROW_COLUMN].to_numpy(dtype=object)
    has = pd.notna(kode)
    if not has.all():
        df, kode = df[has], kode[has]
    ids = np.char.add(sha256 + SEP, kode.astype(str)).astype(object)
    return df, ids, kode


def owners(parts: list[Part], sheets: Any, excel_rows: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Per raw.baris row (its sheet: one name or an array, its Excel row), the part id and SKPD it
    is staged under (NULL for a row of no part): the raw layer of a city file is written in one
    INSERT, not one pass over the sheet per SKPD."""
    excel_rows = np.asarray(excel_rows, dtype=np.int64)
    owner = np.full(len(excel_rows), len(parts), dtype=np.int64)
    sheet_of = None if isinstance(sheets, str) else np.asarray(sheets, dtype=object)
    for sheet in sorted({sh for p in parts for sh in p.rows}):
        rows = np.concatenate([p.rows.get(sheet, np.array([], dtype=np.int64)) for p in parts])
        own = np.concatenate([np.full(len(p.rows.get(sheet, ())), n, dtype=np.int64) for n, p in enumerate(parts)])
        order = np.argsort(rows, kind="stable")
        rows, own = rows[order], own[order]
        if not len(rows) or (sheet_of is None and sheets != sheet):
            continue
        at = np.minimum(np.searchsorted(rows, excel_rows), len(rows) - 1)
        hit = rows[at] == excel_rows
        if sheet_of is not None:
            hit &= sheet_of == sheet
        owner[hit] = own[at[hit]]
    ids = np.array([p.id for p in parts] + [None], dtype=object)[owner]
    kode = np.array([p.meta.kode_skpd for p in parts] + [None], dtype=object)[owner]
    return pa.array(ids, pa.string()), pa.array(kode, pa.string())


def naming(issue: Issue, meta: FileMeta, parts: list[Part]) -> Issue:
    """An issue found for one part of a file of several SKPD (its Renja check, its replacement)
    that names no row: it names the part's SKPD (column Kode SKPD), so the officer knows which one,
    and ``issue_owner`` keeps it with that part."""
    if not parts or issue.excel_row is not None or issue.kolom or issue.nilai is not None:
        return issue
    return dataclasses.replace(issue, kolom=KOLOM, nilai=meta.kode_skpd)


def issue_owner(parts: list[Part], sha256: str) -> Any:
    """A function giving the id an issue is kept under in meta.issues: the part holding its row,
    or the part whose SKPD it names (``naming``), so that each SKPD's report lists its own
    warnings; else the file (listed in the report of every SKPD of the file)."""
    by_code = {p.meta.kode_skpd: p.id for p in parts}

    def of(issue: Issue) -> str:
        if issue.excel_row is None:
            return by_code.get(issue.nilai, sha256) if issue.kolom == KOLOM else sha256
        for p in parts:
            rows = p.rows.get(issue.sheet)
            if rows is not None and len(rows):
                i = int(np.searchsorted(rows, issue.excel_row))
                if i < len(rows) and rows[i] == issue.excel_row:
                    return p.id
        return sha256
    return of


def close_emptied(con: duckdb.DuckDBPyConnection, superseded: list[str], by: str) -> None:
    """A city file whose every part is now superseded is itself marked superseded (by ``by``)."""
    files = {s.split(SEP, 1)[0] for s in superseded if SEP in s}
    for sha in sorted(files):
        con.execute(
            """UPDATE meta.files SET superseded_by = ?
               WHERE file_sha256 = ? AND superseded_by IS NULL
                 AND NOT EXISTS (SELECT 1 FROM meta.files p WHERE p.berkas = ? AND p.superseded_by IS NULL)""",
            [by, sha, sha])


def left_behind(con: duckdb.DuckDBPyConnection, replaced: list[str], parts: list[Part]) -> list[Issue]:
    """The SKPD of earlier city files that this city file replaces in part (``replaced``: the ids
    its parts replace, lkip.replacement.earlier_versions) but does not hold: their earlier part
    stays (docs/sipd.md "City-wide files"); one warning per earlier file."""
    files = sorted({f.split(SEP, 1)[0] for f in replaced if SEP in f})
    if not parts or not files:
        return []
    held = sorted(p.meta.kode_skpd for p in parts)
    rows = con.execute(
        """SELECT f.source_file, list(p.kode_skpd ORDER BY p.kode_skpd), list(p.periode_akhir ORDER BY p.kode_skpd)
           FROM meta.files p JOIN meta.files f ON f.file_sha256 = p.berkas
           WHERE list_contains(?, p.berkas) AND p.superseded_by IS NULL AND NOT list_contains(?, p.kode_skpd)
             AND NOT list_contains(?, p.file_sha256)
           GROUP BY f.source_file ORDER BY f.source_file""",
        [files, held, replaced]).fetchall()
    out = []
    for source, codes, ends in rows:
        shown = ", ".join(f"{c} (s.d. {e:%d/%m/%Y})" if e else c for c, e in zip(codes[:10], ends[:10]))
        more = f", … (+{len(codes) - 10})" if len(codes) > 10 else ""
        out.append(warning(
            f"{len(codes)} Perangkat Daerah ada di {source} tetapi tidak ada di berkas ini: {shown}{more}; "
            f"realisasinya tetap diambil dari {source}",
            kolom=KOLOM, nilai=", ".join(codes),
            diharapkan="berkas se-kota memuat semua Perangkat Daerah berkas sebelumnya (ekspor lengkap, tanpa filter)"))
    return out
