"""docx table cells filled from a copied paragraph give the XML python-docx writes itself."""

from __future__ import annotations

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from lxml import etree

from lkip.publish.docx_out import _body_cell, styled_cell

TEXTS = ["1.234.567", "Program A", "", " spasi di tepi ", "baris\nbaru", "tab\tdi", "=1+1", "é & <b>", "x"]
STYLES = [(WD_ALIGN_PARAGRAPH.RIGHT, True), (WD_ALIGN_PARAGRAPH.CENTER, False), (None, False), (None, True)]


_reference = styled_cell   # python-docx's own API


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


def test_copied_default_document_saves_as_a_new_one(tmp_path):
    import zipfile

    from docx.shared import Cm

    from lkip.publish.docx_out import new_document

    paths = []
    for i, make in enumerate((Document, new_document, new_document)):
        doc = make()
        doc.add_heading("BAB III", level=0)
        doc.add_paragraph("Teks", style="Caption")
        doc.add_table(rows=2, cols=2).style = "Table Grid"
        doc.sections[0].left_margin = Cm(2.5)
        doc.core_properties.title = "Judul"
        doc.save(tmp_path / f"{i}.docx")
        paths.append(tmp_path / f"{i}.docx")
    zips = [zipfile.ZipFile(p) for p in paths]
    names = [sorted(z.namelist()) for z in zips]
    assert names[0] == names[1] == names[2]
    for name in names[0]:
        if name == "docProps/core.xml":
            continue  # the time it was made
        assert zips[0].read(name) == zips[1].read(name) == zips[2].read(name), name
