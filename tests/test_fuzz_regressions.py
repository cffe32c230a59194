"""Regressions of issue 11, each from a workbook the test writes:

(a) a data cell reading ``Jumlah`` (Cara Hitung, an indicator ``Jumlah Dokumen``, a satuan, a
    Keterangan) never makes a coded data row a JUMLAH row, in every reader;
(b) no SKPD line in the title: the SKPD comes from the 13/2006 codes or a ``Kode SKPD`` column,
    with a warning; rejected (once) only when nothing says it, or two sources disagree;
(c) a Form Realisasi Kinerja row for a kegiatan not in the Renja: the form is accepted with
    warnings and the row left out of the tables; an SP2D for an unknown kegiatan still rejects;
(d) the negative twin's findings: a schema check's message (a negative pagu, a duplicated code)
    names the column as printed in the officer's file, not the standard label.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conftest import ingest_folder, make_workspace
from lkip.extract import lra, pk_iku, realisasi_fisik, register_fast, register_sp2d, renja
from lkip.extract.skpd import skpd_from_code
from tests.xlsx_builders import (
    FORM_HEADER,
    IKU_HEADER,
    LRA_COLUMNS,
    LRA_TITLE,
    REALISASI_PER_KEGIATAN_COLUMNS,
    REALISASI_PER_KEGIATAN_TITLE,
    RENJA_COUNTS,
    form_sheet,
    lra_records,
    lra_total,
    open_test_workbook,
    pk_sheet,
    realisasi_per_kegiatan_records,
    register_rows,
    register_sheet,
    renja_records,
    renja_total,
    table_rows,
    write_sheets,
    write_xlsx,
)


def _errors(res):
    return [i for i in res.issues if i.is_error]


# The one-row header of the report in issue 11.
ISSUE_RENJA_COLUMNS = [
    ("kode", "Kode", None), ("uraian", "Nama Program/Kegiatan", None), ("indikator", "Indikator", None),
    ("target", "Target", None), ("satuan", "Satuan", None), ("pagu_perubahan", "Pagu Anggaran", None),
    ("pagu_murni", "Anggaran Murni", None), ("kas_tw1", "Triwulan I", None), ("kas_tw2", "Triwulan II", None),
    ("kas_tw3", "Triwulan III", None), ("kas_tw4", "Triwulan IV", None), ("cara_hitung", "Cara Hitung", None),
    ("penanggung_jawab", "Unit Kerja", None), ("keterangan", "Keterangan", None),
]
TITLE_NO_SKPD = ["PEMERINTAH KOTA BEKASI", "RENCANA KERJA PERANGKAT DAERAH", "TAHUN ANGGARAN 2020"]
TITLE = TITLE_NO_SKPD + ["Perangkat Daerah : 4.01.03 - SEKRETARIAT DAERAH"]


def _jumlah_renja(tmp_path, title=TITLE, total=None, columns=ISSUE_RENJA_COLUMNS, records=None):
    records = [dict(r) for r in (records or renja_records())]
    for r in records:
        r.setdefault("cara_hitung", "Jumlah")
        if r.get("cara_hitung") is None:
            r["cara_hitung"] = "Jumlah"
        r["keterangan"] = "Jumlah"
    if len(records) > 2:
        records[2]["indikator"] = "Jumlah Dokumen"   # a continuation row whose indicator starts with Jumlah
    tot = renja_total(records) if total is None else (None if total is False else total)
    rows, where, _m, total_row = table_rows(columns, records, title=title, two_row=False, total=tot)
    path = write_xlsx(tmp_path / "renja.xlsx", [("DPPA", rows)])
    return renja.read(open_test_workbook(path)), where, total_row


# ---------------------------------------------------------------------------------------------
# (a) 'Jumlah' in a data cell
# ---------------------------------------------------------------------------------------------


def test_renja_cara_hitung_jumlah_is_data_not_a_total(tmp_path):
    res, where, total_row = _jumlah_renja(tmp_path)
    assert _errors(res) == [], [i.text() for i in _errors(res)][:5]
    df = res.tables["renja"]
    assert df["baris_jenis"].value_counts().to_dict() == RENJA_COUNTS
    assert df["excel_row"].tolist() == where and total_row not in set(df["excel_row"])
    assert set(df["cara_hitung"]) == {"jumlah", "terakhir", "rata-rata"}
    assert "Jumlah Dokumen" in set(df["indikator"])


def test_renja_real_jumlah_row_is_still_checked(tmp_path):
    tot = renja_total(renja_records())
    tot["pagu_murni"] += 1000
    res, _where, total_row = _jumlah_renja(tmp_path, total=tot)
    errs = _errors(res)
    assert len(errs) == 1 and errs[0].excel_row == total_row and errs[0].kolom == "Anggaran Murni"


def _lra_with_keterangan(tmp_path, columns, records, title, total):
    cols = [*columns, ("keterangan", "Keterangan", None)]
    for r in records:
        r["keterangan"] = "Jumlah"
    rows, where, merges, total_row = table_rows(cols, records, title=title, total=total)
    path = write_xlsx(tmp_path / "lra.xlsx", [("LRA", rows)], {"LRA": merges})
    return lra.read(open_test_workbook(path)), where, total_row


def test_lra_both_layouts_jumlah_in_extra_column_is_data(tmp_path):
    recs = lra_records()
    res, where, total_row = _lra_with_keterangan(tmp_path, LRA_COLUMNS, recs, LRA_TITLE, lra_total(lra_records()))
    assert _errors(res) == [] and res.tables["lra"]["excel_row"].tolist() == where
    recs = realisasi_per_kegiatan_records()
    progs = [r for r in recs if r["kode"].count(".") == 5]
    tot = {f: sum(r[f] for r in progs) for f in ("anggaran", "realisasi_sd_ini", "sisa")}
    res, where, _ = _lra_with_keterangan(tmp_path, REALISASI_PER_KEGIATAN_COLUMNS, recs,
                                         REALISASI_PER_KEGIATAN_TITLE, tot)
    assert _errors(res) == [] and res.tables["lra"]["excel_row"].tolist() == where


@pytest.mark.parametrize("fast", [False, True])
def test_register_jumlah_in_uraian_and_keterangan_is_data(tmp_path, fast):
    n = register_fast.FAST_MIN_ROWS + 10 if fast else 6
    header = ["No", "Tanggal SP2D", "Nomor SP2D", "Kode Kegiatan", "Kode Rekening", "Uraian", "Jenis SP2D",
              "Keterangan", "Nilai SP2D (Rp)"]
    data = [[*r[:5], "Jumlah", r[6], "Jumlah", r[7]] for r in register_rows(n)]
    rows = register_sheet(data, header=header, label_col=0)
    path = write_sheets(tmp_path / "reg.xlsx", {"Register SP2D": rows})
    sheet = open_test_workbook(path).visible_sheets[0]
    if not fast:
        sheet.n_rows_hint = 0
    res = register_sp2d.read_sheet(sheet)
    assert _errors(res) == [], [i.text() for i in _errors(res)][:5]
    assert len(res.tables["register_sp2d"]) == n


def test_form_jumlah_satuan_and_indicator_are_data(tmp_path):
    header = [*FORM_HEADER, "Keterangan"]
    data = [[1, "4.01.4.01.03.01.02", "Penyediaan Jasa", "Jumlah Dokumen", 10, "Jumlah", 1, 2, 3, 4, "Jumlah"],
            [None, None, None, "Jumlah Dokumen Lanjutan", 5, "Jumlah", 1, 1, 1, 1, "Jumlah"],
            [2, "4.01.4.01.03.01.03", "Peralatan", "Jumlah Kegiatan", 10, "Kegiatan", 1, 2, 3, 4, "Jumlah"]]
    path = write_sheets(tmp_path / "f.xlsx", {"Form": form_sheet(data, header=header)})
    res = realisasi_fisik.read(open_test_workbook(path))
    assert _errors(res) == []
    assert res.tables["realisasi_fisik"]["indikator"].tolist() == ["Jumlah Dokumen", "Jumlah Dokumen Lanjutan",
                                                                   "Jumlah Kegiatan"]


def test_pk_iku_satuan_jumlah_is_data(tmp_path):
    data = [[1, "Meningkatnya kualitas", "Jumlah Dokumen perencanaan", "Jumlah", "naik", 10, 2, 2, 3, 3, 9, None,
             "Jumlah"]]
    path = write_sheets(tmp_path / "pk.xlsx", {"IKU": pk_sheet(IKU_HEADER, data)})
    res = pk_iku.read(open_test_workbook(path))
    assert len(res.tables["iku"]) == 1 and res.tables["iku"]["satuan"].tolist() == ["Jumlah"]


# ---------------------------------------------------------------------------------------------
# (b) no SKPD in the title
# ---------------------------------------------------------------------------------------------


def test_skpd_from_13_2006_codes():
    assert skpd_from_code("4.01.4.01.03.01") == "4.01.03"
    assert skpd_from_code("1.01.1.01.01.01") == "1.01.01"
    assert skpd_from_code("4.01.4.01.03.01.02") == "4.01.03"
    for other in ("4.01.01", "4.01.01.2.01", "1.02.02.2.02.0033", "5.2.2.03.01", "1.02.0.00.0.00.01.0000"):
        assert skpd_from_code(other) is None


def test_renja_without_skpd_line_takes_it_from_codes(tmp_path):
    res, _w, _t = _jumlah_renja(tmp_path, title=TITLE_NO_SKPD)
    assert _errors(res) == [] and res.meta.kode_skpd == "4.01.03" and res.meta.tahun == 2020
    assert [w for w in res.warnings if "4.01.03" in w.pesan and "Perangkat Daerah" in w.pesan]


def test_90_2019_codes_need_title_or_kode_skpd_column(tmp_path):
    records = [{"kode": "4.01.01", "uraian": "Program Penunjang", "indikator": "Persen", "target": 100,
                "satuan": "%", "pagu_murni": 100, "pagu_perubahan": 100, "kas_tw1": 100, "kas_tw2": 0,
                "kas_tw3": 0, "kas_tw4": 0},
               {"kode": "4.01.01.2.01", "uraian": "Perencanaan", "indikator": "Dokumen", "target": 1,
                "satuan": "Dokumen", "pagu_murni": 100, "pagu_perubahan": 100, "kas_tw1": 100, "kas_tw2": 0,
                "kas_tw3": 0, "kas_tw4": 0}]
    res, _w, _t = _jumlah_renja(tmp_path, title=TITLE_NO_SKPD, records=records, total=False)
    errs = _errors(res)
    assert len(errs) == 1 and "Perangkat Daerah" in errs[0].pesan       # reported once
    cols = [("kode_skpd", "Kode SKPD", None), *ISSUE_RENJA_COLUMNS]
    for r in records:
        r["kode_skpd"] = "4.01.0.00.0.00.03.0000"
    res, _w, _t = _jumlah_renja(tmp_path, title=TITLE_NO_SKPD, records=records, total=False, columns=cols)
    assert _errors(res) == [] and res.meta.kode_skpd == "4.01.0.00.0.00.03.0000"
    assert any("Kode SKPD" in w.pesan for w in res.warnings)


def test_title_and_codes_that_disagree_are_rejected(tmp_path):
    title = TITLE_NO_SKPD + ["Perangkat Daerah : 1.02.01 - DINAS KESEHATAN"]
    res, _w, _t = _jumlah_renja(tmp_path, title=title)
    errs = _errors(res)
    assert len(errs) == 1 and "1.02.01" in errs[0].pesan and "4.01.03" in errs[0].pesan


def test_register_and_lra_without_skpd_line(tmp_path):
    rows = register_sheet(register_rows(6), title=["REGISTER SP2D", "TAHUN ANGGARAN 2020"])
    path = write_sheets(tmp_path / "reg.xlsx", {"Register SP2D": rows})
    res = register_sp2d.read(open_test_workbook(path))
    assert _errors(res) == [] and res.meta.kode_skpd == "4.01.03"
    title = [t for t in LRA_TITLE if "Perangkat" not in t]
    rows, _w, merges, _t = table_rows(LRA_COLUMNS, lra_records(), title=title, total=lra_total(lra_records()))
    res = lra.read(open_test_workbook(write_xlsx(tmp_path / "lra.xlsx", [("LRA", rows)], {"LRA": merges})))
    assert _errors(res) == [] and res.meta.kode_skpd == "4.01.03"


def test_missing_skpd_reported_once_by_the_pipeline(tmp_path):
    """A register without kegiatan codes and without SKPD line: one error about the SKPD, not two."""
    header = ["NO", "TANGGAL", "NO SP2D", "JENIS SPM", "URAIAN", "NILAI SP2D"]
    data = [[r[0], r[1], r[2], r[6], r[5], r[7]] for r in register_rows(6)]
    src = tmp_path / "src"
    src.mkdir()
    write_sheets(src / "reg.xlsx", {"Register": register_sheet(data, header=header,
                                                                 title=["REGISTER SP2D", "TAHUN ANGGARAN 2020"])})
    cfg = make_workspace(tmp_path / "ws", [src / "reg.xlsx"])
    con, outcomes = ingest_folder(cfg)
    con.close()
    (o,) = outcomes
    assert o.outcome == "rejected"
    skpd_msgs = [m for m in o.messages if "Perangkat Daerah" in m]
    assert len(skpd_msgs) == 1, o.messages


# ---------------------------------------------------------------------------------------------
# (c) a form row for a kegiatan that is not in the Renja
# ---------------------------------------------------------------------------------------------


def _drop(tmp_path, form_rows, register_rows_=None):
    from lkip import model

    src = tmp_path / "src"
    src.mkdir()
    rows, _w, _m, _t = table_rows(ISSUE_RENJA_COLUMNS, renja_records(), title=TITLE, two_row=False,
                                  total=renja_total(renja_records()))
    files = [write_xlsx(src / "renja.xlsx", [("Renja", rows)])]
    files.append(write_sheets(src / "form.xlsx", {"Form": form_sheet(form_rows)}))
    if register_rows_ is not None:
        files.append(write_sheets(src / "reg.xlsx", {"Register SP2D": register_sheet(register_rows_)}))
    cfg = make_workspace(tmp_path / "ws", files)
    con, outcomes = ingest_folder(cfg)
    model.build(con, cfg)
    return con, {o.kind: o for o in outcomes}


def test_form_row_for_unknown_kegiatan_is_a_warning_and_left_out(tmp_path):
    form = [[1, "4.01.4.01.03.01.02", "Penyediaan Jasa", "Jumlah rekening telepon, Air, Listrik", 432, "Rekening",
             100, 100, 100, 132],
            [2, "4.01.4.01.03.01.99", "Kegiatan lain", "Dokumen", 1, "Dokumen", 1, 0, 0, 0]]
    con, out = _drop(tmp_path, form)
    try:
        o = out["realisasi_fisik"]
        assert o.outcome == "accepted_with_warnings" and o.n_rows == 2
        unknown = [i for i in o.issues if not i.is_error and "4.01.4.01.03.01.99" in i.pesan]
        assert len(unknown) == 1 and unknown[0].excel_row == 8 and unknown[0].sheet == "Form"
        # left out of the tables, listed among the model's warnings (the Validasi sheet)
        assert con.execute("SELECT count(*) FROM laporan.lampiran_3 WHERE kode LIKE '%.99'").fetchone()[0] == 0
        k = con.execute("SELECT k_realisasi FROM core.realisasi_fisik WHERE kode_kegiatan = '4.01.4.01.03.01.02' "
                        "AND indikator LIKE 'Jumlah rekening%'").fetchone()[0]
        assert k == 432
        assert con.execute("SELECT count(*) FROM laporan.peringatan WHERE kode = '4.01.4.01.03.01.99'").fetchone()[0] == 1
        staged = con.execute("SELECT count(*) FROM staging.realisasi_fisik WHERE kode_kegiatan = '4.01.4.01.03.01.99'")
        assert staged.fetchone()[0] == 1
    finally:
        con.close()


def test_sp2d_for_unknown_kegiatan_still_rejects_the_register(tmp_path):
    form = [[1, "4.01.4.01.03.01.02", "Penyediaan Jasa", "Jumlah rekening telepon, Air, Listrik", 432, "Rekening",
             100, 100, 100, 132]]
    reg = [[1, dt.date(2020, 2, 3), "00001/SP2D-LS/4.01.03/2020", "4.01.4.01.03.01.99", "5.2.2.03.01", "Bayar", "LS",
            1000]]
    con, out = _drop(tmp_path, form, reg)
    con.close()
    o = out["register_sp2d"]
    assert o.outcome == "rejected"
    assert any("4.01.4.01.03.01.99" in i.pesan and i.is_error for i in o.issues)
    assert Decimal(1000) > 0


# ---------------------------------------------------------------------------------------------
# Found by the layout fuzzer
# ---------------------------------------------------------------------------------------------


def test_form_of_several_bagian_in_one_workbook_reads_every_sheet(tmp_path):
    """One sheet per Bagian: every sheet's rows count (the reader read only the best sheet)."""
    a = [[1, "4.01.4.01.03.01.02", "Penyediaan Jasa", "Jumlah rekening", 432, "Rekening", 100, 100, 100, 132]]
    b = [[1, "4.01.4.01.03.01.03", "Peralatan", "Jumlah peralatan", 10, "Unit", 1, 2, 3, 4],
         [2, None, None, "Cetak foto", 5, "Kegiatan", 1, 1, 1, 1]]
    path = write_sheets(tmp_path / "f.xlsx", {"Bagian Umum": form_sheet(a), "Bagian Protokol": form_sheet(b)})
    res = realisasi_fisik.read(open_test_workbook(path))
    assert _errors(res) == []
    df = res.tables["realisasi_fisik"]
    assert df["kode_kegiatan"].tolist() == ["4.01.4.01.03.01.02", "4.01.4.01.03.01.03", "4.01.4.01.03.01.03"]
    assert df["sheet"].tolist() == ["Bagian Umum", "Bagian Protokol", "Bagian Protokol"]
    assert df["urutan"].tolist() == [1, 2, 3] and res.meta.s_d_triwulan == 4


