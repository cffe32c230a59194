"""The model's SQL files: one object per file, named after it; build order from the references."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from lkip import model


def _folder(tmp_path: Path, schema: str, files: dict[str, str]) -> Path:
    folder = tmp_path / schema
    folder.mkdir()
    for name, sql in files.items():
        (folder / name).write_text(sql, encoding="utf-8")
    return folder


def _con(*schemas: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for schema in schemas:
        con.execute(f"CREATE SCHEMA {schema}")
    return con


def test_order_follows_references_not_file_names(tmp_path):
    # Alphabetical order would run a_laporan before m_tengah before z_dasar: each reads a later one.
    folder = _folder(tmp_path, "core", {
        "a_laporan.sql": "CREATE OR REPLACE VIEW core.a_laporan AS SELECT n * 10 AS n FROM core.m_tengah;",
        "m_tengah.sql": "CREATE OR REPLACE TABLE core.m_tengah AS SELECT n + 1 AS n FROM core.z_dasar;",
        "z_dasar.sql": "CREATE OR REPLACE TABLE core.z_dasar AS SELECT 1 AS n;",
    })
    con = _con("core")
    with pytest.raises(duckdb.Error):  # the fixture is meaningful: file-name order fails
        for path in sorted(folder.glob("*.sql")):
            con.execute(path.read_text(encoding="utf-8"))

    con = _con("core")
    ran = model.run_sql_files(con, folder, known=())
    assert [p.name for p in ran] == ["z_dasar.sql", "m_tengah.sql", "a_laporan.sql"]
    assert con.execute("SELECT n FROM core.a_laporan").fetchall() == [(20,)]


def test_laporan_folder_reads_core_objects_and_other_views(tmp_path):
    core = _folder(tmp_path, "core", {"angka.sql": "CREATE OR REPLACE TABLE core.angka AS SELECT 5 AS n;"})
    laporan = _folder(tmp_path, "laporan", {
        "a_peringatan.sql": "CREATE OR REPLACE VIEW laporan.a_peringatan AS SELECT * FROM laporan.b_tabel WHERE n > 1;",
        "b_tabel.sql": "CREATE OR REPLACE VIEW laporan.b_tabel AS SELECT n FROM core.angka;",
    })
    con = _con("core", "laporan")
    order = model.build_order(core, ())
    model.run_sql_files(con, core, known=())
    known = set().union(*(f.defines for f in order))
    ran = model.run_sql_files(con, laporan, known=known)
    assert [p.name for p in ran] == ["b_tabel.sql", "a_peringatan.sql"]
    assert con.execute("SELECT n FROM laporan.a_peringatan").fetchall() == [(5,)]


def test_cycle_is_a_clear_error_before_anything_runs(tmp_path):
    folder = _folder(tmp_path, "core", {
        "awal.sql": "CREATE OR REPLACE TABLE core.awal AS SELECT 1 AS n;",
        "ayam.sql": "CREATE OR REPLACE TABLE core.ayam AS SELECT * FROM core.telur JOIN core.awal USING (n);",
        "telur.sql": "CREATE OR REPLACE TABLE core.telur AS SELECT * FROM core.ayam;",
    })
    con = _con("core")
    with pytest.raises(model.ModelError) as err:
        model.run_sql_files(con, folder, known=())
    message = str(err.value)
    assert "circular" in message
    assert "core/ayam.sql -> core/telur.sql -> core/ayam.sql" in message
    assert "awal" not in message
    # Nothing was created: the order is checked before any file runs.
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'core'").fetchone() == (0,)


def test_table_rebuilt_from_itself_is_refused(tmp_path):
    folder = _folder(tmp_path, "core", {
        "iku.sql": "CREATE OR REPLACE TABLE core.iku AS SELECT *, 1 AS capaian_pct FROM core.iku;",
    })
    with pytest.raises(model.ModelError, match=r"core/iku\.sql reads core\.iku, the object it creates"):
        model.build_order(folder)


def test_reference_to_unknown_object_names_file_and_object(tmp_path):
    folder = _folder(tmp_path, "core", {
        "program.sql": "CREATE OR REPLACE TABLE core.program AS SELECT * FROM core.renja_salah_ketik;",
    })
    with pytest.raises(model.ModelError, match=r"core/program\.sql reads core\.renja_salah_ketik, which no"):
        model.build_order(folder)
    # A core file cannot read a report view (laporan is built after core).
    (tmp_path / "lain").mkdir()
    folder2 = _folder(tmp_path / "lain", "core", {
        "iku.sql": "CREATE OR REPLACE TABLE core.iku AS SELECT * FROM laporan.tabel_3_1;",
    })
    with pytest.raises(model.ModelError, match=r"core/iku\.sql reads laporan\.tabel_3_1, which no"):
        model.build_order(folder2)


def test_comments_and_strings_are_not_references(tmp_path):
    folder = _folder(tmp_path, "core", {
        "a.sql": "-- read by core.b and reported in laporan.peringatan\n"
                 "/* core.c too */\n"
                 "CREATE OR REPLACE TABLE core.a AS SELECT 'core.b -- not a comment' AS teks;",
        "b.sql": "CREATE OR REPLACE TABLE core.b AS SELECT teks FROM core.a;",
    })
    order = model.build_order(folder)
    assert [f.path.name for f in order] == ["a.sql", "b.sql"]
    assert order[0].reads == frozenset()
    assert order[1].reads == {"core.a"}


@pytest.mark.parametrize("name, sql, expected", [
    ("kegiatan.sql", "CREATE OR REPLACE TABLE core.program AS SELECT 1 AS n;",
     r"core/kegiatan\.sql creates core\.program; .*named after the file \(core\.kegiatan\)"),
    ("akip.sql", "CREATE OR REPLACE TABLE core.akip AS SELECT 1 AS n;\n"
                 "CREATE OR REPLACE TABLE core.akip_rekap AS SELECT 2 AS n;",
     r"creates core\.akip, core\.akip_rekap; a file creates one object"),
    ("bumd.sql", "CREATE OR REPLACE TABLE core.bumd AS SELECT 1 AS n;\n"
                 "CREATE OR REPLACE TABLE core.bumd AS SELECT 2 AS n;",
     r"creates core\.bumd more than once"),
    ("kosong.sql", "-- nothing yet\nSELECT 1;", r"core/kosong\.sql creates no core\.\* object"),
    ("macros.sql", "CREATE OR REPLACE MACRO core.dua() AS 2;\nCREATE OR REPLACE TABLE core.t AS SELECT 1;",
     r"core/macros\.sql may only create core\.\* macros, not core\.t"),
])
def test_file_must_create_one_object_named_after_it(tmp_path, name, sql, expected):
    folder = _folder(tmp_path, "core", {name: sql})
    with pytest.raises(model.ModelError, match=expected):
        model.build_order(folder)


def test_macros_file_holds_several_macros_calling_each_other(tmp_path):
    folder = _folder(tmp_path, "core", {
        "macros.sql": "CREATE OR REPLACE MACRO core.dua() AS 2;\n"
                      "CREATE OR REPLACE MACRO core.empat() AS core.dua() * 2;",
        "hasil.sql": "CREATE OR REPLACE TABLE core.hasil AS SELECT core.empat() AS n;",
    })
    con = _con("core")
    ran = model.run_sql_files(con, folder, known=())
    assert [p.name for p in ran] == ["macros.sql", "hasil.sql"]
    assert con.execute("SELECT n FROM core.hasil").fetchall() == [(4,)]


# The rule checked on the project's own files, independently of lkip/model.py's parser.
_CREATE = re.compile(r"^\s*CREATE\s+OR\s+REPLACE\s+(TABLE|VIEW|MACRO)\s+(\w+)\.(\w+)", re.I | re.M)


def _creates(path: Path) -> list[tuple[str, str, str]]:
    text = "\n".join(line.split("--")[0] for line in path.read_text(encoding="utf-8").splitlines())
    return [(k.upper(), s.lower(), n.lower()) for k, s, n in _CREATE.findall(text)]


@pytest.mark.parametrize("schema", ["core", "laporan"])
def test_each_project_sql_file_creates_one_object_named_after_it(schema):
    folder = model.sql_dir() / schema
    files = sorted(folder.glob("*.sql"))
    assert len(files) > 10
    for path in files:
        creates = _creates(path)
        if path.name == "macros.sql":
            assert creates and all(k == "MACRO" and s == schema for k, s, _ in creates), path.name
        else:
            assert creates == [(creates[0][0], schema, path.stem)], f"{path.name}: {creates}"


def test_every_project_object_is_created_once_and_the_order_is_derived():
    names = [n for schema in ("core", "laporan")
             for p in sorted((model.sql_dir() / schema).glob("*.sql"))
             for _, _, n in _creates(p)]
    assert len(names) == len(set(names))
    assert not list((model.sql_dir() / "laporan").glob("zz_*.sql"))
    core = [f.path.stem for f in model.build_order(model.sql_dir() / "core", model.PARAMETER_TABLES)]
    assert core.index("int_iku_realisasi") < core.index("iku") < core.index("iku_kegiatan")
    assert core.index("akip") < core.index("int_iku_realisasi")
    known = model.PARAMETER_TABLES | {f"core.{n}" for n in core} | {
        f"core.{n}" for _, _, n in _creates(model.sql_dir() / "core" / "macros.sql")}
    laporan = [f.path.stem for f in model.build_order(model.sql_dir() / "laporan", known)]
    assert laporan.index("rekonsiliasi") < laporan.index("peringatan")
    assert laporan.index("tabel_2_5") < laporan.index("tabel_3_32")


def test_object_created_twice_across_files_or_over_a_parameter_table(tmp_path):
    folder = _folder(tmp_path, "core", {
        "macros.sql": "CREATE OR REPLACE MACRO core.kode(x) AS trim(x);",
        "kode.sql": "CREATE OR REPLACE TABLE core.kode AS SELECT 1 AS n;",
    })
    with pytest.raises(model.ModelError, match=r"core\.kode is created by core/kode\.sql and by core/macros\.sql"):
        model.build_order(folder)
    (tmp_path / "lain").mkdir()
    folder2 = _folder(tmp_path / "lain", "core", {"skala.sql": "CREATE OR REPLACE TABLE core.skala AS SELECT 1 AS n;"})
    with pytest.raises(model.ModelError, match=r"core/skala\.sql creates core\.skala, which exists before"):
        model.build_order(folder2, model.PARAMETER_TABLES)


def test_a_failed_build_leaves_the_previous_model_whole(tmp_path, monkeypatch):
    """model.build is one transaction: when a statement fails half way, the previous build's
    tables (here core.param, replaced before the SQL files run) and views are all still there."""
    from lkip import stage
    from lkip.config import load_config

    cfg = load_config(workspace=tmp_path, overrides={"rules": {"capaian_turun": "selisih"}})
    con = stage.connect(cfg)
    model.build(con, cfg)
    param = "SELECT nilai FROM core.param WHERE nama = 'capaian_turun'"
    assert con.execute(param).fetchall() == [("selisih",)]
    n_views = con.execute("SELECT count(*) FROM duckdb_views() WHERE schema_name = 'laporan'").fetchall()

    other = load_config(workspace=tmp_path, overrides={"rules": {"capaian_turun": "rasio"}})
    real_run = model._run
    monkeypatch.setattr(model, "_run", lambda c, files: (real_run(c, files[:3]), c.execute("SELECT 1/'nol'::INTEGER")))
    with pytest.raises(duckdb.Error):
        model.build(con, other)
    assert con.execute(param).fetchall() == [("selisih",)]      # not the half-built "rasio"
    assert con.execute("SELECT count(*) FROM duckdb_views() WHERE schema_name = 'laporan'").fetchall() == n_views
    monkeypatch.setattr(model, "_run", real_run)

    model.build(con, other)
    assert con.execute(param).fetchall() == [("rasio",)]
    con.close()
