"""core.sp2d_ada answers the questions core.realisasi_rp and laporan.rekonsiliasi asked of every
row of core.sp2d with EXISTS (any SP2D, any with a kegiatan code, any with a code the register
carries), for registers with and without codes, NULL flags and SKPDs without a register."""

from __future__ import annotations

import duckdb
import pytest

from tests.test_model_rules import ins, init_staging, q, renja

# (SKPD, rows of (jenis, kode_kegiatan, has_kode_kegiatan)); "E" has an LRA and no register
REGISTERS = {
    "A": [("LS", "2.01.01.01", True), ("UP", None, True)],        # codes in the register
    "B": [("LS", None, False), ("GU", None, None)],                  # no codes at all
    "C": [("LS", "2.01.01.01", False), ("UP", None, True)],  # a code, but not the register's own
    "D": [("LS", "2.01.01.01", None), ("TU", None, False)],  # a NULL flag: the code is taken as its own
}

# the old EXISTS over every row of core.sp2d, per SKPD-year of core.skpd
OLD = """
SELECT s.kode_skpd, s.tahun,
       EXISTS (SELECT 1 FROM core.sp2d x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun) AS ada,
       EXISTS (SELECT 1 FROM core.sp2d x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun
                                          AND x.kode_kegiatan IS NOT NULL) AS ada_kode,
       EXISTS (SELECT 1 FROM core.sp2d x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun
                                          AND x.kode_kegiatan IS NOT NULL AND x.has_kode_kegiatan) AS ada_kode_register
FROM core.skpd s ORDER BY 1, 2
"""
NEW = """
SELECT s.kode_skpd, s.tahun,
       EXISTS (SELECT 1 FROM core.sp2d_ada x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun) AS ada,
       EXISTS (SELECT 1 FROM core.sp2d_ada x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun
                                              AND x.ada_kode) AS ada_kode,
       EXISTS (SELECT 1 FROM core.sp2d_ada x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun
                                              AND x.ada_kode_register) AS ada_kode_register
FROM core.skpd s ORDER BY 1, 2
"""


@pytest.fixture()
def wh():
    from lkip import model

    con = duckdb.connect()
    init_staging(con)
    for skpd in (*REGISTERS, "E"):
        renja(con, skpd, 1, "program", "2.01.01", ind="O", target=1)
        renja(con, skpd, 2, "kegiatan", "2.01.01.01", "2.01.01", ind="K", target=2, pagu=500)
    for skpd, rows in REGISTERS.items():
        for no, (jenis, kode, has) in enumerate(rows, 1):
            ins(con, "register_sp2d", skpd, urutan=no, no=str(no), tanggal=f"2021-0{no}-10", nomor_sp2d=f"{skpd}{no}",
                kode_kegiatan=kode, jenis=jenis, nilai=100 * no, has_kode_kegiatan=has)
    ins(con, "lra", "E", urutan=1, baris_jenis="kegiatan", kode="2.01.01.01", kode_kegiatan="2.01.01.01",
        realisasi_sd_ini=70, periode_akhir="2021-03-31", s_d_triwulan=1, file_sha256="lra-E")
    model.build(con)
    return con


def test_same_answers_as_exists_over_every_sp2d_row(wh):
    old, new = wh.execute(OLD).fetchall(), wh.execute(NEW).fetchall()
    assert old == new
    by = {r[0]: r[2:] for r in old}
    # the fixture covers every combination the questions distinguish
    assert by == {"A": (True, True, True), "B": (True, False, False), "C": (True, True, False),
                  "D": (True, True, True), "E": (False, False, False)}


def test_source_of_realisation_and_reconciliation_follow_it(wh):
    sumber = {r["kode_skpd"]: r["sumber"] for r in q(wh, "SELECT DISTINCT kode_skpd, sumber FROM core.realisasi_rp")}
    assert sumber == {"A": "sp2d", "D": "sp2d", "E": "lra"}  # B, C: no register codes of its own, no LRA
    rek = q(wh, "SELECT kode_skpd, level, sp2d FROM laporan.rekonsiliasi WHERE kode_skpd <> 'KOTA' AND triwulan = 1")
    keg = {r["kode_skpd"] for r in rek if r["level"] != "skpd" and r["sp2d"] is not None}
    total = {r["kode_skpd"] for r in rek if r["level"] == "skpd" and r["sp2d"] is not None}
    assert keg == {"A", "C", "D"}            # a kegiatan code in core.sp2d
    assert total == {"A", "B", "C", "D"}     # any SP2D at all
