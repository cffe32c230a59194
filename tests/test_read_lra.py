"""LRA reader: the sample, both SIMDA layouts and the variations of docs/input-formats.md."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from lkip import sources
from lkip.extract import lra
from tests.xlsx_builders import (
    REALISASI_PER_KEGIATAN_COLUMNS,
    REALISASI_PER_KEGIATAN_TITLE,
    build_lra,
    lra_records,
    lra_total,
    open_test_workbook,
    realisasi_per_kegiatan_records,
)

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bekasi-setda-2020" / "input" / "lra_sd_31_desember_2020.xlsx"


def _read(path):
    return sources.read_checked(lra.READER, open_test_workbook(path))  # read, then validate


def _errors(res):
    return [i for i in res.issues if i.is_error]


@pytest.fixture(scope="module")
def sample():
    return _read(SAMPLE)


def test_sample(sample):
    assert [i.text() for i in sample.issues] == []
    m = sample.meta
    assert (m.kode_skpd, m.tahun, m.periode_awal, m.periode_akhir, m.s_d_triwulan) == (
        "4.01.03", 2020, dt.date(2020, 1, 1), dt.date(2020, 12, 31), 4)
    df = sample.tables["lra"]
    counts = df.baris_jenis.value_counts().to_dict()
    assert counts["program"] == 7 and counts["kegiatan"] == 94 and counts["rekening"] > 0
    assert sum(df[df.baris_jenis == "program"].realisasi_sd_ini) == Decimal("57395091366")
    assert sum(df[df.baris_jenis == "program"].anggaran) == Decimal("66023815630")
    k = df[(df.kode == "4.01.4.01.03.01.02") & (df.baris_jenis == "kegiatan")].iloc[0]
    assert k.realisasi_sd_ini == Decimal("5111310392") and k.excel_row == 11
    rek = df[(df.baris_jenis == "rekening") & (df.excel_row == 12)].iloc[0]
    assert (rek.kode, rek.kode_kegiatan) == ("5.2.2.03.01", "4.01.4.01.03.01.02")
    assert set(df.layout) == {"lra"}
    assert not (df.uraian.fillna("") == "JUMLAH").any()


def test_built_standard_lra(tmp_path):
    path, where, total_row = build_lra(tmp_path / "x.xlsx")
    res = _read(path)
    assert [i.text() for i in res.issues] == []
    df = res.tables["lra"]
    assert df.baris_jenis.tolist() == ["program", "kegiatan", "rekening", "rekening", "kegiatan", "rekening",
                                       "program", "kegiatan", "rekening"]
    assert df.kode_kegiatan.isna().tolist() == [True] + [False] * 5 + [True, False, False]
    assert df.kode_kegiatan.tolist()[1:6] == ["4.01.4.01.03.01.02", "4.01.4.01.03.01.02",
                                             "4.01.4.01.03.01.02", "4.01.4.01.03.01.03", "4.01.4.01.03.01.03"]
    assert df.excel_row.tolist() == where
    assert res.meta.periode_akhir == dt.date(2020, 3, 31) and res.meta.s_d_triwulan == 1
    assert set(df.s_d_triwulan) == {1} and set(df.periode_awal) == {dt.date(2020, 1, 1)}


def test_kegiatan_not_equal_to_sum_of_rekening(tmp_path):
    recs = lra_records()
    recs[3]["realisasi_sd_ini"] += 1000     # Belanja Listrik
    recs[3]["realisasi_periode_ini"] += 1000
    path, where, _ = build_lra(tmp_path / "x.xlsx", recs, total=lra_total(lra_records()))
    errs = _errors(_read(path))
    assert len(errs) == 1
    e = errs[0]
    assert e.excel_row == where[1] and "4.01.4.01.03.01.02" in e.pesan and "rekening" in e.pesan
    assert "957.603.719" in e.pesan and "957.604.719" in e.pesan


def test_wrong_jumlah(tmp_path):
    total = lra_total(lra_records())
    total["realisasi_sd_ini"] -= 5
    path, _, total_row = build_lra(tmp_path / "x.xlsx", total=total)
    errs = _errors(_read(path))
    assert [(e.excel_row, e.pesan.split(":")[0]) for e in errs] == [
        (total_row, "JUMLAH tidak sama dengan jumlah baris program")]


def test_second_layout_realisasi_per_kegiatan(tmp_path):
    recs = realisasi_per_kegiatan_records()
    total = {f: sum(r[f] for r in recs if r["kode"].count(".") == 5)
             for f in ("anggaran", "belanja_pegawai", "belanja_barang_jasa", "belanja_modal", "realisasi_sd_ini",
                       "sisa")}
    path, where, total_row = build_lra(tmp_path / "x.xlsx", recs, columns=REALISASI_PER_KEGIATAN_COLUMNS,
                                       title=REALISASI_PER_KEGIATAN_TITLE, total=total)
    res = _read(path)
    assert [i.text() for i in res.issues] == []
    df = res.tables["lra"]
    assert set(df.layout) == {"realisasi_per_kegiatan"}
    assert df.baris_jenis.tolist() == ["program", "kegiatan", "kegiatan", "program", "kegiatan"]
    k = df.iloc[1]
    assert k.realisasi_sd_ini == Decimal("2563202657") and k.belanja_barang_jasa == Decimal("2563202657")
    assert df.iloc[4].belanja_modal == Decimal("4191000000")
    assert df.realisasi_sd_lalu.isna().all()
    assert res.meta.s_d_triwulan == 2 and res.meta.periode_akhir == dt.date(2020, 6, 30)
    # a wrong JUMLAH in this layout is caught too
    total["realisasi_sd_ini"] += 100
    path2, _, _ = build_lra(tmp_path / "y.xlsx", recs, columns=REALISASI_PER_KEGIATAN_COLUMNS,
                            title=REALISASI_PER_KEGIATAN_TITLE, total=total)
    assert any(e.pesan.startswith("JUMLAH tidak sama") for e in _errors(_read(path2)))


def test_second_layout_program_subtotal_mismatch(tmp_path):
    recs = realisasi_per_kegiatan_records()
    recs[0]["realisasi_sd_ini"] += 10
    path, where, _ = build_lra(tmp_path / "x.xlsx", recs, columns=REALISASI_PER_KEGIATAN_COLUMNS,
                               title=REALISASI_PER_KEGIATAN_TITLE, total=None)
    errs = _errors(_read(path))
    assert any(e.excel_row == where[0] and "program 4.01.4.01.03.01" in e.pesan for e in errs)


def test_number_text_codes_spaces_header_repeats(tmp_path):
    recs = lra_records()
    total = lra_total(recs)
    recs[0].update(anggaran="6.050.300.020,00", realisasi_sd_ini="Rp 1.152.210.342", persen="19,04%")
    recs[1].update(kode="4 . 01 . 4 . 01 . 03 . 01 . 02", sisa="4.592.696.301")
    recs[2].update(kode="5.2.2.03.01.", realisasi_sd_lalu="-")
    recs[8].update(sisa="(1.250.000)")   # overspent account: a negative sisa is allowed
    path, where, _ = build_lra(tmp_path / "x.xlsx", recs, total=total, title=[
        "LAPORAN REALISASI ANGGARAN", "Perangkat Daerah : 4.01.03 - SEKRETARIAT DAERAH",
        "Periode : 1 Januari 2020 s.d. 31 Maret 2020"], pad=18, repeat_header_after=(3,), blank_after=(5,))
    res = _read(path)
    assert [i.text() for i in res.issues] == []
    df = res.tables["lra"].set_index("excel_row")
    assert df.loc[where[0], "anggaran"] == Decimal("6050300020.00")
    assert df.loc[where[0], "persen"] == pytest.approx(19.04)
    assert df.loc[where[1], "kode"] == "4.01.4.01.03.01.02"
    assert df.loc[where[2], "kode"] == "5.2.2.03.01" and df.loc[where[2], "realisasi_sd_lalu"] == Decimal("0.00")
    assert df.loc[where[8], "sisa"] == Decimal("-1250000.00")
    assert len(df) == 9


@pytest.mark.parametrize("bad", ["satu juta", "1.23.4"])
def test_bad_number_rejected(tmp_path, bad):
    recs = lra_records()
    recs[5]["realisasi_sd_ini"] = bad
    path, where, _ = build_lra(tmp_path / "x.xlsx", recs)
    errs = _errors(_read(path))
    cell = [e for e in errs if e.nilai == bad]
    assert len(cell) == 1 and cell[0].excel_row == where[5] and "s.d. Periode Ini" in cell[0].kolom


def test_numeric_code_rejected(tmp_path):
    recs = lra_records()
    recs[5]["kode"] = 5.2
    path, where, _ = build_lra(tmp_path / "x.xlsx", recs)
    assert any(e.excel_row == where[5] and e.kolom == "Kode Rekening" for e in _errors(_read(path)))


def test_missing_period_is_an_error(tmp_path):
    path, _, _ = build_lra(tmp_path / "x.xlsx", title=["LAPORAN REALISASI ANGGARAN",
                                                     "Perangkat Daerah : 4.01.03 - SEKRETARIAT DAERAH"])
    assert any("periode" in e.pesan for e in _errors(_read(path)))


def test_matches():
    assert lra.matches(open_test_workbook(SAMPLE).sheets[0]) >= 100 if SAMPLE.exists() else True
