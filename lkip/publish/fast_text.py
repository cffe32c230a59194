"""Plain text on the Agg canvas in one FreeType call per text, short texts rendered once per process.

matplotlib 3.11's Agg backend draws a text glyph by glyph from Python (a FreeType render, a numpy
transform and a compositing call per glyph) after shaping it with libraqm: ~4 ms for a chart
title, ~0,5 ms for a tick label, the larger part of a Kurva S. `FastTextRenderer` wraps the
figure's RendererAgg and, for one-line unrotated plain text (no mathtext, no TeX, no clip path,
default font features), does what the Agg backend did up to matplotlib 3.10 with the public
FT2Font API: `set_text` (one shaping), `draw_glyphs_to_bitmap` (every glyph into one grey bitmap
in C), then composites that bitmap in the text's colour with `draw_image` at the whole pixel the
3.10 backend put it (the baseline origin rounded). The metrics (`get_text_width_height_descent`)
come from the same `set_text`, exactly as the backend computes them, so a text laid out is not
shaped again to be drawn. The bitmap of a text of at most `MAX_CHARS` characters (tick labels,
amounts) is kept, and the last `RECENT` longer ones (titles, program names), by the process for
every figure (each serapan / IKU chart is a new figure): drawn again, a text is only composited.

A text whose font lacks one of its characters (matplotlib would fall back to another font), and
anything else, is passed to the wrapped renderer unchanged. A bitmap depends only on the text and
its font, never on what was drawn before: a chart's pixels do not depend on the charts drawn before
it (tests/test_publish_charts.py).
"""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag

MAX_CHARS = 24       # longer texts (chart titles) are unique per chart: not kept
MAX_KEPT = 4096      # short texts kept; then the store starts again
RECENT = 256         # long texts kept (between their layout and their drawing; program names recur)
_MISSING = object()
# Kept per process, not per renderer: every serapan / IKU chart is a new figure with a new renderer,
# and its axis texts (tick labels, axis label, program names) are those of the charts before it.
# The key holds what the bitmap depends on: text, font (a copy, as matplotlib's own text cache
# keeps it: a Text's FontProperties can change later), antialiasing, dpi and hinting.
_KEPT: dict[tuple, tuple | None] = {}
_RECENT: dict[tuple, tuple | None] = {}


class FastTextRenderer:
    """A RendererAgg drawing plain text as described in the module docstring."""

    def __init__(self, renderer: RendererAgg) -> None:
        self._r = renderer
        self._kept, self._recent = _KEPT, _RECENT

    def __getattr__(self, name: str) -> Any:  # everything else is the wrapped renderer's
        return getattr(self._r, name)

    # ---- one text as a grey bitmap ---------------------------------------------------------------

    def _font(self, prop: Any, s: str) -> Any:
        font = font_manager.get_font(font_manager.findfont(prop))
        if any(font.get_char_index(ord(c)) == 0 for c in set(s)):
            return None  # matplotlib would take these characters from a fallback font
        font.clear()
        font.set_size(prop.get_size_in_points(), self._r.dpi)
        return font

    def _bitmap(self, s: str, prop: Any, antialiased: bool = True) -> tuple | None:
        """(width, height, descent, x offset, grey bitmap) of `s`, or None when it is not for here."""
        flags = get_hinting_flag()
        key = (s, prop, antialiased, self._r.dpi, flags, mpl.rcParams["text.hinting_factor"])
        store = self._kept if len(s) <= MAX_CHARS else self._recent
        got = store.get(key, _MISSING)
        if got is not _MISSING:
            return got
        font = self._font(prop, s)
        got = None
        if font is not None:
            font.set_text(s, 0.0, flags=flags)
            w, h = font.get_width_height()
            d = font.get_descent()
            font.draw_glyphs_to_bitmap(antialiased=antialiased)
            xo, _ = font.get_bitmap_offset()
            got = (w / 64.0, h / 64.0, d / 64.0, xo / 64.0, font.get_image().copy())
        limit = MAX_KEPT if store is self._kept else RECENT
        if len(store) >= limit:
            store.clear()
        store[(s, prop.copy(), *key[2:])] = got
        return got

    @staticmethod
    def _plain(s: str, ismath: Any, mtext: Any = None) -> bool:
        if ismath or not s or "\n" in s:
            return False
        if mtext is None:
            return True
        # font features and language are matplotlib 3.11's (older Text objects have neither)
        features = getattr(mtext, "get_fontfeatures", None)
        language = getattr(mtext, "get_language", None)
        return (features is None or features() is None) and (language is None or language() is None)

    # ---- the renderer methods ------------------------------------------------------------------

    def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any) -> tuple[float, float, float]:
        got = self._bitmap(s, prop) if self._plain(s, ismath) else None
        if got is None:
            return self._r.get_text_width_height_descent(s, prop, ismath)
        return got[0], got[1], got[2]

    def draw_text(self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, ismath: Any = False,
                  mtext: Any = None) -> None:
        got = None
        if not angle and self._plain(s, ismath, mtext) and gc.get_clip_path()[0] is None:
            got = self._bitmap(s, prop, bool(gc.get_antialiased()))
        if got is None:
            return self._r.draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
        _, _, d, xo, grey = got
        if not grey.size:
            return None
        rgba = np.empty(grey.shape + (4,), np.uint8)
        colour = gc.get_rgb()  # RGBA, its alpha the text's (set_alpha writes it there)
        rgba[..., 0], rgba[..., 1], rgba[..., 2] = (int(round(c * 255)) for c in colour[:3])
        alpha = colour[3] if len(colour) > 3 else 1.0
        if alpha >= 1:
            rgba[..., 3] = grey
        else:
            rgba[..., 3] = (grey * float(alpha) + 0.5).astype(np.uint8)
        left = round(x + xo)
        bottom = round(y + d) + 1  # y down: the bitmap's bottom row, where matplotlib 3.10 put it
        clip = self._r.new_gc()
        clip.set_clip_rectangle(gc.get_clip_rectangle())
        # draw_image: lower-left corner, y up from the bottom; rows bottom first
        self._r.draw_image(clip, left, int(self._r.height) - bottom, rgba[::-1])
        clip.restore()
        return None



class FastCanvas(FigureCanvasAgg):
    """An Agg canvas drawing (and laying out, and saving) through a FastTextRenderer."""

    _fast: FastTextRenderer | None = None

    def get_renderer(self) -> Any:
        r = super().get_renderer()
        if isinstance(r, FastTextRenderer):  # draw() keeps what this returned as self.renderer
            return r
        if self._fast is None or self._fast._r is not r:
            self._fast = FastTextRenderer(r)
        return self._fast