def test_pagu_anggaran_group_over_murni_and_perubahan(tmp_path):
    """'Pagu Anggaran (Rp)' merged over 'Murni' | 'Perubahan': the first is the pagu murni."""
    from tests.xlsx_builders import RENJA_COLUMNS

    cols = [(f, "Pagu Anggaran (Rp)" if f == "pagu_murni" else top,
             {"pagu_murni": "Murni", "pagu_perubahan": "Perubahan"}.get(f, sub)) for f, top, sub in RENJA_COLUMNS]
    rows, _w, merges, _t = table_rows(cols, renja_records(), title=TITLE, total=renja_total(renja_records()))
    res = renja.read(open_test_workbook(write_xlsx(tmp_path / "r.xlsx", [("Renja", rows)], {"Renja": merges})))
    assert _errors(res) == []
    prog = res.tables["renja"].iloc[0]
    assert (prog["pagu_murni"], prog["pagu_perubahan"]) == (Decimal("8000000000.00"), Decimal("6050300020.00"))


def test_register_fast_path_without_skpd_line_takes_it_from_codes(tmp_path):
    n = register_fast.FAST_MIN_ROWS + 10
    rows = register_sheet(register_rows(n), title=["REGISTER SP2D", "TAHUN ANGGARAN 2020"])
    path = write_sheets(tmp_path / "reg.xlsx", {"Register SP2D": rows})
    sheet = open_test_workbook(path).visible_sheets[0]
    res = register_fast.read_fast(sheet, register_sp2d.KIND, register_sp2d.COLUMNS)
    assert res is not None and _errors(res) == [] and res.meta.kode_skpd == "4.01.03"
    assert any("dipakai 4.01.03" in w.pesan for w in res.warnings)


