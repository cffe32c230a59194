"""A table's body rows as HTML text, built in Python, for the page template (issue 13).

The city's page holds every SKPD's reconciliation rows (~18 000 rows, ~230 000 cells in a 44-SKPD
city). Rendered cell by cell in Jinja2's sandbox that cost ~1 CPU-s (three sandboxed lookups and an
escape per cell). Here the rows are written by our own code, every text escaped with
markupsafe.escape (what autoescape does), and handed to the template as one `Markup` value:
`{{ t.body_html }}` in the bundled template prints exactly what its former loop over `t.body`
printed. The template stays user-overridable and sandboxed; a workspace template that still loops
over `t.body` gets the same rows as dicts (built when it asks for them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

Cells = list[tuple[str, str]]  # (text, class) per cell
Row = tuple[str, Cells]        # (row class, cells)


def esc(text: str) -> str:
    """markupsafe.escape(text) as a str, skipping the call for the many texts with nothing to escape."""
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return str(escape(text))
    return text


def row_html(cls: str, cells: Cells) -> str:
    """One body row as the bundled template's loop printed it (trim_blocks, lstrip_blocks)."""
    out = [f'<tr class="{esc(cls)}">' if cls else "<tr>"]
    add = out.append
    for text, c in cells:
        if c:
            add(f'<td class="{esc(c)}">{esc(text)}</td>')
        else:
            add(f"<td>{esc(text)}</td>")
    add("</tr>\n")
    return "".join(out)


def body_html(rows: list[str], ncols: int) -> Markup:
    """What the bundled template's `{% for r in t.body %}` loop printed: the rows' row_html."""
    if not rows:
        return Markup(f'<tr><td colspan="{ncols or 1}">Tidak ada data.</td></tr>\n')
    return Markup("".join(rows))


class BodyRows(Sequence):
    """`t.body` for templates that loop over it: [{'cls': ..., 'cells': [{'text', 'cls'}]}], made on demand."""

    def __init__(self, rows: list[Row]):
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._row(r) for r in self._rows[i]]
        return self._row(self._rows[i])

    @staticmethod
    def _row(row: Row) -> dict[str, Any]:
        cls, cells = row
        return {"cls": cls, "cells": [{"text": t, "cls": c} for t, c in cells]}
