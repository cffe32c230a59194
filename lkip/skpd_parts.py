"""A file holding several SKPD, staged as one part per SKPD (docs/sipd.md "City-wide files").

BPKAD exports one SIPD "Laporan Realisasi Per Dokumen" for the whole Pemda. The reader tells each
row's SKPD (``FileMeta.bagian``, the frame's ``kode_skpd`` column, lkip.extract.dokumen_skpd); here
the file is cut into parts, one per SKPD, each staged exactly as a file of that SKPD alone would be:

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

from dataclasses import dataclass, replace
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lkip.extract.base import FileMeta
from lkip.extract.dokumen_skpd import ROW_COLUMN
from lkip.issues import Issue, warning

SEP = "/"


@dataclass
class Part:
    id: str                        # <sha256>/<kode_skpd>
    meta: FileMeta
    tables: dict[str, pd.DataFrame]
    raw: list[Any]
    rows: set[tuple[str, int]]     # (sheet, excel_row) of its rows: which part an issue concerns


def part_id(sha256: str, kode_skpd: str) -> str:
    return f"{sha256}{SEP}{kode_skpd}"


def skpd_of(file_id: str) -> str | None:
    """The SKPD of a part id, None for a file's own SHA-256."""
    return file_id.split(SEP, 1)[1] if SEP in file_id else None


def split(sha256: str, meta: FileMeta, tables: dict[str, pd.DataFrame], raw: Any = None) -> list[Part]:
    """The parts of a file of several SKPD (none for a file of one SKPD)."""
    if not meta.bagian:
        return []
    parts = []
    positions = {t: df.groupby(ROW_COLUMN, sort=False).indices for t, df in tables.items()
                 if df is not None and ROW_COLUMN in df.columns}
    for kode, part_meta in meta.bagian.items():
        part_tables, rows = {}, set()
        for t, df in tables.items():
            if t not in positions:
                continue
            pos = positions[t].get(kode, np.array([], dtype=np.int64))
            sub = df.iloc[pos]
            part_tables[t] = sub
            rows.update(zip(sub["sheet"].tolist(), sub["excel_row"].astype("int64").tolist()))
        part_raw = [_raw_part(p, rows) for p in _raw_list(raw)]
        parts.append(Part(part_id(sha256, kode), replace(part_meta, bagian={}), part_tables,
                          [p for p in part_raw if p is not None], rows))
    return parts


def _raw_list(raw: Any) -> list[Any]:
    if raw is None:
        return []
    return raw if isinstance(raw, list) else [raw]


def _raw_part(raw: Any, rows: set[tuple[str, int]]) -> Any:
    """The raw.baris part ``raw`` (Arrow table of JSON rows, or ``stage.RawCells``) cut to ``rows``."""
    if hasattr(raw, "positions"):                  # stage.RawCells: the rows it keeps, by position
        wanted = np.array(sorted(r for s, r in rows if s == raw.sheet), dtype=np.int64)
        keep = np.isin(np.asarray(raw.positions, dtype=np.int64) + raw.origin, wanted)
        return replace(raw, positions=np.asarray(raw.positions)[keep])
    if isinstance(raw, pd.DataFrame):
        raw = pa.Table.from_pandas(raw, preserve_index=False)
    by_sheet: dict[str, list[int]] = {}
    for s, r in rows:
        by_sheet.setdefault(s, []).append(r)
    mask = None
    for s, rs in by_sheet.items():
        m = pc.and_(pc.equal(raw["sheet"], s), pc.is_in(raw["excel_row"], pa.array(rs, raw["excel_row"].type)))
        mask = m if mask is None else pc.or_(mask, m)
    return raw.filter(mask) if mask is not None else raw.slice(0, 0)


def issue_owner(parts: list[Part], sha256: str) -> Any:
    """A function giving the id an issue is kept under in meta.issues: the part holding its row
    (so each SKPD's report lists its own rows' warnings), else the file."""
    owner = {key: p.id for p in parts for key in p.rows}

    def of(issue: Issue) -> str:
        return owner.get((issue.sheet, issue.excel_row), sha256)
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
            kolom="Kode SKPD", nilai=", ".join(codes),
            diharapkan="berkas se-kota memuat semua Perangkat Daerah berkas sebelumnya (ekspor lengkap, tanpa filter)"))
    return out
