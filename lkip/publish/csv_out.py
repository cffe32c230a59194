"""CSV per table: UTF-8 with BOM (Excel detects the encoding), comma separated, '.' decimals.

All columns of the view are written (lineage included) so the file is machine readable; money is
written exactly (Decimal), text that would start a formula is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .data import Table
from .fmt import neutralise, write_bytes_atomic


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return neutralise(str(value))


def write_csv(target: Path, table: Table) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=",", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    w.writerow([neutralise(c) for c in table.columns])
    for row in table.rows:
        w.writerow([csv_value(row.get(c)) for c in table.columns])
    return write_bytes_atomic(target, buf.getvalue().encode("utf-8-sig"))
