"""CSV per table: UTF-8 with BOM (Excel detects the encoding), `;` separated with decimal comma by default.

Officers open these files in Excel with Indonesian regional settings, where the comma is the decimal
mark and the list separator is `;`: a comma-separated file opens there as one column. So by default
a file is `;` separated and a fractional number is written with a decimal comma (`172,42105…`); whole
numbers and money without cents have no separator at all (`57395091366`), so Excel reads every number
as a number. Config `[publish] csv_separator` (`;`, `,` or `tab`) and `csv_decimal` (`,`, `.` or
`auto`: comma unless the separator is a comma) choose another convention; `csv_separator = ","`
gives the machine-readable RFC 4180 file with `.` decimals.

The header row is the view's column names, the ids machines and scripts rely on; every column of the
view is written (lineage included) and values are the view's values, exactly (Decimal money), only
the decimal mark follows the convention. Text that would start a formula is prefixed with an
apostrophe.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import row_cache
from .data import Table
from lkip.fmt import neutralise, write_bytes_atomic

SEPARATORS = {";": ";", ",": ",", "tab": "\t", "\t": "\t"}
DEFAULT_SEPARATOR = ";"
RUNNING = "urutan"   # a table's running number: every row after a changed one has a new one


def csv_options(config: Any = None) -> tuple[str, str]:
    """(separator, decimal mark) from `[publish] csv_separator` / `csv_decimal`; a bad value is an error."""
    sep_key = str(config.get("publish.csv_separator", DEFAULT_SEPARATOR) if config is not None else DEFAULT_SEPARATOR)
    if sep_key not in SEPARATORS:
        raise ValueError(f"[publish] csv_separator = {sep_key!r}: pilih ';', ',' atau 'tab'")
    sep = SEPARATORS[sep_key]
    dec = str(config.get("publish.csv_decimal", "auto") if config is not None else "auto")
    if dec == "auto":
        dec = "." if sep == "," else ","
    if dec not in (",", "."):
        raise ValueError(f"[publish] csv_decimal = {dec!r}: pilih ',', '.' atau 'auto'")
    if dec == sep:
        raise ValueError(f"[publish] csv_decimal {dec!r} sama dengan csv_separator: angka akan terpotong")
    return sep, dec


_ONE = Decimal(1)


def csv_value(value: Any, decimal: str = ".") -> str:
    if value is None:
        return ""
    if type(value) is str:  # the most common cell first (a subclass takes the last line: the same text)
        return neutralise(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = str(value.quantize(_ONE)) if value == value.to_integral_value() else str(value)
        return text.replace(".", decimal)
    if isinstance(value, float):
        return repr(value).replace(".", decimal)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return neutralise(str(value))


def write_csv(target: Path, table: Table, config: Any = None) -> Path:
    sep, dec = csv_options(config)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    w.writerow([neutralise(c) for c in table.columns])
    # A row's cells but its running number are kept between the writes of one process
    # (row_cache.py: a re-drop inside `lkip watch` formats only the changed rows of the city's
    # reconciliation); the running number shifts after a changed block, so it is written apart.
    cols = list(table.columns)
    at = cols.index(RUNNING) if RUNNING in cols else None
    keycols = tuple(c for c in cols if c != RUNNING)
    cached = row_cache.CSV_ROWS.rows((str(target), sep, dec), (tuple(cols), sep, dec), keycols, table.rows,
                                     lambda row: [csv_value(row.get(c), dec) for c in keycols])
    if at is None:
        w.writerows(cached)
    else:
        for row, cells in zip(table.rows, cached):
            w.writerow([*cells[:at], csv_value(row.get(RUNNING), dec), *cells[at:]])
    return write_bytes_atomic(target, buf.getvalue().encode("utf-8-sig"))
