"""The column-wise (Arrow) register reader gives exactly what the row reader gives: same rows,
same values, same issues. Each case edits the sample register the way real files go wrong."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from conftest import EXAMPLE
from lkip.extract import register_fast, register_sp2d
from lkip.extract.workbook import open_workbook


def _edit(tmp_path, edits):
    wb = openpyxl.load_workbook(EXAMPLE / "input" / "register_sp2d_2020.xlsx")
    ws = wb.active
    for ref, value in edits.items():
        ws[ref] = value
    path = tmp_path / "register.xlsx"
    wb.save(path)
    return path


def _both(path):
    fast = register_fast.read_fast(open_workbook(path).visible_sheets[0], register_sp2d.KIND, register_sp2d.COLUMNS)
    sheet = open_workbook(path).visible_sheets[0]
    sheet.n_rows_hint = 0                      # force the row reader
    slow = register_sp2d.read_sheet(sheet)
    return fast, slow


def _values(df: pd.DataFrame) -> dict[str, list]:
    return {c: [None if pd.isna(v) else v for v in df[c].astype(object)] for c in df.columns}


def _issues(res):
    return [(i.severity, i.sheet, i.excel_row, i.kolom, i.pesan) for i in res.issues]


CASES = {
    "as_exported": {},
    "bad_number_text": {"H12": "satu juta", "H20": "1.23.4"},
    "indonesian_number_text": {"H13": "Rp 93.171.273", "H14": "235.101.702,00", "H15": "(5.000)"},
    "blank_and_dash_nilai": {"H16": None, "H17": "-"},
    "negative_number": {"H18": -5000},
    "cents_and_long_prints": {"H19": 1234567.89, "H20": 123456789012.34, "H21": 0.5, "H22": "12.345,67"},
    "dates_as_text_and_blank": {"B9": "12/02/2020", "B10": "13-02-2020", "B11": "17 Februari 2020",
                                "B12": None, "B13": None},
    "bad_date_then_blank": {"B14": "31/02/2020", "B15": None},
    "date_outside_the_year": {"B16": dt.datetime(2019, 12, 31)},
    "jenis_spellings": {"G9": "gu nihil", "G10": "Ganti Uang", "G11": "XX", "G12": None},
    "ls_without_kegiatan": {"D13": None},
    "bad_code": {"D14": "4.01.4.01.03.01.02 x", "E15": " 5 . 2 . 2 . 03 . 01 "},
    "wrong_jumlah": {"H340": 1},
    "duplicate_nomor": {"C9": "00002/SP2D-LS/4.01.03/2020"},
    "whitespace_in_text": {"F20": "  Pembayaran  belanja\tlistrik\u00a0bulan ", "C21": " 00015/SP2D-LS/4.01.03/2020 ",
                           "A22": " 16 "},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_fast_reader_equals_row_reader(tmp_path, case):
    fast, slow = _both(_edit(tmp_path, CASES[case]))
    assert fast is not None, "the fast reader declined a file it should read"
    assert fast.meta == slow.meta
    assert _values(fast.tables["register_sp2d"]) == _values(slow.tables["register_sp2d"])
    assert _issues(fast) == _issues(slow)


def test_fast_reader_reports_bad_cells_by_row(tmp_path):
    fast, _ = _both(_edit(tmp_path, CASES["bad_number_text"] | CASES["bad_date_then_blank"]))
    found = {(i.excel_row, i.pesan) for i in fast.issues}
    assert (12, "'satu juta' bukan angka") in found
    assert (20, "'1.23.4' bukan angka") in found
    assert any(row == 14 and "31/02/2020" in p for row, p in found)


def test_a_value_text_cannot_type_goes_to_the_row_reader(tmp_path):
    # A numeric 1.732 and the text "1.732" print alike: the fast reader must not guess.
    path = _edit(tmp_path, {"H12": 1.732})
    assert register_fast.read_fast(open_workbook(path).visible_sheets[0], register_sp2d.KIND,
                                   register_sp2d.COLUMNS) is None
    path = _edit(tmp_path, {"H12": 1234567.125})   # three decimals after more than three digits too
    assert register_fast.read_fast(open_workbook(path).visible_sheets[0], register_sp2d.KIND,
                                   register_sp2d.COLUMNS) is None
    path = _edit(tmp_path, {"H12": "1.732"})
    assert register_fast.read_fast(open_workbook(path).visible_sheets[0], register_sp2d.KIND,
                                   register_sp2d.COLUMNS) is None


def test_big_sheets_take_the_fast_path(tmp_path, monkeypatch):
    calls = []
    real = register_fast.read_fast
    monkeypatch.setattr(register_fast, "read_fast", lambda *a: calls.append(1) or real(*a))
    monkeypatch.setattr(register_fast, "FAST_MIN_ROWS", 100)
    res = register_sp2d.read(open_workbook(EXAMPLE / "input" / "register_sp2d_2020.xlsx"))
    assert calls and len(res.tables["register_sp2d"]) == 321
