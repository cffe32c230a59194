"""The Kurva S (planned vs realised cumulative rupiah per quarter): ~600 of a 44-SKPD city's charts.

Drawn as matplotlib draws animations (blitting), on one figure per thread:

* **Layout without tight_layout.** The margins are what tight_layout would give for the texts a
  chart has, computed from sizes measured once per figure (the y axis label, the band of the
  x tick labels, tick lengths and pads, tight_layout's pad) plus two per chart: the height of the
  title above the axes and the width of the widest y tick label (rounded up to `TICK_STEP`
  pixels). The y axis label sits `pad` from the left edge, as tight_layout puts it.
* **Static parts drawn once per layout.** The figure and axes background, the x axis (the four
  quarters) and the y axis label are the same on every chart of one layout: they are drawn once
  and kept as pixels (`canvas.copy_from_bbox`). A chart puts them back (`restore_region`) and draws
  only its own artists (marked animated, so a full draw leaves them out), in the z-order a full
  draw uses: y axis (ticks, grid, labels), the two lines, the frame, the amounts, the title, the
  legend.
* **PNG** by png.py (no row filter, zlib level 3).

The pixels of a chart depend only on its data and texts: a figure that drew other charts before
gives the bytes a new figure gives (tests/test_publish_charts.py).
"""

from __future__ import annotations

import math
import threading
from pathlib import Path

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import Bbox, ScaledTranslation

from . import png
from .fast_text import FastCanvas
from .chart_style import BLUE, DPI, ORANGE, miliar, wrap
from .data import ROMAWI

TICK_STEP = 6   # px: y tick label widths are rounded up to this, so few layouts are made
MAX_LAYOUTS = 24  # backgrounds kept per figure (each ~1,8 MB)
YLABEL = "Rupiah (miliar)"


def cumulative(values: list[float | None]) -> list[float | None]:
    out, total = [], 0.0
    for v in values:
        if v is None:
            out.append(None)
            continue
        total += v
        out.append(total)
    return out


