"""A re-drop's publish worker is started before the model build (flows.publish_step.pool_before_model)
when a whole publish happened before: at least min_units_parallel unit folders hold a manifest, and
not with force; publish_units then hands the city's workbook to that very pool: the serial bytes."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from prefect import flow

import lkip.publish.runner as runner
from flows.publish_step import pool_before_model, publish_units
from lkip.config import load_config
from lkip.publish import publish_all
from lkip.publish.digest import MANIFEST
from test_publish_runner import KODE, _city
from test_publish_split_flow import _same

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def _cfg(ws: Path, **publish):
    return load_config(workspace=ws, overrides={
        "skpd": {KODE: "SEKRETARIAT DAERAH"},
        "publish": {"split_rows": 1, "workers": 2, "min_units_parallel": 4, **publish}})


def test_started_only_after_a_whole_publish_and_not_with_force(tmp_path):
    cfg = _cfg(tmp_path / "ws")
    out = Path(cfg.output_dir)
    for i in range(3):
        (out / "2020" / f"4.01.0{i}").mkdir(parents=True)
        (out / "2020" / f"4.01.0{i}" / MANIFEST).write_text("{}")
    assert pool_before_model(cfg) is None  # 3 < min_units_parallel: a first run, or a small office
    (out / "2020" / "kota").mkdir()
    (out / "2020" / "kota" / MANIFEST).write_text("{}")
    assert pool_before_model(cfg, force=True) is None  # every unit again: publish_units' own workers
    assert pool_before_model(_cfg(tmp_path / "ws", workers=1)) is None
    pool = pool_before_model(cfg)
    try:
        assert isinstance(pool, runner.ProcessPoolExecutor) and pool.lkip_warm.result(timeout=120) > 0
    finally:
        pool.shutdown(wait=True)


@flow(persist_result=False)
def _publish(cfg, warehouse: str, started):
    con = duckdb.connect(warehouse, read_only=True)
    try:
        return publish_units(cfg, con, started=started)
    finally:
        con.close()


def test_redrop_uses_the_pool_started_before_the_model(tmp_path, prefect_api_url, monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    warehouse = _city(tmp_path / "wh" / "lkip.duckdb")
    cfg = _cfg(tmp_path / "ws")
    out = Path(cfg.output_dir)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        publish_all(con, out, cfg, workers=1)
        publish_all(con, tmp_path / "serial", cfg, workers=1)
    finally:
        con.close()
    for folder in (KODE, "kota"):  # as after a re-drop of that SKPD
        (out / "2020" / folder / MANIFEST).unlink()
    started = pool_before_model(cfg)  # 2 of 4 manifests left: not enough
    assert started is None
    (out / "2020" / "extra-a").mkdir()
    (out / "2020" / "extra-a" / MANIFEST).write_text("{}")
    (out / "2020" / "extra-b").mkdir()
    (out / "2020" / "extra-b" / MANIFEST).write_text("{}")
    started = pool_before_model(cfg)
    assert started is not None
    pools = []
    real = runner.after_warm

    def spy(pool):
        pools.append(pool)
        return real(pool)

    monkeypatch.setattr(runner, "after_warm", spy)
    with temporary_settings(updates={PREFECT_API_URL: prefect_api_url}):
        paths, summary = _publish(cfg, str(warehouse), started)
    assert summary["unit_diterbitkan"] == 2 and not summary["unit_gagal"]
    assert pools and all(p is started for p in pools)  # the city's workbook went to that pool
    for p in paths:
        rel = str(Path(p).relative_to(out))
        _same(Path(p), tmp_path / "serial" / rel, rel)
