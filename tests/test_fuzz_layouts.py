"""The layout fuzzer: the bundled example's data in random layouts (tests/layout_fuzz.py) must give
every file accepted and every ``laporan.*`` view equal, row for row, to the canonical run's; and
its negative twin: one bad value in a random data cell rejects that file with a message naming
exactly that sheet, row and column, while the other files of the drop still go through.

``make test`` runs a few seeded examples; ``make fuzz`` (marker ``fuzz``) runs many more
(``LKIP_FUZZ_EXAMPLES``, default 1000). Failures found and fixed stay as ``@example`` layouts.
"""

from __future__ import annotations

import math
import os
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, example, given, seed, settings
from hypothesis import strategies as st

from conftest import ingest_folder
from layout_fuzz import (KINDS, money_cell, SPECS, Layout, _clean, drops, layouts, plain_layout, records_of, render_drop,
                         render_file)

FAST_EXAMPLES = int(os.environ.get("LKIP_FUZZ_FAST", "3"))
FUZZ_EXAMPLES = int(os.environ.get("LKIP_FUZZ_EXAMPLES", "1000"))
READER_EXAMPLES = int(os.environ.get("LKIP_FUZZ_READER", "40"))
FUZZ_SEED = int(os.environ.get("LKIP_FUZZ_SEED", "1"))      # make fuzz: another seed, other examples
# make fuzz on several cores: the examples split over this many tests (pytest-xdist runs them in
# parallel: -n), shard k drawing from seed FUZZ_SEED + 1000 k (shard 0: the unsharded run's seed).
SHARDS = max(1, int(os.environ.get("LKIP_FUZZ_SHARDS", "1")))
# Each example's warehouse: in memory (the same SQL as on disk, without the file and its
# write-ahead log; a third of an example's time on a busy disk). The canonical run is on disk.
WAREHOUSE = os.environ.get("LKIP_FUZZ_WAREHOUSE", ":memory:") or None
# A long run's progress: one line per example (check, pass/fail, seconds) appended to this file.
PROGRESS = os.environ.get("LKIP_FUZZ_LOG")


def _logged(check: Any) -> Any:
    if not PROGRESS:
        return check

    def run(*args: Any, **kw: Any) -> None:
        started, ok = time.perf_counter(), "fail"
        try:
            check(*args, **kw)
            ok = "pass"
        finally:
            with open(PROGRESS, "a", encoding="utf-8") as fh:
                fh.write(f"{time.strftime('%H:%M:%S')} {os.getpid()} {check.__name__} {ok} "
                         f"{time.perf_counter() - started:.2f}\n")
    return run
COMMON: dict[str, Any] = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck),
                              print_blob=True)
if os.environ.get("LKIP_FUZZ_NO_SHRINK"):      # exploring: report the first failure as drawn
    COMMON["phases"] = [Phase.explicit, Phase.reuse, Phase.generate]


def _views(con: Any) -> dict[str, list[tuple]]:
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'laporan' ORDER BY 1").fetchall()]
    return {v: con.execute(f'SELECT * FROM laporan."{v}" ORDER BY ALL').fetchall() for v in names}


class _Views(dict):
    """The canonical views (a short repr: hypothesis prints the arguments of a failing example)."""

    def __repr__(self) -> str:
        return f"<canonical laporan views: {', '.join(self)}>"


@pytest.fixture(scope="session")
def canonical_views(sample_ingest):
    con, outcomes, _cfg = sample_ingest
    assert {o.outcome for o in outcomes} == {"accepted"}
    return _Views(_views(con))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def _diff(got: dict[str, list[tuple]], want: dict[str, list[tuple]]) -> list[str]:
    out = []
    for v in want:
        g, w = got.get(v, []), want[v]
        if len(g) != len(w):
            out.append(f"{v}: {len(g)} rows, canonical {len(w)}")
            continue
        for i, (rg, rw) in enumerate(zip(g, w)):
            if len(rg) != len(rw) or not all(_same(x, y) for x, y in zip(rg, rw)):
                out.append(f"{v} row {i}: {rg} != {rw}")
                break
    return out


