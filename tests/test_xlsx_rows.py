"""xlsx_rows.write_data_rows (+ FastCellSheet) writes the workbook the per-cell path and xlsxwriter's
own Worksheet wrote, byte for byte, for every kind of value a table can hold."""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from lkip.publish import xlsx, xlsx_cells, xlsx_rows
from lkip.publish.data import Table, UnitData


def reference_rows(ws: Any, first: int, rows: Any, numeric: list[bool], widths: list[float], cell_format: Any,
                   lines_of: Any, row_points: float) -> None:
    """The data-row loop of write_table_sheet before xlsx_rows (commit f3c76ec), cell by cell through
    xlsxwriter's writers."""
    per_line = [(i, int(max(4.0, w * 1.2 - 1)), int(max(4.0, w * 1.1 - 1))) for i, w in enumerate(widths)]
    for r, (bold, indent, fill, values) in enumerate(rows, start=first):
        lines = 1
        for i, plain, wide in per_line:
            v = values[i]
            if isinstance(v, str) and (len(v) > (wide if bold else plain) or "\n" in v):
                lines = max(lines, lines_of(v, widths[i], bold))
        if lines > 1:
            ws.set_row(r, row_points * lines + 2)
        for i, value in enumerate(values):  # each cell through xlsxwriter's writers (the old path)
            xlsx_rows.write_cell(ws, r, i, value, numeric[i], bold, indent, fill, cell_format)


class Label(str):
    """A str subclass (goes through the per-cell path)."""


LONG = "panjang " * 4200  # over Excel's 32 767 characters: xlsxwriter truncates it


def _lampiran_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for p in range(3):
        rows.append({"level": "program", "kode": f"1.0{p}", "uraian": f'Program {p} & <B> "kutip"',
                     "indikator": "", "target": "100", "satuan": "%", "pagu": Decimal("1234567.50") * (p + 1),
                     "rp_tw1": Decimal("-5"), "capaian_k_pct": 87.5, "tercapai": True})
        for k in range(12):
            rows.append({
                "level": "kegiatan", "kode": f"1.0{p}.{k:02d}",
                "uraian": ["Kegiatan biasa", "baris\nbaru\ndan lagi", "=SUM(A1:A2)", "+62 21", "@cmd", "-5",
                           "teks yang panjang sekali " * 6, "", None, Label("subkelas"), "\tawal tab",
                           "a & b < c > d ' \""][k],
                "indikator": [LONG, dt.date(2020, 1, 2), 7, -7, 3.25, "", None, "ind", True, False,
                              Decimal("-1.5"), "x"][k],
                "target": ["5", None, "", "1e3", "10", "=1+1", "0", "k", "-", "+", "y", "z"][k],
                "satuan": "orang",
                "pagu": [Decimal("123456789012345678901234567890"), Decimal("-0.00"), Decimal("0.10"),
                         None, Decimal("1e400"), Decimal("NaN"), Decimal("58279356766"), Decimal("1.5e-7"),
                         Decimal("99.99"), Decimal("-123456789.125"), Decimal("1"), Decimal("2")][k],
                "rp_tw1": [1, -1, 0, 10 ** 17, 2 ** 53 + 1, None, 5, 6, 7, 8, 9, 10][k],
                "capaian_k_pct": [1 / 3, math.nan, math.inf, -math.inf, 1e16, 1.5e-7, -2.5, None, 0.1,
                                  123456789.125, 100.0, 58279356766.0][k],
                "tercapai": [True, False, None, True, False, True, True, False, None, True, False, True][k],
            })
    rows.append({"level": "jumlah", "kode": "", "uraian": "JUMLAH", "indikator": "", "target": None,
                 "satuan": "", "pagu": Decimal("950960367498000.00"), "rp_tw1": Decimal("-15"),
                 "capaian_k_pct": 85.05679114658352, "tercapai": None})
    return rows


def _unit() -> UnitData:
    lamp = Table("lampiran_3", ["urutan", "level", "kode", "uraian", "indikator", "target", "satuan", "pagu",
                                "rp_tw1", "capaian_k_pct", "tercapai"],
                 [dict(r, urutan=i) for i, r in enumerate(_lampiran_rows(), start=1)])
    rekon = Table("rekonsiliasi", ["urutan", "level", "kode_kegiatan", "uraian", "triwulan", "lra", "sp2d",
                                   "selisih_lra_sp2d", "skpd_asal"],
                  [{"urutan": i, "level": "kegiatan" if i % 9 else "skpd", "kode_kegiatan": f"4.01.{i:03d}",
                    "uraian": f"Kegiatan {i % 5}" if i % 9 else "TOTAL SKPD", "triwulan": i % 4 + 1,
                    "lra": None if i % 3 else Decimal(i * 1000), "sp2d": Decimal(i) * Decimal("1000.50"),
                    "selisih_lra_sp2d": None, "skpd_asal": "4.01.01" if i % 2 else ""} for i in range(1, 70)])
    empty = Table("tabel_2_1", ["no", "uraian", "target"], [])
    unit = UnitData(2020, "KOTA", "Kota Uji & <Coba>", 4, {t.id: t for t in (lamp, rekon, empty)},
                    [{"severity": "warning", "source_file": "a.xlsx", "sheet": "S", "excel_row": 5,
                      "kolom": "pagu", "nilai": "=1", "diharapkan": "angka", "pesan": "cek"}])
    return unit


def _plain_workbook(path: Path) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "strings_to_numbers": False, "nan_inf_to_errors": True,
                                           "in_memory": True})


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        got = {n: z.read(n) for n in z.namelist()}
    got["docProps/core.xml"] = re.sub(rb"<dcterms:(created|modified)[^<]*</dcterms:\1>", b"",
                                      got["docProps/core.xml"])
    return got


