"""docx table cells filled from a copied paragraph give the XML python-docx writes itself."""

from __future__ import annotations

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from lxml import etree

from lkip.publish.docx_out import _body_cell

TEXTS = ["1.234.567", "Program A", "", " spasi di tepi ", "baris\nbaru", "tab\tdi", "=1+1", "é & <b>", "x"]
STYLES = [(WD_ALIGN_PARAGRAPH.RIGHT, True), (WD_ALIGN_PARAGRAPH.CENTER, False), (None, False), (None, True)]


def _reference(cell, text, align, bold, size) -> None:
    cell.text = text
    for p in cell.paragraphs:
        if align is not None:
            p.alignment = align
        for run in p.runs:
            run.font.size = size
            run.bold = bold


def test_copied_cells_equal_python_docx_cells():
    size = Pt(7)
    cases = [(t, a, b) for a, b in STYLES for t in TEXTS] * 2  # every style's first cell, then copies
    docs = []
    for fill in (_reference, None):
        doc = Document()
        table = doc.add_table(rows=len(cases), cols=1)
        made: dict = {}
        for row, (text, align, bold) in zip(table.rows, cases):
            if fill is None:
                _body_cell(row.cells[0], text, align, bold, size, made)
            else:
                fill(row.cells[0], text, align, bold, size)
        docs.append(etree.tostring(table._tbl))
        if fill is None:
            assert made  # the copies were used
    assert docs[0] == docs[1]
