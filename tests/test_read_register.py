"""Register SP2D reader: the sample and every layout variation of docs/input-formats.md §3."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lkip.extract import register_sp2d as reg
from schemas.register_sp2d import validate
from tests.xlsx_builders import (
    REGISTER_HEADER,
    SAMPLE_DIR,
    open_for_reader,
    register_rows,
    register_sheet,
    write_sheets,
)


def _read(tmp_path, rows, name="Register SP2D", extra=None):
    sheets = {name: rows}
    if extra:
        sheets.update(extra)
    p = write_sheets(tmp_path / "reg.xlsx", sheets)
    return reg.read(open_for_reader(p))


def _errors(res):
    return [i for i in res.issues if i.is_error]


def test_sample_register():
    res = reg.read(open_for_reader(SAMPLE_DIR / "register_sp2d_2020.xlsx"))
    df = res.tables["register_sp2d"]
    assert len(df) == 321
    assert _errors(res) == []
    assert sum(df["nilai"]) == Decimal("59410091366")
    assert (df["jenis"] == "UP").sum() == 1
    assert set(df["jenis"]) == {"LS", "GU", "GU NIHIL", "TU", "UP"}
    assert res.meta.tahun == 2020 and res.meta.kode_skpd == "4.01.03"
    assert res.meta.periode_akhir == dt.date(2020, 12, 31)
    assert df["has_kode_kegiatan"].all()
    up = df[df["jenis"] == "UP"].iloc[0]
    assert up["kode_kegiatan"] is None and up["excel_row"] == 7
    # lineage: the row after the first page-break header repeat
    assert df.iloc[50]["excel_row"] == 59 and df.iloc[50]["no"] == "51"
    assert list(df["urutan"]) == list(range(1, 322))
    assert validate(df, 2020) == []


@pytest.mark.parametrize("header_row", [1, 25])
def test_header_at_row_1_and_25(tmp_path, header_row):
    data = register_rows(8)
    title = [] if header_row == 1 else None
    res = _read(tmp_path, register_sheet(data, header_row=header_row, title=title))
    df = res.tables["register_sp2d"]
    assert len(df) == 8
    assert df.iloc[0]["excel_row"] == header_row + 1
    if header_row == 1:
        # no title: year taken from the dates, with a warning
        assert res.meta.tahun == 2020
        assert any("Tahun anggaran tidak ditemukan" in i.pesan for i in res.warnings)
    assert _errors(res) == []


def test_reordered_extra_columns_and_synonyms(tmp_path):
    header = ["Keterangan", "Jumlah (Rp)", "Catatan Bendahara", "Jenis", "No SP2D", "Tgl SP2D", "Kode Akun",
              "Kegiatan", "No. Urut"]
    data = [[r[5], r[7], "x", r[6], r[2], r[1], r[4], r[3], r[0]] for r in register_rows(6)]
    res = _read(tmp_path, register_sheet(data, header=header, nilai_col=1, label_col=0))
    df = res.tables["register_sp2d"]
    assert _errors(res) == []
    assert len(df) == 6
    first = df.iloc[0]
    assert first["nomor_sp2d"] == "00001/SP2D-LS/4.01.03/2020"
    assert first["kode_kegiatan"] == "4.01.4.01.03.01.02"
    assert first["kode_rekening"] == "5.2.2.03.01"
    assert first["uraian"] == "Pembayaran ke-1"
    assert first["nilai"] == Decimal("1000.50")
    assert first["tanggal"] == dt.date(2020, 1, 1)
    assert first["no"] == "1"


def test_indonesian_text_numbers_and_text_dates(tmp_path):
    data = register_rows(6)
    data[0][7] = "Rp 5.550.300.020"
    data[1][7] = "1.732,50"
    data[2][7] = "23.273.681.020,00"
    data[0][1] = "03/02/2020"
    data[1][1] = "15-03-2020"
    data[2][1] = "31 Maret 2020"
    data[3][3] = " 4 . 01 . 4 . 01 . 03 . 01 . 02. "
    total = 5550300020 + 1732.5 + 23273681020 + sum(r[7] for r in data[3:])
    res = _read(tmp_path, register_sheet(data, total=total))
    df = res.tables["register_sp2d"]
    assert _errors(res) == []
    assert list(df["nilai"][:3]) == [Decimal("5550300020.00"), Decimal("1732.50"), Decimal("23273681020.00")]
    assert list(df["tanggal"][:3]) == [dt.date(2020, 2, 3), dt.date(2020, 3, 15), dt.date(2020, 3, 31)]
    assert df.iloc[3]["kode_kegiatan"] == "4.01.4.01.03.01.02"


def test_blank_date_repeats_the_one_above(tmp_path):
    data = register_rows(5)
    data[0][1] = dt.date(2020, 4, 1)
    data[1][1] = None
    data[2][1] = None
    data[3][1] = "20/04/2020"
    data[4][1] = None
    res = _read(tmp_path, register_sheet(data))
    df = res.tables["register_sp2d"]
    assert _errors(res) == []
    assert list(df["tanggal"]) == [dt.date(2020, 4, 1)] * 3 + [dt.date(2020, 4, 20)] * 2


def test_blank_first_date_is_an_error(tmp_path):
    data = register_rows(3)
    data[0][1] = None
    res = _read(tmp_path, register_sheet(data))
    errs = _errors(res)
    assert len(errs) == 1 and errs[0].excel_row == 7 and errs[0].kolom == "Tanggal SP2D"


def test_repeated_headers_are_skipped(tmp_path):
    data = register_rows(25)
    res = _read(tmp_path, register_sheet(data, repeat_header_every=10))
    df = res.tables["register_sp2d"]
    assert _errors(res) == []
    assert len(df) == 25
    # rows 1-10 at Excel 7-16, blank 17, header 18, row 11 at 19
    assert df.iloc[10]["excel_row"] == 19


def test_jumlah_right_and_wrong(tmp_path):
    data = register_rows(6)  # includes a TU row, which the JUMLAH counts too
    right = sum(r[7] for r in data)
    res = _read(tmp_path, register_sheet(data, total=right))
    assert _errors(res) == []
    assert len(res.tables["register_sp2d"]) == 6  # JUMLAH row skipped

    res = _read(tmp_path, register_sheet(data, total=right - 5000))
    errs = _errors(res)
    assert len(errs) == 1
    e = errs[0]
    assert e.excel_row == 6 + 6 + 1 and "JUMLAH" in e.pesan and e.kolom == "Nilai SP2D (Rp)"
    assert len(res.tables["register_sp2d"]) == 6


def test_jumlah_excluding_tu_is_wrong(tmp_path):
    data = register_rows(6)
    without_tu = sum(r[7] for r in data if r[6] != "TU")
    res = _read(tmp_path, register_sheet(data, total=without_tu))
    assert any("JUMLAH" in e.pesan for e in _errors(res))


def test_signature_block_is_skipped(tmp_path):
    data = register_rows(4)
    res = _read(tmp_path, register_sheet(data, signature=True))
    df = res.tables["register_sp2d"]
    assert len(df) == 4 and _errors(res) == []
    assert not df["uraian"].str.contains("NIP|Bekasi,|BENDAHARA").any()


def test_register_without_kegiatan_codes(tmp_path):
    header = ["NO", "TANGGAL", "NO SP2D", "JENIS SPM", "URAIAN", "NILAI SP2D"]
    data = [[r[0], r[1], r[2], r[6], r[5], r[7]] for r in register_rows(6)]
    res = _read(tmp_path, register_sheet(data, header=header))
    df = res.tables["register_sp2d"]
    assert _errors(res) == []
    w = [i for i in res.warnings if "tanpa kode kegiatan" in i.pesan]
    assert len(w) == 1
    assert w[0].pesan == "Register tanpa kode kegiatan: hanya dipakai untuk total SKPD dan rekonsiliasi"
    assert not df["has_kode_kegiatan"].any() and df["kode_kegiatan"].isna().all()
    assert len(df) == 6 and list(df["jenis"][:3]) == ["LS", "GU", "GU NIHIL"]


@pytest.mark.parametrize("text,expected", [
    ("GU Nihil", "GU NIHIL"), ("GU-NIHIL", "GU NIHIL"), ("gu nihil", "GU NIHIL"), ("GUNIHIL", "GU NIHIL"),
    ("Ganti Uang", "GU"), ("gu", "GU"), ("LS", "LS"), ("ls gaji", "LS"), ("Tambahan Uang", "TU"),
    ("Uang Persediaan", "UP"), ("SP2D-UP", "UP"), ("TU", "TU"),
])
def test_jenis_normalised(text, expected):
    assert reg.normalize_jenis(text) == expected


def test_unknown_jenis_is_an_error(tmp_path):
    data = register_rows(3)
    data[1][6] = "Hibah"
    res = _read(tmp_path, register_sheet(data))
    errs = _errors(res)
    assert len(errs) == 1
    assert errs[0].excel_row == 8 and errs[0].kolom == "Jenis SP2D" and errs[0].nilai == "Hibah"
    assert "LS, GU, GU NIHIL, TU, UP" in errs[0].diharapkan


def test_bad_cells_are_reported_with_row_column_value(tmp_path):
    data = register_rows(6)
    data[0][7] = "satu juta"      # row 7
    data[1][7] = None             # row 8: nilai missing
    data[2][7] = -250000          # row 9: negative
    data[3][1] = "31/02/2020"     # row 10: impossible date
    data[4][1] = dt.date(2019, 12, 31)  # row 11: outside the year
    data[5][3] = None             # row 12: GU without kode kegiatan
    res = _read(tmp_path, register_sheet(data, total=None))
    errs = {(e.excel_row, e.kolom): e for e in _errors(res)}
    assert set(errs) == {(7, "Nilai SP2D (Rp)"), (8, "Nilai SP2D (Rp)"), (9, "Nilai SP2D (Rp)"),
                         (10, "Tanggal SP2D"), (11, "Tanggal SP2D"), (12, "Kode Kegiatan")}
    assert errs[(7, "Nilai SP2D (Rp)")].nilai == "satu juta"
    assert "bukan angka" in errs[(7, "Nilai SP2D (Rp)")].pesan
    assert errs[(10, "Tanggal SP2D")].nilai == "31/02/2020"
    assert "2020" in errs[(11, "Tanggal SP2D")].pesan
    assert all(e.sheet == "Register SP2D" for e in errs.values())
    assert "Register SP2D" in errs[(7, "Nilai SP2D (Rp)")].text()


def test_up_and_tu_without_kegiatan_are_fine(tmp_path):
    data = register_rows(2)
    data[0][6], data[0][3] = "UP", None
    data[1][6], data[1][3] = "TU", None
    res = _read(tmp_path, register_sheet(data))
    assert _errors(res) == []


def test_jenis_blank_taken_from_nomor(tmp_path):
    data = register_rows(3)
    data[0][6] = None   # nomor .../SP2D-LS/...
    res = _read(tmp_path, register_sheet(data))
    assert _errors(res) == [] and res.tables["register_sp2d"].iloc[0]["jenis"] == "LS"


def test_numeric_code_cell_is_an_error(tmp_path):
    data = register_rows(2)
    data[0][4] = 5.2
    res = _read(tmp_path, register_sheet(data))
    errs = _errors(res)
    assert len(errs) == 1 and errs[0].kolom == "Kode Rekening" and errs[0].nilai == 5.2


@pytest.mark.parametrize("bad_col,bad_value,label", [
    (7, "satu juta", "Nilai SP2D (Rp)"),
    (1, "31/02/2020", "Tanggal SP2D"),
])
def test_bad_cell_at_row_5000_is_reported_not_nulled(tmp_path, bad_col, bad_value, label):
    data = register_rows(5200)
    idx = 5000 - 7  # header on row 6, data from row 7 -> Excel row 5000
    data[idx][bad_col] = bad_value
    res = _read(tmp_path, register_sheet(data, total=None, signature=False))
    df = res.tables["register_sp2d"]
    assert len(df) == 5200
    errs = _errors(res)
    assert [(e.excel_row, e.kolom, e.nilai) for e in errs] == [(5000, label, bad_value)]
    row = df[df["excel_row"] == 5000].iloc[0]
    assert row["nomor_sp2d"] == f"{idx + 1:05d}/SP2D-{data[idx][6].upper().replace(' ', '-')}/4.01.03/2020"


def test_matches_scores_register_above_others(tmp_path):
    p = write_sheets(tmp_path / "r.xlsx", {"Register": register_sheet(register_rows(3)),
                                            "Lain": [["FORM REALISASI KINERJA"], ["a", "b"]]})
    wb = open_for_reader(p)
    by = {s.name: reg.matches(s) for s in wb.sheets}
    assert by["Register"] > 0 and by["Lain"] == 0


def test_schema_duplicate_negative_year(tmp_path):
    res = _read(tmp_path, register_sheet(register_rows(4)))
    df = res.tables["register_sp2d"].copy()
    assert validate(df, 2020) == []
    df.loc[1, "nomor_sp2d"] = df.loc[0, "nomor_sp2d"]
    df.loc[2, "nilai"] = Decimal("-1.00")
    df.loc[3, "tanggal"] = dt.date(2021, 1, 2)
    issues = validate(df, 2020)
    got = {(i.excel_row, i.kolom) for i in issues}
    assert got == {(8, "Nomor SP2D"), (9, "Nilai"), (10, "Tanggal SP2D")}
    assert all(i.is_error for i in issues)
