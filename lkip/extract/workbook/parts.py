"""A big worksheet read as Arrow text in row ranges, on all cores at once.

fastexcel (calamine) parses a worksheet on one core: about 4 s of a 1 000 000-row register, while
the machine's other cores wait. The safety scan inflates that worksheet's XML anyway, so its
inflating thread also writes it, cut at row ends, into ``n`` *part workbooks* in a temporary folder
(uncompressed zips holding the original's XML parts and one slice of the rows each). Once the scan
has passed, the parts are read by fastexcel at the same time, one thread each, and stitched back
into the table a read of the whole sheet gives (``Sheet.strings()``).

Where each part's rows belong:

- Columns: fastexcel reports the sheet column of every column it returns (``absolute_index``).
- Rows: each part ends with a *marker row*, one inline-string cell in column A holding a token
  made for this file, one row below the last row the scan saw in that part (the scan knows it
  exactly, from the cell references). The marker is that part's last row, so the row of every other
  line of the part follows from the table's height. A missing marker, or two parts whose rows
  overlap, and the sheet is read whole, as without parts.

Only a sheet the scan found regular is split (every cell with a plain ``r="A1"`` reference, rows
cut at ``</row>``); anything else, or any failure writing or reading the parts, falls back to the
whole read. The parts hold nothing that is not in the file and are deleted once read (or when the
workbook is dropped).
"""
from __future__ import annotations

import re
import shutil
import tempfile
import threading
import uuid
import weakref
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lkip.extract.workbook.limits import MB
from lkip.extract.workbook.sheet_scan import ROOT_PREFIX_RE

EXCEL_MAX_ROW = 1_048_576
_SHEET_DATA_OPEN = re.compile(rb"<((?:[A-Za-z_][\w.\-]*:)?)sheetData\b[^>]*?(/?)>")
_EMPTY_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData/></worksheet>")


@dataclass
class _Part:
    path: Path
    zf: zipfile.ZipFile
    out: Any                 # the worksheet member, open for writing


