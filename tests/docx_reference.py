"""The docx table as python-docx's own object API builds it: `docx_out.add_table` before its body
rows were built as XML (docx_rows.py), every cell through `cell.text`, `cell.width`, paragraph
alignment and run font. tests/test_docx_rows.py compares the document XML of both."""

from __future__ import annotations

from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from lkip.publish.data import Table, UnitData
from lkip.publish.docx_out import DOCX_COLUMNS, _cell_margins, _row_flag, _widths, styled_cell
from lkip.publish.html import table_view


def add_table(doc: Any, table: Table, unit: UnitData) -> None:
    view = table_view(table, unit, DOCX_COLUMNS.get(table.id) or DOCX_COLUMNS.get(table.base_id or ""))
    cap = doc.add_paragraph(view["title"], style="Caption")
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cap.paragraph_format.keep_with_next = True
    n = view["ncols"] or 1
    depth = max(len(view["head"]), 1)
    points = 8 if n <= 7 else 7
    size = Pt(points)
    t = doc.add_table(rows=depth + len(view["body"]), cols=n)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _cell_margins(t)
    sec = doc.sections[-1]
    page_cm = (sec.page_width - sec.left_margin - sec.right_margin) / 360000
    widths = [Cm(w) for w in (_widths(view, points, page_cm) if view["body"] else [page_cm / n] * n)]
    for i, w in enumerate(widths):
        t.columns[i].width = w
    for row in t.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w
    used: set[tuple[int, int]] = set()
    for r, hr in enumerate(view["head"]):
        _row_flag(t.rows[r], "w:tblHeader")
        col = 0
        for c in hr:
            while (r, col) in used:
                col += 1
            cell = t.cell(r, col)
            if c["colspan"] > 1 or c["rowspan"] > 1:
                cell = cell.merge(t.cell(r + c["rowspan"] - 1, col + c["colspan"] - 1))
            cell.text = c["text"]
            used.update((rr, i) for rr in range(r, r + c["rowspan"]) for i in range(col, col + c["colspan"]))
            for p in cell.paragraphs:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in p.runs:
                    run.bold = True
                    run.font.size = size
    for r, row in enumerate(view["body"], start=depth):
        _row_flag(t.rows[r], "w:cantSplit")
        bold = row["cls"] in ("total", "program")
        for c, cell in zip(row["cells"], t.rows[r].cells):
            align = (WD_ALIGN_PARAGRAPH.RIGHT if "num" in c["cls"] else
                     WD_ALIGN_PARAGRAPH.CENTER if "code" in c["cls"] else None)
            styled_cell(cell, c["text"], align, bold, size)
    if not view["body"]:
        t.cell(depth, 0).text = "Tidak ada data."
    src = doc.add_paragraph(view["sumber"])
    src.runs[0].italic = True
    src.runs[0].font.size = Pt(8)
