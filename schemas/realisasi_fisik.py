"""staging.realisasi_fisik: the typed schema generated from its declaration (lkip.tables), the
Rp columns' own message, and duplicate (kode_kegiatan, indikator) as a warning."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa

from lkip.issues import WARNING, Issue, warning
from lkip.tables.realisasi_fisik import REALISASI_FISIK
from schemas.base import run_schema
from schemas.table import build_schema


def _non_negative(s: pd.Series) -> pd.Series:
    return s.map(lambda v: v is None or pd.isna(v) or v >= 0).astype(bool)


_RP = pa.Check(_non_negative, name="Realisasi Rp negatif", error="Realisasi Rp negatif")
SCHEMA = build_schema(REALISASI_FISIK, checks={f"rp_tw{i}": [_RP] for i in range(1, 5)})
RealisasiFisik = SCHEMA    # the name callers knew (it was a DataFrameModel)


def validate(df: pd.DataFrame, file: str | None = None, negative_rp: bool = False) -> list[Issue]:
    """``negative_rp``: a SIPD-era form, whose quarter Rp may be net negative (returns)."""
    if df.empty:
        return []
    issues = run_schema(SCHEMA, df, file=file)
    if negative_rp:
        issues = [i for i in issues if "Realisasi Rp negatif" not in i.pesan]
    key = df["indikator"].map(lambda t: " ".join(str(t).lower().split()) if t is not None else None)
    dup = df[pd.Series(list(zip(df["kode_kegiatan"], key)), index=df.index).duplicated(keep="first")]
    for _, r in dup.iterrows():
        issues.append(warning(
            f"Indikator ganda untuk kegiatan {r['kode_kegiatan']}: {r['indikator']!r}",
            sheet=r["sheet"], excel_row=int(r["excel_row"]), kolom=REALISASI_FISIK.column("indikator").title,
            nilai=r["indikator"],
            diharapkan="satu baris per (kode kegiatan, indikator)", file=file))
    return issues


def validate_frames(frames: dict[str, pd.DataFrame], meta: Any = None) -> list[Issue]:
    """The Reader's entry (lkip.sources.validate): the file's form rows."""
    from lkip.sipd_codes import era_sipd

    df = frames.get(REALISASI_FISIK.name)
    return [] if df is None else validate(df, negative_rp=era_sipd(getattr(meta, "kode_skpd", None)))


__all__ = ["RealisasiFisik", "SCHEMA", "validate", "validate_frames", "WARNING"]
