"""Running a pandera model lazily and telling every failure to the officer.

Each staged table's schema is generated from its declaration (``schemas.table``, ``lkip.tables``).
Checks carry their officer-facing message (Bahasa Indonesia) in the check's ``error`` text; this
module turns pandera's failure cases into :class:`lkip.issues.Issue` with sheet, Excel row, column
(named by the column's declared label, the schema column's ``title``) and value.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from lkip.fmt import rupiah_pesan as rupiah  # noqa: F401  (one rupiah for messages: lkip.fmt)
from lkip.issues import ERROR, Issue

# What a failed type check (schemas.table) names as expected, per logical type.
TYPE_EXPECTED = {"text": "teks", "integer": "bilangan bulat", "number": "angka", "money": "angka rupiah",
                 "date": "tanggal", "boolean": "ya/tidak"}


def label(column: Any, labels: dict[str, str] | None = None) -> str:
    """The column's name in a message: its declared label (``labels``, from the schema), else its
    own name."""
    return (labels or {}).get(str(column), str(column))


def labels_of(model: Any) -> dict[str, str]:
    """Column name -> the label a schema's columns carry as their ``title`` (``schemas.table``
    sets it from each column's declaration, ``lkip.tables``)."""
    schema = model.to_schema() if isinstance(model, type) else model
    return {str(name): col.title for name, col in getattr(schema, "columns", {}).items()
            if getattr(col, "title", None)}


def run_schema(
    model: type[pa.DataFrameModel] | pa.DataFrameSchema,
    df: pd.DataFrame,
    severity: str = ERROR,
    file: str | None = None,
    inplace: bool = False,
) -> list[Issue]:
    """Validate ``df`` lazily; every failure case becomes one Issue.

    ``model`` is a DataFrameModel or the schema built from one (build it once: ``to_schema()``).
    ``df`` must carry ``sheet`` and ``excel_row`` columns (the lineage of each row).
    ``inplace=True`` spares pandera's copy of the frame: only for a schema that coerces nothing.
    """
    if df.empty:
        return []
    try:
        model.validate(df, lazy=True, inplace=inplace)
        return []
    except SchemaErrors as exc:
        cases = exc.failure_cases
    except SchemaError as exc:  # pragma: no cover - lazy=True raises SchemaErrors
        cases = exc.failure_cases if exc.failure_cases is not None else pd.DataFrame()
    return _to_issues(cases, df, severity, file, labels_of(model))


def _to_issues(cases: pd.DataFrame, df: pd.DataFrame, severity: str, file: str | None,
               titles: dict[str, str] | None = None) -> list[Issue]:
    """``titles``: column name -> its declared label (``labels_of``)."""
    issues: list[Issue] = []
    seen: set[tuple] = set()
    if cases is None or cases.empty:
        return issues
    records = cases.to_dict("records")
    # Each failing row's position, found for all cases at once; its cells read by position (a
    # frame of a million rows may fail on many of them: no row lookup by label per case).
    labels = [r.get("index") for r in records]
    usable = [i for i, v in enumerate(labels)
              if v is not None and not (isinstance(v, float) and pd.isna(v))]
    pos = np.full(len(records), -1, dtype=np.int64)
    if usable:
        if df.index.is_unique:
            try:
                pos[usable] = df.index.get_indexer(pd.Index([labels[i] for i in usable], dtype=object))
            except (TypeError, ValueError):
                pos[usable] = [_position(df, labels[i]) for i in usable]
        else:
            pos[usable] = [_position(df, labels[i]) for i in usable]
    where = {c: j for j, c in enumerate(df.columns)} if df.columns.is_unique else {}
    sheet_at, row_at = where.get("sheet"), where.get("excel_row")
    for case, p in zip(records, pos.tolist()):
        column = case.get("column")
        check = str(case.get("check") or "")
        value = case.get("failure_case")
        sheet = row = None
        if p >= 0:
            if where:
                sheet = df.iat[p, sheet_at] if sheet_at is not None else None
                excel_row = df.iat[p, row_at] if row_at is not None else None
                row = int(excel_row) if pd.notna(excel_row) else None
                if column in where:
                    value = df.iat[p, where[column]]
            else:
                rec = df.iloc[p]
                sheet = rec.get("sheet")
                row = int(rec["excel_row"]) if pd.notna(rec.get("excel_row")) else None
                if column in df.columns:
                    value = rec[column]
        pesan, diharapkan = _message(check, column, value, titles)
        key = (sheet, row, column, pesan)
        if key in seen:
            continue
        seen.add(key)
        issues.append(
            Issue(
                pesan=pesan,
                severity=severity,
                sheet=sheet,
                excel_row=row,
                kolom=label(column, titles) if column is not None and str(column) != "nan" else None,
                nilai=None if _missing(value) else value,
                diharapkan=diharapkan,
                file=file,
            )
        )
    return issues


def _missing(value: Any) -> bool:
    """No value: None, NaN, or the NA of an Arrow-backed or nullable column."""
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def _position(df: pd.DataFrame, index: Any) -> int:
    """The position of the first row labelled ``index``, -1 if none."""
    try:
        loc = df.index.get_loc(index)
    except (KeyError, TypeError, ValueError):
        return -1
    if isinstance(loc, slice):
        return loc.start if loc.stop > loc.start else -1
    if isinstance(loc, np.ndarray):
        hits = np.flatnonzero(loc)
        return int(hits[0]) if len(hits) else -1
    return int(loc)


def _shown(value: Any) -> str:
    """A value as the officer typed it (no numpy reprs)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return repr(value) if isinstance(value, str) else str(value)


def _message(check: str, column: Any, value: Any, labels: dict[str, str] | None = None) -> tuple[str, str | None]:
    col = label(column, labels)
    if check.startswith("not_nullable"):
        return f"Kolom {col} kosong", "nilai terisi"
    if check.startswith("greater_than_or_equal_to(0") or check.startswith("ge(0"):
        return f"{col} negatif: {_shown(value)}", "angka ≥ 0"
    if check.startswith("isin("):
        return f"{col} tidak dikenal: {_shown(value)}", check[len("isin("):-1]
    if check.startswith("field_uniqueness") or check.startswith("unique") or check.startswith("multiple_fields_uniqueness"):
        return f"Kode ganda di kolom {col}: {_shown(value)}", "kode unik"
    if check.startswith("type("):
        return f"Tipe data kolom {col} tidak sesuai: {_shown(value)}", TYPE_EXPECTED.get(check[5:-1], check)
    if check.startswith("dtype("):
        return f"Tipe data kolom {col} tidak sesuai", check
    if check.startswith("column_in_dataframe"):
        return f"Kolom {value!r} tidak ditemukan", "kolom tersebut ada di header"
    # Custom checks carry their Indonesian message as the check name / error text.
    return check or f"{col} tidak sah: {_shown(value)}", None
