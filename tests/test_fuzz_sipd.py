"""The layout fuzzer over the SIPD-era kinds: the SIPD example's "Laporan Realisasi Per Dokumen" in
random layouts (tests/layout_fuzz_sipd.py) reads to the example's own rows, by the row reader and by
the column-wise reader, also as a city-wide file (the rows repeated for other SKPD: each SKPD's rows
and last date are the example's); the SIPD register's two layouts with every date style read to the same SP2D.
``make test`` runs a few seeded examples; ``make fuzz`` (marker ``fuzz``) many more."""

from __future__ import annotations

import os
from functools import lru_cache
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from layout_fuzz_sipd import CITY_SKPD, DOKUMEN_FILE, DokumenLayout, dokumen_layouts, render_dokumen
from lkip import sipd_rules
from lkip.extract import realisasi_dokumen as R
from lkip.extract import realisasi_dokumen_fast as F
from lkip.extract.workbook import open_workbook
from tests import sipd_builders as B

FAST_EXAMPLES = int(os.environ.get("LKIP_FUZZ_FAST", "3"))
FUZZ_EXAMPLES = int(os.environ.get("LKIP_FUZZ_EXAMPLES", "1000"))
COMMON = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck), print_blob=True)
if os.environ.get("LKIP_FUZZ_NO_SHRINK"):      # exploring: report the first failure as drawn
    COMMON["phases"] = [Phase.explicit, Phase.reuse, Phase.generate]
COMPARED = [c for c in R.COLUMNS if c not in ("urutan", "sheet", "excel_row")]


def _norm(v):
    return None if (v is None or v is pd.NA or (isinstance(v, float) and v != v)) else v


def _rows(result) -> list[tuple]:
    df = result.tables["realisasi_dokumen"]
    return list(zip(*[[_norm(v) for v in df[c].tolist()] for c in COMPARED]))


@lru_cache(maxsize=1)
def _canonical():
    res = R.read(open_workbook(DOKUMEN_FILE))
    assert not res.issues
    return _rows(res), (res.meta.kode_skpd, res.meta.tahun, res.meta.periode_akhir)


def check_dokumen(lay: DokumenLayout, tmp_path, fast: bool) -> None:
    path = render_dokumen(lay, tmp_path / "dokumen.xlsx")
    min_rows = F.FAST_MIN_ROWS
    F.FAST_MIN_ROWS = 0 if fast else 10**12
    try:
        res = R.read(open_workbook(path), sipd_rules.load_rules())
    finally:
        F.FAST_MIN_ROWS = min_rows
    assert not res.errors, [i.text() for i in res.errors][:5]
    rows, meta = _canonical()
    if lay.city:                   # a city-wide file: each SKPD's rows are the example's, under its code
        own = meta[0]
        assert res.meta.kode_skpd is None and res.meta.tahun == meta[1] and res.meta.periode_akhir == meta[2]
        assert sorted(res.meta.bagian) == sorted([own, *CITY_SKPD[:lay.city]])
        df = res.tables["realisasi_dokumen"]
        sub = COMPARED.index("kode_sub_skpd")
        for kode, part in res.meta.bagian.items():
            assert (part.kode_skpd, part.tahun, part.periode_akhir) == (kode, meta[1], meta[2])
            got = _rows(SimpleNamespace(tables={"realisasi_dokumen": df[df["kode_skpd"] == kode]}))
            want = [w[:sub] + (None if w[sub] is None else w[sub].replace(own, kode),) + w[sub + 1:] for w in rows]
            _same_rows(got, want)
        return
    assert (res.meta.kode_skpd, res.meta.tahun, res.meta.periode_akhir) == meta
    _same_rows(_rows(res), rows)


def _same_rows(got: list[tuple], rows: list[tuple]) -> None:
    assert len(got) == len(rows)
    for i, (g, w) in enumerate(zip(got, rows)):
        assert g == w, (i, [(c, x, y) for c, x, y in zip(COMPARED, g, w) if x != y])


@seed(20240101)
@settings(max_examples=FAST_EXAMPLES, **COMMON)
@given(lay=dokumen_layouts(), fast=st.booleans())
def test_dokumen_random_layouts_read_to_the_example_rows(lay, fast, tmp_path_factory):
    check_dokumen(lay, tmp_path_factory.mktemp("fz"), fast)


@seed(20241231)
@settings(max_examples=FAST_EXAMPLES, **COMMON)
@given(lay=dokumen_layouts(city=st.integers(1, 4)), fast=st.booleans())
def test_city_wide_random_layouts_read_to_the_example_rows_per_skpd(lay, fast, tmp_path_factory):
    check_dokumen(lay, tmp_path_factory.mktemp("fz"), fast)


@pytest.mark.fuzz
@pytest.mark.timeout(0)
@seed(int(os.environ.get("LKIP_FUZZ_SEED", "1")) + 40)
@settings(max_examples=FUZZ_EXAMPLES, **COMMON)
@given(lay=dokumen_layouts(), fast=st.booleans())
def test_fuzz_dokumen_layouts(lay, fast, tmp_path_factory):
    check_dokumen(lay, tmp_path_factory.mktemp("fz"), fast)


@pytest.mark.parametrize("layout", ["flat", "two_row"])
@pytest.mark.parametrize("dates", ["excel", "text", "dmy"])
def test_register_layouts_read_to_the_same_sp2d(tmp_path, layout, dates):
    """The SIPD register: flat or two-row header, dates as Excel dates / `1 Juli 2024` / `01/07/2024`:
    the same SP2D (one each), Bruto, jenis and Tanggal Pencairan."""
    from lkip.extract import register_sp2d

    path = B.write_register(tmp_path / "r.xlsx", layout=layout, dates=dates)
    res = register_sp2d.read(open_workbook(path))
    assert not res.errors, [i.text() for i in res.errors]
    df = res.tables["register_sp2d"]
    want = [(s["nomor"], s["jenis"], s["pencairan"], s["bruto"]) for s in B.default_sp2d()]
    assert list(zip(df["nomor_sp2d"], df["jenis"], df["tanggal"], df["nilai"])) == want
    assert res.meta.kode_skpd == B.SKPD[0] and res.meta.tahun == B.TAHUN
