"""core.sp2d rebuilt only for the SKPD-years whose register rows changed (lkip.model_partitions):
after each change the incremental build gives every core table and laporan view a full rebuild
gives.

The warehouse: the bundled example staged for real, its register copied to two more SKPD (as
staged files of their own), then: a corrected register re-dropped (staged for real: it replaces
the old one), a second register of one SKPD repeating SP2D numbers of its first, that second file
superseded, an SKPD whose files are gone.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import openpyxl
import pytest

from conftest import EXAMPLE, ingest_folder, make_workspace
from lkip import model, model_partitions

REGISTER = EXAMPLE / "input" / "register_sp2d_2020.xlsx"
KODE, TAHUN = "4.01.03", 2020


def _model(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every core table and laporan view, its rows in one canonical order (repr: NaN equals NaN)."""
    names = con.execute(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables "
        "WHERE table_schema IN ('core', 'laporan') ORDER BY 1").fetchall()
    return {n: repr(con.execute(f"SELECT * FROM {n} ORDER BY ALL").fetchall()) for (n,) in names}


# A staged row is never updated in place: a changed row is a row staged again, by another run.
# The tests change rows with UPDATE ... SET run_id = coalesce(run_id, '') || '+', ...: the same rows a later run
# staging them again would leave (lkip.model_partitions fingerprints a row by its identity).


def _every(how: str) -> dict[str, str]:
    """core.sp2d built `how`, and with it every table built per partition (the ones read from
    the same source fingerprinted alike, the ones read from core.sp2d following it)."""
    return dict.fromkeys(model_partitions.TABLES, how)


def _incremental_equals_full(con, cfg, how: str = "partial") -> dict[str, str]:
    model.build(con, cfg)
    assert model_partitions.last_build() == _every(how)
    got = _model(con)
    model.build(con, cfg, full=True)
    assert model_partitions.last_build() == _every("full")
    want = _model(con)
    assert list(got) == list(want)
    for name in want:
        assert got[name] == want[name], name
    return want


def _register_sha(con, kode: str) -> str:
    return con.execute("SELECT file_sha256 FROM meta.files WHERE kind = 'register_sp2d' AND kode_skpd = ? "
                       "AND superseded_by IS NULL", [kode]).fetchone()[0]


def _copy_file(con, sha: str, new_sha: str, kode: str, **meta) -> None:
    """A staged register of another SKPD: `sha`'s meta.files row and staging rows under new ids."""
    extra = "".join(f", ? AS {k}" for k in meta)
    con.execute(f"INSERT INTO meta.files SELECT * REPLACE (? AS file_sha256, ? AS kode_skpd{extra}) "
                "FROM meta.files WHERE file_sha256 = ?", [new_sha, kode, *meta.values(), sha])
    con.execute("INSERT INTO staging.register_sp2d SELECT * REPLACE (? AS file_sha256, ? AS kode_skpd) "
                "FROM staging.register_sp2d WHERE file_sha256 = ?", [new_sha, kode, sha])


def _corrected_register(target: Path) -> None:
    """The example's register with one LS SP2D's amount changed (and the JUMLAH row with it)."""
    wb = openpyxl.load_workbook(REGISTER)
    ws = wb.active
    rows = list(ws.iter_rows())
    data = next(r for r in rows if r[6].value == "LS")
    data[7].value += 1_000_000
    total = next(r for r in rows if r[5].value == "JUMLAH")
    total[7].value += 1_000_000
    wb.save(target)


def _sp2d_total(con, kode: str):
    return con.execute("SELECT sum(nilai), count(*) FROM core.sp2d WHERE kode_skpd = ?", [kode]).fetchone()


@pytest.fixture()
def city(tmp_path):
    cfg = make_workspace(tmp_path / "ws")
    con, _ = ingest_folder(cfg)
    sha = _register_sha(con, KODE)
    for kode in ("4.01.04", "4.01.05"):
        _copy_file(con, sha, f"{kode}-register", kode)
    model.build(con, cfg)
    assert model_partitions.last_build() == _every("full")  # the first build
    yield con, cfg
    con.close()


