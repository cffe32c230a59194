"""Draft of BAB III (Akuntabilitas Kinerja) as a Word document (python-docx).

A draft an officer edits, not completes: every table it names is there under its report number
(`Tabel 3-1`, `Tabel 3-30` …), figures are numbered `Gambar 3.1`, … with Word SEQ fields (renumbered
by Word when a figure is added), header rows repeat on every page a table spans, pages carry
`Halaman X dari Y` (PAGE / NUMPAGES fields) and the document properties name the SKPD and the report.
"""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from . import labels
from .charts import Chart
from .data import Table, UnitData
from .docx_rows import fill_body
from lkip.fmt import atomic_path
from .html import table_view
from .zipdeflate import fast_deflate

A4_CM, MARGIN_CM = (21.0, 29.7), 2.5
PAGE_WIDTH_CM = A4_CM[0] - 2 * MARGIN_CM  # A4 portrait less the margins
BAB = 3  # figures of BAB III are Gambar 3.1, 3.2, ...

# Columns the draft prints where the workbook has more than a portrait page holds (the rest stays in
# the workbook). Tabel 3-1 as the report prints it: IKU, target, realisasi, capaian, predikat and the
# mean capaian per sasaran and overall.
SUPPORTING = ("tabel_3_efisiensi", "tabel_3_program_ind", "tabel_3_renstra", "tabel_3_skm", "tabel_3_akip",
              "tabel_3_bumd")
DOCX_COLUMNS = {
    "tabel_3_1": ["no", "sasaran", "indikator", "satuan", "target", "realisasi", "capaian_pct", "predikat",
                  "rata_rata_capaian_pct"],
}


# ---- fields and table properties ----------------------------------------------------------------------