def _config(ws: Path):
    from lkip.config import load_config

    return load_config(workspace=ws)


def run_drop(drop: dict[str, Layout], build: bool = True):
    from lkip import model

    tmp = tempfile.TemporaryDirectory(prefix="lkip-fuzz-")
    ws = Path(tmp.name)
    rendered = render_drop(drop, ws / "input")
    cfg = _config(ws)
    con, outcomes = ingest_folder(cfg, warehouse=WAREHOUSE)
    if build:
        model.build(con, cfg)
    return tmp, con, outcomes, rendered


def check_same_tables(drop: dict[str, Layout], canonical: dict[str, list[tuple]]) -> None:
    tmp, con, outcomes, _r = run_drop(drop)
    try:
        bad = [(o.kind, o.outcome, [m for m in o.messages if "KESALAHAN" in m.upper() or "error" in m.lower()][:3]
                or o.messages[:3]) for o in outcomes if o.outcome == "rejected"]
        assert not bad, bad
        want = ["pk_iku", *(k for k in KINDS for _ in range(drop[k].files))]
        assert sorted(o.kind for o in outcomes) == sorted(want)
        diff = _diff(_views(con), canonical)
        assert not diff, diff[:5]
    finally:
        con.close()
        tmp.cleanup()


# Fields a bad value can go into (per kind), and the bad texts.
CORRUPTIBLE = {k: [c.field for c in SPECS[k] if c.kind in ("money", "number", "date")] for k in KINDS}
BAD_TEXT = ["abc", "12..5", "1.23.4", "Rp 1.2.3", "satu juta"]
# A negative amount where none may be (a pagu, an anggaran, an SP2D, a realisasi Rp) ...
NEGATIVE = {"renja": ["pagu_murni", "pagu_perubahan"], "lra": ["anggaran"], "register_sp2d": ["nilai"],
            "realisasi_fisik": [f"rp_tw{i}" for i in range(1, 5)]}
# ... and a code that must be unique, copied from the row of the same sort above it (a kegiatan
# code in the Renja and the LRA, an SP2D number, with another amount, in the register). A repeated
# (kegiatan, indicator) in the form is only a warning (docs/input-formats.md), so not here.
DUPLICATE = {"renja": ("kode", "kegiatan"), "lra": ("kode", "kegiatan"), "register_sp2d": ("nomor_sp2d", None)}
BAD_KINDS = ("text", "negative", "duplicate")


def _bad_value(r: Any, kind: str, what: str, which: int, fld: int, bad: int) -> tuple[str, int, str, Any]:
    """(sheet, Excel row, field, value) of the one bad cell."""
    if what == "duplicate" and kind in DUPLICATE:
        field, jenis = DUPLICATE[kind]
        rows = [(s, row, rec) for s, row, rec in r.data_rows if jenis is None or rec.get("baris_jenis") == jenis]
        pairs = [(a, b) for a, b in zip(rows, rows[1:]) if a[0] == b[0] and a[2][field] != b[2][field]]
        (_s, _row, above), (sheet, row, _rec) = pairs[which % len(pairs)]
        return sheet, row, field, above[field]
    if what == "negative":
        field = NEGATIVE[kind][fld % len(NEGATIVE[kind])]
        rows = [(s, row, rec) for s, row, rec in r.data_rows if rec.get(field) is not None]
        sheet, row, rec = rows[which % len(rows)]
        v = rec[field] if rec[field] > 0 else Decimal(1_250_000)
        return sheet, row, field, money_cell(-v, random.Random(bad), "mixed", zero_dash=False)
    field = CORRUPTIBLE[kind][fld % len(CORRUPTIBLE[kind])]
    sheet, row, _rec = r.data_rows[which % len(r.data_rows)]
    value = "31/12/2019" if field == "tanggal" and bad % 2 else BAD_TEXT[bad % len(BAD_TEXT)]
    return sheet, row, field, value


