"""The LKIP workbook: one sheet per table formatted as the report prints it, charts, Validasi.

Numbers are stored as numbers with number formats (`#,##0`, `#,##0.00`): Excel and LibreOffice
display them with the separators of the reader's locale (58.279.356.766 and 65,52 on an Indonesian
system). Text is always written with write_string, never parsed as a formula or a URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter

from .data import Table, UnitData
from lkip.fmt import atomic_path, is_formula_like
from . import labels, xlsx_cells, xlsx_rows
from .zipdeflate import fast_deflate
from .layout import (
    column_kind,
    display_columns,
    display_rows,
    header_cells,
    indent_column,
    row_style,
    sumber_of,
    title_of,
)

NUM_FORMATS = {
    ("money", 0): "#,##0",
    ("money", 2): "#,##0.00",
    ("pct", 2): "#,##0.00",
    ("number", 0): "#,##0",
    ("number", 2): "#,##0.00",
    ("code", 0): "0",
}
HEADER_FILL = "#D9E1F2"
PROGRAM_FILL = "#F2F2F2"
TOTAL_FILL = "#FFF2CC"
MAX_TEXT_WIDTH = 48


def sheet_name(table_id: str, used: set[str]) -> str:
    """The sheet of a table is named as the report numbers it ('Tabel 3-30'); see labels.sheet_name."""
    return labels.sheet_name(table_id, used)


class _Formats:
    """Cache of xlsxwriter formats keyed by their properties."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self.cache: dict[tuple, Any] = {}

    def get(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            base = {"font_name": "Arial", "font_size": 9, "valign": "top"}
            base.update({k: v for k, v in props.items() if v not in (None, False, 0) or k == "border"})
            self.cache[key] = self.wb.add_format(base)
        return self.cache[key]


def _width(table: Table, col: str, kind: str, header: str) -> float:
    if kind == "money":
        return 17
    if kind in ("pct", "number"):
        return max(9, min(14, len(header) + 2))
    if kind == "code":
        return max(5, len(header) + 1)
    longest = max([len(str(v)) for v in table.col(col) if v is not None] + [len(header) // 2, 4])
    return min(MAX_TEXT_WIDTH, longest + 2)


ROW_POINTS = 11.5  # one line of Arial 9


def _lines(value: Any, width: float, bold: bool) -> int:
    """Lines a wrapped text cell needs in a column `width` characters wide (Arial 9 is narrower than the
    default font the width unit is measured in; bold a little wider)."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(4.0, width * (1.1 if bold else 1.2) - 1)
    return sum(max(1, -(-len(part) // int(per_line))) for part in value.split("\n"))


def write_table_sheet(wb: xlsxwriter.Workbook, fm: _Formats, name: str, table: Table, unit: UnitData) -> None:
    ws = wb.add_worksheet(name)
    cols = display_columns(table)
    ncol = max(len(cols), 1)
    kinds = {c: column_kind(table, c) for c in cols}

    title = title_of(table, unit)
    ws.merge_range(0, 0, 0, max(ncol - 1, 0), title, fm.get(bold=True, font_size=11, text_wrap=True,
                                                               align="center", valign="vcenter"))
    ws.set_row(0, 30)
    sub = f"Kode SKPD: {unit.kode_skpd}" if not unit.is_kota else "Konsolidasi seluruh Perangkat Daerah"
    ws.write_string(1, 0, sub, fm.get(italic=True))

    top = 3
    depth, cells = header_cells(cols, unit.tahun, unit.s_d_triwulan)
    hfmt = fm.get(bold=True, border=1, align="center", valign="vcenter", text_wrap=True, bg_color=HEADER_FILL)
    for c in cells:
        if c.row == c.last_row and c.col == c.last_col:
            ws.write_string(top + c.row, c.col, c.text, hfmt)
        else:
            ws.merge_range(top + c.row, c.col, top + c.last_row, c.last_col, c.text, hfmt)
    # column numbers under the header, as the printed tables have them
    numrow = top + depth
    for i in range(len(cols)):
        ws.write_number(numrow, i, i + 1, fm.get(border=1, align="center", italic=True, font_size=8,
                                                 bg_color=HEADER_FILL))
    first_data = numrow + 1

    ind_col = indent_column(cols)
    widths = [_width(table, c, kinds[c].kind, " ".join(h.text for h in cells if h.col <= i <= h.last_col))
              for i, c in enumerate(cols)]
    for level in range(depth):  # header rows tall enough for their wrapped labels
        lines = max([_lines(c.text, sum(widths[c.col:c.last_col + 1]), True) for c in cells
                     if c.row == level and c.last_row == level] + [1])
        if lines > 1:
            ws.set_row(top + level, ROW_POINTS * lines + 3)
    numeric = [kinds[c].kind in ("money", "pct", "number", "code") for c in cols]
    cell_formats: dict[tuple, Any] = {}  # fm.get per (case, column, row style): once per sheet, not per cell

    def cell_format(case: str, i: int, bold: bool, fill: str | None, indent: int = 0, quote: bool = False) -> Any:
        key = (case, i, bold, fill, indent, quote)
        f = cell_formats.get(key)
        if f is None:
            common = dict(border=1, bold=bold, bg_color=fill)
            if case == "blank":
                f = fm.get(**common)
            elif case == "number":
                kind = kinds[cols[i]]
                f = fm.get(num_format=NUM_FORMATS.get((kind.kind, kind.decimals), "#,##0.00"), align="right",
                           **common)
            elif case == "bool":
                f = fm.get(align="center", **common)
            else:
                f = fm.get(text_wrap=True, indent=indent if cols[i] == ind_col else 0, quote_prefix=quote, **common)
            cell_formats[key] = f
        return f

    def styled_rows():
        for row, shown in display_rows(table, cols, kinds):
            bold, indent, role = row_style(table, row)
            fill = TOTAL_FILL if role == "total" else PROGRAM_FILL if role == "program" else None
            yield bold, indent, fill, list(map(shown.get, cols))

    xlsx_rows.write_data_rows(ws, first_data, styled_rows(), numeric, widths, cell_format, _lines, ROW_POINTS)
    last = first_data + len(table.rows)
    if not table.rows:
        ws.write_string(first_data, 0, "Tidak ada data.", fm.get(italic=True))
        last += 1
    ws.write_string(last + 1, 0, sumber_of(table), fm.get(italic=True, font_size=8))

    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    ws.freeze_panes(first_data, 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.repeat_rows(top, numrow)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&L&8" + f"LKIP {unit.nama_skpd} {unit.periode}".replace("&", "&&") + "&R&8Halaman &P dari &N")


def write_validasi_sheet(wb: xlsxwriter.Workbook, fm: _Formats, issues: list[dict[str, Any]], title: str,
                         sheets: dict[str, str] | None = None) -> None:
    """The warnings behind the numbers; `sheets` (table id -> sheet name) names the tables as this workbook does."""
    ws = wb.add_worksheet("Validasi")
    issues = [labels.issue_for_reader(i, sheets) for i in issues]
    heads = [("severity", "Tingkat", 11), ("source_file", "File", 30), ("sheet", "Sheet", 16),
             ("excel_row", "Baris", 9), ("kolom", "Kolom", 16), ("nilai", "Nilai", 30),
             ("diharapkan", "Diharapkan", 20), ("pesan", "Pesan", 60)]
    if any(isinstance(i.get("excel_row"), str) for i in issues):  # a table row known by its code
        heads[3] = ("excel_row", "Baris", 24)
    ws.write_string(0, 0, title, fm.get(bold=True, font_size=11))
    hfmt = fm.get(bold=True, border=1, align="center", bg_color=HEADER_FILL)
    for i, (_, label, width) in enumerate(heads):
        ws.write_string(2, i, label, hfmt)
        ws.set_column(i, i, width)
    if not issues:
        ws.write_string(3, 0, "Tidak ada peringatan validasi.", fm.get(italic=True))
    for r, issue in enumerate(issues, start=3):
        lines = max(_lines(str(issue.get(k) or ""), w, False) for k, _, w in heads)
        if lines > 1:
            ws.set_row(r, ROW_POINTS * lines + 2)
        for i, (key, _, _) in enumerate(heads):
            value = issue.get(key)
            if value is None:
                ws.write_blank(r, i, None, fm.get(border=1))
            elif key == "excel_row" and isinstance(value, (int, float)):
                ws.write_number(r, i, value, fm.get(border=1))
            else:
                text = str(value)
                ws.write_string(r, i, text, fm.get(border=1, text_wrap=True, quote_prefix=is_formula_like(text)))
    ws.freeze_panes(3, 0)
    ws.autofilter(2, 0, max(2, 2 + len(issues)), len(heads) - 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(2)
    ws.fit_to_pages(1, 0)


def new_workbook(path: Path) -> xlsxwriter.Workbook:
    return xlsx_cells.Workbook(str(path), {  # xlsxwriter's, its plain cells written faster
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "nan_inf_to_errors": True,
        "in_memory": True,  # sheets assembled in memory, not in temporary files created and removed
    })


def document_properties(unit: UnitData, what: str) -> dict[str, str]:
    """Title/subject/author of a workbook or document: the SKPD and the report, not the library."""
    judul = labels.judul_laporan(unit.nama_skpd, unit.periode)
    return {
        "title": f"{what} {judul}" if what else judul,
        "subject": f"Laporan Kinerja Instansi Pemerintah (LKIP) {unit.periode}",
        "author": unit.nama_skpd,
        "company": unit.nama_skpd,
        "keywords": "LKIP, SAKIP, Akuntabilitas Kinerja",
        "comments": "Draf yang disusun dari data SIMDA Keuangan dan SIENCANG; periksa sebelum diterbitkan.",
    }


def _text(ws: Any, fm: _Formats, row: int, col: int, text: str, **props: Any) -> None:
    ws.write_string(row, col, text, fm.get(quote_prefix=is_formula_like(text), **props))


def write_cover_sheet(wb: xlsxwriter.Workbook, fm: _Formats, unit: UnitData) -> None:
    ws = wb.add_worksheet("Sampul")
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 4)
    ws.set_column(1, 1, 90)
    for r, points in ((2, 28), (3, 22), (5, 26), (6, 22)):
        ws.set_row(r, points)
    _text(ws, fm, 2, 1, "LAPORAN KINERJA INSTANSI PEMERINTAH", bold=True, font_size=18, align="center")
    _text(ws, fm, 3, 1, "(LKIP)", bold=True, font_size=14, align="center")
    _text(ws, fm, 5, 1, labels.collapse_repeats(unit.nama_skpd.upper()), bold=True, font_size=16, align="center")
    _text(ws, fm, 6, 1, unit.periode.upper(), bold=True, font_size=14, align="center")
    sub = f"Kode SKPD {unit.kode_skpd}" if not unit.is_kota else "Konsolidasi seluruh Perangkat Daerah"
    _text(ws, fm, 8, 1, sub, italic=True, font_size=11, align="center")
    ws.write_url(11, 1, "internal:'Daftar Isi'!A1", fm.get(font_size=11, align="center", underline=1,
                                                           font_color="blue"), string="Daftar Isi")
    _text(ws, fm, 13, 1, "Draf yang disusun dari data SIMDA Keuangan dan SIENCANG. Setiap tabel ada pada "
          "sheet-nya sendiri dengan nomor tabel seperti pada laporan; peringatan atas data ada pada sheet "
          "Validasi.", text_wrap=True, font_size=10, align="center")
    ws.set_row(13, 45)
    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 1)


def write_contents_sheet(wb: xlsxwriter.Workbook, fm: _Formats, unit: UnitData,
                         entries: list[tuple[str, str, str]]) -> None:
    """Daftar Isi: (number, title, sheet name) per table, each linked to its sheet."""
    ws = wb.add_worksheet("Daftar Isi")
    _text(ws, fm, 0, 0, f"Daftar Isi — {labels.judul_laporan(unit.nama_skpd, unit.periode)}",
          bold=True, font_size=11)
    hfmt = fm.get(bold=True, border=1, align="center", bg_color=HEADER_FILL)
    for i, (head, width) in enumerate((("Nomor", 14), ("Judul", 95), ("Sheet", 22))):
        ws.write_string(2, i, head, hfmt)
        ws.set_column(i, i, width)
    link = fm.get(border=1, underline=1, font_color="blue")
    for r, (number, title, name) in enumerate(entries, start=3):
        _text(ws, fm, r, 0, number, border=1)
        _text(ws, fm, r, 1, title, border=1, text_wrap=True)
        ws.write_url(r, 2, f"internal:'{name}'!A1", link, string=name)
    ws.freeze_panes(3, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(2)
    ws.fit_to_pages(1, 0)


def write_workbook(target: Path, unit: UnitData, charts: list[tuple[str, Path]], before_images: Any = None) -> Path:
    """`before_images`: called once every sheet before Grafik is written (the charts may still be
    being drawn until it returns: lkip.publish.handoff)."""
    with atomic_path(target) as tmp:
        wb = new_workbook(tmp)
        wb.set_properties(document_properties(unit, ""))
        fm = _Formats(wb)
        used: set[str] = {"sampul", "daftar isi", "grafik", "validasi"}
        names = {tid: sheet_name(tid, used) for tid in unit.tables}
        entries = [(labels.table_number(t.id) or "", title_of(t, unit), names[t.id]) for t in unit.tables.values()]
        if charts:
            entries.append(("", f"Grafik {unit.nama_skpd} {unit.periode}", "Grafik"))
        entries.append(("", f"Validasi data {unit.nama_skpd} {unit.periode}", "Validasi"))
        write_cover_sheet(wb, fm, unit)
        write_contents_sheet(wb, fm, unit, entries)
        for table in unit.tables.values():
            write_table_sheet(wb, fm, names[table.id], table, unit)
        if before_images is not None:
            before_images()
        if charts:
            ws = wb.add_worksheet("Grafik")
            ws.write_string(0, 0, f"Grafik {unit.nama_skpd} {unit.periode}", fm.get(bold=True, font_size=11))
            row = 2
            for label, png in charts:
                ws.write_string(row, 0, label, fm.get(bold=True))
                ws.insert_image(row + 1, 0, str(png), {"x_scale": 0.6, "y_scale": 0.6, "object_position": 1})
                row += 30
            ws.set_landscape()
            ws.set_paper(9)
            ws.fit_to_pages(1, 0)
        write_validasi_sheet(wb, fm, unit.issues, f"Validasi data {unit.nama_skpd} {unit.periode}", names)
        with fast_deflate():
            wb.close()
    return target


def write_validasi_workbook(target: Path, unit: UnitData) -> Path:
    with atomic_path(target) as tmp:
        wb = new_workbook(tmp)
        wb.set_properties(document_properties(unit, "Validasi Data"))
        used: set[str] = {"validasi"}
        names = {tid: sheet_name(tid, used) for tid in unit.tables}
        write_validasi_sheet(wb, _Formats(wb), unit.issues, f"Validasi data {unit.nama_skpd} {unit.periode}", names)
        with fast_deflate():
            wb.close()
    return target