class SheetSplit:
    """The part workbooks of one worksheet member.

    ``write`` runs on the scan's inflating thread, piece by piece (each ends after a ``row>``): it
    decides where parts begin and hands the bytes to a writer thread of its own (the kernel's
    copying and page faults then overlap the inflating and the scanning). ``boundary``,
    ``end_rows``, ``finish`` and ``discard`` run on the scanning thread."""

    def __init__(self, member: str, size: int, n_parts: int, directory: Path | None = None):
        import queue

        self.member = member
        self.targets = [size * (k + 1) // n_parts for k in range(n_parts - 1)]
        self.dir = Path(tempfile.mkdtemp(prefix="lkip-bagian-", dir=directory))
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(self.dir), True)
        self.mark = f"LKIP-BATAS-{uuid.uuid4().hex}"
        self.parts: list[_Part] = []      # the writer thread's
        self.opened = 0                   # parts begun (inflating thread)
        self.last_rows: list[int] = []    # per part, the scan's largest row (scanning thread)
        self.head = b""
        self.prefix = b""          # the cells' namespace prefix, e.g. b"x:"
        self.root_prefix = b""
        self.end_row = b""
        self.end_data = b""
        self._pending = bytearray()
        self.written = 0
        self.done = False          # the end of the cells was reached
        self.failed = False        # given up: the sheet is read whole
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self._writer: threading.Thread | None = None

    # -- the inflating thread
    def write(self, piece: bytes) -> bool:
        """Add ``piece`` of the member; True when the next piece starts a new part (the caller
        tells the scanning thread, which then calls ``boundary``)."""
        if self.failed or self.done:
            return False
        try:
            return self._write(piece)
        except Exception:  # noqa: BLE001 - a problem here only costs the parallel read
            self.failed = True
            return False

    def _write(self, piece: bytes) -> bool:
        if not self.opened:
            self._pending += piece
            m = _SHEET_DATA_OPEN.search(self._pending)
            if m is None:
                if len(self._pending) > 16 * MB:
                    self.failed = True
                return False
            if m.group(2):                      # <sheetData/>: nothing to split
                self.failed = True
                return False
            p = self.prefix = m.group(1)
            self.end_row, self.end_data = b"</" + p + b"row>", b"</" + p + b"sheetData"
            self.head = bytes(self._pending[: m.end()])
            rm = ROOT_PREFIX_RE.search(self.head)
            self.root_prefix = (rm.group(1) + b":") if rm and rm.group(1) else b""
            piece = bytes(self._pending[m.end():])
            self._pending = bytearray()
            self._begin_part()
            if not piece:
                return False
        last = piece.rfind(self.end_row)
        stop = piece.find(self.end_data, max(last, 0))
        if stop >= 0:
            piece = piece[:stop]
            self.done = True
        self._put(piece)
        self.written += len(piece)
        k = self.opened - 1
        if (not self.done and k < len(self.targets) and self.written >= self.targets[k]
                and piece.endswith(self.end_row)):
            self._begin_part()
            return True
        return False

    def _begin_part(self) -> None:
        if self._writer is None:
            self._writer = threading.Thread(target=self._drain, name="lkip-bagian", daemon=True)
            self._writer.start()
        self.opened += 1
        self._put(None)                          # None: start the next part

    def _put(self, item: bytes | None) -> None:
        import queue

        while not self.failed:
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:                   # the writer is busy
                continue

    # -- the writer thread
    def _drain(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            if self.failed:
                continue                         # drain without writing
            try:
                if item is None:
                    path = self.dir / f"bagian-{len(self.parts)}.xlsx"
                    zf = zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True)
                    out = zf.open(self.member, "w", force_zip64=True)
                    self.parts.append(_Part(path, zf, out))
                    out.write(self.head)
                else:
                    self.parts[-1].out.write(item)
            except Exception:  # noqa: BLE001 - a disk problem only costs the parallel read
                self.failed = True

    def _stop_writer(self) -> None:
        if self._writer is not None:
            failed, self.failed = self.failed, False
            self._put(_STOP)                     # after every piece queued before it
            self._writer.join()
            self.failed = failed or self.failed
            self._writer = None

    # -- the scanning thread
    def boundary(self, max_row: int) -> None:
        """The scan has processed every row of the part before the boundary."""
        self.last_rows.append(max_row)

    def end_rows(self, max_row: int, regular: bool) -> None:
        """The member's scan is over: ``max_row`` ends the last part."""
        self.boundary(max_row)
        if not regular or not self.done or len(self.last_rows) != self.opened or self.opened < 2:
            self.failed = True

    def finish(self, source: zipfile.ZipFile, worksheets: set[str]) -> list[tuple[Path, int]] | None:
        """Close every part (marker row, end tags, the source's other XML parts; other worksheets
        empty). Returns [(path, last row)] or None (then nothing is left on disk)."""
        self._stop_writer()
        if (self.failed or len(self.parts) != self.opened or len(self.last_rows) != self.opened
                or any(last + 1 > EXCEL_MAX_ROW for last in self.last_rows)):
            self.discard()
            return None
        try:
            others = [i for i in source.infolist()
                      if i.filename != self.member and not i.is_dir()
                      and i.filename.lower().endswith((".xml", ".rels"))]
            p, rp = self.prefix, self.root_prefix
            for part, last in zip(self.parts, self.last_rows):
                n = last + 1
                part.out.write(
                    b"<%srow r=\"%d\"><%sc r=\"A%d\" t=\"inlineStr\"><%sis><%st>%s</%st></%sis></%sc>"
                    b"</%srow></%ssheetData></%sworksheet>"
                    % (p, n, p, n, p, p, self.mark.encode(), p, p, p, p, p, rp))
                part.out.close()
                for info in others:
                    data = _EMPTY_SHEET if info.filename in worksheets else source.read(info)
                    part.zf.writestr(info.filename, data, compress_type=zipfile.ZIP_STORED)
                part.zf.close()
        except Exception:  # noqa: BLE001 - a disk problem only costs the parallel read
            self.discard()
            return None
        return [(part.path, last) for part, last in zip(self.parts, self.last_rows)]

    def discard(self) -> None:
        self.failed = True
        self._stop_writer()
        self.failed = True
        for part in self.parts:
            for close in (part.out.close, part.zf.close):
                try:
                    close()
                except Exception:  # noqa: BLE001, S110 - the folder goes anyway
                    pass
        self._cleanup()


