"""The serapan chart as lkip drew it before it was drawn on one figure per thread (commit 2e3d2ff):
a new Figure per chart, laid out by measuring every tick label (`_fit_one_axes`, what
tight_layout gives for one Axes), drawn by matplotlib's full draw, written by png.py.

Kept as it was (its body split into build_figure and _save, imports made absolute) as the reference tests/test_publish_serapan.py
compares the drawing of lkip/publish/serapan.py with, pixel for pixel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import ScaledTranslation

from lkip.fmt import format_angka, format_persen
from lkip.publish import png
from lkip.publish.chart_style import BLUE, DPI, GREEN, GREY, ORANGE, wrap as _wrap
from lkip.publish.fast_text import FastCanvas

TANPA_PAGU = "tanpa pagu"


def _fit_one_axes(fig: Figure, ax: Any) -> None:
    r = fig.canvas.get_renderer()
    tight = ax.get_tightbbox(r, bbox_extra_artists=[], for_layout_only=True)
    box = ax.get_window_extent(r)
    pad = 1.08 * matplotlib.rcParams["font.size"] * fig.dpi / 72  # tight_layout's default pad
    w, h = fig.bbox.width, fig.bbox.height
    fig.subplots_adjust(left=(max(box.x0 - tight.x0, 0) + pad) / w, right=1 - (max(tight.x1 - box.x1, 0) + pad) / w,
                        bottom=(max(box.y0 - tight.y0, 0) + pad) / h, top=1 - (max(tight.y1 - box.y1, 0) + pad) / h)


def _save(fig: Figure, target: Path) -> tuple[int, int]:
    canvas = fig.canvas if isinstance(fig.canvas, FastCanvas) else FastCanvas(fig)
    _fit_one_axes(fig, fig.axes[0])
    canvas.draw()
    return png.write_canvas(canvas, target)


def build_figure(judul: str, program: list[str], persen: list[float | None], total: float | None) -> Figure:
    """The old chart's figure, not yet laid out (the body of the old serapan_program)."""
    fig = Figure(figsize=(9, 1.2 + 0.62 * max(len(program), 1)), dpi=DPI)
    ax = fig.add_subplot()
    names = [_wrap(p, 45) for p in program]
    y = list(range(len(program)))[::-1]
    drawn = [(yi, p) for yi, p in zip(y, persen) if p is not None]
    ax.barh([d[0] for d in drawn], [d[1] for d in drawn],
            color=[GREEN if p >= 100 else BLUE for _, p in drawn], height=0.6)
    beside = ax.transData + ScaledTranslation(4 / 72, -3 / 72, fig.dpi_scale_trans)
    xmax = max([p for p in persen if p is not None] + [100.0]) * 1.18
    for yi, p in zip(y, persen):
        if p is None:
            ax.text(0, yi, TANPA_PAGU, transform=beside, fontsize=8, color=GREY, style="italic")
            continue
        ax.text(p, yi, format_persen(p), transform=beside, fontsize=8).set_visible(0 <= p <= xmax)
    ax.set_yticks(y, names, fontsize=8)
    ax.yaxis.set_label_coords(-0.1, 0.5)  # no y label: not placed from the tick labels' extents
    if total is not None:
        ax.axvline(total, color=ORANGE, linestyle="--", linewidth=1.2,
                   label=f"Serapan total {format_persen(total)}")
        ax.legend(loc="lower right", fontsize=8)
    ax.set_xlim(0, xmax)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: format_angka(v) + " %"))
    ax.set_xlabel("Serapan anggaran (%)")
    ax.set_title(_wrap(judul, 80), fontsize=10, y=1.0)  # y given: no x axis on top, not moved at each draw
    ax.grid(axis="x", alpha=0.3)
    return fig


def serapan_program(target: Path, judul: str, program: list[str], persen: list[float | None],
                    total: float | None) -> tuple[int, int]:
    """Serapan per program; a program whose persen is None (pagu 0) is listed, marked `tanpa pagu`."""
    return _save(build_figure(judul, program, persen, total), target)
