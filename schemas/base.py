"""Running a pandera model lazily and telling every failure to the officer.

Each staged table has a DataFrameModel in ``schemas/<kind>.py``. Checks carry their officer-facing
message (Bahasa Indonesia) in the check's ``error`` text; this module turns pandera's failure cases
into :class:`lkip.issues.Issue` with sheet, Excel row, column and value.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from lkip.issues import ERROR, Issue

# Column labels as officers know them, for messages.
LABEL = {
    "kode": "Kode Rekening",
    "kode_kegiatan": "Kode Kegiatan",
    "kode_rekening": "Kode Rekening",
    "uraian": "Uraian",
    "indikator": "Indikator Kinerja",
    "target": "Target",
    "satuan": "Satuan",
    "pagu_murni": "Pagu Murni",
    "pagu_perubahan": "Pagu Perubahan",
    "anggaran": "Anggaran",
    "nilai": "Nilai",
    "tanggal": "Tanggal SP2D",
    "jenis": "Jenis SP2D",
    "polaritas": "Polaritas",
    "cara_hitung": "Cara Hitung",
}
for _i in range(1, 5):
    LABEL[f"kas_tw{_i}"] = f"Anggaran Kas TW {_i}"
    LABEL[f"k_tw{_i}"] = f"Realisasi Kinerja TW {_i}"
    LABEL[f"rp_tw{_i}"] = f"Realisasi Rp TW {_i}"
    LABEL[f"target_tw{_i}"] = f"Target TW {_i}"


def label(column: Any) -> str:
    return LABEL.get(str(column), str(column))


def run_schema(
    model: type[pa.DataFrameModel],
    df: pd.DataFrame,
    severity: str = ERROR,
    file: str | None = None,
) -> list[Issue]:
    """Validate ``df`` lazily; every failure case becomes one Issue.

    ``df`` must carry ``sheet`` and ``excel_row`` columns (the lineage of each row).
    """
    if df.empty:
        return []
    try:
        model.validate(df, lazy=True)
        return []
    except SchemaErrors as exc:
        cases = exc.failure_cases
    except SchemaError as exc:  # pragma: no cover - lazy=True raises SchemaErrors
        cases = exc.failure_cases if exc.failure_cases is not None else pd.DataFrame()
    return _to_issues(cases, df, severity, file)


def _to_issues(cases: pd.DataFrame, df: pd.DataFrame, severity: str, file: str | None) -> list[Issue]:
    issues: list[Issue] = []
    seen: set[tuple] = set()
    for case in cases.to_dict("records"):
        column = case.get("column")
        check = str(case.get("check") or "")
        index = case.get("index")
        value = case.get("failure_case")
        sheet = row = None
        if index is not None and not (isinstance(index, float) and pd.isna(index)) and index in df.index:
            rec = df.loc[index]
            sheet = rec.get("sheet")
            row = int(rec["excel_row"]) if pd.notna(rec.get("excel_row")) else None
            if column in df.columns:
                value = rec[column]
        pesan, diharapkan = _message(check, column, value)
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
                kolom=label(column) if column is not None and str(column) != "nan" else None,
                nilai=None if value is None or (isinstance(value, float) and pd.isna(value)) else value,
                diharapkan=diharapkan,
                file=file,
            )
        )
    return issues


def _shown(value: Any) -> str:
    """A value as the officer typed it (no numpy reprs)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return repr(value) if isinstance(value, str) else str(value)


def _message(check: str, column: Any, value: Any) -> tuple[str, str | None]:
    col = label(column)
    if check.startswith("not_nullable"):
        return f"Kolom {col} kosong", "nilai terisi"
    if check.startswith("greater_than_or_equal_to(0") or check.startswith("ge(0"):
        return f"{col} negatif: {_shown(value)}", "angka ≥ 0"
    if check.startswith("isin("):
        return f"{col} tidak dikenal: {_shown(value)}", check[len("isin("):-1]
    if check.startswith("field_uniqueness") or check.startswith("unique") or check.startswith("multiple_fields_uniqueness"):
        return f"Kode ganda di kolom {col}: {_shown(value)}", "kode unik"
    if check.startswith("dtype("):
        return f"Tipe data kolom {col} tidak sesuai", check
    if check.startswith("column_in_dataframe"):
        return f"Kolom {value!r} tidak ditemukan", "kolom tersebut ada di header"
    # Custom checks carry their Indonesian message as the check name / error text.
    return check or f"{col} tidak sah: {_shown(value)}", None