def test_incremental_builds_equal_full_rebuilds(city, tmp_path):
    con, cfg = city
    _incremental_equals_full(con, cfg, how="unchanged")
    before = {k: _sp2d_total(con, k) for k in (KODE, "4.01.04", "4.01.05")}

    # 1. SKPD 4.01.03 re-drops a corrected register: staged for real, it replaces the old file
    con.close()
    for f in (cfg.workspace / "input").glob("*.xlsx"):
        f.unlink()
    _corrected_register(cfg.workspace / "input" / "register_sp2d_2020_perbaikan.xlsx")
    con, outcomes = ingest_folder(cfg, run_id="redrop")
    assert len(outcomes) == 1 and outcomes[0].outcome.startswith("accepted"), outcomes
    try:
        _incremental_equals_full(con, cfg)
        assert _sp2d_total(con, KODE)[0] == before[KODE][0] + 1_000_000
        assert _sp2d_total(con, "4.01.04") == before["4.01.04"]

        # 2. a second register of 4.01.04 (an earlier period, so both count) repeating ten of the
        # first's SP2D numbers with other amounts: each number counts once (the file whose hash sorts last)
        first = _register_sha(con, "4.01.04")
        _copy_file(con, first, "4.01.04-register-2", "4.01.04", periode_akhir="2020-06-30")
        con.execute("UPDATE staging.register_sp2d SET run_id = coalesce(run_id, '') || '+', nilai = nilai + 7 WHERE file_sha256 = '4.01.04-register-2'")
        con.execute("DELETE FROM staging.register_sp2d WHERE file_sha256 = '4.01.04-register-2' AND urutan > 10")
        _incremental_equals_full(con, cfg)
        assert _sp2d_total(con, "4.01.04")[1] == before["4.01.04"][1]  # no SP2D twice
        assert _sp2d_total(con, "4.01.04")[0] != before["4.01.04"][0]

        # 3. that second file superseded (its rows stay in staging but no longer count)
        con.execute("UPDATE meta.files SET superseded_by = ? WHERE file_sha256 = '4.01.04-register-2'", [first])
        _incremental_equals_full(con, cfg)
        assert _sp2d_total(con, "4.01.04") == before["4.01.04"]

        # 4. only a date changed (same rows, same amounts): the SP2D moves to another quarter
        con.execute("UPDATE staging.register_sp2d SET run_id = coalesce(run_id, '') || '+', tanggal = tanggal + INTERVAL 200 DAY "
                    "WHERE file_sha256 = ? AND urutan = 3", [first])
        q = "SELECT triwulan FROM core.sp2d WHERE kode_skpd = '4.01.04' AND nomor_sp2d LIKE '00003/%'"
        was = con.execute(q).fetchall()
        _incremental_equals_full(con, cfg)
        assert con.execute(q).fetchall() != was

        # 5. SKPD 4.01.05 disappears from the warehouse
        con.execute("DELETE FROM staging.register_sp2d WHERE kode_skpd = '4.01.05'")
        con.execute("DELETE FROM meta.files WHERE kode_skpd = '4.01.05'")
        _incremental_equals_full(con, cfg)
        assert _sp2d_total(con, "4.01.05")[1] == 0
    finally:
        con.close()


def test_a_changed_model_or_a_forced_build_rebuilds_in_full(city, monkeypatch):
    con, cfg = city
    con.execute("UPDATE staging.register_sp2d SET run_id = coalesce(run_id, '') || '+', nilai = nilai + 1 WHERE kode_skpd = '4.01.05' AND urutan = 2")
    real = model_partitions.code_version
    monkeypatch.setattr(model_partitions, "code_version", lambda texts: real(texts) + "x")  # other SQL
    model.build(con, cfg)
    assert model_partitions.last_build() == _every("full")
    monkeypatch.setattr(model_partitions, "code_version", real)
    model.build(con, cfg)
    assert model_partitions.last_build() == _every("full")  # the version recorded was the other one
    con.execute("UPDATE staging.register_sp2d SET run_id = coalesce(run_id, '') || '+', nilai = nilai + 1 WHERE kode_skpd = '4.01.05' AND urutan = 2")
    model.build(con, cfg, full=True)
    assert model_partitions.last_build() == _every("full")
    # the core.sp2d of a warehouse built before this module existed: no recorded version
    con.execute("DELETE FROM meta.model_versi")
    model.build(con, cfg)
    assert model_partitions.last_build() == _every("full")


def test_most_partitions_changed_is_a_full_rebuild(city):
    con, cfg = city
    con.execute("UPDATE staging.register_sp2d SET run_id = coalesce(run_id, '') || '+', nilai = nilai + 1 WHERE kode_skpd <> '4.01.05' AND urutan = 2")
    _incremental_equals_full(con, cfg, how="full")