def add_field(paragraph: Any, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES, SEQ Gambar …) with `shown` as its current result."""
    def run_with(tag: str, **attrs: str) -> Any:
        el = OxmlElement(tag)
        for k, v in attrs.items():
            el.set(qn(k), v)
        run = paragraph.add_run()
        run._r.append(el)
        return el

    run_with("w:fldChar", **{"w:fldCharType": "begin"})
    instr = run_with("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with("w:fldChar", **{"w:fldCharType": "separate"})
    paragraph.add_run(shown)
    run_with("w:fldChar", **{"w:fldCharType": "end"})


def _cell_margins(table: Any) -> None:
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl_pr = table._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))  # the schema puts tblCellMar before tblLook
    if look is not None:
        look.addprevious(mar)
    else:
        tbl_pr.append(mar)


def _row_flag(row: Any, tag: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _page_footer(sec: Any, unit: UnitData) -> None:
    p = sec.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("Halaman ")
    add_field(p, "PAGE", "1")
    p.add_run(" dari ")
    add_field(p, "NUMPAGES", "1")
    for run in p.runs:
        run.font.size = Pt(9)
    h = sec.header.paragraphs[0]
    h.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    h.add_run(f"LKIP {unit.nama_skpd} {unit.periode} — BAB III").font.size = Pt(8)


def _properties(doc: Any, unit: UnitData) -> None:
    cp = doc.core_properties
    judul = labels.judul_laporan(unit.nama_skpd, unit.periode)
    cp.title = f"BAB III Akuntabilitas Kinerja — {judul}"
    cp.subject = f"Laporan Kinerja Instansi Pemerintah (LKIP) {unit.periode}"
    cp.author = unit.nama_skpd
    cp.last_modified_by = unit.nama_skpd
    cp.keywords = "LKIP, SAKIP, Akuntabilitas Kinerja"
    cp.comments = "Draf BAB III yang disusun dari data SIMDA Keuangan dan SIENCANG; periksa sebelum diterbitkan."
    cp.category = "Laporan Kinerja"
    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    cp.created = cp.modified = now
    cp.revision = 1


# ---- tables and figures -------------------------------------------------------------------------------

PAD_CM = 0.3  # cell margins and a little air
CELL_MARGIN_TWIPS = 57  # 0.1 cm left and right in every cell (Word's default is 0.19 cm)


def _widths(view: dict[str, Any], points: float, page_cm: float = PAGE_WIDTH_CM) -> list[float]:
    """Column widths (cm) over the page: numbers and codes as wide as their longest value or header
    word (they must not wrap), text columns share what is left by their length."""
    char_cm = points * 0.0353 * 0.6  # a digit of Arial is 0.56 em (1 pt = 0.0353 cm), bold a bit more
    head_char_cm = char_cm * 1.18     # bold header words
    n = view["ncols"]
    head_word = [0] * n
    used: set[tuple[int, int]] = set()
    for r, hr in enumerate(view["head"]):
        col = 0
        for c in hr:
            while (r, col) in used:
                col += 1
            if c["colspan"] == 1:
                head_word[col] = max(len(w) for w in (c["text"].split() or [""]))
            used.update((rr, i) for rr in range(r, r + c["rowspan"]) for i in range(col, col + c["colspan"]))
    fixed: dict[int, float] = {}
    text: dict[int, float] = {}
    for i in range(n):
        cells = [row["cells"][i] for row in view["body"]]
        longest = max([len(c["text"]) for c in cells] + [2]) + 1
        need = max(longest * char_cm, head_word[i] * head_char_cm) + PAD_CM
        if all(("num" in c["cls"] or "code" in c["cls"] or len(c["text"]) <= 8 or " " not in c["text"])
               for c in cells):  # numbers, codes and single words must not wrap
            fixed[i] = need
        else:
            text[i] = max(min(longest, 45) * char_cm, head_word[i] * head_char_cm) + PAD_CM
    room = page_cm - sum(fixed.values())
    want = sum(text.values())
    if want and room > 2.0 * len(text):
        scale = room / want
    else:  # too narrow: text columns get 2 cm each, the numbers share the rest
        scale = 1.0
        text = {i: 2.0 for i in text}
        shrink = (page_cm - 2.0 * len(text)) / max(sum(fixed.values()), 0.01)
        fixed = {i: w * shrink for i, w in fixed.items()}
    widths = [fixed.get(i, text.get(i, 0.0) * scale) for i in range(n)]
    if not text:  # only numbers: spread them over the page
        widths = [w * page_cm / sum(widths) for w in widths]
    return widths


def styled_cell(cell: Any, text: str, align: Any, bold: bool, size: Any) -> None:
    """The cell's text, alignment, size and weight through python-docx's own API (the XML the
    copied rows of lkip.publish.docx_rows must equal: tests/test_docx_rows.py)."""
    cell.text = text
    for p in cell.paragraphs:
        if align is not None:
            p.alignment = align
        for run in p.runs:
            run.font.size = size
            run.bold = bold


_R, _T = qn("w:r"), qn("w:t")
_ALIGN_RIGHT, _ALIGN_CENTER = WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.CENTER


def table_frame(doc: Any, table: Table, unit: UnitData, body_rows: int | None) -> tuple[dict, Any, list, Any]:
    """The caption, then a table of the view's header rows (merged, bold, centred, repeated on
    every page) and `body_rows` blank rows (None: one per row of the view's body), every column
    at its width: (view, table, its rows,
    the font size of its cells). The body is the caller's (add_table; tests/docx_reference.py)."""
    view = table_view(table, unit, DOCX_COLUMNS.get(table.id) or DOCX_COLUMNS.get(table.base_id or ""))
    cap = doc.add_paragraph(view["title"], style="Caption")
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cap.paragraph_format.keep_with_next = True
    n = view["ncols"] or 1
    depth = max(len(view["head"]), 1)
    points = 8 if n <= 7 else 7
    size = Pt(points)
    t = doc.add_table(rows=depth + (len(view["body"]) if body_rows is None else body_rows), cols=n)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _cell_margins(t)
    sec = doc.sections[-1]
    page_cm = (sec.page_width - sec.left_margin - sec.right_margin) / 360000  # EMU per cm
    widths = [Cm(w) for w in (_widths(view, points, page_cm) if view["body"] else [page_cm / n] * n)]
    rows = list(t.rows)  # row by row: Table.cell() and Column.cells walk the whole table each call
    for i, w in enumerate(widths):
        t.columns[i].width = w  # the grid (LibreOffice reads it) and each cell (Word reads those)
    for row in rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w
    used: set[tuple[int, int]] = set()
    for r, hr in enumerate(view["head"]):
        _row_flag(rows[r], "w:tblHeader")  # repeated at the top of every page the table spans
        col = 0
        for c in hr:
            while (r, col) in used:
                col += 1
            cell = rows[r].cells[col]
            if c["colspan"] > 1 or c["rowspan"] > 1:
                cell = cell.merge(rows[r + c["rowspan"] - 1].cells[col + c["colspan"] - 1])
            cell.text = c["text"]
            used.update((rr, i) for rr in range(r, r + c["rowspan"]) for i in range(col, col + c["colspan"]))
            for p in cell.paragraphs:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in p.runs:
                    run.bold = True
                    run.font.size = size
    return view, t, rows, size


def sumber(doc: Any, view: dict) -> None:
    """`Sumber: …` below a table."""
    src = doc.add_paragraph(view["sumber"])
    src.runs[0].italic = True
    src.runs[0].font.size = Pt(8)


def add_table(doc: Any, table: Table, unit: UnitData) -> None:
    """Caption (the report's number and title) above, the table, `Sumber: …` below. The header
    rows and one blank body row through python-docx, copies of that row for the body (a table
    without rows keeps it for "Tidak ada data.")."""
    view, t, rows, size = table_frame(doc, table, unit, 1)
    depth, body, n = len(rows) - 1, view["body"], view["ncols"] or 1
    if body:
        blank = rows[depth]._tr
        _row_flag(rows[depth], "w:cantSplit")
        t._tbl.remove(blank)
        fill_body(t._tbl, t, blank, [
            (row["cls"] in ("total", "program"),
             [(c["text"], _ALIGN_RIGHT if "num" in c["cls"] else _ALIGN_CENTER if "code" in c["cls"] else None)
              for c in row["cells"][:n]])
            for row in body], size, styled_cell)
    else:
        rows[depth].cells[0].text = "Tidak ada data."
    sumber(doc, view)


def page_orientation(doc: Any, landscape: bool) -> None:
    """Continue on a new page in landscape (wide tables) or portrait; header and footer carry on."""
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    w, h = Cm(A4_CM[0]), Cm(A4_CM[1])
    sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = (h, w) if landscape else (w, h)
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(MARGIN_CM))


