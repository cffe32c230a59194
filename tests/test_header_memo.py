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
