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
xlsxwriter's own method. The class is handed to xlsxwriter by its documented hook
(`Workbook.worksheet_class`); it relies on the cell tuples of xlsxwriter 3.x (constraints.txt).
"""

from __future__ import annotations

from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellBlankTuple, CellNumberTuple, CellStringTuple, Worksheet


class FastCellSheet(Worksheet):
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