def check_bad_cell(drop: dict[str, Layout], kind: str, which: int, fld: int, bad: int, what: str = "text") -> None:
    from lkip import ingest

    tmp = tempfile.TemporaryDirectory(prefix="lkip-fuzz-")
    try:
        ws = Path(tmp.name)
        rendered = render_drop(drop, ws / "input")
        r = rendered[kind]
        sheet, row, field, value = _bad_value(r, kind, what, which, fld, bad)
        col = r.col_of[field] + 1
        wb = openpyxl.load_workbook(r.path)
        wb[sheet].cell(row=row, column=col, value=value)
        wb.save(r.path)
        con, outcomes = ingest_folder(_config(ws), warehouse=WAREHOUSE)
        con.close()
        o = next((o for o in outcomes if o.path == r.path), None)
        assert o is not None and o.kind == kind and o.outcome == "rejected", (kind, o and (o.kind, o.outcome))
        label = r.cells[(sheet, -1, field)]
        named = [i for i in o.issues if i.is_error and i.sheet == sheet and i.excel_row == row and i.kolom == label]
        assert named, (sheet, row, label, value, [i.text() for i in o.issues if i.is_error][:5])
        others = {str(v.path.relative_to(ws)): (v.kind, v.outcome) for v in outcomes if v.path != r.path}
        assert ingest.REJECTED not in {v[1] for v in others.values()}, others
    finally:
        tmp.cleanup()


# ---------------------------------------------------------------------------------------------
# make test: a few seeded examples (each ingests the whole drop and builds the model, ~10 s)
# ---------------------------------------------------------------------------------------------


def _split_drop(lra_files: int = 2, form_files: int = 3) -> dict[str, Layout]:
    """The plainest drop with the LRA per period and the form per Bagian (tests/layout_fuzz_split.py)."""
    drop = {k: plain_layout(k) for k in KINDS}
    drop["lra"].files, drop["lra"].split_folders = lra_files, [2, 0, 1]
    drop["realisasi_fisik"].files, drop["realisasi_fisik"].split_folders = form_files, [0, 1, 3]
    return drop


@seed(20201231)
@settings(max_examples=FAST_EXAMPLES, **COMMON)
@given(drop=drops())
# An LRA to 30 September beside the December one: its quarter 3 (no quarter 2 known) was taken for
# quarter 3's own realisation in laporan.rekonsiliasi (core.realisasi_rp_lra.lengkap was NULL).
@example(drop=_split_drop())
def test_random_layouts_give_the_canonical_tables(drop, canonical_views):
    check_same_tables(drop, canonical_views)


@seed(20210115)
@settings(max_examples=max(1, FAST_EXAMPLES - 1), **COMMON)
@given(drop=drops(), kind=st.sampled_from(KINDS), which=st.integers(0, 10_000), fld=st.integers(0, 20),
       bad=st.integers(0, 9), what=st.sampled_from(BAD_KINDS))
def test_one_bad_cell_rejects_only_its_file_and_names_it(drop, kind, which, fld, bad, what):
    check_bad_cell(drop, kind, which, fld, bad, what)


# ---------------------------------------------------------------------------------------------
# Reader level (no warehouse, a fraction of a second per file): one kind's file in a random
# layout is recognised and read, without errors, to the canonical staged rows.
# ---------------------------------------------------------------------------------------------

IGNORED = {"urutan", "sheet", "excel_row"}


def _rows(kind: str, records: list[dict[str, Any]]) -> list[tuple]:
    def norm(v: Any) -> Any:
        v = _clean(v)
        return float(v) if isinstance(v, float) else v
    return [tuple(norm(r.get(c)) for c in sorted(r) if c not in IGNORED) for r in records]


def check_reader(lay: Layout) -> None:
    from lkip import ingest

    tmp = tempfile.TemporaryDirectory(prefix="lkip-fuzz-")
    try:
        ws = Path(tmp.name)
        r = render_file(lay, ws / "input", "x.xlsx")
        prep = ingest.prepare(r.path, _config(ws))
        errors = [i.text() for i in prep.issues if i.is_error]
        assert prep.kind == lay.kind and not errors, (prep.kind, errors[:5])
        got = prep.tables[lay.kind].to_dict("records")
        assert _rows(lay.kind, got) == _rows(lay.kind, records_of(lay))
    finally:
        tmp.cleanup()


