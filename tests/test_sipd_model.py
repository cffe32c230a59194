"""SIPD era through the pipeline: the readers and the three-level model on the bundled example
(examples/sipd-dinkes-2024, against its independently computed expected.json) and on the layout
variants of tests/sipd_builders.py."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests import sipd_builders as B
from tests.conftest import ingest_folder, make_workspace

EXAMPLE = B.SIPD_EXAMPLE
EXPECTED = json.loads((EXAMPLE / "expected.json").read_text(encoding="utf-8"))
SKPD = EXPECTED["kode_skpd"]
TABLES = ("lampiran_3", "tabel_2_4", "tabel_2_5", "tabel_3_32", "tabel_3_30", "tabel_3_31", "rekonsiliasi")


def _build(folder: Path, tmp: Path):
    from lkip import model

    cfg = make_workspace(tmp, sorted(Path(folder).glob("*.xlsx")))
    con, outcomes = ingest_folder(cfg)
    model.build(con, cfg)
    return con, {o.path.name: o for o in outcomes}


def _build_files(files: list[Path], tmp: Path):
    from lkip import model

    cfg = make_workspace(tmp, files)
    con, outcomes = ingest_folder(cfg)
    model.build(con, cfg)
    return con, {o.path.name: o for o in outcomes}


def _rows(con, view: str, kode_skpd: str = SKPD) -> list[dict]:
    cur = con.execute(f"SELECT * FROM laporan.{view} WHERE kode_skpd = ? ORDER BY urutan", [kode_skpd])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _same(got, exp) -> bool:
    if exp is None or got is None:
        return exp is None and got is None
    if isinstance(exp, int) and not isinstance(exp, bool):
        return got == exp
    try:
        e = Decimal(exp)
    except ArithmeticError:
        return str(got) == exp
    if isinstance(got, float):
        return abs(Decimal(repr(got)) - e) <= Decimal("1e-9")
    return Decimal(str(got)) == e          # money: exact


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    con, outcomes = _build(EXAMPLE / "input", tmp_path_factory.mktemp("sipd"))
    yield con, outcomes
    con.close()


def test_example_files_outcomes(example):
    _con, outcomes = example
    for path, want in EXPECTED["files"].items():
        got = outcomes[Path(path).name]
        assert got.outcome == want["outcome"], (path, [i.pesan for i in got.issues][:5])


@pytest.mark.parametrize("table", TABLES)
def test_example_tables_match_expected(example, table):
    con, _ = example
    got = _rows(con, table)
    exp = EXPECTED["tables"][table]
    assert len(got) == len(exp), table
    for g, e in zip(got, exp):
        for key, value in e.items():
            if (table == "rekonsiliasi" and key == "uraian") or (key in ("program", "uraian") and (e.get("level") == "jumlah" or e.get("kode") == "")):
                continue                   # labels: 'TOTAL SKPD', the total row's 'JUMLAH' / 'TOTAL'
            col = "kode_kegiatan" if table == "rekonsiliasi" and key == "kode" else key
            have = g[col]
            if value == "" and have in ("", None):
                continue
            assert _same(have, value), (table, e.get("level"), e.get("kode"), e.get("indikator"),
                                        e.get("triwulan"), key, have, value)


def test_example_totals_are_sums(example):
    """JUMLAH of Lampiran III and Tabel 2-4 over the three programs (the oracle's JUMLAH row)."""
    con, _ = example
    lam = _rows(con, "lampiran_3")
    jumlah = lam[-1]
    exp = EXPECTED["tables"]["lampiran_3"][-1]
    for key in ("pagu", "rp_realisasi", "capaian_k_pct", "capaian_rp_pct", "rp_pct_tertimbang"):
        assert _same(jumlah[key], exp[key]), key
    assert _rows(con, "tabel_2_4")[-1]["pagu"] == Decimal("57368500000.00")


def test_example_realisation_source_is_documents(example):
    con, _ = example
    assert con.execute("SELECT sumber FROM core.realisasi_sumber WHERE kode_skpd = ?", [SKPD]).fetchone()[0] == "dokumen"
    assert con.execute("SELECT s_d_triwulan FROM core.skpd WHERE kode_skpd = ?", [SKPD]).fetchone()[0] == 4


def test_example_efficiency_names_kegiatan_or_sub_kegiatan(example):
    """Dukungan Anggaran names sub kegiatan and kegiatan: a kegiatan with its rolled-up money."""
    con, _ = example
    got = _rows(con, "tabel_3_efisiensi")
    for e in EXPECTED["tables"]["tabel_3_efisiensi"]:
        iku = next(r for r in got if r["baris"] == "iku" and r["no"] == e["no"])
        for key in ("pagu", "realisasi", "serapan_pct", "capaian_pct", "efisiensi_pct", "kategori_efisiensi"):
            assert _same(iku[key], e[key]), (e["no"], key)
        rows = [r for r in got if r["baris"] == "kegiatan" and r["no"] == e["no"]]
        assert [r["kode"] for r in rows] == [d["kode"] for d in e["dukungan"]]
        for r, d in zip(rows, e["dukungan"]):
            assert _same(r["pagu"], d["pagu"]) and _same(r["realisasi"], d["realisasi"])
            assert _same(r["serapan_pct"], d["serapan_pct"])


def test_example_iku(example):
    con, _ = example
    got = [r for r in _rows(con, "tabel_3_1") if r["baris"] == "iku"]
    exp = EXPECTED["tables"]["tabel_3_1"]
    assert [r["indikator"] for r in got] == [e["indikator"] for e in exp["iku"]]
    for r, e in zip(got, exp["iku"]):
        assert _same(r["capaian_pct"], e["capaian_pct"]) and r["predikat"] == e["predikat"]
    rata = next(r for r in _rows(con, "tabel_3_1") if r["baris"] == "rata_rata")
    assert _same(rata["rata_rata_capaian_pct"], exp["rata_rata_capaian_pct"])


def test_example_city_consolidation(example):
    """KOTA 2024 (one SIPD-era SKPD): its SKPD row and JUMLAH carry the SKPD's three-level totals."""
    con, _ = example
    exp = EXPECTED["tables"]["lampiran_3"][-1]
    kota = _rows(con, "lampiran_3", "KOTA")
    assert [r["level"] for r in kota] == ["skpd", "jumlah"] and kota[0]["kode"] == SKPD
    for r in kota:
        for key in ("pagu", "rp_realisasi", "capaian_k_pct", "capaian_rp_pct", "rp_pct_tertimbang"):
            assert _same(r[key], exp[key]), key
    assert _rows(con, "tabel_2_5", "KOTA")[-1]["pagu"] == Decimal(exp["pagu"])
    assert _rows(con, "tabel_3_31", "KOTA")[-1]["realisasi"] == Decimal(exp["rp_realisasi"])
    rek = [r for r in _rows(con, "rekonsiliasi", "KOTA") if r["level"] == "skpd"]
    assert [r["dokumen"] for r in rek] == [Decimal(r["dokumen"]) for r in EXPECTED["tables"]["rekonsiliasi"]
                                           if r["level"] == "skpd"]


def test_kegiatan_and_its_own_sub_kegiatan_in_one_iku_warns(tmp_path):
    folder = B.write_drop(tmp_path / "drop")
    B.write_pk_iku(folder / B.FILES["pk"], dukungan=[["Angka Kematian Ibu", B.KEGIATAN[0][0], B.KEGIATAN[0][1]],
                                                     ["Angka Kematian Ibu", B.SUB_A[0], B.SUB_A[1]]])
    con, _ = _build(folder, tmp_path / "ws")
    w = con.execute("SELECT kode, pesan FROM laporan.peringatan WHERE tabel = 'tabel_3_efisiensi'").fetchall()
    assert w and w[0][0] == B.SUB_A[0] and "terhitung dua kali" in w[0][1]
    con.close()


def _rp(con, kode: str) -> list[Decimal]:
    row = next(r for r in _rows(con, "lampiran_3", B.SKPD[0]) if r["level"] == "sub_kegiatan" and r["kode"] == kode)
    return [row[f"rp_tw{q}"] for q in (1, 2, 3, 4)]


@pytest.mark.parametrize("variant", [
    dict(dpa_tail=4, form_tail=2, register_layout="two_row"),
    dict(dpa_tail=2, form_tail=4, register_layout="flat", dokumen_title=False),
    dict(dpa_tail=2, form_tail=2, register_layout="flat", skpd_in="column", blank_parents=True),
    dict(dpa_tail=4, form_tail=4, register_layout="two_row", register_dates="text"),
    dict(dpa_tail=4, form_tail=2, register_layout="flat", register_dates="dmy"),
])
def test_builder_drops(tmp_path, variant):
    """Both tail widths (DPA / form / documents disagree on them), SKPD in a column, blank parent
    amounts computed, documents without their title block: the hand-worked realisation of
    sipd_builders.DEFAULT_REALISASI (SPP LS dated by transfer across a quarter boundary, by SP2D when
    the transfer is blank; STS negative and positive; SPP UP/GU/TU and STS NIHIL not counted); the
    SIPD register flat or with merged SP2D cells over deduction rows, dates as Excel dates, text
    `1 Juli 2024` or `01/07/2024`: each SP2D once, LS and GU by Tanggal Pencairan, UP and TU not."""
    con, outcomes = _build(B.write_drop(tmp_path / "drop", **variant), tmp_path / "ws")
    for name in B.FILES.values():
        assert outcomes[name].outcome in ("accepted", "accepted_with_warnings"), (name, outcomes[name].issues)
    for kode, expected in B.DEFAULT_REALISASI.items():
        assert _rp(con, kode) == expected, kode
    keg = next(r for r in _rows(con, "lampiran_3", B.SKPD[0]) if r["level"] == "kegiatan" and r["kode"] == "1.02.02.2.02")
    assert keg["pagu"] == 5_000_000 and keg["rp_realisasi"] == 3_780_000
    # K %: the kegiatan is the mean of its two sub kegiatan, each the mean of its indicators
    subs = [r for r in _rows(con, "lampiran_3", B.SKPD[0]) if r["level"] == "sub_kegiatan"
            and r["kode"].startswith("1.02.02.2.02.")]
    assert keg["capaian_k_pct"] == pytest.approx(sum(r["capaian_k_pct"] for r in subs) / 2)
    # every form indicator (program, kegiatan, sub kegiatan, either tail width) matched the DPA
    assert con.execute("SELECT count(*) FROM core.realisasi_fisik_tak_cocok").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM core.realisasi_fisik WHERE cocok").fetchone()[0] == 7
    skpd = [r for r in _rows(con, "rekonsiliasi", B.SKPD[0]) if r["level"] == "skpd"]
    assert [r["sp2d"] for r in skpd] == B.DEFAULT_REGISTER
    assert [r["dokumen"] for r in skpd] == [sum(v[q] for v in B.DEFAULT_REALISASI.values()) for q in range(4)]
    assert [r["selisih_dokumen_form"] for r in skpd] == [0, 0, 0, 0]
    assert con.execute("SELECT count(*) FROM staging.register_sp2d").fetchone()[0] == len(B.default_sp2d())
    con.close()


@pytest.mark.parametrize("spelling", ["TBP_KKPD", "TBP KKPD", "tbp-kkpd"])
def test_tbp_kkpd_spellings(tmp_path, spelling):
    con, _ = _build(B.write_drop(tmp_path / "drop", docs=B.default_docs(kkpd_spelling=spelling)), tmp_path / "ws")
    assert _rp(con, B.SUB_B[0])[1] == Decimal(150_000)
    con.close()


def _doc_issues(tmp_path, docs) -> list:
    folder = tmp_path / "drop"
    B.write_dpa(folder / B.FILES["dpa"])
    B.write_dokumen(folder / B.FILES["dokumen"], docs)
    _con, outcomes = _build(folder, tmp_path / "ws")
    _con.close()
    return outcomes[B.FILES["dokumen"]]


def test_unknown_jenis_dokumen_rejects_the_file(tmp_path):
    docs = B.default_docs() + [B.doc("SPJ", "GU", B.SUB_A, tanggal=dt.date(2024, 3, 1), nilai=1)]
    out = _doc_issues(tmp_path, docs)
    assert out.outcome == "rejected"
    err = next(i for i in out.issues if "tidak dikenal aturan realisasi" in i.pesan)
    assert err.excel_row == 5 + len(docs) and err.kolom == "Jenis Dokumen" and "SPJ / GU" in err.nilai
    assert "SPP (LS)" in err.diharapkan and err.file == B.FILES["dokumen"] and err.sheet


def test_unknown_jenis_transaksi_of_spp_rejects_the_file(tmp_path):
    docs = B.default_docs() + [B.doc("SPP", "XX", B.SUB_A, tanggal=dt.date(2024, 3, 1), nilai=1)]
    out = _doc_issues(tmp_path, docs)
    assert out.outcome == "rejected" and any("SPP / XX" in (i.nilai or "") for i in out.issues)


def test_document_date_outside_the_year(tmp_path):
    docs = B.default_docs() + [B.doc("TBP", "GU", B.SUB_A, tanggal=dt.date(2023, 12, 30), nilai=1)]
    out = _doc_issues(tmp_path, docs)
    assert out.outcome == "rejected"
    err = next(i for i in out.issues if "di luar tahun anggaran 2024" in i.pesan)
    assert err.kolom == "Tanggal Dokumen" and err.nilai == "30 Desember 2023" and err.excel_row == 5 + len(docs)


def test_document_sub_kegiatan_not_in_dpa(tmp_path):
    docs = B.default_docs() + [B.doc("TBP", "GU", ("1.02.02.2.02.0099", "Tidak Ada"), tanggal=dt.date(2024, 3, 1),
                                     nilai=1)]
    out = _doc_issues(tmp_path, docs)
    assert out.outcome == "rejected"
    err = next(i for i in out.issues if "tidak ada di Renja/DPA" in i.pesan)
    assert err.nilai == "1.02.02.2.02.0099" and err.kolom == "Kode Sub Kegiatan"


def test_newer_documents_file_replaces_the_older(tmp_path):
    """The file is cumulative: a later file (up to December) replaces the one up to June."""
    folder = tmp_path / "drop"
    B.write_dpa(folder / B.FILES["dpa"])
    early = [d for d in B.default_docs() if d["Tanggal Dokumen"].split()[1] in ("Januari", "Februari", "Maret")]
    B.write_dokumen(folder / "dokumen_tw1.xlsx", early)
    B.write_dokumen(folder / B.FILES["dokumen"])
    con, outcomes = _build(folder, tmp_path / "ws")
    assert con.execute("SELECT count(DISTINCT file_sha256) FROM core.realisasi_dokumen").fetchone()[0] == 1
    assert _rp(con, B.SUB_A[0]) == B.DEFAULT_REALISASI[B.SUB_A[0]]
    con.close()


def _register_issues(tmp_path, sp2ds, layout="two_row"):
    folder = tmp_path / "drop"
    B.write_dpa(folder / B.FILES["dpa"])
    B.write_register(folder / B.FILES["register"], sp2ds, layout=layout)
    con, outcomes = _build(folder, tmp_path / "ws")
    con.close()
    return outcomes[B.FILES["register"]]


def test_register_neto_not_bruto_minus_potongan(tmp_path):
    bad = B.default_sp2d() + [B.sp2d(6, "LS", 700_000, dt.date(2024, 9, 2), potongan=[("Pajak", "PPN", 10_000)],
                                     neto=Decimal(695_000))]
    out = _register_issues(tmp_path, bad)
    assert out.outcome == "rejected"
    err = next(i for i in out.issues if "Neto" in i.pesan)
    assert err.kolom == "Neto" and err.nilai == 695000 and "690000" in err.diharapkan and err.excel_row


def test_register_rows_of_one_sp2d_disagree_on_bruto(tmp_path):
    """An export that repeats the SP2D cells on each deduction row: the rows must agree on Bruto."""
    twice = B.default_sp2d() + [B.sp2d(2, "LS", 2_100_000, dt.date(2024, 2, 15))]
    out = _register_issues(tmp_path, twice, layout="flat")
    assert out.outcome == "rejected"
    err = next(i for i in out.issues if "berbeda dari baris" in i.pesan)
    assert err.kolom == "Bruto" and err.nilai == 2100000


def test_register_gu_kkpd_counts_and_each_sp2d_once(tmp_path):
    sp2ds = B.default_sp2d() + [B.sp2d(6, "GU-KKPD", 250_000, dt.date(2024, 11, 4),
                                       potongan=[("Pajak", "PPN", 1_000), ("Pajak", "PPh Pasal 22", 2_000)])]
    folder = B.write_drop(tmp_path / "drop")
    B.write_register(folder / B.FILES["register"], sp2ds, layout="two_row")
    con, outcomes = _build(folder, tmp_path / "ws")
    assert outcomes[B.FILES["register"]].outcome == "accepted"
    skpd = [r for r in _rows(con, "rekonsiliasi", B.SKPD[0]) if r["level"] == "skpd"]
    assert [r["sp2d"] for r in skpd] == B.DEFAULT_REGISTER[:3] + [Decimal(250_000)]
    con.close()


def test_register_sp2d_date_outside_the_year(tmp_path):
    out = _register_issues(tmp_path, B.default_sp2d() + [B.sp2d(6, "LS", 1_000, dt.date(2025, 1, 3))])
    assert out.outcome == "rejected"
    assert any("di luar tahun anggaran 2024" in i.pesan and i.kolom for i in out.issues)


def test_make_run_builds_both_examples():
    """`make run` copies both bundled drops (SIMDA 2020, SIPD 2024) into one workspace."""
    text = (B.ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = text[text.index("\nrun:"):].split("\n\n")[0]
    assert "$(EXAMPLE)/input/*.xlsx" in recipe and "$(SIPD_EXAMPLE)/input/*.xlsx" in recipe
    assert "SIPD_EXAMPLE = examples/sipd-dinkes-2024" in text


def test_older_documents_file_dropped_later_does_not_replace_the_newer(tmp_path):
    """Run 1 stages the file up to December; run 2 an older one up to March: the December file
    still counts (the newer file of an SKPD and year wins, whatever the order they arrive in)."""
    from lkip import model

    folder = tmp_path / "drop"
    B.write_dpa(folder / B.FILES["dpa"])
    B.write_dokumen(folder / B.FILES["dokumen"])
    cfg = make_workspace(tmp_path / "ws", sorted(folder.glob("*.xlsx")))
    con, _ = ingest_folder(cfg, "run1")
    con.close()
    early = [d for d in B.default_docs() if d["Tanggal Dokumen"].split()[1] in ("Januari", "Februari", "Maret")]
    B.write_dokumen(cfg.input_dir / "dokumen_maret.xlsx", early)
    con, outcomes = ingest_folder(cfg, "run2")
    assert [o.outcome for o in outcomes] == ["accepted"]
    model.build(con, cfg)
    assert _rp(con, B.SUB_A[0]) == B.DEFAULT_REALISASI[B.SUB_A[0]]
    con.close()


def test_city_of_two_sipd_skpd_and_a_simda_year(tmp_path):
    """A city drop: two SIPD-era SKPD for 2024 (the small builder drop twice, the second under
    another eight-segment code) and the SIMDA-era example for 2020. KOTA 2024 consolidates the two
    SKPD (money summed, % the mean of the SKPD rows); KOTA 2020 is the SIMDA example's alone."""
    from tests.conftest import EXAMPLE

    other = ("1.03.0.00.0.00.01.0000", "DINAS PEKERJAAN UMUM")
    folder = B.write_drop(tmp_path / "a", register_layout="flat")
    b = tmp_path / "b"
    B.layouts.write_dpa(b / "dpa_pu.xlsx", B.plan_rows(), pemda=B.PEMDA, tahun=B.TAHUN, skpd=other)
    docs = B.default_docs()
    for d in docs:
        d.update({"Kode SKPD": other[0], "Nama SKPD": other[1], "Kode Sub SKPD": other[0], "Nama Sub SKPD": other[1]})
    B.layouts.write_dokumen(b / "dokumen_pu.xlsx", docs, pemda=B.PEMDA, tahun=B.TAHUN)
    files = sorted(folder.glob("*.xlsx")) + sorted(b.glob("*.xlsx")) + sorted((EXAMPLE / "input").glob("*.xlsx"))
    con, outcomes = _build_files(files, tmp_path / "ws")
    assert {o.outcome for o in outcomes.values()} <= {"accepted", "accepted_with_warnings"}, \
        {n: [i.pesan for i in o.issues if i.is_error] for n, o in outcomes.items()}
    kota = [r for r in _rows(con, "lampiran_3", "KOTA") if r["tahun"] == 2024]
    assert [r["level"] for r in kota] == ["skpd", "skpd", "jumlah"]
    assert sorted(r["kode"] for r in kota[:2]) == sorted([B.SKPD[0], other[0]])
    a_, b_ = kota[0], kota[1]
    assert kota[2]["pagu"] == a_["pagu"] + b_["pagu"] == 2 * 5_500_000
    assert kota[2]["rp_realisasi"] == a_["rp_realisasi"] + b_["rp_realisasi"]
    assert kota[2]["capaian_k_pct"] == pytest.approx((a_["capaian_k_pct"] + b_["capaian_k_pct"]) / 2)
    pu = [r for r in _rows(con, "lampiran_3", other[0]) if r["level"] == "sub_kegiatan"]
    assert [r["kode"] for r in pu] == ["1.02.02.2.02.0001", "1.02.02.2.02.0033", "1.02.02.2.03.0001"]
    simda = [r for r in _rows(con, "lampiran_3", "KOTA") if r["tahun"] == 2020]
    assert [r["level"] for r in simda] == ["skpd", "jumlah"] and simda[0]["kode"] == "4.01.03"
    con.close()


def test_parent_printed_with_some_amounts_keeps_dash_as_zero(tmp_path):
    """Only a parent row printed without ANY amount is computed from its children; a '-' beside
    printed amounts is zero, as everywhere (the SIMDA example's program rows)."""
    from lkip.extract import renja

    rows = B.plan_rows()
    rows[0]["kas"] = [B.plan_rows()[0]["kas"][0], "-", None, None]   # program: TW I printed, TW II '-'
    path = B.write_dpa(tmp_path / "d.xlsx", rows=rows)
    from lkip.extract.workbook import open_workbook

    df = renja.read(open_workbook(path)).tables["renja"]
    program = df[df["baris_jenis"] == "program"].iloc[0]
    assert program["kas_tw2"] == 0 and program["kas_tw3"] == 0
    blank = B.plan_rows(blank_parents=True)
    df = renja.read(open_workbook(B.write_dpa(tmp_path / "b.xlsx", rows=blank))).tables["renja"]
    assert df[df["baris_jenis"] == "program"].iloc[0][["pagu_perubahan", "kas_tw1"]].isna().all()
