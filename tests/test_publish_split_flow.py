"""The flow's publish step after one SKPD's re-drop: two units to publish in a city of four, fewer
than min_units_parallel; the city is big, so its workbook goes to the worker process started before
the plan while the flow's process writes the rest (flows.publish_step, runner.InProcess): the bytes
of the serial publish, one task run per unit."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
from prefect import flow

from flows.publish_step import publish_units
from lkip.config import load_config
from lkip.publish import publish_all
from lkip.publish.digest import MANIFEST
from fixtures_publish import same_published_file, spy_split
from test_publish_runner import KODE, _cells, _city

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@flow(persist_result=False)
def _publish(cfg, warehouse: str):
    con = duckdb.connect(warehouse, read_only=True)
    try:
        return publish_units(cfg, con)
    finally:
        con.close()


def _same(a: Path, b: Path, rel: str) -> None:
    if rel.endswith((".csv", ".png", ".html")):
        assert same_published_file(a, b, rel), rel
    elif rel.endswith(".xlsx"):
        assert _cells(a) == _cells(b), rel
    elif rel.endswith(".docx"):
        with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
            assert za.read("word/document.xml") == zb.read("word/document.xml"), rel


def split_city(tmp_path: Path) -> tuple[Path, Any, Path]:
    """(warehouse, config, output folder) of a city of four units whose city is split when two
    units are published (split_rows 1), on two workers."""
    warehouse = _city(tmp_path / "wh" / "lkip.duckdb")
    cfg = load_config(workspace=tmp_path / "ws", overrides={
        "skpd": {KODE: "SEKRETARIAT DAERAH"},
        "publish": {"split_rows": 1, "workers": 2, "min_units_parallel": 4}})
    return warehouse, cfg, Path(cfg.output_dir)


def test_redrop_city_workbook_on_the_worker_same_bytes(tmp_path, prefect_api_url, monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    warehouse, cfg, out = split_city(tmp_path)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        publish_all(con, out, cfg, workers=1)
        publish_all(con, tmp_path / "serial", cfg, workers=1)
    finally:
        con.close()
    for folder in (KODE, "kota"):  # as after a re-drop of that SKPD: these two are published again
        (out / "2020" / folder / MANIFEST).unlink()

    calls = spy_split(monkeypatch)
    with temporary_settings(updates={PREFECT_API_URL: prefect_api_url}):
        paths, summary = _publish(cfg, str(warehouse))
    assert summary["unit_diterbitkan"] == 2 and summary["unit_tidak_berubah"] == 2 and not summary["unit_gagal"]
    assert sorted(calls) == [("4.01.03", True), ("kota", True)]  # both split; base and documents here
    assert {Path(p).relative_to(out).parts[1] for p in paths} == {KODE, "kota"}
    for p in paths:
        rel = str(Path(p).relative_to(out))
        _same(Path(p), tmp_path / "serial" / rel, rel)
