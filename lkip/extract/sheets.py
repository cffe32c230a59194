"""Helpers every reader shares: which sheets to look at, a sheet's grid, recognition by content."""

from __future__ import annotations

import contextlib
import contextvars
import re
from typing import Any, Iterator

from lkip.extract.header import Header, find_header, load_column_map, title_lines

TITLE_SCAN = 15  # rows of a sheet's top searched for the document title


def visible_sheets(workbook: Any) -> list[Any]:
    """The visible sheets of a workbook (hidden ones are ignored and reported by detect)."""
    vis = getattr(workbook, "visible_sheets", None)
    if vis is not None:
        return list(vis)
    return [s for s in getattr(workbook, "sheets", []) if not getattr(s, "hidden", False)]


def hidden_sheet_names(workbook: Any) -> list[str]:
    hid = getattr(workbook, "hidden_sheets", None)
    if hid is None:
        hid = [s for s in getattr(workbook, "sheets", []) if getattr(s, "hidden", False)]
    return [s.name for s in hid]


def _blank_text(v: Any) -> bool:
    return isinstance(v, str) and not v.strip()


def grid(sheet: Any) -> list[list[Any]]:
    """The sheet's rows with blank text as None (only rebuilt when blank text occurs at all)."""
    rows = sheet.rows
    if any(_blank_text(v) for r in rows[:40] for v in r):
        return [[None if _blank_text(v) else v for v in r] for r in rows]
    return rows


HEAD_ROWS = 40  # enough for a title block of 0-10 rows and a header within the first 30


def head_grid(sheet: Any, n: int = HEAD_ROWS) -> list[list[Any]]:
    """The top of a sheet as a grid, without reading the rest of a big sheet."""
    head = sheet.head(n) if hasattr(sheet, "head") else sheet.rows[:n]
    return [[None if _blank_text(v) else v for v in r] for r in head]


def title_text(rows: list[list[Any]], upto: int = TITLE_SCAN) -> str:
    return re.sub(r"\s+", " ", " \n ".join(title_lines(rows, upto)).upper())


_BOUNDS = contextvars.ContextVar("lkip_score_bounds", default=False)


@contextlib.contextmanager
def score_bounds() -> Iterator[None]:
    """Inside it, ``recognition_score`` answers an upper bound of the score (the title's part
    plus 5 per field of the map) without looking for the header: detection asks every kind for
    its bound first and scores exactly only the kinds that could still win."""
    token = _BOUNDS.set(True)
    try:
        yield
    finally:
        _BOUNDS.reset(token)


def bounding() -> bool:
    """Whether the caller asks for upper bounds (``score_bounds``): a reader's own ``matches``
    (not ``recognition_score``) may answer one too, or its exact score."""
    return _BOUNDS.get()


def recognition_score(rows: list[list[Any]], title: re.Pattern[str] | str, column_map: str,
                      header_needs: set[str] | None = None) -> int:
    """100 for a title that names the document, plus 5 per header column the map recognises.

    A title without a recognisable header counts half; a header alone counts only its columns
    (and only when it has one of ``header_needs``, for maps that other layouts also half-fit).
    """
    score = 100 if re.search(title, title_text(rows)) else 0
    if _BOUNDS.get():
        return score + 5 * len(load_column_map(column_map).fields)
    header = find_header(rows, load_column_map(column_map))
    if header is not None and (header_needs is None or header.columns.keys() & header_needs):
        return score + 5 * len(header.columns)
    return score // 2


def chosen_sheets(workbook: Any, matches: Any) -> list[Any]:
    """The visible sheets a reader recognises (in workbook order), else the closest one."""
    sheets = visible_sheets(workbook)
    scored = [(matches(s), i, s) for i, s in enumerate(sheets)]
    return [s for sc, _i, s in scored if sc > 0] or [max(scored, key=lambda t: (t[0], -t[1]))[2]]


def locate_table(sheet: Any, column_map: str) -> tuple[list[list[Any]], Header | None, list[str]]:
    """A sheet's grid, its header (None when no row fits the map) and the title lines above it."""
    rows = grid(sheet)
    header = find_header(rows, load_column_map(column_map))
    upto = header.row - header.n_rows + 1 if header else min(TITLE_SCAN, len(rows))
    return rows, header, title_lines(rows, upto)
