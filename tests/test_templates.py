"""Blank templates: headers the readers accept, validations, Petunjuk; filled in and read back."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from lkip.extract import pk_iku, realisasi_fisik
from lkip.extract.templates import write_template
from tests.xlsx_builders import open_for_reader


def test_form_template_filled_and_read_back(tmp_path):
    p = write_template("realisasi-fisik", tmp_path / "form.xlsx")
    wb = openpyxl.load_workbook(p)
    assert wb.sheetnames == ["Form", "Petunjuk"]
    ws = wb["Form"]
    assert ws.data_validations.dataValidation, "numbers >= 0 validation"
    assert any(dv.operator == "greaterThanOrEqual" for dv in ws.data_validations.dataValidation)
    assert "PETUNJUK" in wb["Petunjuk"]["A1"].value
    ws["A3"] = "TAHUN ANGGARAN 2020"
    ws["A4"] = "Perangkat Daerah : 4.01.03 - SEKRETARIAT DAERAH"
    ws["A6"] = "s.d. Triwulan III"
    ws.append([1, "4.01.4.01.03.01.02", "Penyediaan Jasa Komunikasi", "Rekening", 432, "Rekening",
               108, 0, 216, None, 957603719, 1615998934, 857679689, None, None])
    wb.save(p)
    res = realisasi_fisik.read(open_for_reader(p))
    assert [e for e in res.issues if e.is_error] == []
    df = res.tables["realisasi_fisik"]
    assert len(df) == 1
    r = df.iloc[0]
    assert (r["k_tw1"], r["k_tw3"], r["rp_tw2"]) == (108, 216, Decimal("1615998934"))
    assert pd.isna(r["k_tw4"])  # blank stays NULL, not 0
    assert res.meta.tahun == 2020 and res.meta.kode_skpd == "4.01.03" and res.meta.s_d_triwulan == 3


def test_pk_template_filled_and_read_back(tmp_path):
    p = write_template("pk-iku", tmp_path / "pk.xlsx")
    wb = openpyxl.load_workbook(p)
    assert wb.sheetnames == ["IKU", "Renstra", "Dukungan Anggaran", "Indikator Program", "SKM", "AKIP", "BUMD",
                             "Petunjuk"]
    lists = [dv.formula1 for dv in wb["IKU"].data_validations.dataValidation if dv.type == "list"]
    assert '"naik,turun"' in lists and '"SKM,AKIP,BUMD"' in lists
    for name in wb.sheetnames[:-1]:
        wb[name]["A2"] = "TAHUN 2020"
        wb[name]["A3"] = "Perangkat Daerah : 4.01.03 - SEKRETARIAT DAERAH"
    wb["IKU"].append([1, "Sasaran", "Nilai IKM", "Nilai", "naik", 80, "-", "-", "-", 80, None, "SKM", "SKM"])
    wb["Renstra"].append(["Sasaran", "Nilai IKM", "Nilai", 81, 82, 83, 84, 85, 83.07, 83.5])
    wb["SKM"].append([1, "Tata Usaha", 84.41])
    wb["BUMD"].append([1, "PDAM", "WTP", "Sehat", None, None])
    wb.save(p)
    res = pk_iku.read(open_for_reader(p))
    assert [e for e in res.issues if e.is_error] == []
    t = res.tables
    assert len(t["iku"]) == 1 and t["iku"].iloc[0]["dihitung_dari"] == "SKM"
    assert len(t["renstra"]) == 7 and set(t["renstra"]["tahun_data"]) == {2019, 2020, 2021, 2022, 2023, 2024, 2025}
    assert len(t["skm"]) == 1 and len(t["bumd"]) == 1 and t["akip"].empty
    assert res.meta.tahun == 2020


def test_unknown_template_kind(tmp_path):
    with pytest.raises(ValueError):
        write_template("lra", tmp_path / "x.xlsx")
