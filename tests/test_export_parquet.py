"""lkip.export: core and laporan layers as Hive-partitioned Parquet (tahun=…/kode_skpd=…)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from lkip.export import export_parquet, read_back


@pytest.fixture()
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core; CREATE SCHEMA laporan; CREATE SCHEMA staging")
    con.execute("""
        CREATE TABLE core.kegiatan AS SELECT * FROM (VALUES
            (2020, '4.01.03', '4.01.4.01.03.01.02', 5550300020.00::DECIMAL(18,2)),
            (2020, '4.01.03', '4.01.4.01.03.01.03', 500000000.00::DECIMAL(18,2)),
            (2020, '4.01.04', '4.01.4.01.04.01.01', 12.50::DECIMAL(18,2)),
            (2021, '4.01.03', '4.01.4.01.03.01.02', 1.00::DECIMAL(18,2))
        ) t(tahun, kode_skpd, kode, pagu)""")
    con.execute("CREATE TABLE core.skala AS SELECT 'predikat' AS skala, 90.0 AS min, 'AA' AS kode")
    con.execute("CREATE TABLE core.per_tahun AS SELECT 2020 AS tahun, 3 AS n")
    con.execute("""
        CREATE VIEW laporan.tabel_3_1 AS
        SELECT tahun, kode_skpd, count(*) AS n_kegiatan, sum(pagu) AS pagu FROM core.kegiatan GROUP BY ALL
        UNION ALL
        SELECT tahun, 'KOTA', count(*), sum(pagu) FROM core.kegiatan GROUP BY ALL""")
    con.execute("CREATE TABLE staging.register_sp2d AS SELECT 1 AS x")  # not exported
    return con


def test_partitioned_tree_and_roundtrip(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    out = tmp_path / "parquet"
    manifest = export_parquet(con, out)

    names = {(o["schema"], o["name"]): o for o in manifest["objects"]}
    assert set(names) == {("core", "kegiatan"), ("core", "skala"), ("core", "per_tahun"),
                          ("laporan", "tabel_3_1")}
    assert names[("laporan", "tabel_3_1")]["partition_by"] == ["tahun", "kode_skpd"]
    assert names[("core", "per_tahun")]["partition_by"] == ["tahun"]
    assert names[("core", "skala")]["partition_by"] == []
    assert json.loads((out / "_manifest.json").read_text()) == manifest

    # Hive layout: tahun=…/kode_skpd=…/*.parquet, the city under kode_skpd=KOTA.
    parts = sorted(str(p.parent.relative_to(out)) for p in out.rglob("*.parquet"))
    assert "laporan/tabel_3_1/tahun=2020/kode_skpd=KOTA" in parts
    assert "laporan/tabel_3_1/tahun=2020/kode_skpd=4.01.03" in parts
    assert "core/kegiatan/tahun=2021/kode_skpd=4.01.03" in parts
    assert (out / "core" / "skala.parquet").is_file()
    assert not (out / "staging").exists()

    # Read back with hive partitioning: the same rows, codes still text, money exact.
    back = con.execute(
        f"SELECT tahun::INTEGER, kode_skpd, n_kegiatan, pagu FROM {read_back(out, 'laporan', 'tabel_3_1')} "
        "ORDER BY 1, 2").fetchall()
    want = con.execute(
        "SELECT tahun, kode_skpd, n_kegiatan, pagu FROM laporan.tabel_3_1 ORDER BY 1, 2").fetchall()
    assert back == want
    kode = con.execute(
        f"SELECT kode, pagu FROM {read_back(out, 'core', 'kegiatan')} WHERE kode_skpd = '4.01.04'").fetchall()
    assert [(k, str(p)) for k, p in kode] == [("4.01.4.01.04.01.01", "12.50")]


def test_export_twice_replaces(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    out = tmp_path / "pq"
    export_parquet(con, out)
    con.execute("DELETE FROM core.kegiatan WHERE tahun = 2021")
    export_parquet(con, out)
    assert not (out / "core" / "kegiatan" / "tahun=2021").exists()
    n = con.execute(f"SELECT count(*) FROM {read_back(out, 'core', 'kegiatan')}").fetchone()[0]
    assert n == 3
