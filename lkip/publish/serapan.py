"""The serapan chart (serapan anggaran per program; the city's: one bar per SKPD), on one figure per thread.

The chart is the one a new Figure per chart gave before (tests/serapan_reference.py keeps that
drawing; tests/test_publish_serapan.py requires the same pixels and the same PNG bytes, in
several orders of charts on one figure), at a fraction of its CPU (bench/serapan_ab.py):

* **One figure per thread, its artists reused.** The Figure, its Axes, the ticks, the bars, the
  amount texts, the total's line and its legend are made once and given each chart's size,
  data and texts (before, making the Axes and one Tick per bar was ~30 % of a chart's CPU).
  The y limits are found as the new figure found them (`_limits`): autoscaled from the drawn
  bars (the first and the last: the others lie between) with a new Axes' default locator and
  view, then widened by set_yticks to every program's tick.
* **Layout as before** (the margins tight_layout gives for one Axes, from the boxes of its
  tick labels, x axis label and title: `_fit`), with the x ticks computed once for the pass
  (`_ticks_once`: matplotlib asks for them four times, running the locator each time).
* **Drawn in matplotlib's z-order, without its generic passes** (`_draw`): the figure and axes
  patches, the bars, the x axis (its tick labels not measured again for an offset text the
  percent formatter never has), the y axis (one line of markers for all tick marks: Agg places
  each marker vertex alone, as one call per tick did; then the labels), the total's line, the
  frame, the amounts, the title, the legend, as Figure.draw / Axes.draw order them. An axis with
  an axis label or an offset text is drawn by Axis.draw.
* **Text layouts kept** (`_memo_layout`): Text._get_layout of this figure's texts (tick labels,
  amounts, title, legend) is kept per process, keyed by everything it reads; with fast_text.py
  (glyphs) a recurring text costs neither layout nor rendering.
* PNG by png.py.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import matplotlib
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import AutoLocator, FuncFormatter
from matplotlib.transforms import ScaledTranslation

from lkip.fmt import format_angka, format_persen

from . import png
from .chart_style import BLUE, DPI, GREEN, GREY, ORANGE, wrap
from .fast_text import FastCanvas

TANPA_PAGU = "tanpa pagu"  # a program with pagu 0 has no serapan to draw (not 0,00 %)
BAR = 0.6  # bar height (data units: one program per unit)
X_TICKS = 12  # x ticks made (and their labels' layouts memoised) up front; more are made when needed

# Text layouts (Text._get_layout: the text's box and its lines' places relative to its anchor) kept
# per process, keyed by everything that layout reads; see _memo_layout.
_LAYOUTS: dict[tuple, tuple] = {}
MAX_LAYOUTS = 4096


def _percent(v: float, _pos: Any = None) -> str:
    return format_angka(v) + " %"


@contextmanager
def _ticks_once(axis: Any) -> Iterator[list[Any]]:
    """The axis's ticks computed once for a phase in which nothing moves them (the layout pass,
    the drawing): matplotlib asks for them again and again (Axis.get_tightbbox, the axis label's
    place from the sibling tick boxes and from the spine's extent, Axis.draw), each time running
    the locator and placing every tick again, to the same result."""
    ticks = axis._update_ticks()  # matplotlib 3.11: ticks positioned and labelled, those in view
    axis._update_ticks = lambda: ticks
    try:
        yield ticks
    finally:
        del axis._update_ticks


def _memo_layout(text: Any) -> None:
    """Let `text` take its layout from `_LAYOUTS` when a text of the same string and properties
    was laid out before (tick labels, amounts, program names recur from chart to chart).

    Text._get_layout (matplotlib 3.11) is a function of the string, the font properties, the line
    spacing, the alignments, the rotation and its mode, usetex / parse_math, the figure's dpi and
    the renderer's text metrics (fast_text: by font and dpi): the key holds all of them (the font
    properties copied: a Text's can change later). A wrapped text, or one whose rotation follows its
    transform, is laid out as before. The box returned is never changed by its callers (they
    translate a copy)."""
    if "_get_layout" in vars(text):
        return
    compute = text._get_layout

    def layout(renderer: Any) -> tuple:
        if text.get_wrap() or text.get_transform_rotates_text():
            return compute(renderer)
        prop = text.get_fontproperties()
        key = (text.get_text(), prop, text.get_linespacing(), text._get_multialignment(),
               text.get_horizontalalignment(), text.get_verticalalignment(), text.get_rotation(),
               text.get_rotation_mode(), text.get_usetex(), text.get_parse_math(),
               text.get_figure(root=True).dpi, renderer.dpi, type(renderer))
        got = _LAYOUTS.get(key)
        if got is None:
            got = compute(renderer)
            if len(_LAYOUTS) >= MAX_LAYOUTS:
                _LAYOUTS.clear()
            _LAYOUTS[(key[0], prop.copy(), *key[2:])] = got
        return got

    text._get_layout = layout


class SerapanProgram:
    """One serapan figure, drawn again for each chart with new data and texts."""

    def __init__(self) -> None:
        rc = matplotlib.rcParams
        self.fig = fig = Figure(figsize=(9, 1.82), dpi=DPI)
        self.canvas = FastCanvas(fig)
        self.ax = ax = fig.add_subplot()
        self.defaults = {k: rc[f"figure.subplot.{k}"] for k in ("left", "right", "bottom", "top")}
        self.bars: list[Any] = []
        self.amounts: list[Any] = []   # black, one per program with pagu
        self.tanpa: list[Any] = []     # grey italic, one per program without
        # each amount 4 points right of and 3 below its bar's end, as annotate(textcoords="offset points")
        # places it (a plain Text: an Annotation's positioning costs more than drawing it), shown when
        # its point is inside the axes, as an Annotation's annotation_clip shows it
        self.beside = ax.transData + ScaledTranslation(4 / 72, -3 / 72, fig.dpi_scale_trans)
        ax.yaxis.set_label_coords(-0.1, 0.5)  # no y label: not placed from the tick labels' extents
        self.line = ax.axvline(0.5, color=ORANGE, linestyle="--", linewidth=1.2, label="Serapan total")
        self.legend = ax.legend(loc="lower right", fontsize=8)
        ax.xaxis.set_major_formatter(FuncFormatter(_percent))
        ax.set_xlabel("Serapan anggaran (%)")
        self.title = ax.set_title("", fontsize=10, y=1.0)  # y given: no x axis on top, not moved at each draw
        ax.grid(axis="x", alpha=0.3)
        for tick in ax.xaxis.get_major_ticks(X_TICKS):
            _memo_layout(tick.label1)
        for t in (ax.xaxis.label, self.title, *self.legend.get_texts()):
            _memo_layout(t)
        self.pad = 1.08 * rc["font.size"] * fig.dpi / 72  # tight_layout's default pad
        self.marks = Line2D([], [])  # the y tick marks, drawn as one line of markers
        self.marks.set_figure(fig)

    # ---- the chart's artists -------------------------------------------------------------------

    def _bar(self, i: int) -> Any:
        while len(self.bars) <= i:
            (rect,) = self.ax.barh([0], [0.0], height=BAR)
            self.bars.append(rect)
        return self.bars[i]

    def _text(self, pool: list[Any], i: int, tanpa: bool) -> Any:
        while len(pool) <= i:
            if tanpa:
                t = self.ax.text(0, 0, TANPA_PAGU, transform=self.beside, fontsize=8, color=GREY, style="italic")
            else:
                t = self.ax.text(0, 0, "", transform=self.beside, fontsize=8)
            _memo_layout(t)
            pool.append(t)
        return pool[i]

    def _set(self, program: list[str], persen: list[float | None], total: float | None) -> list[Any]:
        """The chart's data on the figure's artists; returns the texts beside the bars, in draw order."""
        ax = self.ax
        n = len(program)
        self.fig.set_size_inches(9, 1.2 + 0.62 * max(n, 1))
        self.fig.subplots_adjust(**self.defaults)
        y = list(range(n))[::-1]
        xmax = max([p for p in persen if p is not None] + [100.0]) * 1.18
        texts, nbar, ntanpa = [], 0, 0
        for yi, p in zip(y, persen):
            if p is None:
                t = self._text(self.tanpa, ntanpa, True)
                ntanpa += 1
                t.set_position((0, yi))
                texts.append(t)
                continue
            rect = self._bar(nbar)
            nbar += 1
            rect.set_bounds(0, yi - BAR / 2, p, BAR)
            rect.set_facecolor(GREEN if p >= 100 else BLUE)
            rect.set_visible(True)
            t = self._text(self.amounts, nbar - 1, False)
            t.set_text(format_persen(p))
            t.set_position((p, yi))
            t.set_visible(0 <= p <= xmax)
            texts.append(t)
        for rect in self.bars[nbar:]:
            rect.set_visible(False)
        self.nbar = nbar
        self.line.set_visible(False)  # the line bounds x only: not measured for the y limits
        self._limits(y, [wrap(p, 45) for p in program], self.bars[:nbar])
        shown = total is not None
        self.line.set_visible(shown)
        self.legend.set_visible(shown)
        if shown:
            label = f"Serapan total {format_persen(total)}"
            self.line.set_xdata([total, total])
            self.line.set_label(label)
            self.legend.get_texts()[0].set_text(label)
        ax.set_xlim(0, xmax)
        return texts

    def _limits(self, y: list[int], names: list[str], bars: list[Any]) -> None:
        """The y limits and ticks a new figure got: autoscaled from the drawn bars (the default
        locator, the view as a new Axes has it), then widened by set_yticks to every tick.

        The data limits are those of the first and the last drawn bar (the highest and the
        lowest: the others lie between them), the other bars hidden meanwhile: relim measures
        two bars, not every one."""
        ax = self.ax
        ax.yaxis.set_major_locator(AutoLocator())
        ax.set_ylim(0.0, 1.0)  # a new Axes' view: autoscaling without data keeps an unmoved view's default
        ax.set_autoscaley_on(True)
        inner = bars[1:-1]
        for rect in inner:
            rect.set_visible(False)
        ax.relim(visible_only=True)
        for rect in inner:
            rect.set_visible(True)
        ax.autoscale_view(scalex=False, scaley=True)
        ax.set_yticks(y, names, fontsize=8)
        for tick in ax.yaxis.get_major_ticks(len(y)):
            _memo_layout(tick.label1)

    # ---- layout --------------------------------------------------------------------------------

    def _fit(self) -> None:
        """subplots_adjust as tight_layout sets it for this one Axes (charts._fit_one_axes before):
        from the union of the boxes of the y tick labels, the x axis and the title."""
        fig, ax = self.fig, self.ax
        r = self.canvas.get_renderer()
        with _ticks_once(ax.xaxis):
            tight = ax.get_tightbbox(r, bbox_extra_artists=[], for_layout_only=True)
        box = ax.get_window_extent(r)
        pad = self.pad
        w, h = fig.bbox.width, fig.bbox.height
        fig.subplots_adjust(left=(max(box.x0 - tight.x0, 0) + pad) / w, right=1 - (max(tight.x1 - box.x1, 0) + pad) / w,
                            bottom=(max(box.y0 - tight.y0, 0) + pad) / h, top=1 - (max(tight.y1 - box.y1, 0) + pad) / h)

    # ---- drawing -------------------------------------------------------------------------------

    def _draw_xaxis(self, r: Any, ticks: list[Any]) -> None:
        """The x axis as Axis.draw draws it (ticks, then its label placed below their labels)
        without measuring the tick labels for an offset text the percent formatter never has."""
        axis = self.ax.xaxis
        if axis.get_major_formatter().get_offset():
            axis.draw(r)
            return
        for tick in ticks:
            tick.draw(r)
        axis._update_label_position(r)
        axis.label.draw(r)
        axis.stale = False

    def _draw_yaxis(self, r: Any) -> None:
        """The y axis as Axis.draw draws it here: one tick per program (its mark and its label; no
        grid line, nothing on the right), without measuring every tick label again for an axis
        label and an offset text it does not have. The marks are one line of markers (one
        draw_markers call, each mark placed as its own call places it: Agg snaps every vertex
        alone), then the labels, as the ticks' order draws them (marks never overlap labels)."""
        axis = self.ax.yaxis
        ticks = axis._update_ticks()  # the ticks Axis.draw draws (matplotlib 3.11), positioned
        if axis.label.get_text() or axis.get_major_formatter().get_offset() or not all(
                t.get_visible() and not t.gridline.get_visible() and not t.tick2line.get_visible()
                and not t.label2.get_visible() for t in ticks):
            axis.draw(r)
            return
        if ticks:
            marks = self.marks
            first = ticks[0].tick1line
            marks.update_from(first)
            marks.set_data([first.get_xdata()[0]] * len(ticks), [t.get_loc() for t in ticks])
            marks.draw(r)
        for tick in ticks:
            tick.label1.draw(r)
        axis.stale = False

    def _draw(self, texts: list[Any]) -> None:
        """What canvas.draw() draws, in its order (Figure.draw, then Axes.draw's z-order)."""
        fig, ax = self.fig, self.ax
        r = self.canvas.get_renderer()
        r.clear()
        ax.apply_aspect()
        fig.patch.draw(r)
        ax.viewLim  # noqa: B018 - the view as Axes.draw unstales it
        ax.patch.draw(r)
        with _ticks_once(ax.xaxis) as xticks:
            for rect in self.bars[:self.nbar]:                 # zorder 1
                rect.draw(r)
            self._draw_xaxis(r, xticks)                        # 1.5
            self._draw_yaxis(r)
            if self.line.get_visible():                       # 2
                self.line.draw(r)
            for spine in ax.spines.values():                  # 2.5
                spine.draw(r)
            for t in texts:                                   # 3
                t.draw(r)
            self.title.draw(r)
            if self.legend.get_visible():                     # 5
                self.legend.draw(r)

    def draw(self, target: Path, judul: str, program: list[str], persen: list[float | None],
             total: float | None) -> tuple[int, int]:
        texts = self._texts = self._set(program, persen, total)
        self.title.set_text(wrap(judul, 80))
        self._fit()
        self._draw(texts)
        return png.write_canvas(self.canvas, target)


_figures = threading.local()


def serapan_program(target: Path, judul: str, program: list[str], persen: list[float | None],
                    total: float | None) -> tuple[int, int]:
    """Serapan per program; a program whose persen is None (pagu 0) is listed, marked `tanpa pagu`."""
    fig = getattr(_figures, "serapan", None)
    if fig is None:
        fig = _figures.serapan = SerapanProgram()
    return fig.draw(target, judul, program, persen, total)
