"""``Sheet`` (one worksheet, its values read on first use) and ``Workbook`` (what ``open_workbook``
returns). A sheet read after the scan that fails in any way (incl. a Rust panic) is a
``FileRejected``, never a traceback; every value read is held to ``max_cell_chars``."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lkip.extract.workbook.bounded import HeadSource, TextTooLong, check_arrow, check_rows
from lkip.extract.workbook.errors import MSG_RUSAK
from lkip.extract.workbook.limits import DEFAULT_LIMITS
from lkip.extract.workbook.refs import col_letters
from lkip.extract.workbook.values import _convert_rows
from lkip.issues import FileRejected, error


class Sheet:
    """One worksheet. ``rows`` (the typed grid) is read on first use, so a reader that only needs
    the top of a big sheet (detection, header) or reads it column-wise (``strings()``) never pays
    for a grid of Python objects."""

    def __init__(self, name: str, hidden: bool, rows: list[list[Any]] | None = None,
                 formula_cells_without_value: list[tuple[int, int]] | None = None, *,
                 path: Path | None = None, loader: Any = None, n_rows_hint: int = 0,
                 parts: Any = None, head_source: "HeadSource | None" = None,
                 max_cell_chars: int | None = None):
        self.name = name
        self.hidden = hidden
        self._rows = rows
        self.formula_cells_without_value = formula_cells_without_value or []
        self.path = path
        self._loader = loader
        self.n_rows_hint = n_rows_hint or (len(rows) if rows is not None else 0)
        self._strings: Any = None
        self._strings_ahead: Any = None   # a Future while read_strings_ahead() runs
        self._head: tuple[int, list[list[Any]]] | None = None   # (n, the first n rows) once read
        self._parts = parts   # parts.SheetParts: the rows written apart by the scan, or None
        self._head_source = head_source   # one openpyxl workbook shared by the file's sheets
        self.max_cell_chars = int(max_cell_chars or DEFAULT_LIMITS["max_cell_chars"])

    def __repr__(self) -> str:
        return f"Sheet({self.name!r}, hidden={self.hidden}, rows~{self.n_rows_hint})"

    @property
    def rows(self) -> list[list[Any]]:
        if self._rows is None:
            self._rows = _guarded(self, self._loader) if self._loader else []
            _check_cell_text(self._rows, self.max_cell_chars, self)
        return self._rows

    @rows.setter
    def rows(self, value: list[list[Any]]) -> None:
        self._rows = value

    @property
    def rows_loaded(self) -> bool:
        return self._rows is not None

    def head(self, n: int = 40) -> list[list[Any]]:
        """The first ``n`` rows (Excel rows 1..n), typed like ``rows``, without reading the rest."""
        if self._rows is not None or self.path is None:
            return self.rows[:n]
        if self._head is None or self._head[0] < n:       # detection and the reader both ask
            want = max(n, HEAD_READ_ROWS)
            if self._head_source is not None:
                self._head = (want, _guarded(self, lambda: self._head_source.rows(self.name, want)))
            else:
                self._head = (want, _guarded(self, lambda: _head_raw(self.path, self.name, want)))
            _check_cell_text(self._head[1], self.max_cell_chars, self)
        return _tidy_head(self._head[1][:n])

    def strings(self) -> Any:
        """The used range as an Arrow table of text (fastexcel; numbers in their shortest form,
        dates ISO), cached. Its row 0 is the first row holding a value, its column 0 the first
        such column: callers align it on the header (``lkip.extract.register_sp2d``)."""
        if self._strings is None:
            future, self._strings_ahead = self._strings_ahead, None
            self._strings = _guarded(self, future.result if future is not None else self._load_strings)
            _check_arrow_text(self._strings, self.max_cell_chars, self)
        return self._strings

    def _load_strings(self) -> Any:
        import fastexcel
        import pyarrow as pa

        parts, self._parts = self._parts, None
        if parts is not None:
            # the rows in parts, read on all cores; the whole sheet when they do not add up
            try:
                got = parts.read(self.name)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException:  # noqa: BLE001 - incl. a Rust panic: the whole read decides
                got = None
            if got is not None:
                _release_freed_memory()
                return got
        reader = fastexcel.read_excel(str(self.path))
        got = reader.load_sheet(self.name, header_row=None, dtypes="string").to_arrow()
        _release_freed_memory()
        return pa.Table.from_batches([got]) if isinstance(got, pa.RecordBatch) else got

    def read_strings_ahead(self) -> None:
        """Start ``strings()`` in a second thread (fastexcel parses without the GIL) while the
        caller detects the file's kind and reads its header; only after the safety scan."""
        import concurrent.futures
        import threading

        if self._strings is not None or self._strings_ahead is not None or self.path is None:
            return
        future: concurrent.futures.Future = concurrent.futures.Future()

        def run() -> None:
            try:
                future.set_result(self._load_strings())
            except BaseException as e:  # noqa: BLE001 - raised by strings() through _guarded
                future.set_exception(e)

        threading.Thread(target=run, name="lkip-strings", daemon=True).start()
        self._strings_ahead = future