class Figures:
    """Numbered figures of the chapter: Gambar 3.1, 3.2, … (a SEQ field carries the number)."""

    def __init__(self, doc: Any, bab: int = BAB):
        self.doc, self.bab, self.n = doc, bab, 0

    def add(self, chart: Chart) -> str:
        self.n += 1
        self.doc.add_picture(str(chart.path), width=Cm(15.5))
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        cap = self.doc.add_paragraph(style="Caption")
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cap.add_run(f"Gambar {self.bab}.")
        add_field(cap, "SEQ Gambar \\* ARABIC", str(self.n))
        cap.add_run(f" {chart.label}")
        return f"Gambar {self.bab}.{self.n}"


_PRISTINE: list[Any] = []


def new_document() -> Any:
    """`docx.Document()`: python-docx's default template, parsed once per process and copied
    (parsing it is a third of a small unit's docx)."""
    if not _PRISTINE:
        _PRISTINE.append(Document())
    return copy.deepcopy(_PRISTINE[0])


def _style_ids_once(doc: Any) -> None:
    """The document part's style id of a style name looked up once per document: python-docx
    looks it up, then scans every style for the default of its type, for each caption, heading
    and table (~10 % of a unit's docx). The styles are not changed while the document is built."""
    part = doc.part
    lookup = part.get_style_id
    ids: dict[tuple, Any] = {}

    def get_style_id(style_or_name: Any, style_type: Any) -> Any:
        if not isinstance(style_or_name, str):
            return lookup(style_or_name, style_type)
        key = (style_or_name, style_type)
        if key not in ids:
            ids[key] = lookup(style_or_name, style_type)
        return ids[key]

    part.get_style_id = get_style_id


def write_docx(target: Path, unit: UnitData, narrative: dict[str, Any], charts: list[Chart]) -> Path:
    doc = new_document()
    _style_ids_once(doc)
    _properties(doc, unit)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.orientation = WD_ORIENT.PORTRAIT
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(2.5))
    _page_footer(sec, unit)
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)

    doc.add_heading("BAB III", level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading("AKUNTABILITAS KINERJA", level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"{unit.nama_skpd} — {unit.periode}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    figures = Figures(doc)

    doc.add_heading("A. Capaian Kinerja Organisasi", level=2)
    for p in narrative["ikhtisar"][1:2] or narrative["ikhtisar"]:
        doc.add_paragraph(p).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for t in unit.tables.values():  # Tabel 3-1 and its parts (mean per sasaran, overall mean)
        if t.rows and labels.base_of(t.id) == "tabel_3_1":
            add_table(doc, t, unit)
    by_key = {c.key: c for c in charts}
    if "capaian_iku" in by_key:
        figures.add(by_key["capaian_iku"])

    for i in narrative["iku"]:
        doc.add_heading(i["judul"], level=3)
        for p in i["paragraf"]:
            doc.add_paragraph(p).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if "tren_iku" in by_key:
        figures.add(by_key["tren_iku"])
    # the analysis tables of BAB III (numbered 3-2 ... 3-7), each with its split parts
    supporting = [t for t in unit.tables.values() if t.rows and labels.base_of(t.id) in SUPPORTING]
    if supporting:  # wide tables: on landscape pages
        page_orientation(doc, landscape=True)
        doc.add_heading("Tabel Pendukung Analisis Capaian Kinerja", level=3)
        for t in supporting:
            add_table(doc, t, unit)
        page_orientation(doc, landscape=False)

    doc.add_heading("B. Realisasi Anggaran", level=2)
    for p in narrative["anggaran"]:
        doc.add_paragraph(p).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for tid in ("tabel_3_30", "tabel_3_31"):
        t = unit.get(tid)
        if t is not None:
            add_table(doc, t, unit)
    for key in ("serapan_program", "kurva_s_skpd"):
        if key in by_key:
            figures.add(by_key[key])
    t = unit.get("tabel_3_32")
    if t is not None:
        add_table(doc, t, unit)

    with atomic_path(target) as tmp, fast_deflate():
        doc.save(str(tmp))
    return target
