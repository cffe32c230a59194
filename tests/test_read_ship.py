"""A read worker's result comes back through a memory-mapped file (lkip.read_ship): the same
Prepared as today's pickling (frames with their dtypes, the raw parts), and no file left behind
after a success, a reader's error or a worker's death; today's pickling where the file cannot be."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from decimal import Decimal
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from conftest import EXAMPLE
from lkip import ingest, read_pool, read_ship
from lkip.config import load_config
from lkip.raw_layer import RawCells
from xlsx_builders import register_rows, register_sheet, write_xlsx


def _prepared() -> ingest.Prepared:
    """A Prepared with the column kinds the readers give: ArrowDtype decimal money and dates,
    text codes (str and categorical), Int64, bool, Decimal objects, floats with NaN; a RawCells
    raw part (a sheet's Arrow text table) and a JSON-rows table."""
    n = 1000
    codes = [f"4.01.{i % 7:02d}" for i in range(n)]
    frame = pd.DataFrame({
        "urutan": pd.array(range(n), dtype="Int64"),
        "kode_skpd": pd.Categorical(codes),
        "nomor": pd.array([f"{i:05d}/SP2D" for i in range(n)], dtype="str"),
        "tanggal": pd.array(pa.array([19000 + i % 300 for i in range(n)], pa.date32()), dtype=pd.ArrowDtype(pa.date32())),
        "nilai": pd.array(pa.array([Decimal(i) / 100 for i in range(n)], pa.decimal128(18, 2)),
                          dtype=pd.ArrowDtype(pa.decimal128(18, 2))),
        "pagu": pd.Series([Decimal(f"{i}.25") if i % 5 else None for i in range(n)], dtype=object),
        "persen": [np.nan if i % 9 == 0 else i / 3 for i in range(n)],
        "ada": [i % 2 == 0 for i in range(n)],
        "excel_row": pd.array(range(7, n + 7), dtype="Int64"),
    })
    frame.loc[3, "urutan"] = pd.NA
    small = pd.DataFrame({"kode": ["1.01", "1.02"], "uraian": ["Program A", None]})
    cells = pa.table({f"__UNNAMED__{i}": pa.array([f"r{r}c{i}" if (r + i) % 11 else None for r in range(n + 5)])
                      for i in range(4)})
    # a column over read-only buffers (as fastexcel gives them): read-only again after the trip
    text = pa.array([f"kode {r}" for r in range(n + 5)])
    frozen = pa.Array.from_buffers(pa.string(), len(text), [None] + [pa.py_buffer(b.to_pybytes()) for b in text.buffers()[1:]])
    cells = cells.append_column("__UNNAMED__9", frozen)
    positions = np.arange(2, n + 2, dtype=np.int64)
    positions.flags.writeable = False           # read-only here: writable after today's pickling
    raw = [RawCells(sheet="Register SP2D", tabel="register_sp2d", cells=cells, positions=positions, origin=6, lead=1),
           pa.table({"sheet": ["S"], "excel_row": pa.array([5], pa.int64()), "tabel": ["renja"], "nilai": ['["a"]']})]
    return ingest.Prepared(path=Path("input/register.xlsx"), rel_path="register.xlsx", sha256="ab" * 32,
                           size=1234, kind="register_sp2d", tables={"register_sp2d": frame, "kecil": small},
                           raw=raw, headers={"Register SP2D": {"A": "No"}})


def _flags(df: pd.DataFrame) -> list:
    """How each block's arrays came back: numpy writable, Arrow buffers mutable, chunks."""
    out = []
    for b in df._mgr.blocks:
        v = b.values
        if isinstance(v, np.ndarray):
            out.append(("numpy", str(v.dtype), v.flags.writeable))
        elif hasattr(v, "_pa_array"):
            out.append(("arrow", str(v.dtype), v._pa_array.num_chunks,
                        [[x.is_mutable for x in c.buffers() if x is not None] for c in v._pa_array.chunks]))
        elif hasattr(v, "_mask"):
            out.append(("masked", str(v.dtype), v._data.flags.writeable, v._mask.flags.writeable))
        elif hasattr(v, "codes"):
            out.append(("category", v.codes.flags.writeable, _flags(pd.DataFrame({"c": v.categories}))))
        else:
            out.append(type(v).__name__)
    return out


def _mutable(table: pa.Table) -> list:
    return [[x.is_mutable for c in col.chunks for x in c.buffers() if x is not None] for col in table.columns]


def _assert_same(got: ingest.Prepared, want: ingest.Prepared, flags: bool = True) -> None:
    """Equal files; `flags`: and the arrays as writable, the Arrow buffers as mutable, as in `want`
    (both pickled: pickling drops an all-valid bitmap, whichever way)."""
    assert (got.path, got.rel_path, got.sha256, got.size, got.kind, got.headers) == \
        (want.path, want.rel_path, want.sha256, want.size, want.kind, want.headers)
    assert sorted(got.tables) == sorted(want.tables)
    for name in want.tables:
        pd.testing.assert_frame_equal(got.tables[name], want.tables[name], check_exact=True)
        assert list(got.tables[name].dtypes) == list(want.tables[name].dtypes)
        assert not flags or _flags(got.tables[name]) == _flags(want.tables[name])
    assert len(got.raw) == len(want.raw)
    for a, b in zip(got.raw, want.raw):
        assert type(a) is type(b)
        if isinstance(b, RawCells):
            assert (a.sheet, a.tabel, a.origin, a.lead) == (b.sheet, b.tabel, b.origin, b.lead)
            assert a.cells.equals(b.cells) and a.cells.schema == b.cells.schema
            assert not flags or _mutable(a.cells) == _mutable(b.cells)
            assert a.positions.dtype == b.positions.dtype and np.array_equal(a.positions, b.positions)
            assert not flags or a.positions.flags.writeable == b.positions.flags.writeable
        else:
            assert a.equals(b)
    assert pickle.dumps(got.raw) == pickle.dumps(want.raw)


def test_the_round_trip_through_a_file_gives_what_todays_pickling_gives(tmp_path):
    prep = _prepared()
    today = pickle.loads(ForkingPickler.dumps(prep))
    shipment = read_ship.pack(prep, str(tmp_path))
    assert isinstance(shipment, read_ship.Shipment)
    assert os.listdir(tmp_path) == [Path(shipment.path).name]
    sent = ForkingPickler.dumps(shipment)          # what goes through the pipe: no column buffer
    assert len(sent) < len(ForkingPickler.dumps(prep)) / 3
    back = pickle.loads(sent)
    assert os.listdir(tmp_path) == []              # unlinked as soon as it was mapped
    _assert_same(back, today)
    assert _mutable(back.raw[0].cells)[-1] == [False, False]
    assert back.raw[0].positions.flags.writeable
    _assert_same(back, prep, flags=False)
    frame = back.tables["register_sp2d"]
    frame.loc[0, "persen"] = 42.0                  # writable, as after today's pickling
    assert frame.loc[0, "persen"] == 42.0 and prep.tables["register_sp2d"].loc[0, "persen"] != 42.0


def test_today_s_pickling_where_the_file_cannot_be_written(tmp_path, monkeypatch):
    prep = _prepared()
    assert read_ship.pack(prep, None) is prep                       # no directory (not a worker)
    assert read_ship.pack(ValueError("x"), str(tmp_path)).args == ("x",)   # nothing out of band
    monkeypatch.setattr(read_ship, "MIN_FREE_MB", 1e12)             # no room there
    assert read_ship.pack(prep, str(tmp_path)) is prep
    monkeypatch.undo()
    assert read_ship.pack(prep, str(tmp_path / "gone")) is prep     # cannot write there
    assert os.listdir(tmp_path) == []
    monkeypatch.setattr(read_ship, "ENABLED", False)
    assert read_ship.make_dir() is None


def _workspace(tmp: Path) -> tuple[object, list[str]]:
    (tmp / "input").mkdir(parents=True)
    for f in sorted((EXAMPLE / "input").glob("*.xlsx"))[:2]:
        shutil.copy(f, tmp / "input" / f.name)
    write_xlsx(tmp / "input" / "register_tambahan.xlsx", [("Register SP2D", register_sheet(register_rows(80)))])
    (tmp / "lkip.toml").write_text("[runner]\nmax_workers = 2\nread_processes_mb = 0\n")
    cfg = load_config(workspace=tmp)
    return cfg, sorted(str(p) for p in (tmp / "input").glob("*.xlsx"))


def _pool_dirs(base: Path) -> list[str]:
    return sorted(n for n in os.listdir(base) if n.startswith(f"{read_ship.PREFIX}{os.getpid()}-"))


def test_the_read_pool_sends_each_file_through_a_file_and_leaves_none(tmp_path, monkeypatch):
    base = tmp_path / "shm"
    base.mkdir()
    monkeypatch.setattr(read_ship, "_base_dirs", lambda: [str(base)])
    received = []
    real_unpack = read_ship.unpack
    monkeypatch.setattr(read_ship, "unpack", lambda *a: received.append(a[0]) or real_unpack(*a))
    cfg, paths = _workspace(tmp_path / "ws")
    with read_pool.read_pool(cfg, paths, 2) as pool:
        assert isinstance(pool, ProcessPoolExecutor)
        [pool_dir] = _pool_dirs(base)
        assert (base / pool_dir).stat().st_mode & 0o777 == 0o700
        futures = [pool.submit(read_pool.prepare_portable, p, cfg, None) for p in paths]
        failing = pool.submit(read_pool.prepare_portable, str(tmp_path / "hilang.xlsx"), cfg, None)
        results = {p: fut.result() for p, fut in zip(paths, futures)}
        with pytest.raises(read_pool.ReaderFailed):  # a reader's error: no file written
            failing.result()
        assert os.listdir(base / pool_dir) == []     # every file unlinked once received
    del pool
    assert _pool_dirs(base) == []                    # and the pool's directory gone with it
    assert len(received) == len(paths) == 3
    for p in paths:       # what a thread (this process) prepares: the small drop's way, unchanged
        here = read_pool.prepare_portable(p, cfg, None)
        assert isinstance(here, ingest.Prepared)
        assert isinstance(results[p], ingest.Prepared)
        _assert_same(results[p], pickle.loads(ForkingPickler.dumps(here)))
        assert [i.text() for i in results[p].issues] == [i.text() for i in here.issues]


def _write_and_die(n: int) -> None:
    """In a worker: its result's file written, then the worker dies before sending it."""
    read_ship.ship(np.zeros(n))
    os._exit(3)


def test_the_file_of_a_worker_that_died_goes_with_the_pool(tmp_path, monkeypatch):
    base = tmp_path / "shm"
    base.mkdir()
    monkeypatch.setattr(read_ship, "_base_dirs", lambda: [str(base)])
    with read_ship.process_pool(1, read_pool.process_context()) as pool:
        [pool_dir] = _pool_dirs(base)
        with pytest.raises(BrokenProcessPool):
            pool.submit(_write_and_die, 100_000).result()
        assert len(os.listdir(base / pool_dir)) == 1
    del pool
    assert _pool_dirs(base) == []


def test_a_directory_left_by_a_killed_run_is_removed_by_the_next_pool(tmp_path, monkeypatch):
    base = tmp_path / "shm"
    base.mkdir()
    monkeypatch.setattr(read_ship, "_base_dirs", lambda: [str(base)])
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = base / f"{read_ship.PREFIX}{gone.pid}-abc"
    stale.mkdir()
    (stale / "tmp123").write_bytes(b"x" * 100)
    alive = base / f"{read_ship.PREFIX}1-abc"          # a process that runs: left alone
    alive.mkdir()
    other = base / "bukan-lkip"
    other.mkdir()
    pool = read_ship.process_pool(1, read_pool.process_context())
    try:
        assert not stale.exists() and alive.exists() and other.exists()
        assert pool.submit(abs, -2).result() == 2
    finally:
        pool.shutdown()


def test_a_pool_without_the_mechanism_pickles_as_today(tmp_path, monkeypatch):
    base = tmp_path / "shm"
    base.mkdir()
    monkeypatch.setattr(read_ship, "_base_dirs", lambda: [str(base)])
    monkeypatch.setattr(read_ship, "ENABLED", False)
    cfg, paths = _workspace(tmp_path / "ws")
    register = [p for p in paths if "register" in p]
    with read_pool.read_pool(cfg, paths, 2) as pool:
        assert os.listdir(base) == []
        got = pool.submit(read_pool.prepare_portable, register[0], cfg, None).result()
    _assert_same(got, pickle.loads(ForkingPickler.dumps(read_pool.prepare_portable(register[0], cfg, None))))
