"""Rules of the core/laporan model on hand-built staging rows."""

from __future__ import annotations

import duckdb
import pytest

COMMON = (
    "file_sha256 VARCHAR, source_file VARCHAR, sheet VARCHAR, excel_row INTEGER, "
    "run_id VARCHAR, kode_skpd VARCHAR, tahun INTEGER"
)
M = "DECIMAL(18,2)"
STAGING = {
    "renja": f"urutan INTEGER, baris_jenis VARCHAR, kode VARCHAR, kode_induk VARCHAR, uraian VARCHAR, "
    f"indikator VARCHAR, target DOUBLE, satuan VARCHAR, cara_hitung VARCHAR, pagu_murni {M}, "
    f"pagu_perubahan {M}, kas_tw1 {M}, kas_tw2 {M}, kas_tw3 {M}, kas_tw4 {M}, "
    "penanggung_jawab VARCHAR, dokumen VARCHAR, is_perubahan BOOLEAN",
    "lra": f"urutan INTEGER, baris_jenis VARCHAR, kode VARCHAR, kode_kegiatan VARCHAR, uraian VARCHAR, "
    f"anggaran {M}, realisasi_sd_lalu {M}, realisasi_periode_ini {M}, realisasi_sd_ini {M}, sisa {M}, "
    f"persen DOUBLE, belanja_pegawai {M}, belanja_barang_jasa {M}, belanja_modal {M}, "
    "periode_awal DATE, periode_akhir DATE, s_d_triwulan INTEGER, layout VARCHAR",
    "register_sp2d": f"urutan INTEGER, no VARCHAR, tanggal DATE, nomor_sp2d VARCHAR, kode_kegiatan VARCHAR, "
    f"kode_rekening VARCHAR, uraian VARCHAR, jenis VARCHAR, nilai {M}, has_kode_kegiatan BOOLEAN",
    "realisasi_fisik": "urutan INTEGER, kode_kegiatan VARCHAR, nama_kegiatan VARCHAR, indikator VARCHAR, "
    "target DOUBLE, satuan VARCHAR, k_tw1 DOUBLE, k_tw2 DOUBLE, k_tw3 DOUBLE, k_tw4 DOUBLE, "
    f"rp_tw1 {M}, rp_tw2 {M}, rp_tw3 {M}, rp_tw4 {M}, s_d_triwulan INTEGER",
    "iku": "no INTEGER, sasaran VARCHAR, indikator VARCHAR, satuan VARCHAR, polaritas VARCHAR, target DOUBLE, "
    "target_tw1 DOUBLE, target_tw2 DOUBLE, target_tw3 DOUBLE, target_tw4 DOUBLE, realisasi DOUBLE, "
    "dihitung_dari VARCHAR, sumber_data VARCHAR",
    "renstra": "tingkat VARCHAR, uraian VARCHAR, indikator VARCHAR, satuan VARCHAR, tahun_data INTEGER, "
    "jenis VARCHAR, nilai DOUBLE",
    "dukungan_anggaran": "indikator VARCHAR, kode_kegiatan VARCHAR, nama_kegiatan VARCHAR",
    "iku_indikator_program": "iku VARCHAR, indikator_program VARCHAR, satuan VARCHAR, target DOUBLE, "
    "realisasi DOUBLE",
    "skm": "no INTEGER, unit VARCHAR, nilai_ikm DOUBLE, u1 DOUBLE, u2 DOUBLE, u3 DOUBLE, u4 DOUBLE, "
    "u5 DOUBLE, u6 DOUBLE, u7 DOUBLE, u8 DOUBLE, u9 DOUBLE",
    "akip": "no INTEGER, perangkat_daerah VARCHAR, nilai DOUBLE, kategori VARCHAR",
    "bumd": "no INTEGER, nama VARCHAR, opini VARCHAR, kategori VARCHAR, skor DOUBLE, keterangan VARCHAR",
}