def _release_freed_memory() -> None:
    """Hand back to the OS what the Rust reader freed (its cell grid, many small strings): glibc
    keeps freed heap in per-thread arenas, which would count against the run's memory until the
    process ends (the remedy Dask documents for "unmanaged memory")."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim() -> Any:
    """glibc's malloc_trim, or None elsewhere."""
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def _guarded(sheet: Sheet, load: Any) -> Any:
    """A sheet read after open_workbook: any failure (incl. a Rust panic) is a rejection, never a
    traceback."""
    try:
        return load()
    except (KeyboardInterrupt, SystemExit, GeneratorExit, FileRejected):
        raise
    except BaseException as e:  # noqa: BLE001
        name = sheet.path.name if sheet.path else None
        raise FileRejected(error(f"{MSG_RUSAK} ({type(e).__name__})", sheet=sheet.name, file=name)) from None


HEAD_READ_ROWS = 40   # what the readers ask for (sheets.HEAD_ROWS); detection asks for fewer


def _head_raw(path: Path, name: str, n: int) -> list[list[Any]]:
    """Excel rows 1..n as typed cells (read-only openpyxl streams: milliseconds on a 1M-row sheet)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[name]
        raw = [list(r) for r in ws.iter_rows(min_row=1, max_row=n, values_only=True)]
    finally:
        wb.close()
    return _convert_rows(raw)


def _too_long(sheet: Sheet, e: TextTooLong) -> FileRejected:
    where = f" di sel {col_letters(e.col)}{e.row}" if e.row else ""
    return FileRejected(error(
        f"Teks sel terlalu panjang{where}: {e.n} karakter, melebihi batas Excel {e.limit} karakter per "
        "sel (max_cell_chars); berkas ditolak demi keamanan", sheet=sheet.name,
        file=sheet.path.name if sheet.path else None, nilai=e.sample, diharapkan=f"paling banyak {e.limit} karakter"))


def _check_cell_text(rows: list[list[Any]], limit: int, sheet: Sheet) -> None:
    """No cell holds more text than Excel allows (a rich-text string split in runs passes the
    scan's per-run check; this is the check on the value as read)."""
    try:
        check_rows(rows, limit)
    except TextTooLong as e:
        raise _too_long(sheet, e) from None


def _check_arrow_text(table: Any, limit: int, sheet: Sheet) -> None:
    try:
        check_arrow(table, limit)
    except TextTooLong as e:
        raise _too_long(sheet, e) from None


def _tidy_head(head: list[list[Any]]) -> list[list[Any]]:
    """Without trailing blank rows, every row as wide as the widest (a fresh copy)."""
    rows = [list(r) for r in head]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        r.extend([None] * (width - len(r)))
    return rows


@dataclass
class Workbook:
    path: Path
    sha256: str
    size: int
    sheets: list[Sheet]

    @property
    def visible_sheets(self) -> list[Sheet]:
        return [s for s in self.sheets if not s.hidden]

    @property
    def hidden_sheets(self) -> list[Sheet]:
        return [s for s in self.sheets if s.hidden]
