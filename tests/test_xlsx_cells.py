"""xlsx_cells.FastCellSheet writes the sheet XML xlsxwriter's own Worksheet writes, byte for byte."""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from pathlib import Path

import openpyxl
import xlsxwriter

from lkip.publish import xlsx_cells


def _write(path: Path, workbook_class) -> None:
    wb = workbook_class(str(path), {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                    "strings_to_numbers": False, "nan_inf_to_errors": True})
    wb.set_properties({"created": dt.datetime(2026, 12, 7)})
    border = wb.add_format({"border": 1})
    money = wb.add_format({"num_format": "#,##0", "border": 1, "bold": True})
    row_fmt = wb.add_format({"bg_color": "#FFF2CC"})
    ws = wb.add_worksheet("Tabel 3-30")
    ws.set_row(7, None, row_fmt)
    ws.set_column(5, 5, 12, border)
    numbers = [0, 1, -1, 0.1, 1 / 3, 58279356766.0, 1e16, 1.5e-7, -2.5, 123456789.125, math.nan, math.inf]
    texts = ["Program A", "a & b <c> \"d\"", "  spasi  ", "baris\nbaru", "=SUM(1)", "\x07kontrol", "Program A"]
    for r in range(12):
        ws.write_number(r, 0, numbers[r], money)
        ws.write_number(r, 1, numbers[r])  # no format: xlsxwriter's own path
        ws.write_string(r, 2, texts[r % len(texts)], border)
        ws.write_string(r, 3, texts[r % len(texts)])
        ws.write_blank(r, 4, None, border)
        ws.write_number(r, 5, r)  # the column's format
        ws.write_boolean(r, 6, r % 2 == 0, border)
        ws.write_formula(r, 7, "=A1+1", border, 2)
    ws.write_rich_string(13, 0, "a ", wb.add_format({"bold": True}), "tebal", border)
    ws.merge_range(14, 0, 15, 3, "Gabungan", border)
    # rows further down in other blocks of 16 (the row spans), a comment, a row with a format only
    ws.write_string(33, 1, "x", border)
    ws.write_comment(40, 11, "catatan")
    ws.write_number(100, 9, 5, border)
    ws.set_row(120, 30)
    for r in range(200, 260):
        ws.write_number(r, r % 7, r, money)
    wb.close()


def _sheets(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("xl/")}


def test_same_sheet_xml_as_xlsxwriter(tmp_path):
    _write(tmp_path / "plain.xlsx", xlsxwriter.Workbook)
    _write(tmp_path / "fast.xlsx", xlsx_cells.Workbook)
    plain, fast = _sheets(tmp_path / "plain.xlsx"), _sheets(tmp_path / "fast.xlsx")
    assert plain.keys() == fast.keys()
    for name in plain:
        assert fast[name] == plain[name], name
    assert re.search(rb'<c r="A6" s="\d+"><v>58279356766</v></c>', fast["xl/worksheets/sheet1.xml"])
    ws = openpyxl.load_workbook(tmp_path / "fast.xlsx")["Tabel 3-30"]
    assert ws["C2"].value == "a & b <c> \"d\"" and ws["A6"].value == 58279356766


def test_publish_workbooks_use_it(tmp_path):
    from lkip.publish.xlsx import new_workbook

    wb = new_workbook(tmp_path / "x.xlsx")
    assert isinstance(wb.add_worksheet("A"), xlsx_cells.FastCellSheet)
    wb.close()