def init_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Staging and meta tables as docs/design.md lists them (lkip.stage.init_warehouse when present)."""
    try:
        from lkip.stage import init_warehouse  # type: ignore[attr-defined]
    except ImportError:
        init_warehouse = None
    if init_warehouse is not None:
        init_warehouse(con)
        return
    for schema in ("raw", "staging", "meta"):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for name, cols in STAGING.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS staging.{name} ({cols}, {COMMON})")
    con.execute(
        "CREATE TABLE IF NOT EXISTS meta.files (file_sha256 VARCHAR PRIMARY KEY, source_file VARCHAR, "
        "original_path VARCHAR, kind VARCHAR, kode_skpd VARCHAR, tahun INTEGER, periode_akhir DATE, "
        "s_d_triwulan INTEGER, outcome VARCHAR, n_rows INTEGER, n_warnings INTEGER, n_errors INTEGER, "
        "run_id VARCHAR, staged_at TIMESTAMP, superseded_by VARCHAR, archived_path VARCHAR)"
    )
    con.execute(
        "CREATE TABLE IF NOT EXISTS meta.runs (run_id VARCHAR PRIMARY KEY, started_at TIMESTAMP, "
        "finished_at TIMESTAMP, status VARCHAR, n_files INTEGER, summary JSON)"
    )
    con.execute(
        "CREATE TABLE IF NOT EXISTS meta.issues (file_sha256 VARCHAR, run_id VARCHAR, severity VARCHAR, "
        "sheet VARCHAR, excel_row INTEGER, kolom VARCHAR, nilai VARCHAR, diharapkan VARCHAR, pesan VARCHAR)"
    )


def ins(con, table: str, skpd: str, **cols) -> None:
    cols = {"kode_skpd": skpd, "tahun": 2021, "file_sha256": f"{table}-{skpd}", "source_file": f"{table}.xlsx",
            "sheet": "S", "excel_row": 1, "run_id": "r1", **cols}
    con.execute(
        f"INSERT INTO staging.{table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", list(cols.values())
    )


def renja(con, skpd, u, jenis, kode, induk=None, ind=None, target=None, pagu=None, cara=None):
    ins(con, "renja", skpd, urutan=u, baris_jenis=jenis, kode=kode, kode_induk=induk, uraian=kode,
        indikator=ind, target=target, satuan="x", cara_hitung=cara, pagu_murni=pagu, pagu_perubahan=pagu,
        dokumen="renja", is_perubahan=False, file_sha256=f"renja-{skpd}")


@pytest.fixture()
def wh():
    from lkip import model

    con = duckdb.connect()
    init_staging(con)
    # SKPD A, Permendagri 90/2019 codes; LRA TW I and TW II only, no register.
    renja(con, "A", 1, "program", "1.02.02", ind="Outcome", target=100)
    renja(con, "A", 2, "kegiatan", "1.02.02.2.01", "1.02.02", pagu=1000)
    renja(con, "A", 3, "kegiatan", "1.02.02.2.01.01", "1.02.02.2.01", ind="Jumlah", target=10, pagu=600)
    renja(con, "A", 4, "indikator", "1.02.02.2.01.01", ind="Terakhir", target=4, cara="terakhir")
    renja(con, "A", 5, "indikator", "1.02.02.2.01.01", ind="Rata", target=5, cara="rata-rata")
    renja(con, "A", 6, "kegiatan", "1.02.02.2.01.02", "1.02.02.2.01", ind="Nol", target=0, pagu=400)
    renja(con, "A", 7, "kegiatan", "1.02.02.2.02", "1.02.02", ind="Pagu nol", target=1, pagu=0)
    for tw, d, cum1, cum2 in ((1, "2021-03-31", 100, 50), (2, "2021-06-30", 250, 50)):
        for kode, cum in (("1.02.02.2.01.01", cum1), ("1.02.02.2.01.02", cum2)):
            ins(con, "lra", "A", urutan=1, baris_jenis="kegiatan", kode=kode, kode_kegiatan=kode,
                realisasi_sd_ini=cum, periode_akhir=d, s_d_triwulan=tw, file_sha256=f"lra{tw}-A")
    ins(con, "realisasi_fisik", "A", urutan=1, kode_kegiatan="1.02.02.2.01.01", indikator="jumlah ",
        k_tw1=3, k_tw2=4, k_tw3=9, rp_tw1=100, rp_tw2=999, s_d_triwulan=2)
    ins(con, "realisasi_fisik", "A", urutan=2, kode_kegiatan="1.02.02.2.01.01", indikator="TERAKHIR.",
        k_tw1=1, k_tw2=3, s_d_triwulan=2)
    ins(con, "realisasi_fisik", "A", urutan=3, kode_kegiatan="1.02.02.2.01.01", indikator="Rata",
        k_tw1=2, k_tw2=None, s_d_triwulan=2)
    ins(con, "iku", "A", no=1, sasaran="S", indikator="Angka turun", polaritas="turun", target=10, realisasi=12)
    ins(con, "iku", "A", no=2, sasaran="S", indikator="Tanpa target", polaritas="naik", target=0, realisasi=5)
    # SKPD B: one program, one kegiatan, register for the whole year.
    renja(con, "B", 1, "program", "2.01.01", ind="O", target=1)
    renja(con, "B", 2, "kegiatan", "2.01.01.01", "2.01.01", ind="K", target=2, pagu=500)
    for no, tgl, jenis, nilai in ((1, "2021-02-01", "UP", 900), (2, "2021-05-01", "LS", 200), (3, "2021-11-01", "GU Nihil", 100)):
        ins(con, "register_sp2d", "B", urutan=no, no=str(no), tanggal=tgl, nomor_sp2d=f"S{no}",
            kode_kegiatan=None if jenis == "UP" else "2.01.01.01", jenis=jenis, nilai=nilai, has_kode_kegiatan=True)
    model.build(con)
    return con


def q(con, sql, *params):
    cur = con.execute(sql, list(params))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def test_sd_triwulan_2_and_lra_differences(wh):
    (a,) = q(wh, "SELECT * FROM core.skpd WHERE kode_skpd = 'A'")
    assert a["s_d_triwulan"] == 2
    (k,) = q(wh, "SELECT * FROM laporan.lampiran_3 WHERE kode_skpd = 'A' AND kode = '1.02.02.2.01.01' AND level = 'sub_kegiatan'")
    assert (k["rp_tw1"], k["rp_tw2"], k["rp_tw3"], k["rp_tw4"]) == (100, 150, None, None)
    assert k["rp_realisasi"] == 250


def test_cara_hitung_and_zero_target(wh):
    ind = {r["indikator"]: r for r in q(wh, "SELECT * FROM laporan.lampiran_3 WHERE kode_skpd = 'A' AND level = 'indikator'")}
    assert ind["Jumlah"]["k_realisasi"] == 7 and ind["Jumlah"]["k_tw3"] is None  # TW III after s.d. TW II
    assert ind["Terakhir"]["k_realisasi"] == 3
    assert ind["Rata"]["k_realisasi"] == 2
    assert ind["Nol"]["capaian_k_pct"] == 0
    warn = q(wh, "SELECT * FROM laporan.peringatan WHERE kode_skpd = 'A' AND indikator IN ('Nol', 'Tanpa target')")
    assert len(warn) == 2


def test_sub_kegiatan_rollup_and_zero_pagu(wh):
    rows = {r["kode"]: r for r in q(wh, "SELECT * FROM laporan.lampiran_3 WHERE kode_skpd = 'A' AND level <> 'indikator'")}
    sub1, sub2, keg = rows["1.02.02.2.01.01"], rows["1.02.02.2.01.02"], rows["1.02.02.2.01"]
    assert sub1["level"] == sub2["level"] == "sub_kegiatan" and keg["level"] == "kegiatan"
    assert keg["rp_realisasi"] == 300 and keg["pagu"] == 1000
    assert abs(keg["capaian_rp_pct"] - (250 / 600 * 100 + 50 / 400 * 100) / 2) < 1e-9
    assert abs(keg["capaian_k_pct"] - (sub1["capaian_k_pct"] + sub2["capaian_k_pct"]) / 2) < 1e-9
    assert rows["1.02.02.2.02"]["capaian_rp_pct"] == 0
    prog = rows["1.02.02"]
    assert prog["rp_realisasi"] == 300 and abs(prog["capaian_rp_pct"] - (keg["capaian_rp_pct"] + 0) / 2) < 1e-9


def test_polarity_turun(wh):
    (r,) = q(wh, "SELECT * FROM laporan.tabel_3_1 WHERE kode_skpd = 'A' AND baris = 'iku' AND no = 1")
    assert abs(r["capaian_pct"] - 80.0) < 1e-9


def test_register_counts_ls_gu_only_and_city(wh):
    (b,) = q(wh, "SELECT * FROM laporan.tabel_3_31 WHERE kode_skpd = 'B' AND level = 'program'")
    assert b["realisasi"] == 300
    kota = q(wh, "SELECT * FROM laporan.tabel_3_31 WHERE kode_skpd = 'KOTA' ORDER BY urutan")
    assert [r["level"] for r in kota] == ["skpd", "skpd", "jumlah"]
    assert kota[-1]["realisasi"] == 600 and kota[-1]["pagu"] == 1500
    (j,) = q(wh, "SELECT * FROM laporan.lampiran_3 WHERE kode_skpd = 'KOTA' AND level = 'jumlah'")
    skpd = q(wh, "SELECT capaian_rp_pct FROM laporan.lampiran_3 WHERE kode_skpd IN ('A', 'B') AND level = 'jumlah'")
    assert abs(j["capaian_rp_pct"] - sum(r["capaian_rp_pct"] for r in skpd) / 2) < 1e-9
    assert j["s_d_triwulan"] == 2


def test_reconciliation_difference(wh):
    r = q(wh, "SELECT * FROM laporan.rekonsiliasi WHERE kode_skpd = 'A' AND kode_kegiatan = '1.02.02.2.01.01' AND triwulan = 2")
    assert r[0]["lra"] == 150 and r[0]["form"] == 999 and r[0]["selisih_lra_form"] == -849
    w = q(wh, "SELECT * FROM laporan.peringatan WHERE tabel = 'rekonsiliasi' AND kode = '1.02.02.2.01.01'")
    assert len(w) == 1 and "triwulan 2" in w[0]["pesan"]
