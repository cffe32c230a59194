"""staging.register_sp2d: pandera model and cross-row checks.

Errors: duplicate SP2D numbers, missing or negative money, unknown jenis, SP2D dates outside the
budget year (when the frame carries a ``tahun`` column or ``tahun`` is passed to :func:`validate`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Optional

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from lkip.issues import Issue, error
from schemas.base import run_schema

JENIS = ["LS", "GU", "GU NIHIL", "TU", "UP"]


def _non_negative(s: pd.Series) -> pd.Series:
    # Column-wise: Decimal objects and Arrow decimals both compare with 0 without a Python lambda.
    return (s.isna() | (s.fillna(0) >= 0)).astype(bool)


def _is_date(s: pd.Series) -> pd.Series:
    return s.map(type).isin([dt.date, dt.datetime]).astype(bool)


def _wrong_year(tanggal: pd.Series, tahun: pd.Series) -> pd.Series:
    """True where a date lies outside its budget year (dates as Python date objects)."""
    years = pd.to_datetime(tanggal.where(_is_date(tanggal)), errors="coerce").dt.year
    t = pd.to_numeric(tahun, errors="coerce")
    return (years.notna() & t.notna() & (years != t)).astype(bool)


class RegisterSp2d(pa.DataFrameModel):
    urutan: Series[pd.Int64Dtype] = pa.Field(nullable=False)
    no: Series[Any] = pa.Field(nullable=True)
    tanggal: Series[Any] = pa.Field(nullable=False)
    nomor_sp2d: Series[Any] = pa.Field(nullable=False, unique=True)
    kode_kegiatan: Series[Any] = pa.Field(nullable=True)
    kode_rekening: Series[Any] = pa.Field(nullable=True)
    uraian: Series[Any] = pa.Field(nullable=True)
    jenis: Series[Any] = pa.Field(nullable=False, isin=JENIS)
    nilai: Series[Any] = pa.Field(nullable=False)
    has_kode_kegiatan: Series[bool]
    sheet: Series[Any]
    excel_row: Series[pd.Int64Dtype]
    tahun: Optional[Series[Any]] = pa.Field(nullable=True)

    @pa.check("nilai", name="Nilai SP2D negatif", error="Nilai SP2D negatif")
    def nilai_non_negative(cls, s: pd.Series) -> pd.Series:
        return _non_negative(s)

    @pa.check("tanggal", name="Tanggal SP2D bukan tanggal", error="Tanggal SP2D bukan tanggal")
    def tanggal_is_date(cls, s: pd.Series) -> pd.Series:
        return s.isna() | _is_date(s)

    @pa.dataframe_check(name="Tanggal SP2D di luar tahun anggaran",
                        error="Tanggal SP2D di luar tahun anggaran")
    def tanggal_in_year(cls, df: pd.DataFrame) -> pd.Series:
        if "tahun" not in df.columns:
            return pd.Series(True, index=df.index)
        return ~_wrong_year(df["tanggal"], df["tahun"])

    class Config:
        strict = False
        coerce = False


def validate(df: pd.DataFrame, tahun: int | None = None, file: str | None = None) -> list[Issue]:
    """All schema issues of a register frame, with officer messages naming row and value."""
    if df.empty:
        return []
    work = df
    if tahun is not None:
        work = df.assign(tahun=tahun)
    issues = run_schema(RegisterSp2d, work, file=file)
    out: list[Issue] = []
    for iss in issues:
        # Clearer messages for the checks the base cannot phrase.
        if iss.kolom == "nomor_sp2d" or (iss.pesan.startswith("Kode ganda") and "SP2D" in str(iss.nilai)):
            iss = error(f"Nomor SP2D ganda: {iss.nilai!r}", sheet=iss.sheet, excel_row=iss.excel_row,
                        kolom="Nomor SP2D", nilai=iss.nilai, diharapkan="nomor SP2D unik", file=file)
        if iss.pesan == "Nilai SP2D negatif":
            iss = error(f"Nilai SP2D negatif: {iss.nilai!r}", sheet=iss.sheet, excel_row=iss.excel_row,
                        kolom="Nilai", nilai=iss.nilai, diharapkan="angka ≥ 0", file=file)
        out.append(iss)
    # Duplicate numbers: name every row that repeats an earlier number (pandera lists them too,
    # but with the first occurrence; this names the earlier row as well).
    dup = work[work["nomor_sp2d"].notna() & work["nomor_sp2d"].duplicated(keep="first")]
    first_row = work.drop_duplicates("nomor_sp2d").set_index("nomor_sp2d")["excel_row"]
    out = [i for i in out if i.kolom != "Nomor SP2D"]
    for _, r in dup.iterrows():
        out.append(error(
            f"Nomor SP2D ganda: {r['nomor_sp2d']!r} sudah ada di baris {int(first_row[r['nomor_sp2d']])}",
            sheet=r["sheet"], excel_row=int(r["excel_row"]), kolom="Nomor SP2D", nilai=r["nomor_sp2d"],
            diharapkan="nomor SP2D unik", file=file))
    if tahun is not None or "tahun" in work.columns:
        out = [i for i in out if "tahun anggaran" not in i.pesan]
        # Column-wise mask; Python only for the rows it flags.
        bad = np.flatnonzero(_wrong_year(work["tanggal"], work["tahun"]).to_numpy())
        for i in bad:
            r = work.iloc[i]
            d, t = r["tanggal"], r["tahun"]
            out.append(error(f"Tanggal SP2D {d:%d/%m/%Y} di luar tahun anggaran {int(t)}",
                             sheet=r["sheet"], excel_row=int(r["excel_row"]), kolom="Tanggal SP2D",
                             nilai=d, diharapkan=f"tanggal dalam tahun {int(t)}", file=file))
    return out


__all__ = ["RegisterSp2d", "validate", "JENIS"]
_ = Decimal
