"""The column maps' memos (a map's hash computed once, each header text's rule scores
remembered) give what scoring every rule on every header gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lkip.extract import header as H


def _brute(cmap: H.ColumnMap, headers: list[str]) -> dict[str, int]:
    candidates = []
    for col, text in enumerate(headers):
        tokens = tuple(text.split())
        for rule in cmap.rules:
            s = rule.score(tokens, frozenset(tokens), text) if text else 0
            if s:
                candidates.append((s, -col, rule.field, col))
    out: dict[str, int] = {}
    for _s, _c, fld, col in sorted(candidates, reverse=True):
        if fld not in out and col not in out.values():
            out[fld] = col
    return out


ROWS = [
    ["No", "Tanggal SP2D", "Nomor SP2D", "Kode Kegiatan", "Kode Rekening", "Uraian", "Jenis SP2D", "Nilai SP2D (Rp)"],
    ["Kode", "Program/Kegiatan", "Indikator", "Target", "Satuan", "Pagu Murni", "Pagu Perubahan", "Cara Hitung"],
    ["Kode", "Uraian", "Realisasi Fisik Triwulan IV", "Realisasi TW III (%)", "Nilai", "Nilai", None, "Keterangan"],
    ["PEMERINTAH KOTA BEKASI", None, None, "REGISTER SP2D"],
    [None, "jumlah", 12.0, "Nomor", "Nomor SP2D", "Uraian Kegiatan"],
]


@pytest.mark.parametrize("kind", ["register_sp2d", "renja", "realisasi_fisik", "lra", "pk_iku", "realisasi_dokumen"])
def test_memoised_matching_equals_scoring_every_rule(kind, monkeypatch):
    cmap = H.load_column_map(kind)
    for memo in (H._TEXT_MEMO, 1):          # 1: the memo is cleared at every new text
        monkeypatch.setattr(H, "_TEXT_MEMO", memo)
        fresh = H.ColumnMap(cmap.kind, cmap.rules)            # an equal map, its memos empty
        assert fresh == cmap and hash(fresh) == hash(cmap) == hash((cmap.kind, cmap.rules))
        for row in ROWS:
            texts = [H.normalize_header(v) for v in row]
            assert fresh.match(texts) == _brute(cmap, texts) == cmap.match(texts)
            assert fresh.match(texts) == _brute(cmap, texts)   # a second time, from the memos


def _repeats_reference(top, sub, header_texts):
    texts, _ = H._combine(top, sub)
    same = sum(1 for a, b in zip(texts, header_texts) if a and a == b)
    return same >= max(2, sum(1 for t in header_texts if t) // 2)


_TOP = ["Kode", "Program/Kegiatan", "Pagu", None, "Target", None, "Triwulan", None, None, "", "  ", 12.0, 3]
_SUB = ["", None, "Murni", "Perubahan", "Kinerja", "Satuan", "I", "II", "IV", "Kode", "Pagu", 2020, "Jumlah"]
_cells = st.one_of(st.sampled_from(_TOP + _SUB), st.none(), st.integers(0, 3), st.text("abP ", max_size=3))


@settings(max_examples=600, deadline=None)
@given(top=st.lists(_cells, max_size=12), sub=st.lists(_cells, max_size=12),
       htop=st.lists(st.sampled_from(_TOP), min_size=1, max_size=12),
       hsub=st.lists(st.sampled_from(_SUB), max_size=12), copy=st.booleans())
def test_two_row_repeat_equals_combining_then_counting(top, sub, htop, hsub, copy):
    header_texts, _ = H._combine(htop, hsub)
    if copy:                            # a real repeat, maybe with cells changed after it
        top, sub = list(htop) + top[len(htop):], list(hsub) + sub[len(hsub):]
    rows = [top, sub]
    assert H._repeats_header([], rows, 0, header_texts, 2) == _repeats_reference(top, sub, header_texts)


# ---- find_header: the answer for the same top of a sheet found once ---------------------------

_TOP = [
    ["REGISTER SP2D", None, None],
    ["TAHUN ANGGARAN 2020", None, None],
    ["No", "Tanggal SP2D", "Nomor SP2D", "Kode Kegiatan", "Kode Rekening", "Uraian", "Jenis SP2D", "Nilai SP2D (Rp)"],
    [1, 43832.0, "00001/SP2D-UP/4.01.01/2020", None, None, "UP", "UP", 170000000],
]


@pytest.mark.parametrize("kind", ["register_sp2d", "renja", "realisasi_fisik", "lra"])
def test_find_header_remembered_equals_the_search(kind):
    cmap = H.load_column_map(kind)
    rows = [list(r) for r in ROWS] + [list(r) for r in _TOP]
    for scan in (2, 5, 30):
        for top in (rows, rows[:4], rows[3:], _TOP):
            want = H._find_header(top, cmap, scan)
            got = H.find_header(top, cmap, scan)
            again = H.find_header([list(r) for r in top], cmap, scan)    # the same cells, other lists
            assert got == want and again == want


def test_find_header_rows_below_the_scan_do_not_matter_but_cell_types_do():
    cmap = H.load_column_map("register_sp2d")
    top = [list(r) for r in _TOP]
    got = H.find_header(top + [["x"] * 8] * 40, cmap, 3)
    assert got == H._find_header(top, cmap, 3) and got is not None and got.row == 2
    # a header cell True and one 1 are equal keys for a dict, not for the header search
    yes = H.find_header([["Tanggal SP2D", "Nomor SP2D", "Nilai SP2D", True]], cmap)
    one = H.find_header([["Tanggal SP2D", "Nomor SP2D", "Nilai SP2D", 1]], cmap)
    assert (yes.printed[3], one.printed[3]) == ("True", "1")


def test_each_caller_gets_its_own_header():
    cmap = H.load_column_map("register_sp2d")
    first = H.find_header(_TOP, cmap)
    first.columns.clear()
    first.missing.add("bukan")
    first.texts[0] = "diubah"
    second = H.find_header(_TOP, cmap)
    assert second == H._find_header(_TOP, cmap, H.HEADER_SCAN_ROWS)
    assert second.columns and "bukan" not in second.missing and second.texts[0] != "diubah"


def test_unhashable_cells_are_searched_without_the_memo():
    cmap = H.load_column_map("register_sp2d")
    rows = [list(r) for r in _TOP] + [[["a list"], "Nomor SP2D"]]
    assert H.find_header(rows, cmap) == H._find_header(rows, cmap, H.HEADER_SCAN_ROWS)


def test_header_texts_of_cells_equal_as_keys_but_not_as_text():
    """1, 1.0 and True are one key of a plain dict: the remembered texts of a row are kept apart."""
    rows = [["Kode", 1, "Uraian"], ["Kode", 1.0, "Uraian"], ["Kode", True, "Uraian"]]
    got = [H._header_options(r, None)[0][1][1] for r in rows]
    assert got == [H.normalize_header(1), H.normalize_header(1.0), H.normalize_header(True)] == ["1", "1 0", "true"]


def test_normalize_header_of_equal_numbers_of_other_types():
    H.normalize_header(True)
    H.normalize_header(1)
    assert [H.normalize_header(v) for v in (1.0, True, 1)] == ["1 0", "true", "1"]