def test_the_statement_rewritten_for_changed_partitions():
    sql = ("-- core.stg_register_sp2d in a comment stays\n"
           "CREATE OR REPLACE TABLE core.sp2d AS\nSELECT 'core.stg_register_sp2d' AS s, * "
           "FROM core.stg_register_sp2d x JOIN core.stg_register_sp2d_lain y USING (k);")
    out = model_partitions.insert_sql(sql, "core.sp2d", "core.stg_register_sp2d", "lkip_sumber")
    assert out == ("-- core.stg_register_sp2d in a comment stays\n"
                   "INSERT INTO core.sp2d\nSELECT 'core.stg_register_sp2d' AS s, * "
                   "FROM lkip_sumber x JOIN core.stg_register_sp2d_lain y USING (k);")
    # not one CREATE OR REPLACE TABLE of the table: only ever built in full
    assert model_partitions.insert_sql("CREATE OR REPLACE VIEW core.sp2d AS FROM core.stg_register_sp2d",
                                       "core.sp2d", "core.stg_register_sp2d", "t") is None
    assert model_partitions.insert_sql("CREATE OR REPLACE TABLE core.sp2d AS SELECT 1",
                                       "core.sp2d", "core.stg_register_sp2d", "t") is None


def test_partition_filter_matches_null_keys():
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('a', 1), ('a', 2), (NULL, 1), ('b', NULL), ('b', 1)) v(k, y)")
    where, params = model_partitions._select(("k", "y"), [("a", 1), (None, 1), ("b", None)])
    got = con.execute(f"SELECT k, y FROM t WHERE {where} ORDER BY ALL", params).fetchall()
    assert got == [("a", 1), ("b", None), (None, 1)]
    assert con.execute(f"SELECT count(*) FROM t WHERE {model_partitions._select(('k', 'y'), [])[0]}").fetchone() == (0,)


def test_tables_built_per_partition_are_model_files():
    core = model.build_order(model.sql_dir() / "core", model.PARAMETER_TABLES)
    by_name = {f.defines[0]: f for f in core if f.defines}
    for table, spec in model_partitions.TABLES.items():
        f = by_name[table]
        assert spec.source in f.reads
        assert model_partitions.insert_sql(f.text(), table, spec.source, "lkip_sumber") is not None


def test_partitioned_files_read_exactly_the_fingerprinted_columns(city):
    """A table fingerprinted over some columns of its source binds over those columns alone, and
    over no fewer: a column the file reads but the fingerprint leaves out would let a change to it
    go unseen. A table read from a partitioned table follows one built before it."""
    con, _ = city
    core = model.build_order(model.sql_dir() / "core", model.PARAMETER_TABLES)
    order = [f.defines[0] for f in core if f.defines]
    by_name = {f.defines[0]: f for f in core if f.defines}
    for table, spec in model_partitions.TABLES.items():
        if not spec.columns:
            assert model_partitions.TABLES[spec.source].columns
            assert order.index(spec.source) < order.index(table)
            continue
        sql = model_partitions.insert_sql(by_name[table].text(), table, spec.source, "lkip_sumber")
        for cols in [spec.columns] + [tuple(c for c in spec.columns if c != gone) for gone in spec.columns]:
            con.execute("BEGIN")
            try:
                con.execute(f"CREATE TEMP TABLE lkip_sumber AS SELECT {', '.join(cols)} FROM {spec.source} LIMIT 0")
                if cols == spec.columns:
                    con.execute(sql)
                else:
                    with pytest.raises(duckdb.BinderException):
                        con.execute(sql)
            finally:
                con.execute("ROLLBACK")


def test_no_code_updates_staged_rows_in_place():
    """What the fingerprint by row identity (model_partitions.IDENTITY) rests on: staged rows are
    inserted and deleted, never updated: no UPDATE of a staging table in the package or its SQL."""
    root = Path(model.__file__).resolve().parent
    update = re.compile(r"\bUPDATE\s+(?:OR\s+\w+\s+)?[\"']?staging[\"']?\s*\.", re.I)
    found = [str(p) for p in [*root.rglob("*.py"), *model.sql_dir().rglob("*.sql")]
             if update.search(p.read_text(encoding="utf-8"))]
    assert not found
    assert update.search("con.execute(f\"UPDATE staging.{table} SET x = 1\")")  # the pattern finds one
    for source, cols in model_partitions.IDENTITY.items():
        assert {"file_sha256", "run_id"} <= set(cols), source


def test_a_table_following_core_sp2d_rebuilt_in_full_alone(city):
    """core.realisasi_rp_sp2d's own last build unknown (a warehouse of before): it is built in full
    while core.sp2d is rebuilt per partition, and the model equals a full rebuild's."""
    con, cfg = city
    con.execute("UPDATE staging.register_sp2d SET run_id = coalesce(run_id, '') || '+', nilai = nilai + 1 WHERE kode_skpd = '4.01.05' AND urutan = 2")
    con.execute("DELETE FROM meta.model_versi WHERE objek = 'core.realisasi_rp_sp2d'")
    model.build(con, cfg)
    assert model_partitions.last_build() == {**_every("partial"), "core.realisasi_rp_sp2d": "full"}
    got = _model(con)
    model.build(con, cfg, full=True)
    assert got == _model(con)


