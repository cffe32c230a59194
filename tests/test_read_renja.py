"""Renja / DPA reader: the sample and every layout variation of docs/input-formats.md section 1."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from lkip import sources
from lkip.extract import renja
from tests.xlsx_builders import (
    RENJA_COLUMNS,
    RENJA_COLUMNS_SYNONYMS,
    RENJA_COUNTS,
    build_renja,
    open_test_workbook,
    renja_records,
    renja_total,
)

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bekasi-setda-2020" / "input" / "renja_perubahan_2020.xlsx"


def _read(path: Path):
    return sources.read_checked(renja.READER, open_test_workbook(path))  # read, then validate


def _errors(res):
    return [i for i in res.issues if i.is_error]


def _counts(df) -> dict[str, int]:
    return df["baris_jenis"].value_counts().to_dict()


# ---------------------------------------------------------------------------------------------
# The sample
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return _read(SAMPLE)


def test_sample_reads_without_issues(sample):
    assert [i.text() for i in sample.issues] == []
    m = sample.meta
    assert (m.kode_skpd, m.tahun, m.dokumen, m.is_perubahan) == ("4.01.03", 2020, "renja", True)


def test_sample_row_counts(sample):
    df = sample.tables["renja"]
    assert _counts(df) == {"program": 7, "indikator_program": 18, "kegiatan": 94, "indikator": 86}
    # 180 kegiatan indicators: the kegiatan rows' own + the continuation rows
    keg = df[df.baris_jenis.isin(["kegiatan", "indikator"]) & df.indikator.notna()]
    assert len(keg) == 180
    assert not (df.uraian.fillna("").str.upper() == "JUMLAH").any()
    assert list(df.urutan) == list(range(1, len(df) + 1))


def test_sample_totals_and_lineage(sample):
    df = sample.tables["renja"]
    prog = df[df.baris_jenis == "program"]
    assert sum(prog.pagu_murni) == Decimal("85575010100")
    assert sum(prog.pagu_perubahan) == Decimal("66023815630")
    k = df[(df.kode == "4.01.4.01.03.01.02") & (df.baris_jenis == "kegiatan")].iloc[0]
    assert k.pagu_perubahan == Decimal("5550300020")
    assert (k.kode_induk, k.sheet, k.excel_row, k.target) == ("4.01.4.01.03.01", "Renja-P 2020", 11, 432.0)
    # ' 4.01.4.01.03.01 ' and '4.01.4.01.03.02.27.' normalised
    assert "4.01.4.01.03.01" in set(prog.kode)
    assert "4.01.4.01.03.02.27" in set(df.kode)
    # the indicator named 'Jumlah Kegiatan' is data, not a JUMLAH row
    assert ((df.kode == "4.01.4.01.03.29.44") & (df.indikator == "Jumlah Kegiatan")).sum() == 1
    sbm = df[df.kode == "4.01.4.01.03.29.35"]
    assert list(sbm.cara_hitung) == ["terakhir", "terakhir"]
    cont = df[df.baris_jenis == "indikator"]
    assert cont.pagu_murni.isna().all() and cont.kas_tw1.isna().all()
    # the group of program .34 that starts right after kegiatan .34.09 (row 204)
    g = df[df.excel_row == 204].iloc[0]
    assert (g.baris_jenis, g.kode, g.pagu_perubahan) == ("indikator_program", "4.01.4.01.03.34", Decimal("138000000"))


# ---------------------------------------------------------------------------------------------
# Built variations
# ---------------------------------------------------------------------------------------------


def _check_standard(df, cara_hitung=True):
    assert _counts(df) == RENJA_COUNTS
    rec = {(r.baris_jenis, r.excel_row): r for r in df.itertuples()}
    assert df[df.baris_jenis == "kegiatan"].kode_induk.tolist() == [
        "4.01.4.01.03.01", "4.01.4.01.03.01", "4.01.4.01.03.29", "4.01.4.01.03.29", "4.01.4.01.03.29"]
    ip = df[df.baris_jenis == "indikator_program"]
    assert ip.kode.tolist() == ["4.01.4.01.03.29"] * 2
    assert ip.pagu_perubahan.tolist() == [Decimal("250000000"), Decimal("450000000")]
    ind = df[df.baris_jenis == "indikator"]
    assert ind.kode.tolist() == ["4.01.4.01.03.01.02", "4.01.4.01.03.01.03", "4.01.4.01.03.01.03",
                                 "4.01.4.01.03.29.01", "4.01.4.01.03.29.35"]
    assert ind.pagu_murni.isna().all()
    if cara_hitung:
        assert df[df.kode == "4.01.4.01.03.29.35"].cara_hitung.tolist() == ["terakhir", "terakhir"]
        assert df[df.kode == "4.01.4.01.03.29.36"].cara_hitung.tolist() == ["rata-rata"]
    assert df[df.baris_jenis == "program"].uraian.tolist()[1] == "Program Peningkatan Pelayanan Kedinasan"
    assert rec  # lineage present
    assert df.sheet.notna().all() and df.excel_row.notna().all()


def test_standard_two_row_header_with_title(tmp_path):
    path, where, total_row = build_renja(tmp_path / "a.xlsx")
    res = _read(path)
    assert [i.text() for i in res.issues] == []
    df = res.tables["renja"]
    _check_standard(df)
    assert df.excel_row.tolist() == where      # JUMLAH (skipped) and signature are not rows
    assert total_row not in set(df.excel_row)
    assert res.meta.tahun == 2020 and res.meta.kode_skpd == "4.01.03" and res.meta.is_perubahan


def test_header_at_row_1_without_title(tmp_path):
    path, where, _ = build_renja(tmp_path / "a.xlsx", title=[])
    res = _read(path)
    _check_standard(res.tables["renja"])
    msgs = " | ".join(i.pesan for i in _errors(res))
    # Title block missing: the year is nowhere, so rejected, saying so once; the SKPD comes from
    # the Permendagri 13/2006 codes (inputs.md section 1), with a warning.
    assert "tahun" in msgs and "Perangkat Daerah" not in msgs
    assert sum("tahun" in i.pesan.lower() for i in _errors(res)) == 1
    assert res.meta.kode_skpd == "4.01.03"
    assert any("dipakai 4.01.03" in w.pesan for w in res.warnings)


def test_header_at_row_25(tmp_path):
    path, where, _ = build_renja(tmp_path / "a.xlsx", pad=20)  # 4 title rows + 20 blank rows
    rows = open_test_workbook(path).sheets[0].rows
    assert rows[24][0] == "Kode Rekening"
    res = _read(path)
    assert _errors(res) == []
    _check_standard(res.tables["renja"])


def test_single_row_header_synonyms_reordered_extra_columns(tmp_path):
    recs = renja_records()
    for i, r in enumerate(recs):
        r["no"] = i + 1
        r["keterangan"] = "catatan"
    path, where, _ = build_renja(tmp_path / "a.xlsx", recs, columns=RENJA_COLUMNS_SYNONYMS, two_row=False)
    res = _read(path)
    assert [i.text() for i in res.issues] == []
    _check_standard(res.tables["renja"], cara_hitung=False)
    assert res.tables["renja"].cara_hitung.eq("jumlah").all()  # no Cara Hitung column: default


def test_indonesian_number_text(tmp_path):
    recs = renja_records()
    total = renja_total(recs)
    recs[0].update(pagu_perubahan="6.050.300.020,00", kas_tw1="Rp 1.512.575.005")
    recs[1].update(pagu_perubahan="Rp 5.550.300.020", target="432")
    recs[3].update(pagu_murni="1.000.000.000,00", kas_tw1="125.000.000")
    recs[2].update(pagu_murni="-")  # '-' on a continuation row: still a continuation (NULL)
    path, where, _ = build_renja(tmp_path / "a.xlsx", recs, total=total)
    res = _read(path)
    assert [i.text() for i in res.issues] == []
    df = res.tables["renja"].set_index("excel_row")
    assert df.loc[where[0], "pagu_perubahan"] == Decimal("6050300020.00")
    assert df.loc[where[1], "pagu_perubahan"] == Decimal("5550300020.00")
    assert df.loc[where[1], "target"] == 432.0
    assert df.loc[where[2], "baris_jenis"] == "indikator" and df.loc[where[2], "pagu_murni"] is None


def test_dash_and_blank_are_zero_on_kegiatan_rows(tmp_path):
    recs = renja_records()
    recs[3].update(pagu_murni="-", pagu_perubahan="-", kas_tw1="-", kas_tw2=None, kas_tw3="-", kas_tw4="-")
    recs[0].update(pagu_perubahan=5_550_300_020, kas_tw1=1_387_575_005, kas_tw2=1_387_575_005,
                   kas_tw3=1_387_575_005, kas_tw4=1_387_575_005, pagu_murni=7_000_000_000)
    path, where, _ = build_renja(tmp_path / "a.xlsx", recs)
    res = _read(path)
    assert [i.text() for i in res.issues] == []
    row = res.tables["renja"].set_index("excel_row").loc[where[3]]
    assert row.pagu_murni == Decimal("0.00") and row.kas_tw2 == Decimal("0.00")


def test_negative_parenthesised_money_is_parsed_and_rejected(tmp_path):
    recs = renja_records()
    recs[1].update(kas_tw4="(1.250.000)")
    path, where, _ = build_renja(tmp_path / "a.xlsx", recs)
    res = _read(path)
    df = res.tables["renja"].set_index("excel_row")
    assert df.loc[where[1], "kas_tw4"] == Decimal("-1250000.00")
    neg = [i for i in _errors(res) if "negatif" in i.pesan]
    assert neg and neg[0].excel_row == where[1]


@pytest.mark.parametrize("bad", ["satu juta", "1.23.4"])
def test_bad_number_text_reported_with_row_column_value(tmp_path, bad):
    recs = renja_records()
    recs[1].update(pagu_murni=bad)
    recs[8].update(target="12..5")
    path, where, _ = build_renja(tmp_path / "a.xlsx", recs)
    res = _read(path)
    errs = _errors(res)
    cell = [i for i in errs if i.nilai == bad]
    assert len(cell) == 1
    assert cell[0].excel_row == where[1] and cell[0].sheet == "Renja-P 2020"
    assert "Sebelum Perubahan" in cell[0].kolom and "angka" in cell[0].pesan
    assert any(i.nilai == "12..5" and i.excel_row == where[8] and "Target" in i.kolom for i in errs)
    # the file was still read fully
    assert _counts(res.tables["renja"]) == RENJA_COUNTS


def test_numeric_code_cell_rejected(tmp_path):
    recs = renja_records()
    recs[3]["kode"] = 4.01
    path, where, _ = build_renja(tmp_path / "a.xlsx", recs)
    res = _read(path)
    errs = [i for i in _errors(res) if i.kolom == "Kode Rekening" and i.excel_row == where[3]]
    assert errs and "teks" in (errs[0].diharapkan or "")


def test_codes_with_spaces_around_dots_and_trailing_dot(tmp_path):
    recs = renja_records()
    recs[0]["kode"] = "4 . 01 . 4 . 01 . 03 . 01"
    recs[1]["kode"] = " 4.01.4.01.03.01.02. "
    recs[3]["kode"] = "4 . 01 . 4 . 01 . 03 . 01 . 03"
    path, where, _ = build_renja(tmp_path / "a.xlsx", recs)
    res = _read(path)
    assert [i.text() for i in res.issues] == []
    _check_standard(res.tables["renja"])


def test_repeated_page_headers_and_blank_rows(tmp_path):
    path, where, _ = build_renja(tmp_path / "a.xlsx", repeat_header_after=(2, 7), blank_after=(0, 9, 10))
    res = _read(path)
    assert [i.text() for i in res.issues] == []
    _check_standard(res.tables["renja"])
    assert res.tables["renja"].excel_row.tolist() == where


def test_repeated_single_row_header(tmp_path):
    path, where, _ = build_renja(tmp_path / "a.xlsx", columns=RENJA_COLUMNS_SYNONYMS, two_row=False,
                                 repeat_header_after=(4,), blank_after=(5,))
    res = _read(path)
    assert [i.text() for i in res.issues] == []
    _check_standard(res.tables["renja"], cara_hitung=False)


def test_wrong_jumlah_is_an_error(tmp_path):
    total = renja_total(renja_records())
    total["pagu_perubahan"] += 1000
    path, where, total_row = build_renja(tmp_path / "a.xlsx", total=total)
    res = _read(path)
    errs = [i for i in _errors(res) if i.pesan.startswith("JUMLAH tidak sama")]
    assert len(errs) == 1
    assert errs[0].excel_row == total_row
    assert "tertulis 6.750.301.020, dihitung 6.750.300.020" in errs[0].pesan


def test_jumlah_within_one_rupiah_passes(tmp_path):
    total = renja_total(renja_records())
    total["pagu_murni"] += 1
    path, _, _ = build_renja(tmp_path / "a.xlsx", total=total)
    assert _errors(_read(path)) == []


def test_signature_block_skipped(tmp_path):
    path, where, _ = build_renja(tmp_path / "a.xlsx", signature=True)
    df = _read(path).tables["renja"]
    assert df.excel_row.max() == where[-1]
    assert not df.indikator.fillna("").str.contains("NIP|SEKRETARIS|Bekasi,").any()


def _keg90(kode, nama, murni, perubahan):
    q = perubahan // 4
    return {"kode": kode, "uraian": nama, "indikator": f"Indikator {nama}", "target": 1, "satuan": "Dokumen",
            "pagu_murni": murni, "pagu_perubahan": perubahan, "kas_tw1": q, "kas_tw2": q, "kas_tw3": q,
            "kas_tw4": perubahan - 3 * q}


def _records_90(sub_b: int = 60_000_000):
    return [
        _keg90("4.01.01", "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH", 200_000_000, 160_000_000),
        _keg90("4.01.01.2.01", "Perencanaan, Penganggaran, dan Evaluasi Kinerja", 200_000_000, 160_000_000),
        _keg90("4.01.01.2.01.01", "Penyusunan Dokumen Perencanaan", 120_000_000, 100_000_000),
        {"indikator": "Dokumen Renja", "target": 1, "satuan": "Dokumen"},
        _keg90("4.01.01.2.01.02", "Koordinasi Penyusunan RKA", 80_000_000, sub_b),
        _keg90("4.01.02", "PROGRAM PEMERINTAHAN DAN KESEJAHTERAAN RAKYAT", 50_000_000, 40_000_000),
        _keg90("4.01.02.2.01", "Pelaksanaan Kebijakan Pemerintahan", 50_000_000, 40_000_000),
    ]


def test_permendagri_90_2019_codes_with_sub_kegiatan(tmp_path):
    recs = _records_90()
    total = {"pagu_murni": 250_000_000, "pagu_perubahan": 200_000_000}
    path, where, _ = build_renja(tmp_path / "a.xlsx", recs, total=total,
                                 title=["DOKUMEN PELAKSANAAN ANGGARAN", "TAHUN ANGGARAN 2022",
                                        "SKPD : 4.01.0.00.0.00.01.0000 - SEKRETARIAT DAERAH"])
    res = _read(path)
    assert [i.text() for i in res.issues] == []
    assert res.meta.dokumen == "dpa" and res.meta.is_perubahan is False and res.meta.tahun == 2022
    df = res.tables["renja"]
    by = {r.kode: r for r in df[df.baris_jenis != "indikator"].itertuples()}
    assert by["4.01.01"].baris_jenis == "program" and by["4.01.02"].baris_jenis == "program"
    assert (by["4.01.01.2.01"].baris_jenis, by["4.01.01.2.01"].kode_induk) == ("kegiatan", "4.01.01")
    assert (by["4.01.01.2.01.01"].baris_jenis, by["4.01.01.2.01.01"].kode_induk) == ("kegiatan", "4.01.01.2.01")
    cont = df[df.baris_jenis == "indikator"].iloc[0]
    assert cont.kode == "4.01.01.2.01.01"


def test_kegiatan_not_equal_to_its_sub_kegiatan_is_an_error(tmp_path):
    recs = _records_90(sub_b=70_000_000)
    recs[0].update(pagu_perubahan=170_000_000, kas_tw4=recs[0]["kas_tw4"] + 10_000_000)
    recs[1].update(pagu_perubahan=160_000_000)
    path, _, _ = build_renja(tmp_path / "a.xlsx", recs, total=None, title=["DPA TAHUN ANGGARAN 2022",
                                                                          "SKPD : 4.01.01 - SETDA"])
    errs = _errors(_read(path))
    assert any("4.01.01.2.01" in i.pesan and "sub kegiatan" in i.pesan for i in errs)


@pytest.mark.parametrize("text,expected", [
    ("rata rata", "rata-rata"), ("Rerata", "rata-rata"), ("Rata-Rata", "rata-rata"), ("akhir", "terakhir"),
    ("TERAKHIR", "terakhir"), ("sum", "jumlah"), ("Jumlah", "jumlah"), (None, "jumlah"),
])
def test_cara_hitung_normalised(text, expected):
    assert renja.normalize_cara_hitung(text) == expected


def test_unknown_cara_hitung_is_a_cell_error(tmp_path):
    recs = renja_records()
    recs[3]["cara_hitung"] = "median"
    path, where, _ = build_renja(tmp_path / "a.xlsx", recs)
    errs = _errors(_read(path))
    assert [(i.excel_row, i.kolom, i.nilai) for i in errs] == [(where[3], "Cara Hitung", "median")]


def test_program_pagu_not_sum_of_kegiatan(tmp_path):
    recs = renja_records()
    recs[0]["pagu_murni"] = 8_000_000_001 + 5
    total = renja_total(recs)
    path, where, _ = build_renja(tmp_path / "a.xlsx", recs, total=total)
    errs = _errors(_read(path))
    assert len(errs) == 1 and errs[0].excel_row == where[0] and "4.01.4.01.03.01" in errs[0].pesan
    assert "8.000.000.006" in errs[0].pesan and "8.000.000.000" in errs[0].pesan


def test_kas_not_equal_to_pagu_perubahan(tmp_path):
    recs = renja_records()
    recs[3]["kas_tw2"] += 500
    recs[0]["kas_tw2"] += 500
    path, where, _ = build_renja(tmp_path / "a.xlsx", recs)
    errs = _errors(_read(path))
    assert [(i.excel_row, i.kolom) for i in errs] == [(where[3], "Anggaran Kas TW I-IV")]


def test_duplicate_kegiatan_code(tmp_path):
    recs = renja_records()
    recs[13]["kode"] = "4.01.4.01.03.29.35"
    recs[11]["pagu_perubahan"] = recs[11]["pagu_murni"] = 0
    for k in ("kas_tw1", "kas_tw2", "kas_tw3", "kas_tw4"):
        recs[11][k] = 0
    path, where, _ = build_renja(tmp_path / "a.xlsx", recs, total=None)
    errs = [i for i in _errors(_read(path)) if "ganda" in i.pesan]
    assert len(errs) == 1 and errs[0].excel_row == where[13]


def test_matches_scores(tmp_path):
    path, _, _ = build_renja(tmp_path / "a.xlsx")
    wb = open_test_workbook(path)
    assert renja.matches(wb.sheets[0]) >= 100
    path2, _, _ = build_renja(tmp_path / "b.xlsx", title=[])
    assert 0 < renja.matches(open_test_workbook(path2).sheets[0]) < 100
