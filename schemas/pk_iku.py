"""The seven PK/IKU tables: each checked by the typed schema generated from its declaration
(lkip.tables.pk_iku: target >= 0, polaritas naik/turun, Renstra years and kinds ...)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from lkip.issues import Issue
from lkip.tables.pk_iku import IKU, RENSTRA, TABLES
from schemas.table import check_tables, schema_of

MODELS = {"iku": schema_of(IKU), "renstra": schema_of(RENSTRA)}   # the names callers knew
Iku, Renstra = MODELS["iku"], MODELS["renstra"]


def validate(tables: dict[str, pd.DataFrame], file: str | None = None) -> list[Issue]:
    return check_tables(TABLES, tables, file=file)


def validate_frames(frames: dict[str, pd.DataFrame], meta: Any = None) -> list[Issue]:
    """The Reader's entry (lkip.sources.validate)."""
    return validate(frames)


__all__ = ["Iku", "Renstra", "MODELS", "validate", "validate_frames"]