# The statement sql/core/sp2d.sql replaced: every row through the window.
REFERENCE = """
SELECT kode_skpd, tahun, core.kode_era(kode_skpd, kode_kegiatan) AS kode_kegiatan, tanggal, quarter(tanggal) AS triwulan,
       core.jenis_sp2d(jenis) AS jenis, nilai, nomor_sp2d,
       coalesce(has_kode_kegiatan, core.kode(kode_kegiatan) IS NOT NULL) AS has_kode_kegiatan
FROM core.stg_register_sp2d
WHERE tanggal IS NOT NULL
QUALIFY nomor_sp2d IS NULL
     OR row_number() OVER (PARTITION BY kode_skpd, tahun, nomor_sp2d ORDER BY file_sha256 DESC, urutan) = 1
"""


def test_sp2d_dedupes_only_repeated_numbers_as_the_window_over_every_row(city):
    con, cfg = city
    # hand-made rows (no meta.files row: they count) with what the shortcut must get right:
    # numbers repeated within a file and across files, NULL numbers, codes, jenis, SKPD and year,
    # SIPD-era codes, spellings of one jenis
    rows = []
    for i, (kode, tahun, nomor, keg, jenis, sha) in enumerate([
        ("4.01.09", 2020, "N1", "4.01.4.01.03.01.02", "LS", "a"),
        ("4.01.09", 2020, "N1", "4.01.4.01.03.01.02 ", "gu_nihil", "b"),   # across files: b wins
        ("4.01.09", 2020, "N1", None, "GU", "b"),                          # and within b: urutan
        ("4.01.09", 2020, None, None, "LS", "a"),
        ("4.01.09", 2020, None, None, "LS", "a"),                          # NULL numbers all count
        ("4.01.09", 2021, "N1", "4.01.4.01.03.01.03", "GU  KKPD", "a"),   # another year
        (None, 2020, "N1", "x", "LS", "a"),
        (None, 2020, "N1", "y", "LS", "c"),
        (None, None, "N2", None, None, "a"),
        ("1.02.0.00.0.00.01.0000", 2023, "S1", "1.02.02.2.02.33", "LS", "a"),
        ("1.02.0.00.0.00.01.0000", 2023, "S1", "1.02.02.2.02.0033", "LS", "a"),
    ]):
        rows.append([sha, f"{sha}.xlsx", kode, tahun, i + 1, nomor, keg, jenis, 1000 + i])
    con.executemany(
        "INSERT INTO staging.register_sp2d (file_sha256, source_file, kode_skpd, tahun, urutan, tanggal, "
        "nomor_sp2d, kode_kegiatan, jenis, nilai) VALUES (?, ?, ?, ?, ?, DATE '2020-05-05', ?, ?, ?, ?)", rows)
    model.build(con, cfg, full=True)
    got = con.execute("SELECT * FROM core.sp2d ORDER BY ALL").fetchall()
    want = con.execute(f"SELECT * FROM ({REFERENCE}) ORDER BY ALL").fetchall()
    assert got == want
    assert len([r for r in got if r[0] == "4.01.09"]) == 4
    assert con.execute("DESCRIBE core.sp2d").fetchall() == con.execute(f"DESCRIBE {REFERENCE}").fetchall()


def test_a_failed_partial_build_leaves_the_previous_model_and_state(city, monkeypatch):
    con, cfg = city
    con.execute("UPDATE staging.register_sp2d SET run_id = coalesce(run_id, '') || '+', nilai = nilai + 1 WHERE kode_skpd = '4.01.05' AND urutan = 2")
    before = _model(con)  # the tables of the last build (the views read the staging rows already)
    state = con.execute("SELECT * FROM meta.model_partisi ORDER BY ALL").fetchall()
    real = model_partitions.insert_sql
    monkeypatch.setattr(model_partitions, "insert_sql",
                        lambda text, table, *a: real(text, table, *a) if table != "core.sp2d" else
                        real(text, table, *a).replace("INSERT INTO core.sp2d", "INSERT INTO core.sp2d SELECT 1/0, * FROM ("
                                                      ).rstrip().rstrip(";") + ")")
    with pytest.raises(RuntimeError, match="sp2d.sql"):
        model.build(con, cfg)
    assert _model(con) == before
    assert con.execute("SELECT * FROM meta.model_partisi ORDER BY ALL").fetchall() == state
    assert not con.execute("SELECT * FROM duckdb_tables() WHERE temporary").fetchall()
    monkeypatch.setattr(model_partitions, "insert_sql", real)
    _incremental_equals_full(con, cfg)
