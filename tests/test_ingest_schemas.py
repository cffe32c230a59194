"""prepare() runs the pandera schema of every staged table (lazily: all problems in one pass)."""

from __future__ import annotations

import openpyxl

from conftest import EXAMPLE
from lkip import ingest
from lkip.config import load_config


def test_duplicate_sp2d_number_is_caught_by_the_schema(tmp_path):
    wb = openpyxl.load_workbook(EXAMPLE / "input" / "register_sp2d_2020.xlsx")
    ws = wb.active
    ws["C9"] = ws["C8"].value          # the SP2D of row 9 repeats the number of row 8
    ws["C11"] = ws["C10"].value        # and row 11 that of row 10: both reported, in one pass
    path = tmp_path / "register.xlsx"
    wb.save(path)
    prep = ingest.prepare(path, load_config(workspace=tmp_path), rel_to=tmp_path)
    assert prep.outcome == ingest.REJECTED
    dups = sorted(i.excel_row for i in prep.issues if "Nomor SP2D ganda" in i.pesan)
    assert dups == [9, 11]


def test_form_with_a_repeated_indicator_is_warned(tmp_path):
    wb = openpyxl.load_workbook(EXAMPLE / "input" / "form_realisasi_kinerja_2020.xlsx")
    ws = wb.active
    for col in "BCDEF":
        ws[f"{col}12"] = ws[f"{col}11"].value   # row 12 repeats the indicator of row 11
    path = tmp_path / "form.xlsx"
    wb.save(path)
    prep = ingest.prepare(path, load_config(workspace=tmp_path), rel_to=tmp_path)
    assert any(i.excel_row == 12 and not i.is_error for i in prep.issues), [i.text() for i in prep.issues]
