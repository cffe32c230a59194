"""staging.iku (and the evidence tables): pandera models; target >= 0, polaritas naik/turun."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from lkip.issues import Issue
from schemas.base import run_schema


class Iku(pa.DataFrameModel):
    indikator: Series[Any] = pa.Field(nullable=False)
    polaritas: Series[Any] = pa.Field(nullable=False, isin=["naik", "turun"])
    target: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0)
    target_tw1: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0)
    target_tw2: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0)
    target_tw3: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0)
    target_tw4: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0)
    dihitung_dari: Series[Any] = pa.Field(nullable=True, isin=["SKM", "AKIP", "BUMD"])
    excel_row: Series[pd.Int64Dtype]

    class Config:
        strict = False


class Renstra(pa.DataFrameModel):
    tingkat: Series[Any] = pa.Field(nullable=True, isin=["tujuan", "sasaran"])
    jenis: Series[Any] = pa.Field(isin=["target", "realisasi"])
    tahun_data: Series[pd.Int64Dtype] = pa.Field(ge=1990, le=2100)

    class Config:
        strict = False


MODELS = {"iku": Iku, "renstra": Renstra}


def validate(tables: dict[str, pd.DataFrame], file: str | None = None) -> list[Issue]:
    issues: list[Issue] = []
    for name, model in MODELS.items():
        df = tables.get(name)
        if df is not None and not df.empty:
            issues.extend(run_schema(model, df, file=file))
    return issues


def validate_frames(frames: dict[str, pd.DataFrame], meta: Any = None) -> list[Issue]:
    """The Reader's entry (lkip.sources.validate)."""
    return validate(frames)


__all__ = ["Iku", "Renstra", "MODELS", "validate", "validate_frames"]
