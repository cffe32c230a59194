"""Bounded work on an untrusted workbook (used by lkip.extract.workbook; SECURITY.md, RELIABILITY.md).

- ``TextRuns``: the text between two tags of a worksheet or shared-strings part, checked while
  the scan inflates it, against Excel's own limit of characters in a cell (32 767): a
  5-million-character SKPD name kept publishing busy for minutes. One ``find`` per window of
  the data; only a window without any ``<`` is looked at closely.
- ``check_rows`` / ``check_arrow``: the same limit on values as read (a rich-text string split in
  short runs passes the per-run check).
- ``HeadSource`` / ``CalamineSource``: one open workbook shared by the sheets of a file, so that
  work on a workbook of many sheets is linear (opening it once per sheet was quadratic: 1 000
  tiny sheets took 194 s).

Nothing here knows the officer's messages: ``TextTooLong`` carries the figures, the caller words
the rejection.
"""

from __future__ import annotations

import contextlib
import html
import re
import threading
import weakref
from pathlib import Path
from typing import Any, Callable

TEXT_WINDOW = 16 * 1024   # at most; a text run of two windows or more holds one whole
_XL_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


class TextTooLong(Exception):
    """A cell's text over the limit: ``n`` characters (None: over ``hard`` bytes, not counted),
    ``row``/``col`` (1-based, 0 when unknown), a short ``sample``."""

    def __init__(self, n: int | None, limit: int, sample: str, row: int = 0, col: int = 0, hard: int = 0):
        super().__init__(f"{n} > {limit}")
        self.n, self.limit, self.sample, self.row, self.col, self.hard = n, limit, preview(sample), row, col, hard


def preview(text: str) -> str:
    return text[:40] + "…" if len(text) > 40 else text


class TextRuns:
    """Feed the chunks of one part in order; raises TextTooLong at the first text run holding
    more than ``limit`` characters. A run of more than ``16 x limit`` bytes is refused without
    decoding (no cell text needs that many bytes, whatever its escaping)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.hard = 16 * limit + 64
        # a run of limit + 1 bytes or more holds a whole window aligned on the chunk's first '<'
        self.window = max(1, min(TEXT_WINDOW, (limit + 1) // 2))
        self.open = b""   # the run still open at the end of the previous chunk (< hard bytes)

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        first = chunk.find(b"<")
        if first < 0:
            self.open += chunk
            self._check(self.open, final=False)
            return
        if self.open or first > self.limit:
            self._check(self.open + chunk[:first], final=True)
            self.open = b""
        last = chunk.rfind(b"<")
        k, w = first, self.window
        while k + w <= last:
            if chunk.find(b"<", k, k + w) < 0:
                start = chunk.rfind(b"<", 0, k) + 1
                end = chunk.find(b"<", k + w)
                self._check(chunk[start:end], final=True)
                k = end
            else:
                k += w
        self.open = chunk[last + 1:]
        self._check(self.open, final=False)

    def _check(self, run: bytes, final: bool) -> None:
        if len(run) <= self.limit:
            return
        text = run[run.rfind(b">") + 1:]   # the run starts inside a tag: its text follows '>'
        if len(run) > self.hard:
            raise TextTooLong(None, self.limit, text[:400].decode("utf-8", "replace"), hard=self.hard)
        if not final or len(text) <= self.limit:
            return
        value = html.unescape(text.decode("utf-8", "replace"))
        n = len(value) - 6 * len(_XL_ESCAPE.findall(value))   # _x000D_ is one character
        if n > self.limit:
            raise TextTooLong(n, self.limit, value)


def check_rows(rows: list[list[Any]], limit: int) -> None:
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            if type(v) is str and len(v) > limit:
                raise TextTooLong(len(v), limit, v, r, c)


def check_arrow(table: Any, limit: int) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    for col in table.columns:
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            continue
        lengths = pc.utf8_length(col)
        longest = pc.max(lengths).as_py()
        if longest is not None and longest > limit:
            raise TextTooLong(longest, limit, col[pc.index(lengths, longest).as_py()].as_py() or "")


class HeadSource:
    """One read-only openpyxl workbook per file, shared by the heads of all its sheets (opening
    it costs time in proportion to its sheets). Opened on the first head asked for, closed when
    the file's sheets are dropped, or by ``close``."""

    def __init__(self, path: Path, convert: Callable[[list[list[Any]]], list[list[Any]]]):
        self.path, self.convert = path, convert
        self._wb: Any = None
        self._by_name: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._finalizer: Any = None

    def rows(self, name: str, n: int) -> list[list[Any]]:
        import openpyxl

        with self._lock:   # detection and a reader may ask from two threads
            if self._wb is None:
                self._wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
                self._finalizer = weakref.finalize(self, self._wb.close)
                self._by_name = {ws.title: ws for ws in self._wb.worksheets}  # wb[name] is a linear search
            ws = self._by_name.get(name) or self._wb[name]
            raw = [list(r) for r in ws.iter_rows(min_row=1, max_row=n, values_only=True)]
        return self.convert(raw)

    def close(self) -> None:
        if self._finalizer is not None:
            self._finalizer()


class CalamineSource:
    """python-calamine's workbook for the sheets' grids: opened per grid (its shared strings are
    not held between reads), except while ``held()``: then one open workbook serves them all
    (the emptiness check of a workbook of many sheets would otherwise reopen it per sheet)."""

    def __init__(self, path: Path):
        self.path = path
        self._held: Any = None

    @contextlib.contextmanager
    def held(self) -> Any:
        from python_calamine import CalamineWorkbook

        self._held = CalamineWorkbook.from_path(str(self.path))
        try:
            yield self
        finally:
            cw, self._held = self._held, None
            cw.close()

    def sheet_rows(self, name: str) -> list[list[Any]]:
        from python_calamine import CalamineWorkbook

        if self._held is not None:
            return self._held.get_sheet_by_name(name).to_python(skip_empty_area=False)
        cw = CalamineWorkbook.from_path(str(self.path))
        try:
            return cw.get_sheet_by_name(name).to_python(skip_empty_area=False)
        finally:
            cw.close()
