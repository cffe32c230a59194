"""bench/sipd_dokumen.py runs (a tiny file): both readers read it, the ratios are reported."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def _bench(name: str, argv: list[str]) -> dict:
    """bench/sipd_dokumen.py's main(argv), loaded as module ``name``; the reader's threshold put back."""
    path = Path(__file__).resolve().parents[1] / "bench" / "sipd_dokumen.py"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    from lkip.extract import realisasi_dokumen_fast as F

    before = F.FAST_MIN_ROWS
    try:
        return mod.main(argv)
    finally:
        F.FAST_MIN_ROWS = before


def test_sipd_dokumen_bench_runs():
    got = _bench("bench_sipd_dokumen", ["--rows", "50"])
    assert got["rows"] == 50 and {"floor_s", "columns_s", "rows_s", "columns_over_floor", "rows_over_columns"} <= set(got)


def test_sipd_dokumen_bench_city_scenario_runs():
    """--skpd: a city-wide file, read column-wise and cut into one part per SKPD."""
    got = _bench("bench_sipd_dokumen_city", ["--rows", "60", "--skpd", "4", "--no-rows", "--stage"])
    assert got["skpd"] == 4 and got["fast_path"] is True and "rows_s" not in got
    assert {"floor_s", "calamine_s", "columns_s", "split_s", "columns_over_floor", "columns_over_calamine"} <= set(got)
    assert got["staged_rows"] == 60 and "stage_parts_over_one" in got
