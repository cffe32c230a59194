"""PK / IKU workbook reader: the sample and the layout variations of docs/input-formats.md §5."""

from __future__ import annotations

import pandas as pd

from lkip.extract import pk_iku
from schemas.pk_iku import validate
from tests.xlsx_builders import IKU_HEADER, SAMPLE_DIR, open_for_reader, pk_sheet, write_sheets


def _errors(res):
    return [i for i in res.issues if i.is_error]


def _iku_row(no=1, polaritas="naik", target=100, realisasi=90, dari=None):
    return [no, "Sasaran A", f"Indikator {no}", "Persen", polaritas, target, "-", "-", "-", target, realisasi,
            dari, "Bagian X"]


def _read(tmp_path, sheets):
    return pk_iku.read(open_for_reader(write_sheets(tmp_path / "pk.xlsx", sheets)))


def test_sample_pk():
    res = pk_iku.read(open_for_reader(SAMPLE_DIR / "pk_iku_2020.xlsx"))
    t = res.tables
    assert _errors(res) == []
    assert (len(t["iku"]), len(t["skm"]), len(t["akip"]), len(t["bumd"])) == (5, 11, 44, 6)
    assert res.meta.tahun == 2020 and res.meta.kode_skpd == "4.01.03"
    iku = t["iku"]
    assert list(iku["dihitung_dari"].fillna("")) == ["", "", "SKM", "AKIP", "BUMD"]
    assert iku["target_tw1"].isna().all() and list(iku["target_tw4"]) == [100, 38, 80, 45, 100]
    assert round(t["skm"]["nilai_ikm"].mean(), 2) == 83.37
    assert (t["akip"]["kategori"].isin(["A", "BB", "B"])).sum() == 44
    assert (t["bumd"]["kategori"] == "Sehat").sum() == 4
    r = t["renstra"]
    assert set(r["jenis"]) == {"target", "realisasi"}
    one = r[(r["indikator"] == "Nilai IKM") & (r["tahun_data"] == 2019)]
    assert sorted(zip(one["jenis"], one["nilai"])) == [("realisasi", 83.07), ("target", 79.0)]
    assert len(t["dukungan_anggaran"]) == 22 and len(t["iku_indikator_program"]) == 11
    assert validate(t) == []


def test_polaritas_and_dihitung_dari_rules(tmp_path):
    rows = [_iku_row(1, "Naik"), _iku_row(2, "TURUN"), _iku_row(3, None), _iku_row(4, "ke samping"),
            _iku_row(5, "naik", realisasi=None), _iku_row(6, "naik", realisasi=None, dari="skm"),
            _iku_row(7, "naik", dari="AKIP"), _iku_row(8, "naik", dari="Laporan")]
    res = _read(tmp_path, {"IKU": pk_sheet(IKU_HEADER, rows),
                           "SKM": pk_sheet(["No", "Unit Layanan"] + [f"U{i}" for i in range(1, 10)],
                                           [[1, "Tata Usaha"] + [3.2] * 9])})
    iku = res.tables["iku"]
    assert list(iku["polaritas"][:3]) == ["naik", "turun", "naik"]
    warns = {(w.excel_row, w.pesan.split(";")[0]) for w in res.warnings}
    assert (8, "Polaritas kosong") in warns
    assert any(w.excel_row == 10 and "Realisasi IKU kosong" in w.pesan for w in res.warnings)
    errs = {(e.excel_row, e.kolom): e for e in _errors(res)}
    assert set(errs) == {(9, "Polaritas"), (12, "Dihitung Dari"), (13, "Dihitung Dari")}
    assert errs[(9, "Polaritas")].nilai == "ke samping"
    assert "AKIP" in errs[(12, "Dihitung Dari")].pesan   # the AKIP sheet is absent
    assert errs[(13, "Dihitung Dari")].nilai == "Laporan"
    assert iku.iloc[5]["dihitung_dari"] == "SKM"
    skm = res.tables["skm"]
    assert pd.isna(skm.iloc[0]["nilai_ikm"]) and skm.iloc[0]["u9"] == 3.2


def test_header_at_row_1_text_numbers_and_bumd_skor(tmp_path):
    rows = [IKU_HEADER, _iku_row(1, "naik", target="1.800", realisasi="92,59%")]
    bumd = pk_sheet(["No", "Nama BUMD", "Opini", "Skor"], [[1, "PDAM", "WTP", "85,5"], [2, "PD Migas", "-", 60]])
    res = _read(tmp_path, {"IKU": rows, "BUMD": bumd})
    assert _errors(res) == []
    iku = res.tables["iku"]
    assert iku.iloc[0]["target"] == 1800 and iku.iloc[0]["realisasi"] == 92.59 and iku.iloc[0]["excel_row"] == 2
    b = res.tables["bumd"]
    assert list(b["skor"]) == [85.5, 60] and b["kategori"].isna().all() and b.iloc[1]["opini"] == "-"  # opini is text, kept as printed (expected.json)


def test_sheets_found_by_header_when_renamed_and_bad_cells(tmp_path):
    rows = [_iku_row(1, target="seratus")]
    akip = pk_sheet(["No", "OPD", "Nilai", "Predikat"], [[1, "SETDA", "79,66", "BB"], [2, "DINKES", "x", "A"]])
    res = _read(tmp_path, {"Lembar1": pk_sheet(IKU_HEADER, rows), "Lembar2": akip})
    assert len(res.tables["iku"]) == 1 and len(res.tables["akip"]) == 2
    errs = {(e.sheet, e.excel_row, e.kolom, e.nilai) for e in _errors(res)}
    assert errs == {("Lembar1", 6, "Target", "seratus"), ("Lembar1", 6, "Target TW IV", "seratus"),
                    ("Lembar2", 7, "Nilai", "x")}


def test_schema_target_and_polaritas(tmp_path):
    res = _read(tmp_path, {"IKU": pk_sheet(IKU_HEADER, [_iku_row(1), _iku_row(2)])})
    iku = res.tables["iku"].copy()
    assert validate({"iku": iku}) == []
    iku.loc[0, "target"] = -1
    iku.loc[1, "polaritas"] = "sideways"
    got = {(i.excel_row, i.kolom) for i in validate({"iku": iku})}
    assert got == {(6, "Target"), (7, "Polaritas")}


def test_matches_iku():
    wb = open_for_reader(SAMPLE_DIR / "pk_iku_2020.xlsx")
    scores = {s.name: pk_iku.matches(s) for s in wb.sheets}
    assert max(scores, key=scores.get) == "IKU" and all(v > 0 for v in scores.values())