# Failures the fuzzer found, fixed, kept as explicit examples (each failed before its fix).
_MURNI = [1 if i == 6 else 0 for i in range(13)]      # 'Pagu Anggaran (Rp)' over 'Murni'


@seed(11)
@settings(max_examples=READER_EXAMPLES, **COMMON)
@given(lay=st.sampled_from(KINDS).flatmap(lambda k: layouts(k, alt_ok=True)))
@example(lay=plain_layout("renja", two_row=True, synonym=_MURNI))
@example(lay=plain_layout("realisasi_fisik", split_sheets=2, cont_code_blank=True))
@example(lay=plain_layout("renja", extras=[0, 3, 4], skpd_line=False))
@example(lay=plain_layout("register_sp2d", extras=[1, 2, 4], skpd_line=False, year_line=False))
@example(lay=Layout("lra", alt=True, order=list(range(9)), synonym=[0] * 9, case=[0] * 9, two_row=True))
@example(lay=Layout("register_sp2d", alt=True, order=list(range(6)), synonym=[0] * 6, case=[0] * 6))
@example(lay=Layout("lra", alt=True, order=[4, 0, 1, 2, 3, 5, 6, 7, 8], synonym=[0] * 9, case=[0] * 9,
                    total_row=True, total_label_at=1))      # JUMLAH printed in a money column
def test_reader_reads_random_layouts_to_the_canonical_rows(lay):
    check_reader(lay)


# ---------------------------------------------------------------------------------------------
# make fuzz: many more (marker fuzz), in LKIP_FUZZ_SHARDS shards
# ---------------------------------------------------------------------------------------------


def _share(total: int, shard: int) -> int:
    """Shard ``shard``'s part of ``total`` examples (at least 1)."""
    return max(1, total // SHARDS + (1 if shard < total % SHARDS else 0))


def _suffix(shard: int) -> str:
    return "" if SHARDS == 1 else f"_shard{shard}"


def _fuzz_tests(shard: int) -> dict[str, Any]:
    base = FUZZ_SEED + 1000 * shard

    @pytest.mark.fuzz
    @pytest.mark.timeout(0)
    @seed(base)
    @settings(max_examples=_share(FUZZ_EXAMPLES, shard), **COMMON)
    @given(drop=drops())
    def test_fuzz_random_layouts(drop, canonical_views):
        _logged(check_same_tables)(drop, canonical_views)

    @pytest.mark.fuzz
    @pytest.mark.timeout(0)
    @seed(base + 1)
    @settings(max_examples=_share(max(1, FUZZ_EXAMPLES // 4), shard), **COMMON)
    @given(drop=drops(), kind=st.sampled_from(KINDS), which=st.integers(0, 10_000), fld=st.integers(0, 20),
           bad=st.integers(0, 9), what=st.sampled_from(BAD_KINDS))
    def test_fuzz_one_bad_cell(drop, kind, which, fld, bad, what):
        _logged(check_bad_cell)(drop, kind, which, fld, bad, what)

    @pytest.mark.fuzz
    @pytest.mark.timeout(0)
    @seed(base + 11)
    @settings(max_examples=_share(FUZZ_EXAMPLES * 5, shard), **COMMON)
    @given(lay=st.sampled_from(KINDS).flatmap(lambda k: layouts(k, alt_ok=True)))
    def test_fuzz_reader_random_layouts(lay):
        _logged(check_reader)(lay)

    tests = (test_fuzz_random_layouts, test_fuzz_one_bad_cell, test_fuzz_reader_random_layouts)
    return {t.__name__ + _suffix(shard): t for t in tests}


for _shard in range(SHARDS):
    globals().update(_fuzz_tests(_shard))
