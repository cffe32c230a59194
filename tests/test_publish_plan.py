"""The publish plan decides from digests computed in DuckDB (lkip.publish.plan_digest) and reads
only the units it publishes.

The warehouse is the publish fixture (tests/fixtures_publish.py: laporan tables, no `urutan`)
with the SKPD copied to two more codes, plus a view with an `urutan` column, so both ways of
hashing a view's rows (ordered, multiset) are exercised; the model's own views come from the
bundled example (conftest.sample_warehouse).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import lkip.publish.runner as runner
from fixtures_publish import KODE, TAHUN, build_warehouse, copy_skpd_rows, fresh_copy
from lkip.config import load_config
from lkip.publish.data import WARNING_VIEWS, list_units, list_views, load_unit
from lkip.publish.plan_digest import unit_digests
from lkip.publish.runner import plan, publish_changed
from lkip.publish.snapshot import load_units, materialised

OTHERS = ("4.01.04", "4.01.05")
UNITS = [(TAHUN, k) for k in (KODE, *OTHERS, "KOTA")]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("plan") / "lkip.duckdb"
    build_warehouse(path)
    con = duckdb.connect(str(path))
    copy_skpd_rows(con, OTHERS)
    # a table in the shape of the model's views: an `urutan` column orders it
    con.execute("create table laporan.tabel_urut as select * from (values "
                f"({TAHUN}, '{KODE}', 1, 'a', 1.5::DOUBLE, 10.00::DECIMAL(18,2)), "
                f"({TAHUN}, '{KODE}', 2, 'b', 0.0::DOUBLE, 20.00::DECIMAL(18,2)), "
                f"({TAHUN}, '4.01.04', 1, 'a', 1.5::DOUBLE, 10.00::DECIMAL(18,2)), "
                f"({TAHUN}, 'KOTA', 1, 'a', 1.5::DOUBLE, 30.00::DECIMAL(18,2))) "
                "v(tahun, kode_skpd, urutan, uraian, persen, nilai)")
    # meta.files / meta.issues of the fixture: one more file, of 4.01.04
    con.execute(f"insert into meta.files values ('f2', 'renja_04.xlsx', '4.01.04', {TAHUN})")
    con.close()
    return path


@pytest.fixture()
def city(template, tmp_path) -> Path:
    return fresh_copy(template, tmp_path)


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return load_config(workspace=tmp_path_factory.mktemp("ws"), overrides={"skpd": {KODE: "SEKRETARIAT DAERAH"}})


def _digests(path: Path, config, sql: str | None = None, params: list | None = None) -> dict:
    con = duckdb.connect(str(path))
    try:
        if sql:
            con.execute(sql, params or [])
        got = unit_digests(con, config, UNITS)
        with materialised(con) as tables:  # as the plan computes them: the same
            assert unit_digests(con, config, UNITS, None, tables) == got
        return got
    finally:
        con.close()


def _changed(before: dict, after: dict) -> set[str]:
    return {k for (_, k), d in after.items() if before[(TAHUN, k)] != d}


def test_every_model_view_is_ordered_by_urutan_or_is_a_warning_view(sample_warehouse):
    """What makes a multiset of rows an exact digest of a model view (plan_digest's docstring)."""
    cols = sample_warehouse.execute(
        "select table_name, list(column_name) from information_schema.columns "
        "where table_schema = 'laporan' group by 1").fetchall()
    assert len(cols) > 10
    for view, names in cols:
        assert "urutan" in names or view in WARNING_VIEWS, view
        assert {"tahun", "kode_skpd"} <= set(names), view


@pytest.mark.parametrize("sql, params, units", [
    # a value of one SKPD in a table without urutan (hashed in order), and with urutan (multiset)
    ("update laporan.tabel_3_31 set realisasi = realisasi + 1 where kode_skpd = '4.01.04'", None, {"4.01.04"}),
    ("update laporan.tabel_urut set uraian = 'c' where kode_skpd = ? and urutan = 2", [KODE], {KODE}),
    # a row more, a row less, the same row twice
    (f"insert into laporan.tabel_urut values ({TAHUN}, '4.01.05', 1, 'a', 1.5, 10)", None, {"4.01.05"}),
    ("delete from laporan.tabel_urut where kode_skpd = 'KOTA'", None, {"KOTA"}),
    ("insert into laporan.tabel_urut select * from laporan.tabel_urut where kode_skpd = '4.01.04'", None, {"4.01.04"}),
    # 0.0 and -0.0 print differently; NULL is not 0
    ("create or replace table laporan.tabel_urut as select * replace (CASE WHEN kode_skpd = ? AND urutan = 2 "
     "THEN '-0.0'::DOUBLE ELSE persen END AS persen) from laporan.tabel_urut", [KODE], {KODE}),
    ("update laporan.tabel_urut set persen = NULL where kode_skpd = ? and urutan = 2", [KODE], {KODE}),
    # the order of a table without urutan is the order published: reversed, it differs
    ("create or replace table laporan.tabel_3_31 as select * from laporan.tabel_3_31 "
     "order by kode_skpd, CASE WHEN kode_skpd = '4.01.05' THEN -rowid ELSE rowid END", None, {"4.01.05"}),
    # a warning of a file of 4.01.04: that SKPD and the city (which shows every warning)
    ("insert into meta.issues values ('f2', 'r', 'warning', 'Renja', 7, 'Pagu', '1', '2', 'beda')",
     None, {"4.01.04", "KOTA"}),
    # a warning of no known file: every unit
    ("insert into meta.issues values ('zz', 'r', 'warning', 'S', 1, 'K', '1', '2', 'umum')",
     None, {KODE, *OTHERS, "KOTA"}),
])
def test_a_change_changes_the_digest_of_the_units_that_show_it(city, config, sql, params, units):
    before = _digests(city, config)
    assert _changed(before, _digests(city, config, sql, params)) == units


def test_what_outputs_cannot_show_keeps_the_digest(city, config):
    before = _digests(city, config)
    # the rows of a table with urutan stored in another order: published by urutan, the same
    assert _digests(city, config, "create or replace table laporan.tabel_urut as "
                                  "select * from laporan.tabel_urut order by urutan desc, kode_skpd desc") == before
    # a warning's rows in another order: a set
    _digests(city, config, "insert into meta.issues values ('abc', 'r', 'warning', 'S', 1, 'K', 'a', 'b', 'p1'),"
                           "('abc', 'r', 'warning', 'S', 2, 'K', 'a', 'b', 'p2')")
    one = _digests(city, config)
    again = _digests(city, config, "create or replace table meta.issues as select * from meta.issues order by excel_row desc")
    assert again == one


def test_a_column_type_changes_every_digest(city, config):
    # the same numbers as DOUBLE instead of DECIMAL print as 1.0 instead of Decimal('1.00'); the
    # types are part of every unit's digest (4.01.05 has no row of tabel_urut: changed all the same)
    before = _digests(city, config)
    after = _digests(city, config, "alter table laporan.tabel_urut alter nilai type DOUBLE")
    assert _changed(before, after) == {KODE, *OTHERS, "KOTA"}
    after2 = _digests(city, config, "alter table laporan.tabel_3_31 alter pagu type DOUBLE")
    assert _changed(after, after2) == {KODE, *OTHERS, "KOTA"}
    # the same value, another integer type: 1 stays 1 (the type is in the digest all the same)
    after3 = _digests(city, config, "alter table laporan.tabel_urut alter urutan type BIGINT")
    assert _changed(after2, after3) == {KODE, *OTHERS, "KOTA"}


def test_the_name_settings_and_code_are_part_of_every_digest(city, config, monkeypatch):
    before = _digests(city, config)
    renamed = load_config(workspace=config.workspace, overrides={"skpd": {KODE: "SETDA BARU"}})
    assert _changed(before, _digests(city, renamed)) == {KODE, *OTHERS, "KOTA"}  # settings are in every digest
    import lkip.publish.plan_digest as pd

    monkeypatch.setattr(pd, "code_version", lambda: "another version")
    assert _changed(before, _digests(city, config)) == {KODE, *OTHERS, "KOTA"}


def test_plan_reads_only_the_units_it_publishes(city, config, tmp_path, monkeypatch):
    monkeypatch.setattr("lkip.publish.build_charts", lambda unit, folder, cache=None: [])
    read: list[list] = []
    real = runner.load_units
    monkeypatch.setattr(runner, "load_units",
                        lambda con, cfg, units, *rest: read.append(list(units)) or real(con, cfg, units, *rest))
    out = tmp_path / "out"
    con = duckdb.connect(str(city), read_only=True)
    try:
        publish_changed(con, out, config)
        jobs, skipped = plan(con, out, config)
    finally:
        con.close()
    assert read == [UNITS]
    assert not jobs and len(skipped) == 4  # nothing read when nothing changed
    con = duckdb.connect(str(city))
    con.execute("update laporan.tabel_3_31 set realisasi = realisasi + 1 where kode_skpd in ('4.01.05', 'KOTA')")
    con.close()
    con = duckdb.connect(str(city), read_only=True)
    try:
        jobs, skipped = plan(con, out, config)
        assert read[-1] == [(TAHUN, "4.01.05"), (TAHUN, "KOTA")]
        assert [j.unit.kode_skpd for j in jobs] == ["4.01.05", "KOTA"]
        assert [s.kode_skpd for s in skipped] == [KODE, "4.01.04"]
        assert [s.folder for s in skipped] == [KODE, "4.01.04"]
        jobs, skipped = plan(con, out, config, force=True)
        assert len(jobs) == 4 and not skipped
    finally:
        con.close()


@pytest.mark.parametrize("from_tables", [False, True])
def test_a_few_units_read_by_their_keys_are_what_each_unit_query_gives(sample_warehouse, city, config, from_tables):
    """load_units of a few units (a WHERE on their keys), from the views or from the plan's
    temporary tables (snapshot.materialised), gives what load_unit's own queries give."""
    for con, units in ((sample_warehouse, list_units(sample_warehouse)),
                       (duckdb.connect(str(city), read_only=True), [(TAHUN, "4.01.04"), (TAHUN, "KOTA")])):
        assert units
        with materialised(con) as tables:
            assert len(tables) == len(list_views(con))
            loaded = load_units(con, config, units, tables if from_tables else None)
        assert not con.execute("select * from duckdb_tables() where temporary").fetchall()  # dropped
        for got in loaded:
            want = load_unit(con, got.tahun, got.kode_skpd, config)
            assert list(got.tables) == list(want.tables)
            for tid, t in want.tables.items():
                assert (got.tables[tid].columns, got.tables[tid].rows) == (t.columns, t.rows), tid
            assert got.issues == want.issues
            assert (got.nama_skpd, got.s_d_triwulan) == (want.nama_skpd, want.s_d_triwulan)


@pytest.mark.parametrize("chunk", [1, 2])
def test_planned_in_steps_gives_the_plan_s_jobs_the_city_first(city, config, tmp_path, monkeypatch, chunk):
    """runner.planned(chunk=n), as the flow publishes many units while reading them: the city
    read alone first, then n SKPD at a time, each job equal to the one plan() reads at once."""
    read: list[list] = []
    real = runner.load_units
    monkeypatch.setattr(runner, "load_units",
                        lambda con, cfg, units, *rest: read.append(list(units)) or real(con, cfg, units, *rest))
    con = duckdb.connect(str(city), read_only=True)
    try:
        whole, _ = plan(con, tmp_path / "out", config, force=True)
        read.clear()
        with runner.planned(con, tmp_path / "out", config, force=True) as (todo, skipped, jobs):
            assert sorted(todo) == sorted(UNITS) and not skipped
            steps = list(jobs(chunk))
    finally:
        con.close()
    skpd = [u for u in UNITS if u[1] != "KOTA"]
    assert read == [[(TAHUN, "KOTA")]] + [skpd[i:i + chunk] for i in range(0, len(skpd), chunk)]
    assert [j.unit.kode_skpd for j in steps] == ["KOTA", KODE, *OTHERS]
    by_unit = {(j.unit.tahun, j.unit.kode_skpd): j for j in whole}
    for job in steps:
        want = by_unit[(job.unit.tahun, job.unit.kode_skpd)]
        assert job.digest == want.digest and job.reuse_charts == want.reuse_charts
        assert list(job.unit.tables) == list(want.unit.tables)
        for tid, t in want.unit.tables.items():
            assert (job.unit.tables[tid].columns, job.unit.tables[tid].rows) == (t.columns, t.rows), tid
        assert job.unit.issues == want.unit.issues
        assert (job.unit.nama_skpd, job.unit.s_d_triwulan) == (want.unit.nama_skpd, want.unit.s_d_triwulan)
