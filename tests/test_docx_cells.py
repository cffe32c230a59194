"""A document copied from the default one saves as python-docx's own new document."""

from __future__ import annotations

from docx import Document




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
