"""staging.register_sp2d: pandera model and cross-row checks.

Errors: duplicate SP2D numbers, missing or negative money, unknown jenis, SP2D dates outside the
budget year (when the frame carries a ``tahun`` column or ``tahun`` is passed to :func:`validate`).

Two kinds of frames come here with the same columns: the row reader's (object columns of Python
dates and Decimals) and the column-wise reader's (Arrow-backed: ``date32`` dates, ``decimal128``
money, ``str`` / categorical text). Every check gives the same answer for both; on the Arrow
columns it runs as one kernel, not per cell. The pandera schema is built, and pandera's own lazy
imports are paid, once when this module is imported.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from lkip.issues import Issue, error
from lkip.tables.register_sp2d import JENIS as _JENIS
from lkip.tables.register_sp2d import REGISTER_SP2D
from schemas.base import run_schema
from schemas.table import build_schema
from schemas.table import not_repeated as _not_repeated  # noqa: F401  (moved; the unique check of every table)

JENIS = list(_JENIS)
_EPOCH = dt.date(1970, 1, 1)
DUPLICATE = "Nomor SP2D ganda"      # the uniqueness check of nomor_sp2d


def _arrow_of(s: pd.Series, kind: Any) -> Any:
    """The Arrow data of an ArrowDtype column whose type passes ``kind`` (else None)."""
    dtype = s.dtype
    if isinstance(dtype, pd.ArrowDtype) and kind(dtype.pyarrow_dtype):
        return s.array.__arrow_array__()
    return None


def _non_negative(s: pd.Series) -> pd.Series:
    arr = _arrow_of(s, pyarrow.types.is_decimal)
    if arr is not None:
        ok = pc.fill_null(pc.greater_equal(arr, pyarrow.scalar(Decimal(0), arr.type)), True)
        return pd.Series(ok.to_numpy(zero_copy_only=False), index=s.index, dtype=bool, copy=False)
    # Column-wise: Decimal objects compare with 0 without a Python lambda.
    return (s.isna() | (s.fillna(0) >= 0)).astype(bool)


def _is_date(s: pd.Series) -> pd.Series:
    """Cells holding a date (a null cell is not one)."""
    if _arrow_of(s, pyarrow.types.is_date) is not None:
        return s.notna().astype(bool)
    return s.map(type).isin([dt.date, dt.datetime]).astype(bool)


def _years(tanggal: pd.Series) -> np.ndarray:
    """The year of each date as float (NaN where the cell holds no date)."""
    arr = _arrow_of(tanggal, pyarrow.types.is_date)
    if arr is not None:
        return pc.year(arr).to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
    years = pd.to_datetime(tanggal.where(_is_date(tanggal)), errors="coerce").dt.year
    return years.to_numpy(dtype=np.float64, na_value=np.nan)


def _outside(days: Any, year: int) -> np.ndarray:
    """Dates (date32) outside one year, compared as day numbers (False where null)."""
    lo = (dt.date(year, 1, 1) - _EPOCH).days
    hi = (dt.date(year + 1, 1, 1) - _EPOCH).days if year < dt.MAXYEAR else 2**31 - 1
    parts = []
    for chunk in (days.chunks if isinstance(days, pyarrow.ChunkedArray) else [days]):
        d = chunk.cast(pyarrow.date32())
        v = np.frombuffer(d.buffers()[1], dtype=np.int32)[d.offset:d.offset + len(d)]
        out = (v < lo) | (v >= hi)
        if d.null_count:
            out &= d.is_valid().to_numpy(zero_copy_only=False)
        parts.append(out)
    return np.concatenate(parts) if len(parts) != 1 else parts[0]


def _wrong_year(tanggal: pd.Series, tahun: pd.Series) -> pd.Series:
    """True where a date lies outside its budget year."""
    arr = _arrow_of(tanggal, pyarrow.types.is_date32)
    if arr is not None and len(tahun) and pd.api.types.is_integer_dtype(tahun.dtype) and not tahun.hasnans:
        year = int(tahun.iloc[0])
        if (tahun == year).all() and dt.MINYEAR <= year <= dt.MAXYEAR:
            # One budget year (the usual case): day numbers against the year's first and last day.
            return pd.Series(_outside(arr, year), index=tanggal.index, copy=False)
    years = _years(tanggal)
    t = pd.to_numeric(tahun, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.Series(~np.isnan(years) & ~np.isnan(t) & (years != t), index=tanggal.index, dtype=bool, copy=False)


def _nilai_non_negative(s: pd.Series) -> pd.Series:
    return _non_negative(s)


def _tanggal_in_year(df: pd.DataFrame) -> pd.Series:
    if "tahun" not in df.columns:
        return pd.Series(True, index=df.index)
    return ~_wrong_year(df["tanggal"], df["tahun"])


# The typed schema generated from the declaration (lkip.tables.register_sp2d: types, nullability,
# jenis, nomor_sp2d unique, tanggal a date), with the checks whose messages are this kind's own.
SCHEMA = build_schema(REGISTER_SP2D, checks={
    "nilai": [pa.Check(_nilai_non_negative, name="Nilai SP2D negatif", error="Nilai SP2D negatif")],
}, frame_checks=[pa.Check(_tanggal_in_year, name="Tanggal SP2D di luar tahun anggaran",
                          error="Tanggal SP2D di luar tahun anggaran")])
RegisterSp2d = SCHEMA      # the name callers knew (it was a DataFrameModel)


def validate(df: pd.DataFrame, tahun: int | None = None, file: str | None = None) -> list[Issue]:
    """All schema issues of a register frame, with officer messages naming row and value."""
    if df.empty:
        return []
    work = df
    if tahun is not None:
        work = df.assign(tahun=tahun)
    issues = run_schema(SCHEMA, work, file=file, inplace=True)     # the schema coerces nothing
    out: list[Issue] = []
    duplicates_found = False
    for iss in issues:
        # Clearer messages for the checks the base cannot phrase.
        if iss.kolom == "nomor_sp2d" or (iss.pesan.startswith("Kode ganda") and "SP2D" in str(iss.nilai)):
            duplicates_found = duplicates_found or iss.pesan == DUPLICATE or iss.pesan.startswith("Kode ganda")
            iss = error(f"Nomor SP2D ganda: {iss.nilai!r}", sheet=iss.sheet, excel_row=iss.excel_row,
                        kolom="Nomor SP2D", nilai=iss.nilai, diharapkan="nomor SP2D unik", file=file)
        if iss.pesan == "Nilai SP2D negatif":
            iss = error(f"Nilai SP2D negatif: {iss.nilai!r}", sheet=iss.sheet, excel_row=iss.excel_row,
                        kolom=REGISTER_SP2D.column("nilai").title, nilai=iss.nilai, diharapkan="angka ≥ 0",
                        file=file)
        out.append(iss)
    out = [i for i in out if i.kolom != "Nomor SP2D"]
    # Duplicate numbers: name every row that repeats an earlier number (pandera lists them too,
    # but with the first occurrence; this names the earlier row as well). Only when pandera's
    # uniqueness check found some: no second pass over the numbers of a clean register.
    if duplicates_found:
        dup = work[work["nomor_sp2d"].notna() & work["nomor_sp2d"].duplicated(keep="first")]
        first_row = work.drop_duplicates("nomor_sp2d").set_index("nomor_sp2d")["excel_row"]
        for _, r in dup.iterrows():
            out.append(error(
                f"Nomor SP2D ganda: {r['nomor_sp2d']!r} sudah ada di baris {int(first_row[r['nomor_sp2d']])}",
                sheet=r["sheet"], excel_row=int(r["excel_row"]), kolom="Nomor SP2D", nilai=r["nomor_sp2d"],
                diharapkan="nomor SP2D unik", file=file))
    if tahun is not None or "tahun" in work.columns:
        # The rows pandera's year check failed, told with the date and the year.
        flagged = [i for i in out if "tahun anggaran" in i.pesan]
        out = [i for i in out if "tahun anggaran" not in i.pesan]
        if flagged:
            bad = np.flatnonzero(_wrong_year(work["tanggal"], work["tahun"]).to_numpy())
            for i in bad:
                r = work.iloc[i]
                d, t = r["tanggal"], r["tahun"]
                out.append(error(f"Tanggal SP2D {d:%d/%m/%Y} di luar tahun anggaran {int(t)}",
                                 sheet=r["sheet"], excel_row=int(r["excel_row"]),
                                 kolom=REGISTER_SP2D.column("tanggal").title,
                                 nilai=d, diharapkan=f"tanggal dalam tahun {int(t)}", file=file))
    return out


def validate_frames(frames: dict[str, pd.DataFrame], meta: Any = None) -> list[Issue]:
    """The Reader's entry (lkip.sources.validate): the file's register, its year from the title."""
    df = frames.get(REGISTER_SP2D.name)
    return [] if df is None or df.empty else validate(df, getattr(meta, "tahun", None))


def _warm_up() -> None:
    """One validation of a two-row frame of each kind: pandera imports its backends on first use."""
    rows = {
        "urutan": pd.array([1, 2], dtype="Int64"), "no": ["1", "2"], "nomor_sp2d": ["a", "b"],
        "kode_kegiatan": [None, None], "kode_rekening": [None, None], "uraian": [None, None],
        "jenis": ["LS", "LS"], "has_kode_kegiatan": [True, True], "sheet": ["s", "s"],
        "excel_row": pd.array([2, 3], dtype="Int64"),
    }
    validate(pd.DataFrame(rows | {"tanggal": [dt.date(2020, 1, 1)] * 2, "nilai": [Decimal("1.00")] * 2}), 2020)
    validate(pd.DataFrame(rows | {
        "tanggal": pd.array([dt.date(2020, 1, 1)] * 2, dtype=pd.ArrowDtype(pyarrow.date32())),
        "nilai": pd.array([Decimal("1.00")] * 2, dtype=pd.ArrowDtype(pyarrow.decimal128(18, 2))),
    }), 2020)


_warm_up()

__all__ = ["RegisterSp2d", "SCHEMA", "validate", "validate_frames", "JENIS"]
