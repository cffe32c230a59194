"""Every table of examples/bekasi-setda-2020/expected.json against the pipeline's laporan views.

Uses the `sample_warehouse` fixture (tests/conftest.py): a DuckDB connection after ingesting
examples/bekasi-setda-2020/input and running lkip.model.build.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

EXPECTED = json.loads(
    (Path(__file__).resolve().parents[1] / "examples/bekasi-setda-2020/expected.json").read_text("utf-8")
)
SKPD = EXPECTED["kode_skpd"]
TAHUN = EXPECTED["tahun"]
T = EXPECTED["tables"]


def rows(con, view: str, where: str = "") -> list[dict]:
    cur = con.execute(
        f"SELECT * FROM laporan.{view} WHERE kode_skpd = ? AND tahun = ? {where} ORDER BY urutan", [SKPD, TAHUN]
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def same(got, exp) -> bool:
    if exp is None or exp == "":
        return got is None or got == ""
    if isinstance(exp, bool):
        return got is exp
    if isinstance(exp, int) and isinstance(got, Decimal):
        return got == Decimal(exp)  # money: exact
    if isinstance(exp, (int, float)):
        return got is not None and abs(float(got) - float(exp)) <= 1e-6
    return got == exp


def check(got: dict, exp: dict, where: str, skip: tuple = ()) -> None:
    for key, value in exp.items():
        if key in skip:
            continue
        assert key in got, f"{where}: column {key} missing"
        assert same(got[key], value), f"{where}.{key}: got {got[key]!r}, expected {value!r}"


def check_list(got: list[dict], exp: list[dict], name: str) -> None:
    assert len(got) == len(exp), f"{name}: {len(got)} rows, expected {len(exp)}"
    for i, (g, e) in enumerate(zip(got, exp)):
        check(g, e, f"{name}[{i}]")


def test_every_row_has_context(sample_warehouse):
    for view in [*T.keys(), "rekonsiliasi"]:
        got = rows(sample_warehouse, view)
        assert got, view
        assert all(r["s_d_triwulan"] == EXPECTED["s_d_triwulan"] for r in got), view


def test_lampiran_3(sample_warehouse):
    got = rows(sample_warehouse, "lampiran_3")
    exp = T["lampiran_3"]
    assert len(got) == len(exp) == 300
    # same rows in the same order, keyed by (level, kode, indikator)
    assert [(r["level"], r["kode"], r["indikator"] or "") for r in got] == [
        (r["level"], r["kode"], r["indikator"]) for r in exp
    ]
    for g, e in zip(got, exp):
        check(g, e, f"lampiran_3 {e['level']} {e['kode']} {e['indikator'][:30]}")


@pytest.mark.parametrize(
    "name", ["tabel_2_3", "tabel_2_4", "tabel_2_5", "tabel_3_30", "tabel_3_31", "tabel_3_32", "tabel_4_1",
             "tabel_3_program_ind"]
)
def test_flat_tables(sample_warehouse, name):
    check_list(rows(sample_warehouse, name), T[name], name)


def test_tabel_2_1_long(sample_warehouse):
    got = rows(sample_warehouse, "tabel_2_1")
    exp = []
    for r in T["tabel_2_1"]:
        for year, target in r["target"].items():
            e = {k: v for k, v in r.items() if k != "target"}
            if e["level"] == "tujuan":
                e.pop("uraian")  # the tujuan text is not in any input workbook
            exp.append({**e, "tahun_target": int(year), "target": target})
    check_list(got, exp, "tabel_2_1")


def test_tabel_3_1(sample_warehouse):
    t = T["tabel_3_1"]
    check_list(rows(sample_warehouse, "tabel_3_1", "AND baris = 'iku'"), t["iku"], "iku")
    check_list(rows(sample_warehouse, "tabel_3_1", "AND baris = 'sasaran'"), t["sasaran"], "sasaran")
    (rata,) = rows(sample_warehouse, "tabel_3_1", "AND baris = 'rata_rata'")
    check(rata, {"rata_rata_capaian_pct": t["rata_rata_capaian_pct"], "predikat": t["predikat"]}, "rata_rata")


def test_tabel_3_efisiensi(sample_warehouse):
    got = rows(sample_warehouse, "tabel_3_efisiensi")
    exp = []
    for r in T["tabel_3_efisiensi"]:
        exp.append({"baris": "iku", **{k: v for k, v in r.items() if k != "kegiatan"}})
        exp.extend({"baris": "kegiatan", "no": r["no"], **k} for k in r["kegiatan"])
    check_list(got, exp, "tabel_3_efisiensi")


def test_tabel_3_renstra(sample_warehouse):
    got = rows(sample_warehouse, "tabel_3_renstra")
    exp = []
    for r in T["tabel_3_renstra"]:
        base = {k: v for k, v in r.items() if k != "realisasi_lalu"}
        for year, value in sorted(r["realisasi_lalu"].items()):
            exp.append({**base, "tahun_lalu": int(year), "realisasi_lalu": value})
    check_list(got, exp, "tabel_3_renstra")


def test_evidence_tables(sample_warehouse):
    skm = T["tabel_3_skm"]
    check_list(rows(sample_warehouse, "tabel_3_skm", "AND baris = 'unit'"), skm["unit"], "skm")
    (r,) = rows(sample_warehouse, "tabel_3_skm", "AND baris = 'rata_rata'")
    check(r, {"rata_rata": skm["rata_rata"], "mutu": skm["mutu"], "kinerja": skm["kinerja"]}, "skm rata")
    akip = T["tabel_3_akip"]
    check_list(rows(sample_warehouse, "tabel_3_akip", "AND baris = 'opd'"), akip["opd"], "akip")
    (r,) = rows(sample_warehouse, "tabel_3_akip", "AND baris = 'rekap'")
    check(r, {k: v for k, v in akip.items() if k != "opd"}, "akip rekap")
    bumd = T["tabel_3_bumd"]
    check_list(rows(sample_warehouse, "tabel_3_bumd", "AND baris = 'bumd'"), bumd["bumd"], "bumd")
    (r,) = rows(sample_warehouse, "tabel_3_bumd", "AND baris = 'rekap'")
    check(r, {k: v for k, v in bumd.items() if k != "bumd"}, "bumd rekap")


def test_known_values(sample_warehouse):
    con = sample_warehouse
    (tot,) = rows(con, "tabel_3_30", "AND level = 'jumlah'")
    assert tot["pagu_murni"] == Decimal("85575010100") and tot["pagu_perubahan"] == Decimal("66023815630")
    (k,) = rows(con, "lampiran_3", "AND level = 'kegiatan' AND kode = '4.01.4.01.03.01.02'")
    assert k["pagu"] == Decimal("5550300020")
    assert [k[f"rp_tw{i}"] for i in range(1, 5)] == [
        Decimal("957603719"), Decimal("1615998934"), Decimal("857679689"), Decimal("1680028050")]
    assert k["rp_realisasi"] == Decimal("5111310392")
    assert round(k["capaian_k_pct"], 2) == 92.59 and round(k["capaian_rp_pct"], 2) == 92.09
    (p,) = rows(con, "lampiran_3", "AND level = 'program' AND kode = '4.01.4.01.03.01'")
    assert p["pagu"] == Decimal("23273681020") and p["rp_realisasi"] == Decimal("21760656293")
    assert round(p["capaian_k_pct"], 2) == 75.11 and round(p["capaian_rp_pct"], 2) == 73.53
    assert round(p["rp_pct_tertimbang"], 2) == 93.50
    (p,) = rows(con, "lampiran_3", "AND level = 'program' AND kode = '4.01.4.01.03.02'")
    assert p["rp_realisasi"] == Decimal("18352786532")
    assert round(p["capaian_k_pct"], 2) == 71.70 and round(p["capaian_rp_pct"], 2) == 50.34
    (j,) = rows(con, "lampiran_3", "AND level = 'jumlah'")
    assert j["rp_realisasi"] == Decimal("57395091366") and j["pagu"] == Decimal("66023815630")
    (p34,) = rows(con, "tabel_3_31", "AND kode = '4.01.4.01.03.34'")
    assert p34["realisasi"] == Decimal("7397071100")
    iku = {r["no"]: r for r in rows(con, "tabel_3_1", "AND baris = 'iku'")}
    assert round(iku[3]["realisasi"], 2) == 83.37 and round(iku[3]["capaian_pct"], 2) == 104.21
    assert iku[4]["realisasi"] == 100 and round(iku[4]["capaian_pct"], 2) == 222.22
    assert round(iku[5]["realisasi"], 2) == 66.67 and round(iku[5]["capaian_pct"], 2) == 66.67
    (rata,) = rows(con, "tabel_3_1", "AND baris = 'rata_rata'")
    assert round(rata["rata_rata_capaian_pct"], 2) == 133.10


def test_sample_reconciles(sample_warehouse):
    """Register, LRA and form agree in the sample: no reconciliation warning."""
    n = sample_warehouse.execute(
        "SELECT count(*) FROM laporan.peringatan WHERE tabel = 'rekonsiliasi' AND kode_skpd = ?", [SKPD]
    ).fetchall()[0][0]
    assert n == 0
    warn = sample_warehouse.execute(
        "SELECT kode FROM laporan.peringatan WHERE tabel = 'lampiran_3' AND kode LIKE '%.29.04'"
    ).fetchall()
    assert warn  # target 0 with realisasi 60 Raperwal
