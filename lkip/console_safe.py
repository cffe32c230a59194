"""Text from untrusted files (file names, cell values in messages) made inert on a terminal.

A file name can carry terminal escape sequences (``\\x1b]0;...``, ``\\x1b[2J``), bidi overrides
that make ``evil.exe`` look like ``exe.live``, or rich markup (``[link=...]``, ``[blink]``).
``inert`` shows every control/format character as a visible escape; ``plain`` also escapes rich
markup, for text passed to rich's ``print`` or a table cell."""

from __future__ import annotations

import unicodedata

from rich.markup import escape

_UNSAFE = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co"}


def _shown(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else (f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")


def inert(text: object) -> str:
    """Every control, format or separator character shown as ``\\xNN``/``\\uNNNN``."""
    s = "" if text is None else str(text)
    if s.isprintable():
        return s
    return "".join(_shown(ch) if unicodedata.category(ch) in _UNSAFE else ch for ch in s)


def plain(text: object) -> str:
    """``inert`` and rich markup escaped: prints exactly as the characters of the name."""
    return escape(inert(text))
