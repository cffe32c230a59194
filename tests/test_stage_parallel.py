"""Staging several SKPD side by side (lkip.stage_parallel) gives the serial warehouse: each SKPD's
files in staging order on one worker, a file of several SKPD alone between the others."""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from lkip import drop, ingest, model, stage, stage_parallel
from lkip.config import load_config

sys.path.insert(0, str(ROOT / "bench"))
import generate  # noqa: E402  (the city drop's generator: Renja, register, form per SKPD)


class _Meta:
    def __init__(self, kode, tahun, bagian=None):
        self.kode_skpd, self.tahun, self.bagian = kode, tahun, bagian or {}


class _Prep:
    def __init__(self, meta, kind="renja"):
        self.meta, self.kind = meta, kind


def test_groups_keep_each_skpd_in_order_and_a_file_of_several_skpd_alone():
    keys = [stage_parallel.group_key(_Prep(m)) for m in (
        _Meta("1", 2020), _Meta("2", 2020), _Meta("1", 2020), _Meta("1", 2021),
        _Meta(None, None, {"1": 1, "2": 2}),
        _Meta("2", 2020), _Meta("3", 2020))]
    assert stage_parallel.segments(keys) == [[[0, 2], [1], [3]], [[4]], [[5], [6]]]
    assert stage_parallel.group_key(_Prep(None)) == (None, None)       # no meta (a rejected file)
    assert stage_parallel.group_key(_Prep(None, kind=None)) is stage_parallel.ALONE   # no known kind
    assert stage_parallel.worth_it(keys, 2)
    assert not stage_parallel.worth_it(keys, 1)
    one_skpd = [stage_parallel.group_key(_Prep(_Meta("1", 2020)))] * 3
    assert not stage_parallel.worth_it(one_skpd, 2)


def _drop(ws: Path, made: Path | None = None) -> object:
    """Three SKPD (Renja, register, form each), a corrected register of SKPD 2 later in the drop
    and a file that is no workbook; ``made``: a copy of that drop made before (same bytes)."""
    inp = ws / "input"
    if made is not None:
        shutil.copytree(made / "input", inp, copy_function=shutil.copy2)
        return load_config(workspace=ws)
    for i in (1, 2, 3):
        (inp / generate.skpd_code(i)).mkdir(parents=True)
        generate.write_skpd(inp / generate.skpd_code(i), i, 300, 6)
    (inp / "zz_ulang").mkdir()       # a corrected register of SKPD 2, later in the drop: it replaces the first
    generate.write_redrop(inp / "zz_ulang", 2, 300, 6)
    (inp / "zz_ulang" / "rusak.xlsx").write_bytes(b"bukan excel")
    return load_config(workspace=ws)


def _stage(ws: Path, workers: int, made: Path | None = None, run_id: str = "r1"):
    cfg = _drop(ws, made)
    paths = [str(p) for p in ingest.discover(cfg, settle_check=False)]
    prepared, records = drop.prepare_drop(cfg, paths)
    assert not records
    con = stage.connect(cfg)
    stage.start_run(con, run_id)
    staged = drop.stage_drop(cfg, con, prepared, run_id, workers=workers)
    model.build(con, cfg)
    return cfg, con, staged


def _digest(con, ws: Path, sql: str) -> str:
    h = hashlib.sha256()
    for row in con.execute(sql).fetchall():
        h.update(repr(row).replace(str(ws), "<ws>").encode())
    return h.hexdigest()


QUERIES = [
    "select * from staging.register_sp2d order by all",
    "select * from staging.renja order by all",
    "select * exclude (file_sha256) from staging.realisasi_fisik order by all",
    "select * from raw.baris order by all",
    "select * exclude (staged_at) from meta.files order by all",
    "select * from meta.issues order by all",
    "select file_sha256, kind, kode_skpd, tahun from core.file_aktif order by all",
    "select * from core.sp2d order by all",
    "select * from laporan.lampiran_3 order by all",
]


def test_staging_side_by_side_gives_the_serial_warehouse(tmp_path, monkeypatch):
    calls: list[int] = []
    real = stage_parallel.run_groups
    monkeypatch.setattr(stage_parallel, "run_groups", lambda n, *a, **k: calls.append(n) or real(n, *a, **k))
    _drop(tmp_path / "drop")
    _, serial, s1 = _stage(tmp_path / "a", 1, tmp_path / "drop")
    _, parallel, s2 = _stage(tmp_path / "b", 2, tmp_path / "drop")
    try:
        assert calls == [len(s2.records)]       # the serial run did not go through the workers
        assert [r["outcome"] for r in s1.records] == [r["outcome"] for r in s2.records]
        assert [r["name"] for r in s1.records] == [r["name"] for r in s2.records]   # staging order
        assert sorted(r["outcome"] for r in s2.records).count("rejected") == 1
        superseded = serial.execute("select count(*) from meta.files where superseded_by is not null").fetchone()[0]
        assert superseded == 1          # the corrected register replaced SKPD 2's first one
        n_skpd = serial.execute("select count(distinct kode_skpd) from staging.register_sp2d").fetchone()[0]
        assert n_skpd == 3
        for sql in QUERIES:
            assert _digest(serial, tmp_path / "a", sql) == _digest(parallel, tmp_path / "b", sql), sql
    finally:
        serial.close()
        parallel.close()


def test_a_file_that_fails_stops_its_skpd_and_no_new_file_starts(tmp_path, monkeypatch, caplog):
    cfg = _drop(tmp_path)
    prepared, _ = drop.prepare_drop(cfg, [str(p) for p in ingest.discover(cfg, settle_check=False)])
    bad = next(p for p in prepared if p.meta and p.meta.kode_skpd == generate.skpd_code(2) and p.kind == "renja")
    real = ingest.stage

    def staging(con, prep, *args, **kwargs):
        if prep is bad:
            raise RuntimeError("disk tiba-tiba penuh")
        return real(con, prep, *args, **kwargs)

    monkeypatch.setattr(ingest, "stage", staging)
    con = stage.connect(cfg)
    stage.start_run(con, "r1")
    with pytest.raises(RuntimeError, match="penuh"):
        drop.stage_drop(cfg, con, prepared, "r1", workers=2)
    assert Path(bad.path).exists()                       # left in input/ for the next run
    assert any(bad.path.name in r.getMessage() and "gagal dimuat" in r.getMessage() for r in caplog.records)
    staged_2 = con.execute("select count(*) from meta.files where kode_skpd = ?", [generate.skpd_code(2)]).fetchone()[0]
    assert staged_2 == 0                                 # nothing of SKPD 2 after its failing Renja
    con.close()
