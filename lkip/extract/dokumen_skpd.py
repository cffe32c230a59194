"""Which SKPD each row of a "Laporan Realisasi Per Dokumen" belongs to, when the file holds several.

BPKAD exports one documents file for the whole Pemda: every row carries its own `Kode SKPD` (a
Sub SKPD, UPTD or Puskesmas BLUD, carries its SKPD's code there and its own in `Kode Sub SKPD`).
Such a file has no SKPD in its title and several in its `Kode SKPD` column; it is read as one file
(one outcome, one archive move) whose rows are staged as one part per SKPD (lkip.skpd_parts), each
part with the metadata a file of that SKPD alone would get (its own last date, docs/sipd.md).

Shared by the row reader and the column-wise reader (both give pandas/numpy columns): codes are
parsed once per distinct text, dates reduced with numpy, so a city file of hundreds of thousands
of rows stays on the column-wise path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Callable

import numpy as np
import pandas as pd

from lkip.extract.base import FileMeta
from lkip.extract.common import cell_error
from lkip.extract.parse import ParseError, normalize_code
from lkip.extract.skpd import SKPD_CODE
from lkip.issues import Issue

ROW_COLUMN = "kode_skpd"       # the frame column naming each row's SKPD in a file of several


def several(meta: FileMeta, in_column: set[str]) -> bool:
    """A file of several SKPD: none named by its title, more than one in its Kode SKPD column. (A
    title naming one SKPD beside a column naming others stays an error: lkip.extract.skpd.)"""
    return meta.kode_skpd is None and len(in_column) > 1


def latest_in_year(dates: list[np.ndarray], tahun: int | None) -> np.ndarray:
    """Per row, its latest date (``datetime64[D]``, NaT when none) within the year, as the file's
    ``periode_akhir`` is the latest date of the file within the year."""
    out = None
    for d in dates:
        d = np.asarray(d, dtype="datetime64[D]")
        if tahun is not None:
            d = np.where(d.astype("datetime64[Y]").astype(int) + 1970 == tahun, d, np.datetime64("NaT"))
        out = d if out is None else np.fmax(out, d)
    return out


def split_rows(meta: FileMeta, raw_skpd: pd.Series, sub: pd.Series, latest: np.ndarray, sheet: str,
               excel_rows: np.ndarray, kolom: str, issues: list[Issue],
               show: Callable[[Any], Any] = lambda v: v) -> tuple[pd.Series, np.ndarray]:
    """Each row's SKPD (its Kode SKPD; a blank one from the SKPD its Kode Sub SKPD has elsewhere in
    the file; else an error naming the row) and each row's ``periode_akhir`` (its SKPD's latest
    date). Fills ``meta.bagian`` (one FileMeta per SKPD). ``show``: a cell's text as the row reader
    sees the cell (the column-wise reader's ``register_rows.shown``)."""
    codes_idx, uniques = pd.factorize(raw_skpd.astype(object), use_na_sentinel=True)
    parsed = [_code(show(u) if isinstance(u, str) else u) for u in uniques]
    codes = pd.Series(np.array(parsed + [None], dtype=object)[codes_idx], dtype=object)
    missing = codes.isna().to_numpy()
    if missing.any():
        known = pd.DataFrame({"sub": sub.astype(object), "skpd": codes})[~missing].dropna()
        owners = known.drop_duplicates().groupby("sub")["skpd"]
        one = owners.first()[owners.nunique() == 1]
        filled = sub.astype(object)[missing].map(one)
        codes[missing] = filled.to_numpy()
        for r in np.flatnonzero(missing)[filled.isna().to_numpy()]:
            raw = raw_skpd.iloc[r]
            blank = raw is None or raw is pd.NA or (isinstance(raw, float) and raw != raw) or not str(raw).strip()
            raw = None if blank else show(raw)
            issues.append(cell_error(
                sheet, int(excel_rows[r]), kolom, None if blank else raw,
                "kode Perangkat Daerah delapan segmen (mis. '1.02.0.00.0.00.01.0000')",
                ("Kode SKPD kosong" if blank else f"Kode SKPD {raw!r} bukan kode Perangkat Daerah")
                + ": berkas memuat beberapa Perangkat Daerah, baris ini tidak dapat dibagikan ke salah satunya"))
    frame = pd.DataFrame({"k": codes, "d": latest})
    last = frame.dropna(subset=["k"]).groupby("k", sort=True)["d"].max()
    meta.bagian = {}
    for kode, d in last.items():
        part = FileMeta(kode_skpd=kode, tahun=meta.tahun, dokumen=meta.dokumen, is_perubahan=meta.is_perubahan)
        if not pd.isna(d):
            end = pd.Timestamp(d).date()
            part.periode_akhir, part.periode_awal = end, dt.date(end.year, 1, 1)
            part.s_d_triwulan = (end.month - 1) // 3 + 1
        meta.bagian[kode] = part
    ends = np.array([None if p.periode_akhir is None else p.periode_akhir for p in meta.bagian.values()] + [None],
                    dtype="datetime64[D]")
    order = {k: i for i, k in enumerate(meta.bagian)}
    periode = ends[codes.map(order).fillna(len(order)).astype(int).to_numpy()]
    return codes, periode


def sub_units_per_skpd(meta: FileMeta, codes: pd.Series, sub: pd.Series, excel_rows: np.ndarray, sheet: str,
                       kolom: str, issues: list[Issue], warn: Any) -> None:
    """The sub units warning (``warn``: the reader's ``sub_units``) once per SKPD of the file, on
    the first row of its first other sub unit (so that it is kept with that SKPD's part)."""
    pairs = (pd.DataFrame({"k": codes.to_numpy(), "s": sub.astype(object).to_numpy(), "r": np.asarray(excel_rows)})
             .dropna().drop_duplicates(subset=["k", "s"]))          # each pair's first row (rows are in order)
    for kode, group in pairs.groupby("k", sort=True):
        n = len(issues)
        warn(meta.bagian.get(kode) or FileMeta(kode_skpd=kode), set(group["s"]), sheet, kolom, issues)
        others = group[group["s"] != kode]
        if len(issues) > n and issues[-1].excel_row is None and len(others):
            issues[-1] = dataclasses.replace(issues[-1], excel_row=int(others.sort_values(["s", "r"])["r"].iloc[0]))


def _code(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        code = normalize_code(value)
    except ParseError:
        return None
    return code if code and SKPD_CODE.match(code) else None