_STOP = object()


class SheetParts:
    """The finished parts of one sheet, until read (``read``) or dropped."""

    def __init__(self, split: SheetSplit, parts: list[tuple[Path, int]]):
        self.parts = parts
        self.mark = split.mark
        split._cleanup.detach()            # the folder is this object's now
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(split.dir), True)

    def discard(self) -> None:
        self._cleanup()

    def read(self, sheet_name: str) -> Any:
        """The sheet's text table (as ``Sheet.strings()``), or None when the parts do not prove
        where their rows belong. The parts are deleted either way."""
        from concurrent.futures import ThreadPoolExecutor

        try:
            with ThreadPoolExecutor(max_workers=len(self.parts)) as pool:
                loaded = list(pool.map(lambda part: _load(part[0], sheet_name), self.parts))
            return stitch(loaded, [last for _, last in self.parts], self.mark)
        finally:
            self.discard()


def _load(path: Path, sheet_name: str) -> tuple[list[int], Any]:
    import fastexcel
    import pyarrow as pa

    sheet = fastexcel.read_excel(str(path)).load_sheet(sheet_name, header_row=None, dtypes="string")
    columns = [c.absolute_index for c in sheet.available_columns()]
    got = sheet.to_arrow()
    table = pa.Table.from_batches([got]) if isinstance(got, pa.RecordBatch) else got
    return columns, table


def stitch(loaded: list[tuple[list[int], Any]], last_rows: list[int], mark: str) -> Any:
    """One table from the parts' tables: [(sheet column of each column, table)] (emptied here, so
    that the parts' tables are freed once copied) and each part's marker row minus one. Row 0 is
    the first row holding a value, column 0 the first such column (as a whole read gives them)."""
    import numpy as np
    import pyarrow as pa

    placed: list[tuple[int, list[int], Any]] = []   # (Excel row of table row 0, columns, table)
    previous_last = 0
    for (columns, table), last in zip(loaded, last_rows):
        h = table.num_rows
        if h == 0 or 0 not in columns or table.column(columns.index(0))[h - 1].as_py() != mark:
            return None
        first = last + 1 - (h - 1)
        if first <= previous_last:         # rows of two parts would overlap
            return None
        placed.append((first, columns, table.slice(0, h - 1)))
        previous_last = last
    width = max(max(columns) for _, columns, _ in placed) + 1
    top = placed[0][0]
    arrays: list[Any] = []
    for j in range(width):
        pieces, row = [], top
        for first, columns, table in placed:
            if first > row:
                pieces.append(pa.nulls(first - row, pa.string()))
            if j in columns:
                pieces.extend(c.cast(pa.string()) for c in table.column(columns.index(j)).chunks)
            else:
                pieces.append(pa.nulls(table.num_rows, pa.string()))
            row = first + table.num_rows
        # one buffer per column, as a whole read (the system allocator: fresh pages are cheaper)
        arrays.append(pa.concat_arrays(pieces, memory_pool=pa.system_memory_pool()))
    placed.clear()
    loaded.clear()             # the parts' own tables go now: one copy of the text at a time
    table = pieces = None
    # as a whole read: no leading column and no trailing row without a value
    used = [j for j in range(width) if arrays[j].null_count < len(arrays[j])]
    if not used:
        return None
    end = len(arrays[0])
    while end > 0:                     # trailing rows without a value, a block at a time
        start = max(0, end - 4096)
        block = np.logical_or.reduce([np.asarray(arrays[j].slice(start, end - start).is_valid())
                                      for j in used])
        if block.any():
            end = start + int(np.flatnonzero(block)[-1]) + 1
            break
        end = start
    cols = [arrays[j].slice(0, end) for j in range(used[0], width)]
    return pa.table(cols, names=[f"__UNNAMED__{i}" for i in range(len(cols))])