# ---------------------------------------------------------------------------------------------
# (d) schema messages name the column as printed
# ---------------------------------------------------------------------------------------------


def _prepared_renja(tmp_path, records):
    from lkip import ingest
    from lkip.config import load_config

    rows, where, _m, _t = table_rows(ISSUE_RENJA_COLUMNS, records, title=TITLE, two_row=False)
    (tmp_path / "input").mkdir()
    path = write_xlsx(tmp_path / "input" / "renja.xlsx", [("DPPA", rows)])
    return ingest.prepare(path, load_config(workspace=tmp_path)), where


def test_negative_pagu_is_named_by_the_printed_column(tmp_path):
    """The Renja prints the pagu murni as 'Anggaran Murni': the schema's 'negatif' error names
    that column (it said 'Pagu Murni', a title the officer's file does not have)."""
    records = [dict(r) for r in renja_records()]
    records[1]["pagu_murni"] = -records[1]["pagu_murni"]
    prep, where = _prepared_renja(tmp_path, records)
    hits = [i for i in prep.issues if i.is_error and "negatif" in i.pesan]
    assert [(i.sheet, i.excel_row, i.kolom, i.sel) for i in hits] == [("DPPA", where[1], "Anggaran Murni", f"G{where[1]}")]


def test_duplicated_kegiatan_code_is_named_by_the_printed_column(tmp_path):
    records = [dict(r) for r in renja_records()]
    records[3]["kode"] = records[1]["kode"]       # the second kegiatan repeats the first one's code
    prep, where = _prepared_renja(tmp_path, records)
    hits = [i for i in prep.issues if i.is_error and "ganda" in i.pesan]
    assert [(i.excel_row, i.kolom, i.sel) for i in hits] == [(where[3], "Kode", f"A{where[3]}")]
