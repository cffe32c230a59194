"""What every chart shares: resolution, colours, title wrapping, the miliar axis format."""

from __future__ import annotations

import textwrap
from typing import Any

from lkip.fmt import format_angka

from .safe_text import clean, shorten

DPI = 110  # figures are made at the dpi they are saved at: the layout pass and the drawing then
# share one renderer and its cache of text extents (each text is measured once, not twice)
BLUE, ORANGE, GREEN, RED, GREY = "#1f4e79", "#e07b00", "#2e7d32", "#c62828", "#7f7f7f"


def miliar(v: float, _pos: Any = None) -> str:
    return format_angka(v / 1e9)


def wrap(text: str, width: int = 38, max_lines: int = 4) -> str:
    """Wrapped to `width`, at most about `max_lines` lines (shortened at a word), safe for mathtext."""
    text = shorten(clean(str(text)), width * max_lines)
    return tex_safe("\n".join(textwrap.wrap(text, width)) or text)


def tex_safe(text: str) -> str:
    # after wrapping, so an escape is never split across lines
    return text.replace("$", r"\$")
