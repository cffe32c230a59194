"""The serapan chart drawn on one reused figure per thread gives today's chart, pixel for pixel.

The reference is the drawing lkip used before (a new Figure per chart, laid out by measuring
every tick label, matplotlib's full draw): tests/serapan_reference.py.
"""

from __future__ import annotations


import numpy as np
import pytest
from matplotlib.font_manager import FontProperties
from PIL import Image

import serapan_reference as reference
from lkip.fmt import format_persen
from lkip.publish import charts, serapan
from lkip.publish.chart_style import BLUE, GREEN, GREY, wrap

LONG = ("PROGRAM PENINGKATAN KAPASITAS SUMBER DAYA MANUSIA DAN KESEJAHTERAAN APARATUR DAERAH YANG NAMANYA "
        "SANGAT PANJANG HINGGA DIBUNGKUS MENJADI EMPAT BARIS ATAU LEBIH $100 ÉÀÇ")
NAMES = ["PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA", "Program Pelayanan Publik", LONG,
         "DINAS PEKERJAAN UMUM", "BADAN PENGELOLAAN KEUANGAN DAN ASET DAERAH", "X",
         "Program Pengembangan Komunikasi, Informasi dan Media Massa"]


def _case(n: int, seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    persen: list[float | None] = []
    for i in range(n):
        k = rng.integers(0, 6)
        persen.append(None if k == 0 else 0.0 if k == 1 else 100.0 if k == 2 else
                      float(rng.uniform(100.01, 180)) if k == 3 else float(rng.uniform(0, 99.99)))
    total = None if seed % 4 == 0 else float(rng.uniform(0, 110))
    return (f"Serapan Anggaran Per Program {NAMES[seed % len(NAMES)]} Tahun 2020 s.d. Triwulan IV",
            [NAMES[(seed + i) % len(NAMES)] for i in range(n)], persen, total)


# bar counts of an SKPD (a handful to ~20 programs) and the city (one bar per SKPD: 44); programs
# without pagu (None: `tanpa pagu`) in the middle, first, last, or all; long wrapped names; 0 % and
# more than 100 %; a negative serapan (its amount hidden, as before); no total (no line, no legend)
CASES = [_case(n, seed) for seed, n in enumerate([1, 2, 3, 5, 8, 10, 13, 17, 21, 44])] + [
    ("Serapan kosong", [], [], None),
    ("Tanpa pagu di ujung", ["PROGRAM A", "PROGRAM B", "PROGRAM C"], [None, 50.0, None], 20.0),
    ("Semua tanpa pagu", ["PROGRAM A", "PROGRAM B"], [None, None], None),
    ("Satu tanpa pagu", [LONG], [None], 5.0),
    ("Nol dan lebih dari seratus " * 5, ["A", "B", LONG, "D"], [0.0, 250.0, 0.0, 100.0], 300.0),
    ("Negatif", ["PROGRAM A", "PROGRAM B"], [-5.0, 45.5], -1.0),
    ("Semua nol", ["PROGRAM A", "PROGRAM B", "PROGRAM C"], [0.0, 0.0, 0.0], 0.0),
]


def _pixels(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGBA"))


@pytest.fixture(scope="module")
def old(tmp_path_factory):
    """Each case drawn the old way: (size, PNG bytes)."""
    d = tmp_path_factory.mktemp("old")
    out = []
    for i, case in enumerate(CASES):
        size = reference.serapan_program(d / f"{i}.png", *case)
        out.append((size, (d / f"{i}.png").read_bytes()))
    return out


@pytest.mark.parametrize("i", range(len(CASES)))
def test_serapan_is_the_old_chart_pixel_for_pixel(tmp_path, old, i):
    size = charts.serapan_program(tmp_path / "new.png", *CASES[i])
    assert size == old[i][0]
    new = (tmp_path / "new.png").read_bytes()
    (tmp_path / "old.png").write_bytes(old[i][1])
    assert (_pixels(tmp_path / "new.png") == _pixels(tmp_path / "old.png")).all(), CASES[i][0]
    assert new == old[i][1]  # the same pixels through the same encoder in one process


@pytest.mark.parametrize("order", ["forward", "backward", "shuffled"])
def test_a_chart_does_not_depend_on_the_charts_drawn_before_it(tmp_path, old, order):
    idx = list(range(len(CASES)))
    if order == "backward":
        idx.reverse()
    elif order == "shuffled":
        np.random.default_rng(5).shuffle(idx)
    fig = serapan.SerapanProgram()
    for i in idx + idx[:3]:  # and a few again, after all the others
        assert fig.draw(tmp_path / f"{i}.png", *CASES[i]) == old[i][0]
        assert (tmp_path / f"{i}.png").read_bytes() == old[i][1], (order, CASES[i][0])


def test_the_chart_shows_each_program_its_bar_amount_or_tanpa_pagu(tmp_path):
    fig = serapan.SerapanProgram()
    for judul, program, persen, total in CASES:
        fig.draw(tmp_path / "c.png", judul, program, persen, total)
        ax = fig.ax
        n = len(program)
        drawn = [p for p in persen if p is not None]
        bars = fig.bars[:fig.nbar]
        assert len(bars) == len(drawn) and all(b.get_visible() for b in bars)
        assert not any(b.get_visible() for b in fig.bars[fig.nbar:])
        assert [b.get_width() for b in bars] == drawn
        assert [b.get_facecolor() for b in bars] == [charts_rgba(GREEN if p >= 100 else BLUE) for p in drawn]
        ticks = ax.yaxis.get_major_ticks()[:n]
        # one tick per program, top to bottom in the order given, its name wrapped, every one inside the view
        assert [t.label1.get_text() for t in ticks] == [wrap(p, 45) for p in program]
        lo, hi = ax.get_ylim()
        assert [t.get_loc() for t in ticks] == list(range(n))[::-1] and all(lo <= t.get_loc() <= hi for t in ticks)
        texts = fig._texts
        assert [t.get_text() for t in texts] == [serapan.TANPA_PAGU if p is None else format_persen(p) for p in persen]
        for t, p in zip(texts, persen):
            if p is None:
                assert t.get_visible() and t.get_color() == GREY and t.get_style() == "italic"
        assert fig.legend.get_visible() == (total is not None) == fig.line.get_visible()
        if total is not None:
            assert fig.legend.get_texts()[0].get_text() == f"Serapan total {format_persen(total)}"
        r = fig.canvas.get_renderer()
        for t in [*(t.label1 for t in ticks), ax.xaxis.label]:
            if t.get_text():
                box = t.get_window_extent(r)
                assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= fig.fig.bbox.width and box.y1 <= fig.fig.bbox.height
        # the title above the axes, inside the figure's height (its width is centred on the axes and
        # not fitted, as tight_layout does not fit it: a long title beside long names may pass the edge)
        title = fig.title.get_window_extent(r)
        assert ax.bbox.y1 <= title.y0 and title.y1 <= fig.fig.bbox.height


def charts_rgba(colour: str) -> tuple:
    from matplotlib.colors import to_rgba

    return to_rgba(colour)


def test_serapan_figure_is_per_thread(tmp_path):
    from test_publish_charts import assert_figure_per_thread

    assert_figure_per_thread(tmp_path, charts.serapan_program, lambda: serapan._figures.serapan, CASES[4])


def test_a_text_changed_after_its_layout_is_laid_out_again(tmp_path):
    fig = serapan.SerapanProgram()
    fig.draw(tmp_path / "a.png", *CASES[3])
    t = fig.title
    r = fig.canvas.get_renderer()
    small = t.get_window_extent(r)
    t.set_fontsize(14)  # the FontProperties changed in place: not the layout kept for size 10
    large = t.get_window_extent(r)
    assert large.width > small.width and large.height > small.height
    t.set_fontsize(10)
    assert t.get_window_extent(r).width == small.width
    key_props = [k[1] for k in serapan._LAYOUTS]
    assert all(isinstance(p, FontProperties) for p in key_props)
    assert not any(p is t.get_fontproperties() for p in key_props)  # copies, not the live object
