"""Step 5: cell values as the readers get them, from python-calamine's (or openpyxl's) raw values.

``str`` (exactly as stored), ``int``/``float`` (integral floats become ``int``),
``datetime.datetime`` (Excel dates; a time-only cell becomes a datetime on 1899-12-30, a duration
becomes a float number of days), ``bool``, ``None`` (blank or empty string). Error cells are
returned as their text (``'#DIV/0!'``, ``'#N/A'``) so that a numeric column reader reports them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lkip.extract.workbook.bounded import CalamineSource

if TYPE_CHECKING:
    from lkip.extract.workbook.sheet_scan import _SheetScan

_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _float(v: float) -> int | float:
    return int(v) if v.is_integer() and -9.0e15 < v < 9.0e15 else v


def _date(v: dt.date) -> dt.datetime:
    return dt.datetime(v.year, v.month, v.day)


def _time(v: dt.time) -> dt.datetime:
    return dt.datetime.combine(_EXCEL_EPOCH, v)


def _delta(v: dt.timedelta) -> float:
    return v.total_seconds() / 86400.0


def _same(v: Any) -> Any:
    return v


def _empty(v: str) -> str | None:
    return v or None


_CONVERT = {float: _float, dt.date: _date, dt.time: _time, dt.timedelta: _delta,
            dt.datetime: _same, int: _same, bool: _same, str: _empty}


def _convert_rows(raw: list[list[Any]]) -> list[list[Any]]:
    conv = _CONVERT.get
    return [
        [v if type(v) is str and v else conv(type(v), _same)(v) for v in row]
        for row in raw
    ]


def _load_rows(path: Path, name: str, scan: _SheetScan, source: CalamineSource | None = None) -> list[list[Any]]:
    raw = (source or CalamineSource(path)).sheet_rows(name)
    rows = _convert_rows(raw)
    del raw
    for r, c, text in scan.errors:
        if 0 < r <= len(rows) and 0 < c <= len(rows[r - 1]):
            rows[r - 1][c - 1] = text or None
    # Trailing blank rows are dropped, but a row holding a formula without a cached
    # value is not blank: keep it so that rows[r - 1] exists for every reported cell.
    cells = scan.formula_no_value
    keep = max((r for r, _ in cells), default=0)
    while len(rows) > keep and all(v is None for v in rows[-1]):
        rows.pop()
    while len(rows) < keep:
        rows.append([])
    width = max(max((len(r) for r in rows), default=0),
                max((c for _, c in cells), default=0))
    for r in rows:
        if len(r) < width:
            r.extend([None] * (width - len(r)))
    return rows
