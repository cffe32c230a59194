"""The SIPD realisation rule as configuration (lkip.sipd_rules) and the SIPD code helpers
(lkip.sipd_codes, the Python mirror of core.kode_sipd / core.era_sipd)."""

from __future__ import annotations

import duckdb
import pytest

from lkip import model, sipd_codes, sipd_rules
from tests import sipd_builders as B
from tests.conftest import ingest_folder, make_workspace


@pytest.mark.parametrize("dok,trans,arah", [
    ("SPP", "LS", "tambah"), ("spp", "ls", "tambah"), ("SPP", "UP", "abaikan"), ("SPP", "GU", "abaikan"),
    ("SPP", "GU-KKPD", "abaikan"), ("SPP", "TU", "abaikan"), ("TBP", "GU", "tambah"), ("TBP", "TU", "tambah"),
    ("TBP-KKPD", "GU-KKPD", "tambah"), ("TBP_KKPD", "GU", "tambah"), ("TBP KKPD", None, "tambah"),
    ("STS", "GU", "kurang"), ("STS NIHIL", "GU", "abaikan"), ("STS-NIHIL", "TU", "abaikan"),
])
def test_default_rule_classifies(dok, trans, arah):
    rule = sipd_rules.classify(sipd_rules.load_rules(), dok, trans)
    assert rule is not None and rule.arah == arah


@pytest.mark.parametrize("dok,trans", [("SPJ", "GU"), ("SPP", "XX"), ("SPP", None), (None, "LS")])
def test_unknown_combinations(dok, trans):
    assert sipd_rules.classify(sipd_rules.load_rules(), dok, trans) is None


def test_spp_ls_dated_by_transfer_then_sp2d_then_document():
    rule = sipd_rules.classify(sipd_rules.load_rules(), "SPP", "LS")
    assert rule.tanggal == ("tanggal_transfer", "tanggal_sp2d", "tanggal_dokumen") and rule.nilai == "nilai_realisasi"


@pytest.mark.parametrize("entry,word", [
    ({"jenis_dokumen": "SPP", "arah": "tambah", "nilai": "nilai_realisasi; DROP TABLE x", "tanggal": ["tanggal_dokumen"]},
     "nilai"),
    ({"jenis_dokumen": "SPP", "arah": "tambah", "nilai": "nilai_realisasi", "tanggal": ["tanggal_spm"]}, "tanggal"),
    ({"jenis_dokumen": "SPP", "arah": "naik", "nilai": "nilai_realisasi", "tanggal": ["tanggal_dokumen"]}, "arah"),
    ({"jenis_dokumen": "", "arah": "abaikan"}, "jenis_dokumen"),
])
def test_malformed_rule_is_refused_naming_the_entry(entry, word):
    with pytest.raises(sipd_rules.RuleError, match=rf"ke-1: {word}"):
        sipd_rules.load_rules({"sipd": {"dokumen": [entry]}})


def test_rule_table_in_the_model():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core")
    sipd_rules.load_table(con)
    rows = con.execute("SELECT jenis_dokumen, jenis_transaksi, arah FROM core.aturan_dokumen ORDER BY urutan").fetchall()
    assert rows[0] == ("SPP", ["LS"], "tambah") and ("STS NIHIL", ["*"], "abaikan") in rows


def test_configured_rule_reaches_reader_and_model(tmp_path):
    """lkip.toml: STS returns ignored and SPP GU counted. The reader accepts the file under the
    workspace's rule and the model applies it (SUB_A TW II: the SPP GU 300.000, no STS -50.000)."""
    folder = B.write_drop(tmp_path / "drop")
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "lkip.toml").write_text("""
[[sipd.dokumen]]
jenis_dokumen = "SPP"
jenis_transaksi = ["LS", "GU"]
nilai = "nilai_realisasi"
arah = "tambah"
tanggal = ["tanggal_transfer", "tanggal_sp2d", "tanggal_dokumen"]
[[sipd.dokumen]]
jenis_dokumen = "SPP"
jenis_transaksi = ["UP", "TU"]
arah = "abaikan"
[[sipd.dokumen]]
jenis_dokumen = "TBP"
nilai = "nilai_realisasi"
arah = "tambah"
tanggal = ["tanggal_dokumen"]
[[sipd.dokumen]]
jenis_dokumen = "TBP KKPD"
nilai = "nilai_realisasi"
arah = "tambah"
tanggal = ["tanggal_dokumen"]
[[sipd.dokumen]]
jenis_dokumen = "STS"
arah = "abaikan"
[[sipd.dokumen]]
jenis_dokumen = "STS NIHIL"
arah = "abaikan"
""", encoding="utf-8")
    cfg = make_workspace(tmp_path / "ws", sorted(folder.glob("*.xlsx")))
    con, outcomes = ingest_folder(cfg)
    model.build(con, cfg)
    assert {o.path.name: o.outcome for o in outcomes}[B.FILES["dokumen"]] == "accepted"
    got = con.execute("SELECT triwulan, nilai FROM core.realisasi_rp_dokumen WHERE kode_kegiatan = ? ORDER BY 1",
                      [B.SUB_A[0]]).fetchall()
    assert [(t, int(v)) for t, v in got] == [(1, 2_300_000), (2, 300_000), (3, 1_000_000)]
    con.close()


@pytest.mark.parametrize("code,canon", [
    ("1.02.02.2.02.33", "1.02.02.2.02.0033"), ("1.02.02.2.02.0033", "1.02.02.2.02.0033"),
    (" 1.02.02.2.02.3 .", "1.02.02.2.02.0003"), ("1.02.02.2.02", "1.02.02.2.02"), ("1.02.02", "1.02.02"),
    (None, None),
])
def test_canonical_sub_kegiatan_code(code, canon):
    assert sipd_codes.kode_sipd(code) == canon


def test_python_and_sql_canonical_codes_agree():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core")
    con.execute("CREATE TABLE core.param (nama VARCHAR, nilai VARCHAR)")
    con.execute("CREATE TABLE core.skala (skala VARCHAR, urutan INTEGER, min DOUBLE, kode VARCHAR, label VARCHAR, "
                "kelompok VARCHAR)")
    con.execute((model.sql_dir() / "core" / "macros.sql").read_text(encoding="utf-8"))
    for code in ("1.02.02.2.02.33", "1.02.02.2.02.0033", "4.01.4.01.03.01", "1.02.02", " 1 . 02 . 02 . 2 . 02 . 5 ."):
        sql = con.execute("SELECT core.kode_sipd(?), core.kode_era('1.02.0.00.0.00.01.0000', ?), "
                          "core.kode_era('4.01.03', ?)", [code, code, code]).fetchone()
        assert sql == (sipd_codes.kode_sipd(code), sipd_codes.kode_era("1.02.0.00.0.00.01.0000", code),
                       sipd_codes.kode_era("4.01.03", code)), code


def test_simda_codes_are_not_touched():
    """A 13/2006 program 4.01.4.01.03.01 has six segments and a two-digit tail too: only SIPD-era SKPD
    (eight-segment codes) get canonical tails."""
    assert sipd_codes.kode_era("4.01.03", "4.01.4.01.03.01") == "4.01.4.01.03.01"
    assert sipd_codes.era_sipd("1.02.0.00.0.00.01.0000") and not sipd_codes.era_sipd("4.01.03")
