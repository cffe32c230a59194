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
from schemas.register_sp2d import validate


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


HEADER = ["No", "Tanggal SP2D", "Nomor SP2D", "Kode Kegiatan", "Kode Rekening", "Uraian", "Jenis SP2D",
          "Nilai SP2D (Rp)"]


def _row(r, values):
    return {f"{c}{r}": v for c, v in zip("ABCDEFGH", values)}


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
    "whitespace_everywhere": {"F30": "\tTab\tseparated", "F31": "ends with nbsp\u00a0", "F32": "  ", "C33": "\u3000x  y",
                              "A34": "  ", "G35": " LS ", "D36": " 4.01.4.01.03.01.02 ", "H37": " 1000 ",
                              "F38": "Caf\u00e9  r\u00e9sum\u00e9", "B39": "  12/02/2020 ", "F40": "a\u2003b",
                              "C42": "00042/SP2D-LS/4.01.03/2020\n", "F43": "\u00a0lead", "E44": "  "},
    # A blank date repeats the one above, also when that one is of another year.
    "blank_after_date_of_another_year": {"B16": dt.datetime(2019, 12, 31)} | {f"B{r}": None for r in range(17, 21)},
    "dates_only_printed_when_they_change": {f"B{r}": None for r in range(9, 200) if r % 7},
    "blanks_after_a_bad_date_then_a_date": {"B14": "xx", "B15": None, "B16": None, "B17": None, "B18": "12/05/2020",
                                            "B19": None},
    "first_dates_blank": {f"B{r}": None for r in range(7, 11)},
    "repeated_headers_and_blank_rows": _row(50, HEADER) | _row(120, HEADER[:4] + [None] * 4)
    | _row(60, [None] * 8) | _row(61, [None] * 8) | _row(62, [" "] * 8),
    "no_year_in_the_title": {"A3": None, "A5": None},
    "jenis_blank_or_odd": {"G20": None, "G21": None, "C21": "00021/XX/4.01.03/2020", "G22": "  ", "G23": "SP2D-LS",
                           "G24": "zz"},
    "nilai_texts_of_every_shape": {"H40": "1.234.567,5", "H41": "1234,56", "H42": "Rp 1.000,-",
                                   "H43": "12.345.678.901.234", "H44": "0", "H45": 1e12, "H47": "-", "H48": "(1.000)",
                                   "H49": "1,234", "H50": "12,5%", "H51": 5e12 + 0.25, "H52": "  ", "H53": "abc"},
    "footer_in_the_middle": _row(200, [None] * 5 + ["Bekasi, 15 Januari 2021", None, None]),
    "nomor_of_digits_only": {"C50": 12345, "C51": "777"},
    "jumlah_rows_in_the_middle": _row(100, [None] * 5 + ["JUMLAH", None, 1])
    | _row(101, [None] * 5 + ["Jumlah Halaman", None, "abc"]) | _row(150, [None] * 5 + ["JUMLAH", None, None]),
    "lone_texts": _row(70, [None] * 5 + ["catatan lepas", None, None]) | _row(71, ["lone"] + [None] * 7)
    | _row(72, [None, None, "00072/SP2D-LS", None, None, None, None, None]),
    "many_bad_codes": {f"D{r}": f"4.01.x{r % 3} y" for r in range(20, 40)} | {f"E{r}": "5..2" for r in range(30, 35)},
    "blank_code_texts": {"D30": "  ", "E31": " . "},
    # A repeated header typed otherwise (spacing, case) is still a header, not an SP2D.
    "repeated_header_spelled_otherwise": _row(80, ["No", "Tanggal  SP2D", "Nomor  SP2D", "Kode Kegiatan",
                                                   "Kode  Rekening", "Uraian", "Jenis SP2D", "Nilai SP2D (Rp)"])
    | _row(140, [h.upper() for h in HEADER]),
    "nomor_without_digits": {"C60": "SP2D-LS", "C61": "belum bernomor"},
    # A row holding only a date (an Excel date cell) is what the row reader makes of it.
    "row_with_only_a_date": _row(90, [None, dt.datetime(2020, 3, 9)] + [None] * 6)
    | _row(91, [None, dt.datetime(2020, 3, 9), None, None, None, "catatan", None, None]),
}


def _same(fast, slow):
    assert fast is not None, "the fast reader declined a file it should read"
    assert fast.meta == slow.meta
    assert _values(fast.tables["register_sp2d"]) == _values(slow.tables["register_sp2d"])
    assert _issues(fast) == _issues(slow)
    # The schema says the same of both frames (Arrow-backed / categorical vs object columns).
    tahun = slow.meta.tahun
    assert validate(fast.tables["register_sp2d"], tahun) == validate(slow.tables["register_sp2d"], tahun)


@pytest.mark.parametrize("case", sorted(CASES))
def test_fast_reader_equals_row_reader(tmp_path, case):
    fast, slow = _both(_edit(tmp_path, CASES[case]))
    _same(fast, slow)


@pytest.mark.parametrize("few", [True, False])
@pytest.mark.parametrize("case", ["as_exported", "whitespace_everywhere", "repeated_headers_and_blank_rows"])
def test_uraian_as_dictionary_or_as_text(tmp_path, monkeypatch, case, few):
    # Uraian is kept as categories when its values repeat, as text otherwise: same values.
    monkeypatch.setattr(register_fast, "_few_distinct", lambda col, **kw: few)
    fast, slow = _both(_edit(tmp_path, CASES[case]))
    _same(fast, slow)
    assert isinstance(fast.tables["register_sp2d"]["uraian"].dtype, pd.CategoricalDtype) == few


def test_page_subtotals(tmp_path):
    # A JUMLAH row every 40 rows in place of an SP2D (the one of row 200 wrong): each equals its
    # page or everything above; the sheet's own JUMLAH (row 340) now misses the replaced rows.
    path = _edit(tmp_path, {})
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    page = []
    for r in range(7, 330):
        v = ws[f"H{r}"].value
        if r % 40 == 0:
            for c in "ABCDEG":
                ws[f"{c}{r}"] = None
            ws[f"F{r}"] = "JUMLAH"
            ws[f"H{r}"] = sum(page) + (10 if r == 200 else 0)
            page = []
        elif isinstance(v, (int, float)):
            page.append(v)
    wb.save(path)
    fast, slow = _both(path)
    _same(fast, slow)
    assert [i.excel_row for i in fast.issues if "Baris JUMLAH" in i.pesan] == [200, 340]


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


@pytest.mark.parametrize("cell", [43901, "43901"])
def test_a_date_printed_as_a_plain_number_goes_to_the_row_reader(tmp_path, cell):
    # A numeric 43901 is the serial of 11/03/2020; the text "43901" is no date. Both print
    # "43901": the fast reader declines and the row reader, which sees the cell type, decides.
    path = _edit(tmp_path, {"B20": cell})
    wb = openpyxl.load_workbook(path)
    wb.active["B20"].number_format = "General"            # a number, not an Excel date
    wb.save(path)
    fast = register_fast.read_fast(open_workbook(path).visible_sheets[0], register_sp2d.KIND, register_sp2d.COLUMNS)
    assert fast is None
    sheet = open_workbook(path).visible_sheets[0]
    sheet.n_rows_hint = 0
    slow = register_sp2d.read_sheet(sheet)
    row20 = [i for i in slow.issues if i.excel_row == 20 and i.kolom == "Tanggal SP2D"]
    assert bool(row20) == isinstance(cell, str)
