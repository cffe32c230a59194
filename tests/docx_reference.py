"""The docx table as python-docx's own object API builds it: `docx_out.add_table` before its body
rows were built as XML (docx_rows.py), every body cell through `cell.text`, paragraph alignment and
run font (the caption, header rows and widths are `docx_out.table_frame`, shared). tests/test_docx_rows.py
compares the document XML of both."""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH

from lkip.publish.data import Table, UnitData
from lkip.publish.docx_out import _row_flag, styled_cell, sumber, table_frame


def add_table(doc: Any, table: Table, unit: UnitData) -> None:
    view, t, rows, size = table_frame(doc, table, unit, None)
    depth = len(rows) - len(view["body"])
    for r, row in enumerate(view["body"], start=depth):
        _row_flag(rows[r], "w:cantSplit")
        bold = row["cls"] in ("total", "program")
        for c, cell in zip(row["cells"], rows[r].cells):
            align = (WD_ALIGN_PARAGRAPH.RIGHT if "num" in c["cls"] else
                     WD_ALIGN_PARAGRAPH.CENTER if "code" in c["cls"] else None)
            styled_cell(cell, c["text"], align, bold, size)
    sumber(doc, view)
