"""A worksheet that writes its plain cells' XML in one step: the same bytes as xlsxwriter, less CPU.

A city workbook holds ~700 000 cells, each a number, a shared string or a formatted blank with
its own format (the table borders). xlsxwriter writes each `<c>` element through its general path:
an attribute list, the cell type found by its class name, every attribute value run through an
escaping regular expression (for a cell reference and a format number, which never need it).
That is ~4 µs a cell, the larger part of the workbook's CPU.

`FastCellSheet._write_cell` writes a Number, String (shared string) or Blank cell that has a
format, in a workbook not in constant_memory mode, as one formatted string: exactly the text
xlsxwriter's `_write_cell`, `_xml_number_element`, `_xml_string_element` and `_xml_empty_tag`
write for it (tests/test_xlsx_cells.py compares the sheet XML of both on every kind of cell).
Every other cell (formulas, rich strings, booleans, errors, a cell without a format) goes to
xlsxwriter's own method. `_write_rows` and `_calculate_spans` are xlsxwriter's, walking each
row's own columns instead of every column of the sheet's range for every row; `_write_rows`
writes those plain cells itself as `_write_cell` does (the text after the reference made once per
kind of cell and format) and a row without properties of its own as one string, `<row>` tag
included (tests/test_xlsx_rows.py: whole workbooks). The class is handed to xlsxwriter by its
documented hook (`Workbook.worksheet_class`); it relies on the cell tuples of xlsxwriter 3.x
(constraints.txt).
"""

from __future__ import annotations

from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellBlankTuple, CellNumberTuple, CellStringTuple, Worksheet


class FastCellSheet(Worksheet):
    def _calculate_spans(self) -> None:
        """xlsxwriter's: the `spans` of each block of 16 rows (first:last used column, 1-based),
        from each row's columns instead of testing every column of the sheet's range."""
        spans: dict[int, str] = {}
        span_min = span_max = None
        lo, hi, last = self.dim_colmin, self.dim_colmax, self.dim_rowmax
        table, comments = self.table, self.comments
        for row_num in range(self.dim_rowmin, last + 1):
            for cols in (table.get(row_num), comments.get(row_num)):
                if cols:
                    a, b = min(cols), max(cols)
                    if a < lo or b > hi:  # not for cells xlsxwriter's writers stored (the range holds them)
                        used = [c for c in cols if lo <= c <= hi]
                        if not used:
                            continue
                        a, b = min(used), max(used)
                    if span_min is None:  # a new block: its first used row sets both
                        span_min, span_max = a, b
                    else:
                        if a < span_min:
                            span_min = a
                        if b > span_max:
                            span_max = b
            if (row_num + 1) % 16 == 0 or row_num == last:
                if span_min is not None:
                    spans[row_num // 16] = f"{span_min + 1}:{span_max + 1}"
                    span_min = None
        self.row_spans = spans

    def _write_rows(self) -> None:
        """xlsxwriter's: each row with cells, a format or comments as a <row>, its cells in column
        order, taken from the row's own columns instead of testing every column of the range. A row
        is written in one piece: its plain cells (those _write_cell writes itself) and, for a row
        without properties of its own, its <row> tag as one string each; the text after a plain
        cell's reference is made once per kind of cell and format."""
        if self.constant_memory:
            super()._write_rows()
            return
        self._calculate_spans()
        table, comments, row_info, spans = self.table, self.comments, self.row_info, self.row_spans
        lo, hi = self.dim_colmin, self.dim_colmax
        write = self.fh.write
        # a <row> without row_info is <row r= spans=> alone when the default height is the original one
        plain_rows = self.default_row_height == self.original_row_height and self.excel_version != 2010
        names = [xl_col_to_name(c) for c in range(hi + 1)]
        # per format: what follows the reference of a blank, number or string cell. A format's index
        # is assigned at its first _get_xf_index, in the order the cells are written, as before
        blank: dict[Any, str] = {}
        number: dict[Any, str] = {}
        string: dict[Any, str] = {}
        for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = table.get(row_num)
            info = row_info.get(row_num)
            if not cells and info is None and row_num not in comments:
                continue
            span = spans.get(row_num // 16)
            if not cells:
                self._write_empty_row(row_num, span, info)
                continue
            rn = str(row_num + 1)
            if info is None and plain_rows:
                parts = [f'<row r="{rn}" spans="{span}">' if span else f'<row r="{rn}">']
            else:
                self._write_row(row_num, span, info)
                parts = []
            append = parts.append
            items = sorted(cells.items())  # columns are distinct: the cells themselves are never compared
            if items[0][0] < lo or items[-1][0] > hi:
                items = [(c, v) for c, v in items if lo <= c <= hi]
            for col, cell in items:
                kind = type(cell)
                if kind is CellBlankTuple:
                    fmt = cell[0]
                    tail = blank.get(fmt)
                    if tail is None and fmt:
                        tail = blank[fmt] = f'" s="{fmt._get_xf_index()}"/>'
                    if tail is not None:
                        append(f'<c r="{names[col]}{rn}{tail}')
                        continue
                elif kind is CellNumberTuple:
                    value, fmt = cell
                    tail = number.get(fmt)
                    if tail is None and fmt:
                        tail = number[fmt] = f'" s="{fmt._get_xf_index()}"><v>'
                    if tail is not None:
                        append(f'<c r="{names[col]}{rn}{tail}{value:.16G}</v></c>')
                        continue
                elif kind is CellStringTuple:
                    value, fmt = cell
                    tail = string.get(fmt)
                    if tail is None and fmt:
                        tail = string[fmt] = f'" s="{fmt._get_xf_index()}" t="s"><v>'
                    if tail is not None:
                        append(f'<c r="{names[col]}{rn}{tail}{value}</v></c>')
                        continue
                if parts:  # any other cell: xlsxwriter's own writer, after what came before it
                    write("".join(parts))
                    parts = []
                    append = parts.append
                self._write_cell(row_num, col, cell)
            append("</row>")
            write("".join(parts))

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        kind = type(cell)
        fmt = cell.format
        if self.constant_memory or not fmt or (
                kind is not CellNumberTuple and kind is not CellStringTuple and kind is not CellBlankTuple):
            super()._write_cell(row, col, cell)
            return
        ref = xl_rowcol_to_cell_fast(row, col)
        xf = fmt._get_xf_index()
        if kind is CellNumberTuple:
            self.fh.write(f'<c r="{ref}" s="{xf}"><v>{cell.number:.16G}</v></c>')
        elif kind is CellStringTuple:
            self.fh.write(f'<c r="{ref}" s="{xf}" t="s"><v>{cell.string}</v></c>')
        else:
            self.fh.write(f'<c r="{ref}" s="{xf}"/>')


class Workbook(xlsxwriter.Workbook):
    """xlsxwriter's Workbook whose worksheets are FastCellSheets."""

    worksheet_class = FastCellSheet
