"""Rows kept between renders (lkip.publish.row_cache) give the page a fresh render writes; the
faster column kinds (layout._column_kind) are the kinds of the former per-value tests."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from lkip.config import load_config
from lkip.publish import row_cache
from lkip.publish.csv_out import write_csv
from lkip.publish.data import Table, UnitData
from lkip.publish.html import render_html
from lkip.publish.layout import MONEY_NAMES, MONEY_PREFIXES, ColumnKind, _column_kind, _is_pct

NARASI = {"ikhtisar": [], "iku": [], "anggaran": []}
COLS = ["tahun", "kode_skpd", "urutan", "level", "kode_kegiatan", "uraian", "triwulan", "lra", "sp2d",
        "selisih_lra_sp2d", "persen", "skpd_asal", "catatan"]


def _rows(rng: random.Random, n: int) -> list[dict]:
    rows = []
    for i in range(n):
        level = rng.choice(["program", "kegiatan", "kegiatan", "sub_kegiatan", "jumlah"])
        rows.append({
            "tahun": 2020, "kode_skpd": "KOTA", "urutan": i + 1, "level": level,
            "kode_kegiatan": f"4.01.{i % 7:02d}.{i:03d}", "uraian": rng.choice(
                ["Penyediaan Jasa <Surat>", "JUMLAH", "Rapat & Koordinasi", "=HYPERLINK(\"x\")", "", None]),
            "triwulan": 1 + i % 4, "lra": rng.choice([None, Decimal(rng.randrange(10**9)) / 100]),
            "sp2d": Decimal(rng.randrange(10**12)), "selisih_lra_sp2d": rng.choice([None, Decimal(0), Decimal(-5)]),
            "persen": rng.choice([None, 99.5, 100.0, 0.0]), "skpd_asal": f"4.01.{i % 5:02d}",
            "catatan": rng.choice([None, "", "cek 'a'"]),
        })
    return rows


def _unit(rows: list[dict]) -> UnitData:
    return UnitData(2020, "KOTA", "Kota Uji", 4, {"rekonsiliasi": Table("rekonsiliasi", COLS, rows)}, [])


def _fresh(rows: list[dict], cfg) -> str:
    row_cache.HTML_ROWS.clear()
    return render_html(_unit(rows), NARASI, [], cfg)


@pytest.fixture(autouse=True)
def _empty_cache():
    row_cache.HTML_ROWS.clear()
    row_cache.CSV_ROWS.clear()
    yield
    row_cache.HTML_ROWS.clear()
    row_cache.CSV_ROWS.clear()


def test_a_later_render_reuses_unchanged_rows_and_writes_what_a_fresh_render_writes(tmp_path):
    cfg = load_config(workspace=tmp_path)
    rng = random.Random(13)
    rows = _rows(rng, 400)
    rows[11]["catatan"], rows[12]["catatan"] = 1, "cek"   # a text column holding a number
    first = render_html(_unit(rows), NARASI, [], cfg)
    assert row_cache.HTML_ROWS.hits < 50  # a first render: only repeated rows are shared

    # one SKPD's block changes: values edited, rows withdrawn (every later running number
    # shifts), a value of another type that Python finds equal (1 == True == Decimal(1))
    later = [dict(r) for r in rows]
    later[10]["sp2d"] = Decimal("12345")
    later[11]["catatan"] = True     # == 1, printed "Ya"
    later[12]["lra"] = Decimal("777.77")
    later[13]["uraian"] = "Diubah <lagi>"
    del later[20:30]
    for i, r in enumerate(later):
        r["urutan"] = i + 1
    before = row_cache.HTML_ROWS.hits
    cached = render_html(_unit(later), NARASI, [], cfg)
    reused = row_cache.HTML_ROWS.hits - before
    assert reused >= len(later) - 10  # the unchanged rows were not rendered again

    assert cached == _fresh(later, cfg)
    assert cached != first and "Diubah &lt;lagi&gt;" in cached and "12.345" in cached and ">Ya<" in cached and "777,77" in cached


def test_a_change_that_alters_every_row_is_never_served_from_the_cache(tmp_path):
    cfg = load_config(workspace=tmp_path)
    rows = _rows(random.Random(7), 200)
    for r in rows:
        r["persen"] = None
        r["sp2d"] = Decimal(r["urutan"])
    render_html(_unit(rows), NARASI, [], cfg)
    # one fraction makes the whole money column print two decimals: a different spec
    later = [dict(r) for r in rows]
    later[0]["sp2d"] = Decimal("0.5")
    before = row_cache.HTML_ROWS.hits
    cached = render_html(_unit(later), NARASI, [], cfg)
    assert row_cache.HTML_ROWS.hits - before < 5
    assert cached == _fresh(later, cfg)
    assert ">2,00<" in cached  # the unchanged rows too, with the new decimals


@pytest.mark.parametrize("separator", [";", ","])
def test_a_later_csv_reuses_unchanged_rows_and_writes_the_bytes_of_a_fresh_one(tmp_path, separator):
    cfg = load_config(workspace=tmp_path)
    cfg.data.setdefault("publish", {})["csv_separator"] = separator
    rows = _rows(random.Random(3), 300)
    target = tmp_path / "rekonsiliasi.csv"
    write_csv(target, Table("rekonsiliasi", COLS, rows), cfg)
    later = [dict(r) for r in rows]
    later[5]["sp2d"] = Decimal("0.25")
    later[6]["catatan"] = "=1+1"
    del later[40:45]
    for i, r in enumerate(later):
        r["urutan"] = i + 1          # every later running number shifts
    before = row_cache.CSV_ROWS.hits
    cached = write_csv(target, Table("rekonsiliasi", COLS, later), cfg).read_bytes()
    assert row_cache.CSV_ROWS.hits - before >= len(later) - 5

    row_cache.CSV_ROWS.clear()
    fresh = write_csv(tmp_path / "fresh.csv", Table("rekonsiliasi", COLS, later), cfg).read_bytes()
    assert cached == fresh
    text = cached.decode("utf-8-sig")
    decimal = "." if separator == "," else ","
    assert f"0{decimal}25" in text and "'=1+1" in text
    assert text.splitlines()[-1].split(separator)[2] == str(len(later))  # urutan, col 3: written apart


def test_the_cache_is_bounded():
    cache = row_cache.RowCache(max_rows=100)
    rows = [{"a": i} for i in range(80)]
    cache.rows("x", 1, ("a",), rows, lambda r: r["a"])
    out = cache.rows("y", 1, ("a",), rows, lambda r: -r["a"])
    assert out == [-i for i in range(80)]
    assert cache.rows("y", 1, ("a",), rows, lambda r: 0) == out  # "y" kept, "x" dropped
    assert cache.rows("x", 1, ("a",), rows, lambda r: 7) == [7] * 80


def _old_column_kind(table: Table, col: str) -> ColumnKind:
    """The per-value tests _column_kind replaced (the reference)."""
    values = [v for v in table.col(col) if v is not None and v != ""]
    if values and all(isinstance(v, bool) for v in values):
        return ColumnKind("bool", 0)
    numeric = values and all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in values)
    if not numeric:
        return ColumnKind("text", 0)
    if _is_pct(col):
        return ColumnKind("pct", 2)
    has_frac = any(float(v) != round(float(v)) for v in values)
    money = (col in MONEY_NAMES or col.startswith(MONEY_PREFIXES)
             or (col == "realisasi" and "pagu" in table.columns)
             or all(isinstance(v, Decimal) for v in values))
    if money:
        return ColumnKind("money", 2 if has_frac else 0)
    if col in ("no", "iku_no", "urutan") or col.startswith("tahun") or col.endswith("_renstra") and "tahun" in col:
        return ColumnKind("code", 0)
    return ColumnKind("number", 2 if has_frac else 0)


def test_column_kinds_equal_the_per_value_tests():
    rng = random.Random(5)
    class F(float):
        pass

    class S(str):
        pass

    class D(Decimal):
        pass

    # subclasses last: most columns hold only the plain types (the set-of-types path), some also
    # a subclass (the per-value path)
    pool = [None, "", "teks", True, False, 0, 3, -2, 1.0, 2.5, Decimal("4"), Decimal("4.00"), Decimal("0.25"),
            Decimal("-7.10"), F(1.5), F(2.0), S(""), S("x"), D("3"), D("0.5")]
    names = ["nilai", "persen_capaian", "pagu", "realisasi", "urutan", "tahun_awal", "jumlah"]
    seen = set()
    for _ in range(3000):
        col = rng.choice(names)
        values = [rng.choice(pool[: rng.randrange(1, len(pool) + 1)]) for _ in range(rng.randrange(0, 6))]
        table = Table("t", [col, "pagu"], [{col: v} for v in values])
        got = _column_kind(table, col)
        assert got == _old_column_kind(table, col), (col, values)
        seen.add(got.kind)
    assert seen == {"text", "bool", "pct", "money", "code", "number"}