class KurvaS:
    """One Kurva S figure, drawn again for each chart with new data and texts."""

    def __init__(self) -> None:
        import matplotlib

        self.fig = fig = Figure(figsize=(8, 4.6), dpi=DPI)
        self.canvas = FastCanvas(fig)
        self.ax = ax = fig.add_subplot()
        self.x = x = [0, 1, 2, 3]  # the quarters, labelled as a categorical axis would (no unit conversion)
        (self.rencana,) = ax.plot(x, [0.0] * 4, marker="o", color=BLUE, linewidth=2,
                                  label="Rencana (anggaran kas) kumulatif")
        (self.real,) = ax.plot(x, [0.0] * 4, marker="s", color=ORANGE, linewidth=2, label="Realisasi kumulatif")
        # the amounts: 7 points above / 14 below their point, as annotate(textcoords="offset points")
        # places them; plain Texts (an Annotation's positioning costs more than drawing it), shown only
        # when their point is inside the axes, as an Annotation's annotation_clip shows it
        above = ax.transData + ScaledTranslation(0, 7 / 72, fig.dpi_scale_trans)
        below = ax.transData + ScaledTranslation(0, -14 / 72, fig.dpi_scale_trans)
        self.rencana_txt = [ax.text(xi, 0.0, "", transform=above, ha="center", fontsize=8, color=BLUE) for xi in x]
        self.real_txt = [ax.text(xi, 0.0, "", transform=below, ha="center", fontsize=8, color=ORANGE) for xi in x]
        ax.set_xticks(x, [f"Triwulan {ROMAWI[i]}" for i in range(1, 5)])
        ax.yaxis.set_major_formatter(FuncFormatter(miliar))
        ax.yaxis.set_label_coords(-0.1, 0.5)  # never placed from the tick labels' extents (empty anyway)
        self.title = ax.set_title("", fontsize=10, y=1.0)  # y given: not moved at each draw
        ax.grid(axis="y", alpha=0.3)
        self.legend = ax.legend(loc="upper left", fontsize=8)
        rc = matplotlib.rcParams
        self.ylabel = fig.text(0, 0.5, YLABEL, rotation=90, ha="left", va="center",
                               fontsize=rc["axes.labelsize"], color=rc["axes.labelcolor"])
        self.animated = [ax.yaxis, self.rencana, self.real, *ax.spines.values(), *self.rencana_txt,
                         *self.real_txt, self.title]  # then the legend (a picture of it, see _layout)
        self.legend.set_animated(True)
        self.amounts = (*self.rencana_txt, *self.real_txt)  # one-line, centred, baseline: see _draw_amounts
        for a in self.animated:
            a.set_animated(True)
        self.renderer = self.canvas.get_renderer()  # a FastTextRenderer
        pt = DPI / 72
        self.pad = 1.08 * rc["font.size"] * pt  # tight_layout's default pad
        self.ytick_out = (rc["ytick.major.size"] + rc["ytick.major.pad"]) * pt
        self.labelpad = rc["axes.labelpad"] * pt
        self.ylabel_w = self.ylabel.get_window_extent(self.renderer).width
        self.tick_font = ax.yaxis.get_major_ticks()[0].label1.get_fontproperties()
        self.widths: dict[str, float] = {}
        self.backgrounds: dict[tuple[int, int], tuple[object, tuple[int, int, np.ndarray]]] = {}
        self.key: tuple[int, int] | None = None
        self.W, self.H = fig.bbox.width, fig.bbox.height
        # the band of the x tick labels below the axes and anything right of it, measured once
        self.canvas.draw()
        xbox = ax.xaxis.get_tightbbox(self.renderer)
        self.below = ax.bbox.y0 - xbox.y0
        self.right = max(0.0, xbox.x1 - ax.bbox.x1)

    # ---- layout ------------------------------------------------------------------------------

    def _text_width(self, s: str) -> float:
        w = self.widths.get(s)
        if w is None:
            w = self.widths[s] = self.renderer.get_text_width_height_descent(s, self.tick_font, ismath=False)[0]
        return w

    def _tick_width(self) -> int:
        """Widest y tick label the axis will draw (its ticks depend on the axes' height only)."""
        lo, hi = self.ax.get_ylim()
        eps = (hi - lo) * 1e-6
        locs = [v for v in self.ax.yaxis.get_major_locator()() if lo - eps <= v <= hi + eps]
        labels = self.ax.yaxis.get_major_formatter().format_ticks(locs)
        w = max([self._text_width(s) for s in labels if s] + [0.0])
        return int(math.ceil(w / TICK_STEP) * TICK_STEP)

    def _apply(self, top_px: int, tick_w: int) -> None:
        if self.key == (top_px, tick_w):
            return
        self.key = (top_px, tick_w)
        left = self.pad + self.ylabel_w + self.labelpad + tick_w + self.ytick_out
        bottom, top = (self.pad + self.below) / self.H, 1 - (self.pad + top_px) / self.H
        self.fig.subplots_adjust(left=left / self.W, right=1 - (self.pad + self.right) / self.W,
                                 bottom=bottom, top=top)
        self.ylabel.set_position((self.pad / self.W, (bottom + top) / 2))

    def _layout(self) -> tuple[int, int, np.ndarray]:
        """Margins for this chart's title and y tick labels; the static pixels of that layout."""
        above = self.title.get_window_extent(self.renderer).y1 - self.ax.bbox.y1  # shaped once: drawn from it
        top_px = int(math.ceil(above))
        if self.key is None or self.key[0] != top_px:  # the axes' height sets how many y ticks there are
            self._apply(top_px, 0)
        key = (top_px, self._tick_width())
        self._apply(*key)
        kept = self.backgrounds.get(key)
        if kept is None:
            if len(self.backgrounds) >= MAX_LAYOUTS:
                self.backgrounds.pop(next(iter(self.backgrounds)))
            self.canvas.draw()  # everything not animated
            r = self.renderer  # the whole buffer (the figure's bbox is 505,99... px high: one row short)
            bg = self.canvas.copy_from_bbox(Bbox.from_bounds(0, 0, r.width, r.height))
            kept = self.backgrounds[key] = (bg, self._legend_picture())
        self.canvas.restore_region(kept[0])
        return kept[1]

    def _legend_picture(self) -> tuple[int, int, np.ndarray]:
        """The legend drawn alone on a transparent canvas: (x, y from the bottom, RGBA pixels).

        Laid over a chart (draw_image composites it) it gives what drawing the legend there gives,
        its translucent frame included, without laying out its texts and box again.
        """
        r = self.renderer
        r.clear()
        self.legend.draw(self.renderer)
        box = self.legend.get_window_extent(self.renderer)
        h, w = int(r.height), int(r.width)
        x0, x1 = max(0, int(box.x0) - 2), min(w, int(math.ceil(box.x1)) + 2)
        y0, y1 = max(0, int(box.y0) - 2), min(h, int(math.ceil(box.y1)) + 2)
        pixels = np.asarray(r.buffer_rgba())[h - y1:h - y0, x0:x1][::-1].copy()  # draw_image: bottom row first
        return x0, y0, pixels

    def _draw_amounts(self) -> None:
        """The amounts, drawn as Text.draw draws a one-line text centred on its point at its
        baseline (origin at x − width/2 on the baseline, width as the renderer measures it),
        without laying each out again through Text's general machinery."""
        r = self.renderer
        height = r.get_canvas_width_height()[1]
        for t in self.amounts:
            s = t.get_text()
            if not t.get_visible() or not s:
                continue
            x, y = t.get_transform().transform(t.get_position())
            prop = t.get_fontproperties()
            w = r.get_text_width_height_descent(s, prop, ismath=False)[0]
            gc = r.new_gc()
            gc.set_foreground(to_rgba(t.get_color()), isRGBA=True)
            gc.set_alpha(t.get_alpha())
            gc.set_antialiased(t.get_antialiased())
            gc.set_snap(t.get_snap())
            r.draw_text(gc, x - w / 2, height - y, s, prop, 0, ismath=False, mtext=t)
            gc.restore()

    def _draw_yaxis(self) -> None:
        """The y axis as Axis.draw draws it here: its ticks (line, grid line, label), without first
        measuring every tick label for the axis label and the offset text, both empty on this
        figure (the y label is a figure text in the background); with either set, Axis.draw."""
        axis, r = self.ax.yaxis, self.renderer
        if axis.label.get_text() or axis.get_major_formatter().get_offset():
            axis.draw(r)
            return
        for tick in axis._update_ticks():  # the ticks Axis.draw draws (matplotlib 3.11)
            tick.draw(r)
        axis.stale = False

    # ---- one chart ---------------------------------------------------------------------------

    def draw(self, target: Path, judul: str, kas: list[float | None], realisasi: list[float | None],
             s_d_triwulan: int | None) -> tuple[int, int]:
        x = self.x
        rencana = cumulative([v or 0.0 for v in kas])
        n = s_d_triwulan or 4
        real = cumulative([(realisasi[i] or 0.0) if i < n else None for i in range(4)])
        xs = [x[i] for i in range(4) if real[i] is not None]
        ys = [real[i] for i in range(4) if real[i] is not None]
        self.rencana.set_data(x, rencana)
        self.real.set_data(xs, ys)
        top = max(rencana + ys + [1.0]) * 1.15
        for txt, xi, yi in zip(self.rencana_txt, x, rencana):
            txt.set_text(miliar(yi))
            txt.set_position((xi, yi))
            txt.set_visible(0 <= yi <= top)
        for i, txt in enumerate(self.real_txt):
            txt.set_visible(i < len(xs) and 0 <= ys[i] <= top)
            if i < len(xs):
                txt.set_text(miliar(ys[i]))
                txt.set_position((xs[i], ys[i]))
        self.ax.set_ylim(bottom=0, top=top)
        self.title.set_text(wrap(judul, 70))
        x0, y0, legend = self._layout()
        r = self.renderer
        for a in self.animated:
            if a is self.rencana_txt[0]:
                self._draw_amounts()
            elif a is self.ax.yaxis:
                self._draw_yaxis()
            elif a.get_visible() and a not in self.amounts:
                a.draw(r)
        gc = r.new_gc()
        r.draw_image(gc, x0, y0, legend)
        gc.restore()
        return png.write_canvas(self.canvas, target)


_figures = threading.local()


def kurva_s(target: Path, judul: str, kas: list[float | None], realisasi: list[float | None],
            s_d_triwulan: int | None) -> tuple[int, int]:
    """Planned (anggaran kas) vs realised cumulative Rp per quarter; one figure per thread."""
    fig = getattr(_figures, "kurva_s", None)
    if fig is None:
        fig = _figures.kurva_s = KurvaS()
    return fig.draw(target, judul, kas, realisasi, s_d_triwulan)
