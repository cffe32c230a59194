"""prepare() runs the pandera schema of every staged table (lazily: all problems in one pass)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pandas as pd
import pyarrow as pa

from conftest import EXAMPLE
from lkip import ingest
from lkip.config import load_config
from schemas.register_sp2d import validate


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


def _register_frames():
    """One register frame as each reader returns it: object columns of Python dates and Decimals
    (the row reader) and Arrow-backed / categorical columns (the column-wise reader)."""
    d = dt.date
    rows = [  # no, tanggal, nomor, jenis, nilai, excel_row
        ("1", d(2020, 1, 2), "0001/SP2D-LS/2020", "LS", Decimal("10.00"), 7),
        ("2", d(2019, 12, 31), "0002/SP2D-LS/2020", "LS", Decimal("-5.25"), 8),
        ("3", None, "0003/SP2D-GU/2020", "GU", None, 9),
        ("4", d(2020, 3, 1), "0002/SP2D-LS/2020", "GU NIHIL", Decimal("1.00"), 10),
        (None, d(2021, 1, 1), None, None, Decimal("0.00"), 11),
        ("6", d(2020, 12, 31), "0006/SP2D-UP/2020", "UP", Decimal("123456789012.99"), 12),
        ("7", d(2020, 1, 1), "0007/SP2D-LS/2020", "LS", Decimal("2.00"), 13),
        ("8", d(3000, 1, 1), "0008/SP2D-LS/2020", "LS", Decimal("3.00"), 14),
        ("9", d(1, 1, 1), "0009/SP2D-LS/2020", "LS", Decimal("4.00"), 15),
    ]
    n = len(rows)
    obj = pd.DataFrame({
        "urutan": pd.array(range(1, n + 1), dtype="Int64"),
        "no": pd.Series([r[0] for r in rows], dtype=object),
        "tanggal": pd.Series([r[1] for r in rows], dtype=object),
        "nomor_sp2d": pd.Series([r[2] for r in rows], dtype=object),
        "kode_kegiatan": pd.Series(["4.01.4.01.03.01.02"] * n, dtype=object),
        "kode_rekening": pd.Series([None] * n, dtype=object),
        "uraian": pd.Series(["Belanja"] * n, dtype=object),
        "jenis": pd.Series([r[3] for r in rows], dtype=object),
        "nilai": pd.Series([r[4] for r in rows], dtype=object),
        "has_kode_kegiatan": pd.Series([True] * n, dtype=bool),
        "sheet": pd.Series(["Register SP2D"] * n, dtype=object),
        "excel_row": pd.array([r[5] for r in rows], dtype="Int64"),
    })
    arrow = obj.assign(
        no=obj["no"].astype("str"),
        tanggal=pd.array(list(obj["tanggal"]), dtype=pd.ArrowDtype(pa.date32())),
        nomor_sp2d=obj["nomor_sp2d"].astype("str"),
        kode_kegiatan=obj["kode_kegiatan"].astype("category"),
        kode_rekening=pd.Categorical([None] * n, categories=pd.Index([], dtype="str")),
        uraian=obj["uraian"].astype("category"),
        jenis=obj["jenis"].astype("category"),
        nilai=pd.array(list(obj["nilai"]), dtype=pd.ArrowDtype(pa.decimal128(18, 2))),
        sheet=obj["sheet"].astype("category"),
    )
    return obj, arrow


def test_register_schema_gives_the_same_issues_for_object_and_arrow_frames():
    obj, arrow = _register_frames()
    for tahun in (2020, None):
        want = validate(obj, tahun)
        assert validate(arrow, tahun) == want
    found = {(i.excel_row, i.pesan) for i in validate(obj, 2020)}
    assert (10, "Nomor SP2D ganda: '0002/SP2D-LS/2020' sudah ada di baris 8") in found
    assert (8, "Nilai SP2D negatif: Decimal('-5.25')") in found
    assert (8, "Tanggal SP2D 31/12/2019 di luar tahun anggaran 2020") in found
    assert (11, "Tanggal SP2D 01/01/2021 di luar tahun anggaran 2020") in found
    assert (9, "Kolom Tanggal SP2D kosong") in found and (9, "Kolom Nilai kosong") in found
    assert (11, "Kolom Jenis SP2D kosong") in found
    assert {r for r, p in found if "di luar tahun" in p} == {8, 11, 14, 15}
    assert all(i.nilai is not pd.NA for i in validate(arrow, 2020))


def test_register_schema_uniqueness_sorted_and_unsorted():
    obj, arrow = _register_frames()
    clean = arrow.drop(index=[3, 4]).reset_index(drop=True)          # numbers now strictly increasing
    assert not [i for i in validate(clean, 2020) if "ganda" in i.pesan]
    for nomor in (["0001", "0002", "0002", "0003"], ["0003", "0001", "0002", "0001"]):
        f = clean.assign(nomor_sp2d=pd.Series(nomor, dtype="str"))
        o = clean.assign(nomor_sp2d=pd.Series(nomor, dtype=object))
        dups = [i for i in validate(f, 2020) if "ganda" in i.pesan]
        assert len(dups) == 1 and dups == [i for i in validate(o, 2020) if "ganda" in i.pesan]


def test_register_schema_year_from_a_tahun_column():
    obj, arrow = _register_frames()
    years = [2020, 2019, 2020, 2020, 2021, 2020, 2019, 3000, 2020]
    o, a = obj.assign(tahun=years), arrow.assign(tahun=years)
    assert validate(a) == validate(o)
    assert {i.excel_row for i in validate(o) if "di luar tahun" in i.pesan} == {13, 15}
