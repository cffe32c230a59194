"""A full publish starts every worker process before the plan (each imports as it starts); a
re-drop (manifests in every folder) starts one, as before."""

from __future__ import annotations

import os
from pathlib import Path

from flows.publish_step import likely_many
from lkip.config import load_config
from lkip.publish import runner
from lkip.publish.digest import MANIFEST


def _imported(_: int) -> tuple[int, bool]:
    import sys

    return os.getpid(), "lkip.publish.charts" in sys.modules


def test_every_worker_started_and_importing():
    pool = runner.warm_pool(2, every=True)
    try:
        assert pool.lkip_warm.result(timeout=120) and all(f.result(timeout=120) for f in pool.lkip_warm_rest)
        assert len(pool._processes) == 2  # both spawned at once, not when jobs wait
        seen = {pool.submit(_imported, i).result(timeout=60) for i in range(8)}
        assert all(imported for _, imported in seen)  # the initializer imported publishing
    finally:
        pool.shutdown()


def test_one_worker_unless_every():
    pool = runner.warm_pool(2)
    try:
        pool.lkip_warm.result(timeout=120)
        assert len(pool._processes) == 1 and not hasattr(pool, "lkip_warm_rest")
    finally:
        pool.shutdown()


def test_likely_many_from_the_manifests(tmp_path: Path):
    cfg = load_config(workspace=tmp_path)  # min_units_parallel 4 by default
    out = tmp_path / "output"
    units = [(2020, f"4.01.0{i}") for i in range(1, 6)] + [(2020, "KOTA")]
    assert likely_many(cfg, out, units, force=False)  # a first run: no manifest anywhere
    for tahun, kode in units:
        folder = out / str(tahun) / ("kota" if kode == "KOTA" else kode)
        folder.mkdir(parents=True)
        (folder / MANIFEST).write_text("{}", encoding="utf-8")
    assert not likely_many(cfg, out, units, force=False)  # a re-drop: every unit published before
    assert likely_many(cfg, out, units, force=True)  # lkip report --force
    (out / "2020" / "kota" / MANIFEST).unlink()
    (out / "2020" / "4.01.01" / MANIFEST).unlink()
    assert not likely_many(cfg, out, units, force=False)  # two missing: fewer than 4
    assert not likely_many(cfg, out, units[:3], force=True)
