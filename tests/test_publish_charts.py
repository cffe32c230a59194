"""The Kurva S drawn by blitting on a reused figure: complete, deterministic, nothing outside the figure."""

from __future__ import annotations

import io
import threading

import numpy as np
import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from PIL import Image

from lkip.publish import charts, kurva_s, png
from lkip.publish.chart_style import miliar
from lkip.publish.fast_text import FastCanvas, FastTextRenderer

# (title, anggaran kas per quarter, realisasi per quarter, s.d. triwulan): long and short titles,
# a missing quarter, a quarter cut by s_d_triwulan, amounts of very different sizes
CASES = [
    ("Kurva S PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA (4.01.01) 2020 s.d. "
     "Triwulan IV dengan judul yang cukup panjang untuk dibungkus menjadi beberapa baris $100",
     [9.1e9, 2.2e9, 3.3e9, 4.4e9], [8.0e9, 2.0e9, 3.0e9, 1.0e9], 4),
    ("Kurva S pendek", [1.0e8, None, 5.0e7, 2.5e7], [None, 9.0e7, None, None], 2),
    ("Kurva S nol", [None, None, None, None], [None, None, None, None], None),
    ("Kurva S triwulan I", [7.5e11, 1.0e11, 1.0e11, 5.0e10], [7.0e11, 1.0e9, 0.0, 0.0], 1),
    ("KURVA S PROGRAM PENINGKATAN KAPASITAS SUMBER DAYA MANUSIA DAN KESEJAHTERAAN APARATUR WWW ÉÀÇ "
     "(4.01.01.2.03) Tahun 2020", [4.5e13, 3.0e13, 2.5e13, 1.0e13], [4.4e13, 2.9e13, 2.4e13, 0.9e13], 4),
]


def _pixels(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGBA")).astype(int)


def test_reused_kurva_s_figure_gives_the_bytes_of_a_fresh_one(tmp_path):
    # every chart drawn after the others on one figure, in two orders: layouts and texts kept from
    # earlier charts never change a chart's bytes (so parallel publishing equals serial)
    fresh = []
    for i, case in enumerate(CASES):
        kurva_s.KurvaS().draw(tmp_path / f"fresh_{i}.png", *case)
        fresh.append((tmp_path / f"fresh_{i}.png").read_bytes())
    for order in (list(range(len(CASES))), list(range(len(CASES)))[::-1]):
        reused = kurva_s.KurvaS()
        for i in order:
            target = tmp_path / f"reused_{i}.png"
            assert reused.draw(target, *CASES[i]) == (880, 506)  # 8 x 4,6 in at 110 dpi
            assert target.read_bytes() == fresh[i], CASES[i][0]


def test_blitted_chart_is_the_full_draw_of_the_figure(tmp_path):
    """Background pixels + the chart's own artists + the legend's picture = matplotlib drawing it all."""
    k = kurva_s.KurvaS()
    for i, case in enumerate(CASES):
        k.draw(tmp_path / f"{i}.png", *case)
        blitted = _pixels(tmp_path / f"{i}.png")
        for a in [*k.animated, k.legend]:
            a.set_animated(False)
        try:
            k.canvas.draw()  # every artist, in matplotlib's own order
        finally:
            for a in [*k.animated, k.legend]:
                a.set_animated(True)
        full = np.asarray(k.canvas.buffer_rgba()).astype(int)
        assert np.abs(blitted - full).max() <= 1, case[0]  # the legend composited: rounding only


def test_every_text_is_inside_the_figure_and_data_labels_are_there(tmp_path):
    k = kurva_s.KurvaS()
    for i, (judul, kas, real, sdt) in enumerate(CASES):
        k.draw(tmp_path / f"{i}.png", judul, kas, real, sdt)
        r = k.renderer
        fig_box = k.fig.bbox
        lo, hi = k.ax.get_ylim()
        yticks = [t for t in k.ax.get_yticklabels() if lo <= t.get_position()[1] <= hi]  # those drawn
        texts = [k.title, k.ylabel, *k.rencana_txt, *k.real_txt, *k.legend.get_texts(),
                 *k.ax.get_xticklabels(), *yticks]
        for t in texts:
            if not t.get_visible() or not t.get_text():
                continue
            box = t.get_window_extent(r)
            assert box.x0 >= 0 and box.y0 >= 0, (judul, t.get_text())
            assert box.x1 <= fig_box.width and box.y1 <= fig_box.height, (judul, t.get_text())
        # the title above the axes, the y label left of every y tick label
        assert k.title.get_window_extent(r).y0 >= k.ax.bbox.y1
        ticks = [t.get_window_extent(r) for t in yticks if t.get_text()]
        assert ticks and k.ylabel.get_window_extent(r).x1 <= min(b.x0 for b in ticks)
        # one amount per quarter planned, one per quarter realised up to s.d. triwulan
        planned, total = [], 0.0
        for v in kas:
            total += v or 0.0
            planned.append(miliar(total))
        assert [t.get_text() for t in k.rencana_txt] == planned
        assert sum(t.get_visible() for t in k.real_txt) == (sdt or 4)
        assert k.legend.get_texts()[0].get_text().startswith("Rencana")


def assert_figure_per_thread(tmp_path, draw, figure, case) -> None:
    """`draw(target, *case)` in this thread and in another: each thread its own figure
    (`figure()` after a draw), the same bytes."""
    draw(tmp_path / "main.png", *case)
    mine = figure()
    seen = []

    def other() -> None:
        draw(tmp_path / "thread.png", *case)
        seen.append(figure())

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert seen and seen[0] is not mine
    assert (tmp_path / "main.png").read_bytes() == (tmp_path / "thread.png").read_bytes()


def test_kurva_s_figure_is_per_thread(tmp_path):
    assert_figure_per_thread(tmp_path, kurva_s.kurva_s, lambda: kurva_s._figures.kurva_s, CASES[0])
    assert charts.kurva_s is kurva_s.kurva_s  # build_charts draws with it


def test_png_writer_keeps_every_pixel(tmp_path):
    rng = np.random.default_rng(7)
    rgba = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(png.encode(rgba))))
    assert decoded.shape == (37, 53, 4) and (decoded == rgba).all()
    # the resolution as Pillow (matplotlib's savefig) writes it: docx and xlsx size pictures by it
    pil = io.BytesIO()
    Image.fromarray(rgba).save(pil, format="png", dpi=(110, 110))
    assert Image.open(io.BytesIO(png.encode(rgba, 110))).info["dpi"] == Image.open(pil).info["dpi"]
    k = kurva_s.KurvaS()
    k.draw(tmp_path / "k.png", *CASES[0])
    assert (np.asarray(Image.open(tmp_path / "k.png")) == np.asarray(k.canvas.buffer_rgba())).all()


