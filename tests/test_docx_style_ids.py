"""docx_out._style_ids_once: the same document XML as python-docx's own style lookups."""

from __future__ import annotations

import pytest
from docx.enum.style import WD_STYLE_TYPE

from lkip.publish.docx_out import _style_ids_once, new_document


def _build(memo: bool) -> tuple[str, int]:
    doc = new_document()
    calls = [0]
    inner = doc.part.get_style_id

    def counted(style_or_name, style_type):  # python-docx's own lookups
        calls[0] += 1
        return inner(style_or_name, style_type)

    doc.part.get_style_id = counted
    if memo:
        _style_ids_once(doc)
    for i in range(3):
        doc.add_heading(f"Bagian {i}", level=2)
        doc.add_paragraph(f"Tabel {i}", style="Caption")
        t = doc.add_table(rows=2, cols=2)
        t.style = "Table Grid"
        doc.add_paragraph("Biasa", style="Normal")  # the default style: no pStyle
        doc.add_paragraph("Objek gaya", style=doc.styles["Caption"])
    return doc.element.xml, calls[0]


def test_same_xml_with_style_ids_kept():
    plain, looked_up = _build(False)
    kept, calls = _build(True)
    assert kept == plain
    assert 'w:val="Caption"' in kept and 'w:val="TableGrid"' in kept
    # 4 names once each (not 3 times), then a style object (3) and add_table's None (3) each time
    assert looked_up == 18 and calls == 4 + 3 + 3


def test_a_missing_style_still_raises():
    doc = new_document()
    _style_ids_once(doc)
    for _ in range(2):
        with pytest.raises(KeyError):
            doc.part.get_style_id("Tidak Ada", WD_STYLE_TYPE.PARAGRAPH)
