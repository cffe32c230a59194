"""Draft of BAB III (Akuntabilitas Kinerja) as a Word document (python-docx)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from .charts import Chart
from .data import Table, UnitData
from .fmt import atomic_path
from .html import table_view


def _add_table(doc: Any, table: Table, unit: UnitData, columns_max: int = 9) -> None:
    view = table_view(table, unit)
    doc.add_paragraph(view["title"], style="Caption")
    n = view["ncols"]
    if not n or n > columns_max:
        doc.add_paragraph("(Tabel lengkap tersedia pada workbook LKIP.)")
        return
    depth = len(view["head"])
    t = doc.add_table(rows=depth + len(view["body"]), cols=n)
    t.style = "Table Grid"
    used: set[tuple[int, int]] = set()
    for r, hr in enumerate(view["head"]):
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
                    run.font.size = Pt(8)
    for r, row in enumerate(view["body"], start=depth):
        for i, c in enumerate(row["cells"]):
            cell = t.cell(r, i)
            cell.text = c["text"]
            for p in cell.paragraphs:
                if "num" in c["cls"]:
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                for run in p.runs:
                    run.font.size = Pt(8)
                    run.bold = row["cls"] in ("total", "program")
    doc.add_paragraph(view["sumber"]).runs[0].italic = True


def write_docx(target: Path, unit: UnitData, narrative: dict[str, Any], charts: list[Chart]) -> Path:
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.orientation = WD_ORIENT.PORTRAIT
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(2.5))
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)

    doc.add_heading("BAB III", level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading("AKUNTABILITAS KINERJA", level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"{unit.nama_skpd} — {unit.periode}").alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading("A. Capaian Kinerja Organisasi", level=2)
    for p in narrative["ikhtisar"][1:2] or narrative["ikhtisar"]:
        doc.add_paragraph(p).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    t31 = unit.get("tabel_3_1")
    if t31 is not None:
        _add_table(doc, t31, unit, columns_max=10)
    by_key = {c.key: c for c in charts}
    if "capaian_iku" in by_key:
        doc.add_picture(str(by_key["capaian_iku"].path), width=Cm(15.5))
        doc.add_paragraph(by_key["capaian_iku"].label, style="Caption")

    for i in narrative["iku"]:
        doc.add_heading(i["judul"], level=3)
        for p in i["paragraf"]:
            doc.add_paragraph(p).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if "tren_iku" in by_key:
        doc.add_picture(str(by_key["tren_iku"].path), width=Cm(15.5))
        doc.add_paragraph(by_key["tren_iku"].label, style="Caption")

    doc.add_heading("B. Realisasi Anggaran", level=2)
    for p in narrative["anggaran"]:
        doc.add_paragraph(p).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for tid in ("tabel_3_31",):
        t = unit.get(tid)
        if t is not None:
            _add_table(doc, t, unit)
    for key in ("serapan_program", "kurva_s_skpd"):
        if key in by_key:
            doc.add_picture(str(by_key[key].path), width=Cm(15.5))
            doc.add_paragraph(by_key[key].label, style="Caption")

    with atomic_path(target) as tmp:
        doc.save(str(tmp))
    return target
