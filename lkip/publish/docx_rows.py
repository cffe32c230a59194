"""The body rows of a docx table as XML: one `w:tr` built through python-docx per kind of row, copied
for every row of that kind with its own texts.

python-docx's object API costs ~40 µs a cell (`_Row.cells` walks every cell's spans, each width,
run and paragraph property goes through its schema-ordering getters and xpath); a city's 45
documents hold ~100 000 body cells. Here the first row of a table is laid out by python-docx
itself (`cell.width`, the `w:cantSplit` flag; docx_out.add_table), and every body row is a copy
of it whose cells python-docx's own API (`styled_cell`) filled once per *kind* of row: its
weight, each cell's alignment and whether each cell is empty, one plain `w:t` or text python-docx
writes otherwise (tab, line break, surrounding space). A copy gets its texts in its `w:t`
elements; a cell of the third sort is written by `styled_cell` itself. The document XML is the
one python-docx's API writes cell by cell (tests/test_docx_rows.py).
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from docx.oxml.ns import qn
from docx.table import _Cell

_TC, _P, _T = qn("w:tc"), qn("w:p"), qn("w:t")
PLAIN, EMPTY, OTHER = 0, 1, 2


def text_sort(text: str) -> int:
    """PLAIN: python-docx writes `text` as one `w:t` with nothing else (no tab, break, xml:space)."""
    if not text:
        return EMPTY
    if text == text.strip() and "\t" not in text and "\r" not in text and "\n" not in text:
        return PLAIN
    return OTHER


_PARAGRAPHS: dict[tuple, Any] = {}  # (alignment, bold, sort, size) -> the paragraph styled_cell writes


def _paragraph(blank_tc: Any, table: Any, align: Any, bold: bool, sort: int, size: Any,
               styled_cell: Callable[..., None]) -> Any:
    """The `w:p` `styled_cell` writes in a cell for an EMPTY text or a PLAIN one (`x`: the copy gets
    its own text): written once per process in a scratch copy of a cell. It holds no reference to
    its document (no relationship, no style id), the same in every document."""
    key = (align, bold, sort, size)
    p = _PARAGRAPHS.get(key)
    if p is None:
        tc = copy.deepcopy(blank_tc)
        styled_cell(_Cell(tc, table), "x" if sort == PLAIN else "", align, bold, size)
        (p,) = tc.findall(_P)
        p = _PARAGRAPHS[key] = copy.deepcopy(p)
    return p


def fill_body(tbl: Any, table: Any, blank_tr: Any, rows: list[tuple[bool, list[tuple[str, Any]]]],
              size: Any, styled_cell: Callable[..., None]) -> None:
    """Append one `w:tr` per row to `tbl`: each a copy of `blank_tr` (widths and row flags set,
    every cell one empty paragraph) filled as `styled_cell(cell, text, align, bold, size)` fills it.

    rows: (bold, [(text, alignment) per cell]) per row; `table` is the python-docx Table (the
    parent of the cells `styled_cell` writes)."""
    kinds: dict[tuple, Any] = {}  # (bold, alignments, sorts) -> the filled row to copy
    append = tbl.append
    for bold, cells in rows:
        sorts = tuple(text_sort(text) for text, _ in cells)
        key = (bold, tuple(align for _, align in cells), sorts)
        tpl = kinds.get(key)
        if tpl is None:  # styled_cell clears the cell but its tcPr and appends its paragraph
            tpl = copy.deepcopy(blank_tr)
            for tc, (text, align), sort in zip(tpl.iterchildren(_TC), cells, sorts):
                if sort != OTHER:  # an OTHER cell is written for each row below
                    (blank_p,) = tc.findall(_P)
                    tc.replace(blank_p, copy.deepcopy(_paragraph(tc, table, align, bold, sort, size, styled_cell)))
            kinds[key] = tpl
        tr = copy.deepcopy(tpl)
        ts = tr.iter(_T)  # one per PLAIN cell, in order (the OTHER cells are still empty)
        for (text, _), sort in zip(cells, sorts):
            if sort == PLAIN:
                next(ts).text = text
        if OTHER in sorts:
            for tc, (text, align), sort in zip(tr.iterchildren(_TC), cells, sorts):
                if sort == OTHER:
                    styled_cell(_Cell(tc, table), text, align, bold, size)
        append(tr)
