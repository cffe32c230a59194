"""A big unit split over processes (runner.run_job_split: CSVs and charts, then the workbook beside
the documents) writes what the serial publish writes, and fails as one unit."""

from __future__ import annotations

import json
import zipfile
from concurrent.futures import Future
from pathlib import Path

import duckdb
import pytest

import lkip.publish as publish_pkg
from lkip.config import load_config
from lkip.publish import publish_all
from lkip.publish.digest import MANIFEST
from lkip.publish.runner import few_units, is_big, plan, run_job, run_job_split
from test_publish_runner import KODE, _city, _same_outputs

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    return _city(tmp_path_factory.mktemp("city") / "lkip.duckdb")


def _config(ws: Path, split_rows: int):
    return load_config(workspace=ws, overrides={"skpd": {KODE: "SEKRETARIAT DAERAH"},
                                                "publish": {"split_rows": split_rows, "min_units_parallel": 9}})


def _docx_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml")


def test_split_publishing_gives_the_serial_bytes(city, tmp_path):
    serial_cfg, split_cfg = _config(tmp_path / "ws1", 10**9), _config(tmp_path / "ws2", 1)
    con = duckdb.connect(str(city), read_only=True)
    try:
        jobs, _ = plan(con, tmp_path / "x", split_cfg)
        assert jobs and all(is_big(j, split_cfg) for j in jobs) and few_units(jobs, split_cfg)
        assert not any(is_big(j, serial_cfg) for j in jobs)
        many = load_config(workspace=tmp_path / "ws3", overrides={"publish": {"min_units_parallel": 2}})
        assert not few_units(jobs, many)  # as many units as processes could share: none is split
        serial = publish_all(con, tmp_path / "serial", serial_cfg, workers=1)
        split = publish_all(con, tmp_path / "split", split_cfg, workers=2)
    finally:
        con.close()
    assert sorted(p.relative_to(tmp_path / "serial") for p in serial) == \
        sorted(p.relative_to(tmp_path / "split") for p in split)
    _same_outputs(tmp_path / "serial", tmp_path / "split")  # CSV, PNG, HTML bytes; workbook cells
    for a in sorted((tmp_path / "serial").rglob("*.docx")):
        assert _docx_xml(a) == _docx_xml(tmp_path / "split" / a.relative_to(tmp_path / "serial")), a
    for a in sorted((tmp_path / "serial").rglob(MANIFEST)):  # same files recorded (the digest holds the settings)
        b = tmp_path / "split" / a.relative_to(tmp_path / "serial")
        assert json.loads(a.read_text())["files"] == json.loads(b.read_text())["files"]


def _inline(fn, *args):
    """A pool's submit run here and now (monkeypatches stay in force)."""
    f: Future = Future()
    f.set_result(fn(*args))
    return f


def test_split_unit_failing_part_fails_the_unit(city, tmp_path, monkeypatch):
    cfg = _config(tmp_path / "ws", 1)
    con = duckdb.connect(str(city), read_only=True)
    try:
        jobs, _ = plan(con, tmp_path / "out", cfg)
    finally:
        con.close()
    kota = next(j for j in jobs if j.unit.is_kota)
    monkeypatch.setattr(publish_pkg, "build_charts", lambda unit, folder, cache=None: [])
    same = run_job_split(kota, tmp_path / "out", cfg, _inline)
    assert same.error is None and (tmp_path / "out" / "2020" / "kota" / MANIFEST).is_file()
    whole = run_job(kota, tmp_path / "again", cfg)
    assert sorted(Path(p).relative_to(tmp_path / "out") for p in same.paths) == \
        sorted(Path(p).relative_to(tmp_path / "again") for p in whole.paths)

    def broken(*a, **k):
        raise OSError("disk rusak")

    monkeypatch.setattr(publish_pkg, "write_workbook", broken)
    res = run_job_split(kota, tmp_path / "out", cfg, _inline)
    assert res.error == ("Keluaran kota (konsolidasi) tahun 2020 gagal diterbitkan (OSError: disk rusak); "
                         "SKPD lain tetap diterbitkan.")
    assert not res.paths and not (tmp_path / "out" / "2020" / "kota" / MANIFEST).exists()  # tried again next run
