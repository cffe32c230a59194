"""Form Realisasi Kinerja reader: the sample and the layout variations."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from lkip.extract import realisasi_fisik as rf
from schemas.realisasi_fisik import validate
from tests.xlsx_builders import FORM_HEADER, SAMPLE_DIR, form_sheet, open_for_reader, write_sheets


def _read(tmp_path, rows):
    return rf.read(open_for_reader(write_sheets(tmp_path / "f.xlsx", {"Form": rows})))


def _errors(res):
    return [i for i in res.issues if i.is_error]


def test_sample_form():
    res = rf.read(open_for_reader(SAMPLE_DIR / "form_realisasi_kinerja_2020.xlsx"))
    df = res.tables["realisasi_fisik"]
    assert len(df) == 180 and _errors(res) == []
    assert res.meta.s_d_triwulan == 4 and res.meta.tahun == 2020 and res.meta.kode_skpd == "4.01.03"
    row = df[df["kode_kegiatan"] == "4.01.4.01.03.01.02"].iloc[0]
    assert [row[f"k_tw{i}"] for i in range(1, 5)] == [108, 0, 216, 76]
    assert [row[f"rp_tw{i}"] for i in range(1, 5)] == [Decimal("957603719"), Decimal("1615998934"),
                                                       Decimal("857679689"), Decimal("1680028050")]
    # "Jumlah Kegiatan" is an indicator, not a JUMLAH row
    assert (df["indikator"] == "Jumlah Kegiatan").sum() == 1
    # continuation rows carry no Rp: NULL, not 0
    assert pd.isna(df[df["excel_row"] == 10].iloc[0]["rp_tw1"]) or df[df["excel_row"] == 10].iloc[0]["rp_tw1"] is None
    assert validate(df) == []


@pytest.mark.parametrize("header_row", [1, 25])
def test_header_row_blank_k_stays_null_and_sd_triwulan_inferred(tmp_path, header_row):
    data = [[1, "4.01.4.01.03.29.35", "SBM", "Dokumen SBM", 1, "Dokumen", 0.45, 0.75, None, None],
            [2, None, None, "Indikator kedua", "1.800", "Orang", "1.732,5", "-", None, None]]
    res = _read(tmp_path, form_sheet(data, header_row=header_row, title=[] if header_row == 1 else
                                     ["FORM REALISASI KINERJA", "TAHUN ANGGARAN 2020"]))
    df = res.tables["realisasi_fisik"]
    assert _errors(res) == []
    assert df["k_tw3"].isna().all() and df["k_tw4"].isna().all()
    assert df.iloc[0]["k_tw1"] == 0.45
    assert df.iloc[1]["target"] == 1800 and df.iloc[1]["k_tw1"] == 1732.5 and pd.isna(df.iloc[1]["k_tw2"])
    assert df.iloc[1]["kode_kegiatan"] == "4.01.4.01.03.29.35"   # continuation row
    assert res.meta.s_d_triwulan == 2 and set(df["s_d_triwulan"]) == {2}
    assert df.iloc[0]["excel_row"] == header_row + 1


def test_reordered_synonyms_with_rp(tmp_path):
    header = ["Indikator", "Satuan", "Target", "Kode", "TW 1", "TW 2", "TW 3", "TW 4", "Rp TW 1", "Rp TW 2",
              "Rp TW 3", "Rp TW 4", "Catatan"]
    data = [["Rekening", "Rekening", 432, "4.01.4.01.03.01.02", 108, 0, 216, 76, "Rp 957.603.719", 1615998934,
             857679689, 1680028050, "x"]]
    res = _read(tmp_path, form_sheet(data, header=header))
    df = res.tables["realisasi_fisik"]
    assert _errors(res) == []
    assert df.iloc[0]["rp_tw1"] == Decimal("957603719") and df.iloc[0]["k_tw4"] == 76
    assert res.meta.s_d_triwulan == 4


def test_bad_cells_reported(tmp_path):
    data = [[1, "4.01.4.01.03.01.02", "X", "Ind", "seratus", "Unit", 1, "1.23.4", None, None],
            [2, 4.01, "X", "Ind 2", 1, "Unit", 1, -5, None, None]]
    res = _read(tmp_path, form_sheet(data))
    got = {(e.excel_row, e.kolom, e.nilai) for e in _errors(res)}
    assert got == {(7, "Target", "seratus"), (7, "Realisasi TW II", "1.23.4"), (8, "Kode Kegiatan", 4.01),
                   (8, "Realisasi TW II", -5)}


def test_duplicate_indicator_warning(tmp_path):
    data = [[1, "4.01.4.01.03.01.02", "X", "Ind A", 1, "Unit", 1, None, None, None],
            [2, "4.01.4.01.03.01.02", "X", "ind  a", 1, "Unit", 1, None, None, None]]
    res = _read(tmp_path, form_sheet(data))
    issues = validate(res.tables["realisasi_fisik"])
    assert len(issues) == 1 and not issues[0].is_error and issues[0].excel_row == 8


def test_matches(tmp_path):
    wb = open_for_reader(write_sheets(tmp_path / "f.xlsx", {"Form": form_sheet([]), "X": [["REGISTER SP2D"]]}))
    s = {x.name: rf.matches(x) for x in wb.sheets}
    assert s["Form"] >= 100 and s["X"] == 0
    assert FORM_HEADER[1] == "Kode Kegiatan"