def test_workbook_same_as_the_per_cell_path_and_xlsxwriters_sheet(tmp_path, monkeypatch):
    unit = _unit()
    fast = xlsx.write_workbook(tmp_path / "fast.xlsx", unit, [])
    with monkeypatch.context() as m:
        m.setattr(xlsx_rows, "write_data_rows", reference_rows)
        m.setattr(xlsx, "new_workbook", _plain_workbook)
        ref = xlsx.write_workbook(tmp_path / "ref.xlsx", unit, [])
    a, b = _parts(ref), _parts(fast)
    assert a.keys() == b.keys()
    for name in a:
        assert b[name] == a[name], name

    # what the comparison stands on: the cases are there and read back as written
    wb = openpyxl.load_workbook(fast)
    assert len(wb.sheetnames) == 6  # Sampul, Daftar Isi, the three tables, Validasi
    lamp = wb[wb.sheetnames[2]]
    cells = {c.value: c for row in lamp.iter_rows() for c in row if c.value is not None}
    assert cells['Program 0 & <B> "kutip"'].font.b and cells["JUMLAH"].fill.fgColor.rgb.endswith("FFF2CC")
    assert cells["=SUM(A1:A2)"].quotePrefix and cells["-5"].quotePrefix and not cells["Kegiatan biasa"].quotePrefix
    assert cells["-7"].data_type == "s" and cells["Ya"].value == "Ya" and "Tidak" in cells
    assert 1.234567890123457e+29 in cells and -123456789.125 in cells and 10 ** 17 in cells
    assert {"=#NUM!", "=1/0", "=-1/0"} <= cells.keys()  # NaN and infinities: xlsxwriter's error formulas
    sheet = zipfile.ZipFile(fast).read("xl/worksheets/sheet3.xml").decode()
    assert re.search(r'<row r="\d+"[^>]* ht="[\d.]+" customHeight="1"', sheet)  # wrapped rows made taller
    empty = wb[wb.sheetnames[4]]
    assert "Tidak ada data." in [c.value for row in empty.iter_rows() for c in row]


def _direct(path: Path, writer: Any, workbook_class: Any, options: dict[str, Any], rowmax: int | None,
            sheet: str) -> None:
    """write_data_rows alone on a sheet: (bold, indent, fill, values) rows of every kind of value."""
    wb = workbook_class(str(path), {"in_memory": True, "nan_inf_to_errors": True, **options})
    formats: dict[tuple, Any] = {}

    def cell_format(case: str, i: int, bold: bool, fill: Any, indent: int = 0, quote: bool = False) -> Any:
        key = (case, i, bold, fill, indent, quote)
        if key not in formats:
            props = {"border": 1, "bold": bold, "indent": indent, "quote_prefix": quote, "text_wrap": case == "text",
                     "num_format": "#,##0.00" if case == "number" else 0}
            formats[key] = wb.add_format(dict(props, bg_color=fill) if fill else props)
        return formats[key]

    ws = wb.add_worksheet("T")
    ws.write_string(0, 1, "judul")
    if rowmax is not None:
        ws.xls_rowmax = rowmax
    if sheet == "default-row":  # rows without properties of their own then have a height
        ws.set_default_row(20)
    elif sheet == "excel-2010":  # a 2010 data bar: every <row> has x14ac:dyDescent
        ws.conditional_format(3, 3, 30, 3, {"type": "data_bar", "data_bar_2010": True})
    values = [None, "", "teks", "=1+1", 5, -2.5, Decimal("7.25"), math.nan, True, False, dt.date(2020, 1, 2),
              Label("sub"), "satu\ndua", LONG, 10 ** 20]
    numeric = [False, True, False, False, True, True, True, True, True, False, False, False, False, False, True]
    rows = []
    for r in range(40):  # the first and the last column only plain values: their cells set the sheet's extent
        shifted = values[r % len(values):] + values[:r % len(values)]
        rows.append((r % 7 == 0, r % 3, "#FFF2CC" if r % 5 == 0 else None, [f"k{r % 4}"] + shifted + [r * 1.5]))
    rows += [(False, 0, None, ["k"] + [None] * len(values) + [2.5])] * 2  # last rows: one line, no odd value
    writer(ws, 2, rows, [False] + numeric + [True], [10.0] * (len(values) + 2), cell_format, xlsx._lines,
           xlsx.ROW_POINTS)
    ws.write_string(1, 2, "sumber")  # above the rows: the last rows stored set the sheet's extent
    wb.close()


@pytest.mark.parametrize("options, rowmax, sheet", [
    ({}, None, ""), ({}, 30, ""), ({"constant_memory": True}, None, ""), ({}, None, "default-row"),
    ({}, None, "excel-2010")], ids=["plain", "rows-beyond-the-last", "constant-memory", "default-row", "excel-2010"])
def test_data_rows_alone(tmp_path, options, rowmax, sheet):
    _direct(tmp_path / "ref.xlsx", reference_rows, xlsxwriter.Workbook, options, rowmax, sheet)
    _direct(tmp_path / "fast.xlsx", xlsx_rows.write_data_rows, xlsx_cells.Workbook, options, rowmax, sheet)
    a, b = _parts(tmp_path / "ref.xlsx"), _parts(tmp_path / "fast.xlsx")
    assert a.keys() == b.keys()
    for name in a:
        assert b[name] == a[name], name
    assert b"<v>1E+20</v>" in b["xl/worksheets/sheet1.xml"] or options  # numbers as xlsxwriter writes them
