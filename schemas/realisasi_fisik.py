"""staging.realisasi_fisik: pandera model; duplicate (kode_kegiatan, indikator) is a warning."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from lkip.issues import WARNING, Issue, warning
from schemas.base import run_schema


def _non_negative(s: pd.Series) -> pd.Series:
    return s.map(lambda v: v is None or pd.isna(v) or v >= 0).astype(bool)


class RealisasiFisik(pa.DataFrameModel):
    urutan: Series[pd.Int64Dtype]
    kode_kegiatan: Series[Any] = pa.Field(nullable=False)
    indikator: Series[Any] = pa.Field(nullable=False)
    target: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0)
    k_tw1: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0)
    k_tw2: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0)
    k_tw3: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0)
    k_tw4: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0)
    excel_row: Series[pd.Int64Dtype]

    @pa.check("^rp_tw[1-4]$", regex=True, name="Realisasi Rp negatif", error="Realisasi Rp negatif")
    def rp_non_negative(cls, s: pd.Series) -> pd.Series:
        return _non_negative(s)

    class Config:
        strict = False


def validate(df: pd.DataFrame, file: str | None = None, negative_rp: bool = False) -> list[Issue]:
    """``negative_rp``: a SIPD-era form, whose quarter Rp may be net negative (returns)."""
    if df.empty:
        return []
    issues = run_schema(RealisasiFisik, df, file=file)
    if negative_rp:
        issues = [i for i in issues if "Realisasi Rp negatif" not in i.pesan]
    key = df["indikator"].map(lambda t: " ".join(str(t).lower().split()) if t is not None else None)
    dup = df[pd.Series(list(zip(df["kode_kegiatan"], key)), index=df.index).duplicated(keep="first")]
    for _, r in dup.iterrows():
        issues.append(warning(
            f"Indikator ganda untuk kegiatan {r['kode_kegiatan']}: {r['indikator']!r}",
            sheet=r["sheet"], excel_row=int(r["excel_row"]), kolom="Indikator Kinerja", nilai=r["indikator"],
            diharapkan="satu baris per (kode kegiatan, indikator)", file=file))
    return issues


__all__ = ["RealisasiFisik", "validate", "WARNING"]
