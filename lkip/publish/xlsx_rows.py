"""The data rows of a table sheet, stored straight into the worksheet's cell table.

A city workbook's table sheets hold ~230 000 cells (the `rekonsiliasi` table alone 17 776 rows),
mostly formatted blanks (the borders), numbers and shared strings. Written one by one through
xlsxwriter's `_write_blank/_write_number/_write_string`, each cell paid a method call, a
dimension check (`_check_dimensions`), a new cell tuple and a format lookup. Here each cell's case
is decided from its value's type, its format comes from a list per row style (bold, indent,
fill) and column, and the cell is stored as the very tuple xlsxwriter stores
(`CellBlankTuple/CellNumberTuple/CellStringTuple`; a formatted blank's tuple is shared, tuples
are immutable) into `ws.table[row]`, the sheet's extent set once at the end. Shared strings
take their index from `str_table._get_shared_string_index` in the same order as before (row by
row, column by column), so the workbook is the same byte for byte (tests/test_xlsx_rows.py).

What is not plain goes through `write_cell`, the per-cell path as it was: a value of any other type
(bool, date, a str or float subclass), NaN/infinity (xlsxwriter writes them as error formulas),
text longer than half of Excel's limit (xlsxwriter truncates it), a row beyond the sheet's last
row, and every cell of a sheet in constant_memory mode (its rows are flushed as they are written).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Iterable

from xlsxwriter.worksheet import CellBlankTuple, CellNumberTuple, CellStringTuple

from lkip.fmt import FORMULA_PREFIXES, is_formula_like

_new = tuple.__new__  # a cell tuple without the namedtuple's Python-level __new__


def write_cell(ws: Any, r: int, i: int, value: Any, numeric: bool, bold: bool, indent: int, fill: str | None,
               cell_format: Callable[..., Any]) -> None:
    """One cell of a data row, through xlsxwriter's writers (what every cell went through before): the
    undecorated ones, as these row and column numbers are never an "A1" reference."""
    if value is None or value == "":
        ws._write_blank(r, i, None, cell_format("blank", i, bold, fill))
    elif numeric and isinstance(value, (int, float, Decimal)):
        ws._write_number(r, i, float(value), cell_format("number", i, bold, fill))
    elif isinstance(value, bool):
        ws._write_string(r, i, "Ya" if value else "Tidak", cell_format("bool", i, bold, fill))
    else:
        text = str(value)
        ws._write_string(r, i, text, cell_format("text", i, bold, fill, indent, is_formula_like(text)))


def write_data_rows(ws: Any, first: int, rows: Iterable[tuple[bool, int, str | None, list[Any]]],
                    numeric: list[bool], widths: list[float], cell_format: Callable[..., Any],
                    lines_of: Callable[[Any, float, bool], int], row_points: float) -> None:
    """Rows (bold, indent, fill, values per column) from sheet row `first` on. A row holding text longer
    than its line (or a newline) is made as tall as `lines_of` says: `row_points` a line, plus 2.
    `cell_format(case, column, bold, fill, indent=0, quote=False)` gives each cell's format."""
    # chars per line as lines_of counts them, plain / bold; shorter text without a newline is one line
    plain = [int(max(4.0, w * 1.2 - 1)) for w in widths]
    wide = [int(max(4.0, w * 1.1 - 1)) for w in widths]
    ncol = len(numeric)
    fast = not ws.constant_memory and ncol <= ws.xls_colmax
    table, rowmax, half = ws.table, ws.xls_rowmax, ws.xls_strmax // 2
    sst = ws.str_table._get_shared_string_index if fast else None
    styles: dict[tuple, tuple[list, list, list]] = {}  # per row style: blank cells, number and text formats
    stored: tuple[int, int] | None = None  # the first and last row whose cells were stored here
    for r, (bold, indent, fill, values) in enumerate(rows, start=first):
        limit = wide if bold else plain
        lines = 1
        if not fast or r >= rowmax:  # the row's height first, as it was (constant_memory flushes rows)
            for i, v in enumerate(values):
                if isinstance(v, str) and (len(v) > limit[i] or "\n" in v):
                    lines = max(lines, lines_of(v, widths[i], bold))
            if lines > 1:
                ws.set_row(r, row_points * lines + 2)
            for i, v in enumerate(values):
                write_cell(ws, r, i, v, numeric[i], bold, indent, fill, cell_format)
            continue
        style = styles.get((bold, indent, fill))
        if style is None:
            style = styles[(bold, indent, fill)] = ([None] * ncol, [None] * ncol, [None] * ncol)
        blanks, numbers, texts = style
        cells = table[r]
        for i, v in enumerate(values):
            if v is None:  # most cells of a city's tables: the borders of empty columns
                c = blanks[i]
                if c is None:
                    c = blanks[i] = _new(CellBlankTuple, (cell_format("blank", i, bold, fill),))
                cells[i] = c
                continue
            t = type(v)
            if t is str and v:
                if len(v) > limit[i] or "\n" in v:
                    lines = max(lines, lines_of(v, widths[i], bold))
                if len(v) > half:
                    write_cell(ws, r, i, v, numeric[i], bold, indent, fill, cell_format)
                    continue
                if v.startswith(FORMULA_PREFIXES):
                    f = cell_format("text", i, bold, fill, indent, True)
                else:
                    f = texts[i]
                    if f is None:
                        f = texts[i] = cell_format("text", i, bold, fill, indent, False)
                cells[i] = _new(CellStringTuple, (sst(v), f))
            elif t is str:  # ""
                c = blanks[i]
                if c is None:
                    c = blanks[i] = _new(CellBlankTuple, (cell_format("blank", i, bold, fill),))
                cells[i] = c
            elif (t is Decimal or t is int or t is float) and numeric[i]:
                x = v if t is float else float(v)
                f = numbers[i]
                if f is None:
                    f = numbers[i] = cell_format("number", i, bold, fill)
                if x - x == 0.0:  # finite
                    cells[i] = _new(CellNumberTuple, (x, f))
                else:
                    ws._write_number(r, i, x, f)
            else:
                if isinstance(v, str) and (len(v) > limit[i] or "\n" in v):
                    lines = max(lines, lines_of(v, widths[i], bold))
                write_cell(ws, r, i, v, numeric[i], bold, indent, fill, cell_format)
        if ncol:  # every column got a cell
            stored = (stored[0], r) if stored else (r, r)
        if lines > 1:  # wrapped text: the row is as tall as its text (LibreOffice does not grow it itself)
            ws.set_row(r, row_points * lines + 2)
    if stored:  # the sheet's extent, as xlsxwriter's writers set it cell by cell
        ws._check_dimensions(stored[0], 0)
        ws._check_dimensions(stored[1], ncol - 1)
