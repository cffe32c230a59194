"""FastTextRenderer keeps text bitmaps per process: a new figure's renderer reuses what another
drew, only for the same text, font, dpi and antialiasing; a chart's bytes do not depend on what
was drawn before it in the process."""

from __future__ import annotations

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties

from lkip.publish import charts, fast_text
from lkip.publish.fast_text import FastTextRenderer


def test_a_new_renderer_reuses_the_bitmap_another_made():
    prop = FontProperties(size=8)
    first = FastTextRenderer(RendererAgg(200, 40, 110))._bitmap("Serapan anggaran (%)", prop)
    again = FastTextRenderer(RendererAgg(300, 60, 110))._bitmap("Serapan anggaran (%)", FontProperties(size=8))
    assert again is first  # the same kept bitmap, not shaped again
    other_dpi = FastTextRenderer(RendererAgg(200, 40, 72))._bitmap("Serapan anggaran (%)", prop)
    assert other_dpi is not first and other_dpi[0] < first[0]  # smaller at 72 dpi
    bigger = FastTextRenderer(RendererAgg(200, 40, 110))._bitmap("Serapan anggaran (%)", FontProperties(size=10))
    assert bigger[0] > first[0]


def test_a_font_changed_after_drawing_is_not_taken_for_the_old_one():
    prop = FontProperties(size=8)
    r = FastTextRenderer(RendererAgg(200, 40, 110))
    small = r._bitmap("PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH", prop)
    prop.set_size(12)  # as Text.set_fontsize changes its FontProperties in place
    large = r._bitmap("PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH", prop)
    assert large is not small and large[0] > small[0]
    assert r._bitmap("PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH", FontProperties(size=8)) is small


def test_serapan_bytes_do_not_depend_on_the_charts_before(tmp_path):
    args = ("Serapan Anggaran Per Program DINAS X Tahun 2020", ["PROGRAM A", "PROGRAM PENUNJANG URUSAN"],
            [95.5, 40.25], 70.0)
    fast_text._KEPT.clear()
    fast_text._RECENT.clear()
    charts.serapan_program(tmp_path / "first.png", *args)
    charts.serapan_program(tmp_path / "other.png", "Lain", ["PROGRAM A", "PROGRAM B"], [10.0, None], None)
    charts.serapan_program(tmp_path / "again.png", *args)  # its texts all kept by now
    assert (tmp_path / "again.png").read_bytes() == (tmp_path / "first.png").read_bytes()
