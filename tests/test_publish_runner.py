"""Publishing a city: views read once, hostile text, one unit's failure, incremental, parallel.

The warehouse is the publish fixture (tests/fixtures_publish.py) with the SKPD copied to two more
codes, so a run has four units: 4.01.03, 4.01.04, 4.01.05 and the city.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest
from docx import Document

import lkip.publish as publish_pkg
from fixtures_publish import KODE, TAHUN, build_warehouse, copy_skpd_rows, fresh_copy, same_published_file
from lkip.config import load_config
from lkip.publish import PublishError, publish_all
from lkip.publish.data import load_unit
from lkip.publish.digest import MANIFEST
from lkip.publish.runner import plan, publish_changed
from lkip.publish.safe_text import chart_text, clean, file_stem, shorten
from lkip.publish.snapshot import load_units

pytestmark = pytest.mark.slow  # most tests publish a city of four units

OTHERS = ("4.01.04", "4.01.05")
UNITS = [KODE, *OTHERS, "KOTA"]
HOSTILE_PROGRAM = r"Program $\undefinedcmd{x}$ Pelayanan"
BEL_KEGIATAN = "Penyediaan Jasa\x07 Surat_x0007_ Menyurat"


@contextlib.contextmanager
def runner_pools():
    """The process pools lkip.publish.runner.worker_pool makes meanwhile."""
    from lkip.publish import runner

    made, real = [], runner.worker_pool

    def spy(workers):
        made.append(real(workers))
        return made[-1]

    runner.worker_pool = spy
    try:
        yield made
    finally:
        runner.worker_pool = real


def _city(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    build_warehouse(path)
    con = duckdb.connect(str(path))
    copy_skpd_rows(con, OTHERS)
    con.close()
    return path


@pytest.fixture(scope="module")
def city_template(tmp_path_factory) -> Path:
    return _city(tmp_path_factory.mktemp("city") / "lkip.duckdb")


@pytest.fixture()
def city(city_template, tmp_path) -> Path:
    """A fresh copy per test: tests change the warehouse."""
    return fresh_copy(city_template, tmp_path)


@pytest.fixture()
def no_charts(monkeypatch):
    """Charts are the slow part and beside the point of the test (covered by the others)."""
    monkeypatch.setattr(publish_pkg, "build_charts", lambda unit, folder, cache=None: [])


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return load_config(workspace=tmp_path_factory.mktemp("ws"), overrides={"skpd": {KODE: "SEKRETARIAT DAERAH"}})


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def _cells(path: Path) -> list:
    wb = openpyxl.load_workbook(path)
    return [(ws.title, list(ws.iter_rows(values_only=True))) for ws in wb]


def _same_outputs(a: Path, b: Path) -> None:
    """CSV and PNG byte for byte, workbooks cell for cell, the same files."""
    fa = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file())
    fb = sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.is_file())
    assert fa == fb
    for rel in fa:
        if rel.endswith((".csv", ".png", ".html")):
            assert same_published_file(a / rel, b / rel, rel), rel
        elif rel.endswith(".xlsx"):
            assert _cells(a / rel) == _cells(b / rel), rel


def test_views_read_once_give_what_each_unit_query_gives(city, config):
    con = duckdb.connect(str(city), read_only=True)
    try:
        units = [(TAHUN, k) for k in UNITS]
        for got in load_units(con, config, units):
            want = load_unit(con, got.tahun, got.kode_skpd, config)
            assert list(got.tables) == list(want.tables)
            for tid, t in want.tables.items():
                assert got.tables[tid].columns == t.columns, tid
                assert got.tables[tid].rows == t.rows, tid
            assert got.issues == want.issues
            assert (got.nama_skpd, got.s_d_triwulan) == (want.nama_skpd, want.s_d_triwulan)
    finally:
        con.close()


def test_hostile_text_still_publishes_every_skpd(city, config, tmp_path):
    con = duckdb.connect(str(city))
    con.execute("update laporan.lampiran_3 set uraian = ? where kode_skpd = '4.01.04' and level = 'kegiatan' "
                "and kode = '4.01.4.01.03.01.02'", [BEL_KEGIATAN])
    for view, col in (("tabel_2_4", "program"), ("tabel_3_31", "program"), ("lampiran_3", "uraian")):
        con.execute(f"update laporan.{view} set {col} = ? where kode_skpd = '4.01.05' and kode = '4.01.4.01.03.01'",
                    [HOSTILE_PROGRAM])
    con.close()
    con = duckdb.connect(str(city), read_only=True)
    try:
        publish_all(con, tmp_path / "out", config)
    finally:
        con.close()
    base = tmp_path / "out" / str(TAHUN)
    for folder in (KODE, *OTHERS, "kota"):
        assert (base / folder / MANIFEST).is_file(), folder
    # the BEL and its _x0007_ escape are gone from the workbook and the docx, the words stay
    texts = [c for _, rows in _cells(base / "4.01.04" / "LKIP_4.01.04_2020.xlsx") for r in rows for c in r
             if isinstance(c, str) and "Penyediaan Jasa" in c]
    assert "Penyediaan Jasa Surat Menyurat" in texts
    assert not any("\x07" in t or "_x0007_" in t for t in texts)
    # the program name is printed as written (no mathtext), in the docx and the workbook
    doc = Document(str(base / "4.01.05" / "BAB_III_4.01.05_2020.docx"))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert HOSTILE_PROGRAM in cells
    assert (base / "4.01.05" / "charts" / "serapan_program.png").stat().st_size > 0
    assert (base / "4.01.05" / "charts" / "kurva_s_program_4.01.4.01.03.01.png").is_file()


def test_one_failing_unit_is_named_and_the_others_are_published(city, config, tmp_path, monkeypatch, no_charts):
    real = publish_pkg.write_docx

    def docx_fails_for_one(target, unit, *args, **kwargs):
        if unit.kode_skpd == "4.01.04":
            raise OSError("disk penuh (uji)")
        return real(target, unit, *args, **kwargs)

    monkeypatch.setattr(publish_pkg, "write_docx", docx_fails_for_one)
    con = duckdb.connect(str(city), read_only=True)
    try:
        results = publish_changed(con, tmp_path / "out", config)
        with pytest.raises(PublishError) as err:
            publish_all(con, tmp_path / "out2", config)
    finally:
        con.close()
    failed = [r for r in results if r.error]
    assert [r.kode_skpd for r in failed] == ["4.01.04"]
    assert "SKPD 4.01.04 tahun 2020 gagal diterbitkan" in failed[0].error
    assert "disk penuh (uji)" in failed[0].error
    assert "4.01.04" in str(err.value)
    for folder in (KODE, "4.01.05", "kota"):
        assert (tmp_path / "out2" / str(TAHUN) / folder / MANIFEST).is_file()
    assert not (tmp_path / "out" / str(TAHUN) / "4.01.04" / MANIFEST).exists()  # retried next run
    monkeypatch.setattr(publish_pkg, "write_docx", real)
    con = duckdb.connect(str(city), read_only=True)
    try:
        again = publish_changed(con, tmp_path / "out", config)
    finally:
        con.close()
    assert {r.kode_skpd for r in again if not r.skipped} == {"4.01.04"}


def test_redrop_rewrites_only_that_skpd_and_the_city(city, config, tmp_path, no_charts):
    out = tmp_path / "out"
    con = duckdb.connect(str(city), read_only=True)
    try:
        first = publish_changed(con, out, config)
        assert not any(r.skipped or r.error for r in first)
        assert all(r.skipped for r in publish_changed(con, out, config))  # nothing changed
    finally:
        con.close()
    before = _snapshot(out)
    # a corrected file of 4.01.04: its realisation changes, and the city's consolidation with it
    con = duckdb.connect(str(city))
    con.execute("update laporan.lampiran_3 set rp_tw4 = rp_tw4 + 1000 where kode_skpd in ('4.01.04', 'KOTA') "
                "and level = 'program'")
    con.execute("update laporan.tabel_3_31 set realisasi = realisasi + 1000 where kode_skpd in ('4.01.04', 'KOTA')")
    con.close()
    con = duckdb.connect(str(city), read_only=True)
    try:
        second = publish_changed(con, out, config)
        publish_all(con, tmp_path / "full", config)  # a full rebuild from the same warehouse
    finally:
        con.close()
    assert {r.kode_skpd for r in second if not r.skipped} == {"4.01.04", "KOTA"}
    after = _snapshot(out)
    for rel, (data, mtime) in before.items():
        folder = rel.split("/")[1]
        if folder in (KODE, "4.01.05"):
            assert after[rel] == (data, mtime), rel  # same bytes, same modification time
    changed = {rel.split("/")[1] for rel in after if after[rel] != before.get(rel)}
    assert changed == {"4.01.04", "kota"}
    for p in out.rglob(MANIFEST):
        p.unlink()
    for p in (tmp_path / "full").rglob(MANIFEST):
        p.unlink()
    _same_outputs(out, tmp_path / "full")


def test_force_settings_and_missing_files_republish(city, config, tmp_path, no_charts):
    out = tmp_path / "out"
    con = duckdb.connect(str(city), read_only=True)
    try:
        publish_changed(con, out, config)
        jobs, skipped = plan(con, out, config, force=True)
        assert len(jobs) == 4 and not skipped
        (out / str(TAHUN) / "4.01.05" / "csv" / "tabel_3_31.csv").unlink()
        jobs, _ = plan(con, out, config)
        assert [j.unit.kode_skpd for j in jobs] == ["4.01.05"]
        renamed = load_config(workspace=config.workspace, overrides={"skpd": {KODE: "SETDA BARU"}})
        jobs, _ = plan(con, out, renamed)
        assert len(jobs) == 4  # the settings are part of every unit's digest
    finally:
        con.close()


@pytest.mark.parametrize("start", ["spawn", "forkserver"])
def test_parallel_publishing_gives_the_serial_outputs(city, config, tmp_path, start, monkeypatch):
    """On spawned workers, and on workers forked from the run's fork server (after a big drop
    was read on it: lkip.read_pool, which then imported publishing too; a platform without a
    fork server spawns them there too)."""
    from lkip import read_pool

    if start == "forkserver":
        if not read_pool.start_fork_server():
            start = "spawn"
    else:
        monkeypatch.setattr(read_pool, "fork_server_running", lambda: False)
    con = duckdb.connect(str(city), read_only=True)
    try:
        serial = publish_all(con, tmp_path / "serial", config, workers=1)
        with runner_pools() as made:
            parallel = publish_all(con, tmp_path / "parallel", config, workers=2)
        assert made and all(p._mp_context.get_start_method() == start for p in made)
    finally:
        con.close()
    assert [p.relative_to(tmp_path / "serial") for p in serial] == \
        [p.relative_to(tmp_path / "parallel") for p in parallel]
    _same_outputs(tmp_path / "serial", tmp_path / "parallel")


def test_safe_text():
    assert clean("a\x07b_x0007_c\x00d\ufffe") == "abcd"
    assert clean("tab\tbaris\nbaru_x000A_") == "tab\tbaris\nbaru_x000A_"  # legal in XML: kept
    assert chart_text(HOSTILE_PROGRAM) == r"Program \$\undefinedcmd{x}\$ Pelayanan"
    assert file_stem("4.01.01") == "4.01.01"
    assert file_stem("../../etc/passwd") == ".._.._etc_passwd"
    assert file_stem("..") == "_.."
    assert shorten("Program Pelayanan Administrasi Perkantoran", 20) == "Program Pelayanan…"
    assert len(shorten("x" * 500, 40)) == 40


def test_unit_folder_cannot_leave_the_output(city, config, tmp_path, no_charts):
    con = duckdb.connect(str(city))
    con.execute("update laporan.lampiran_3 set kode_skpd = '../luar' where kode_skpd = '4.01.05'")
    con.close()
    con = duckdb.connect(str(city), read_only=True)
    try:
        publish_all(con, tmp_path / "out", config, kode_skpd="../luar")
    finally:
        con.close()
    assert (tmp_path / "out" / str(TAHUN) / ".._luar" / "LKIP_.._luar_2020.xlsx").is_file()
    assert not (tmp_path / "luar").exists()
    shutil.rmtree(tmp_path / "out")