@pytest.mark.parametrize("text", ["12,50", "Triwulan IV", "Kurva S PROGRAM PENUNJANG (4.01.01) gjpqy ÉÅ"])
def test_fast_text_measures_as_agg_and_draws_where_agg_draws(text):
    prop = FontProperties(size=10)
    agg, fast = RendererAgg(300, 60, 110), FastTextRenderer(RendererAgg(300, 60, 110))
    assert fast.get_text_width_height_descent(text, prop, False) == agg.get_text_width_height_descent(
        text, prop, False)
    inks = []
    for r in (agg, fast):
        fig = Figure(figsize=(300 / 110, 60 / 110), dpi=110)
        t = fig.text(0.02, 0.4, text, fontsize=10)
        t.draw(r)
        alpha = np.asarray(r.buffer_rgba())[:, :, 3].astype(int)  # the ink on a transparent canvas
        ys, xs = np.nonzero(alpha > 96)
        inks.append(((ys.min(), ys.max(), xs.min(), xs.max()), alpha.sum()))
    (box_a, sum_a), (box_f, sum_f) = inks
    assert all(abs(a - b) <= 1 for a, b in zip(box_a, box_f)), (box_a, box_f)  # same place, ±1 px
    assert abs(sum_a - sum_f) <= 0.03 * sum_a  # the same ink


def test_fast_text_leaves_characters_missing_from_the_font_to_matplotlib():
    fast = FastTextRenderer(RendererAgg(100, 40, 110))
    prop = FontProperties(size=10)
    assert fast._bitmap("Rp 1.000", prop) is not None
    assert fast._bitmap("Kota 漢", prop) is None  # no such glyph in DejaVu Sans: matplotlib falls back


def test_other_charts_draw_through_the_fast_canvas(tmp_path):
    size = charts.serapan_program(tmp_path / "s.png", "Serapan", ["PROGRAM A", "PROGRAM B"], [95.5, None], 80.0)
    assert size == Image.open(tmp_path / "s.png").size
    fig = Figure()
    canvas = FastCanvas(fig)
    assert isinstance(canvas.get_renderer(), FastTextRenderer)
    canvas.draw()
    assert canvas.get_renderer() is canvas.renderer  # no wrapper around a wrapper


def test_serapan_layout_is_what_tight_layout_gives(tmp_path):
    """The one-Axes layout from the decorations alone equals matplotlib's tight layout (one pass)."""
    from matplotlib.layout_engine import TightLayoutEngine

    from serapan_reference import build_figure

    progs = ["PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA", "PROGRAM X",
             "PROGRAM PEREKONOMIAN DAN PEMBANGUNAN YANG SANGAT PANJANG SEKALI NAMANYA HINGGA EMPAT BARIS ATAU LEBIH"]
    args = ("Serapan Anggaran Per Program SEKRETARIAT DAERAH Tahun 2020", progs, [95.5, None, 120.25], 80.0)
    charts.serapan_program(tmp_path / "fit.png", *args)
    fig = build_figure(*args)
    canvas = FastCanvas(fig)
    engine = TightLayoutEngine()
    engine._params["rect"] = None  # one pass: for one Axes the second pass gives the first's result
    engine.execute(fig)
    canvas.draw()
    png.write_canvas(canvas, tmp_path / "tight.png")
    assert (_pixels(tmp_path / "fit.png") == _pixels(tmp_path / "tight.png")).all()
