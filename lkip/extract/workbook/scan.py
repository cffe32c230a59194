"""Step 4: one streaming pass over every member of the zip, before any reader touches it.

zipfile stops each member at its declared size and verifies its CRC (the inflate itself is
ISA-L's when python-isal is installed); any ``<!DOCTYPE``/``<!ENTITY`` is rejected, each part's
head is fed to a defusedxml parser, every worksheet goes through ``_SheetScan`` and every text run
is held to ``max_cell_chars`` (:mod:`lkip.extract.workbook.bounded`). A big member is inflated
one chunk ahead by a second thread (``_read_ahead``); the biggest worksheet may also be written
in parts as it is inflated (:mod:`lkip.extract.workbook.parts`)."""

from __future__ import annotations

import contextlib
import zipfile
import zlib
from typing import Any

from lkip.extract.workbook.bounded import TextRuns, TextTooLong
from lkip.extract.workbook.errors import MSG_RUSAK, _entity_reject, _Reject, _text_reject, _unsupported_markup
from lkip.extract.workbook.limits import MB, READ_CHUNK
from lkip.extract.workbook.parts import SheetParts, SheetSplit
from lkip.extract.workbook.sheet_scan import _DOCTYPE_RE, _holds, _SheetScan

try:  # ISA-L's inflate for the scan (optional: zlib's otherwise)
    from isal import isal_zlib as _isal_zlib
except ImportError:  # pragma: no cover - the package is a dependency
    _isal_zlib = None

_ZLIB_DECOMPRESS = type(zlib.decompressobj(-zlib.MAX_WBITS))


def _open_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Any:
    """``zf.open(info)``, inflating with ISA-L (python-isal) when it is installed: the same bytes
    as zlib, in about half the time. zipfile itself still reads the local header, stops at the
    declared size and checks the CRC; only its raw-deflate decompressor object (a drop-in: the
    same ``decompress(data, max_length)``, ``eof``, ``unconsumed_tail``, ``flush``) is swapped
    before the first read."""
    f = zf.open(info)
    if (_isal_zlib is not None and info.compress_type == zipfile.ZIP_DEFLATED
            and isinstance(getattr(f, "_decompressor", None), _ZLIB_DECOMPRESS)):
        f._decompressor = _isal_zlib.decompressobj(-zlib.MAX_WBITS)
    return f


def _read_chunks(f: Any) -> Any:
    while chunk := f.read(READ_CHUNK):
        yield chunk


_PART_BOUNDARY = object()   # in _read_ahead's stream: the next chunk starts a new part


def _read_ahead(f: Any, depth: int = 3, cut: bytes = b"row>", sink: Any = None) -> Any:
    """The chunks of a zip member, inflated by a second thread while the caller scans the previous
    one (the inflate and the RE2 screen both release the GIL: two cores, one pass). Each chunk but
    the last ends just after the last ``cut`` of the data read so far (a worksheet's ``</row>``),
    so the scanner's whole rows are the chunks themselves: the one copy that joins a chunk to the
    previous one's cut-off tail is made here, on the inflating thread. Errors of the reader (bad
    CRC, a member longer than declared) are raised here, in order; leaving the loop early stops
    the reader. ``sink`` (``SheetSplit.write``) is given every chunk first; when it answers True,
    ``_PART_BOUNDARY`` follows that chunk."""
    import queue
    import threading

    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def reader() -> None:
        try:
            tail = b""
            while True:
                data = f.read(READ_CHUNK)
                if not data:
                    if tail:
                        if sink is not None:
                            sink(tail)
                        if not put(tail):
                            return
                    put(b"")
                    return
                i = data.rfind(cut)
                if i < 0:
                    piece, tail = b"".join((tail, data)), b""
                else:
                    i += len(cut)
                    piece, tail = b"".join((tail, memoryview(data)[:i])), data[i:]
                new_part = sink(piece) if sink is not None else False
                if not put(piece) or (new_part and not put(_PART_BOUNDARY)):
                    return
        except BaseException as e:  # noqa: BLE001 - handed to the consumer, raised there
            put(e)

    t = threading.Thread(target=reader, name="lkip-inflate", daemon=True)
    t.start()
    try:
        while True:
            item = q.get()
            if isinstance(item, BaseException):
                raise item
            yield item
            if not item:
                return
    finally:
        stop.set()
        t.join()


def _scan_members(zf: zipfile.ZipFile, sheet_members: dict[str, str],
                  limits: dict[str, Any]) -> dict[str, _SheetScan]:
    """Decompress every member once (zipfile enforces declared sizes and CRCs)."""
    by_member = {m: name for name, m in sheet_members.items()}
    scans: dict[str, _SheetScan] = {}
    split = _sheet_split(zf, set(by_member), limits)
    try:
        file_cells, max_file_cells = 0, int(limits["max_file_cells"])
        for info in zf.infolist():
            _scan_member(zf, info, by_member, scans, limits, split)
            scan = scans.get(by_member.get(info.filename, "\0"))
            if scan is not None:
                file_cells += scan.max_row * scan.max_col
                if file_cells > max_file_cells:
                    raise _Reject(
                        f"Buku kerja terlalu besar: sheet-sheetnya sampai sheet '{scan.sheet}' sudah "
                        f"berisi {file_cells} sel (baris x kolom), melebihi batas {max_file_cells} sel "
                        "per berkas (max_file_cells)", sheet=scan.sheet, nilai=file_cells,
                        diharapkan=f"paling banyak {max_file_cells} sel")
        if split is not None:
            parts = split.finish(zf, set(by_member))
            if parts is not None:
                scans[by_member[split.member]].parts = SheetParts(split, parts)
    except BaseException:
        if split is not None:
            split.discard()
        raise
    return scans


def _sheet_split(zf: zipfile.ZipFile, sheet_members: set[str], limits: dict[str, Any]) -> Any:
    """A SheetSplit for the biggest worksheet when it is worth reading in parts (see
    lkip.extract.workbook.parts): at least ``split_min_mb`` of XML, two cores or more, room on disk."""
    import os
    import shutil
    import tempfile

    infos = [i for i in zf.infolist() if i.filename in sheet_members]
    if not infos:
        return None
    big = max(infos, key=lambda i: i.file_size)
    n = int(limits.get("read_parts") or 0)
    if n <= 0:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        n = min(cores, 4)
    if n < 2 or big.file_size < float(limits.get("split_min_mb", 24)) * MB or big.file_size <= 4 * READ_CHUNK:
        return None
    try:
        if shutil.disk_usage(tempfile.gettempdir()).free < big.file_size + 256 * MB:
            return None
        return SheetSplit(big.filename, big.file_size, n)
    except OSError:
        return None


class _NoTree:
    """An XMLParser target that keeps nothing (only ``close``, which XMLParser.close returns)."""

    def close(self) -> None:
        return None


def _scan_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, by_member: dict[str, str],
                 scans: dict[str, _SheetScan], limits: dict[str, Any], split: Any) -> None:
    """Decompress one member once (zipfile enforces its declared size and CRC); a worksheet is
    scanned (``_SheetScan``), the biggest one also written in parts when ``split`` is given."""
    import defusedxml.ElementTree as DET
    from defusedxml.common import DefusedXmlException

    if info.is_dir():
        return
    name = info.filename
    is_xml = name.lower().endswith((".xml", ".rels", ".vml")) or name == "[Content_Types].xml"
    scan = _SheetScan(name, by_member.get(name), limits) if name in by_member else None
    # The parse only proves the part is well-formed XML without a DTD or entities (defusedxml's
    # handlers raise): a target without start/end methods keeps expat from calling back into
    # Python for every element and no tree is built.
    parser = DET.DefusedXMLParser(target=_NoTree(), forbid_dtd=True) if is_xml else None
    if parser is not None:
        # nor for every tag and text run through ElementTree's default handler (it only tells a
        # target about a doctype, which defusedxml forbids before, and undefined entities,
        # which expat reports itself): the same errors, a quarter of the time
        parser.parser.DefaultHandlerExpand = None
    runs = (TextRuns(int(limits["max_cell_chars"]))
            if scan is not None or "sharedstrings" in name.lower() else None)
    fed = 0
    carry = b""
    tail = b""
    own = split if split is not None and split.member == name else None
    with _open_member(zf, info) as f, contextlib.closing(
            _read_ahead(f, sink=own.write if own is not None else None)
            if info.file_size > 4 * READ_CHUNK else _read_chunks(f)) as chunks:
        while True:
            chunk = next(chunks, b"")
            if chunk is _PART_BOUNDARY:
                # every row before it has been scanned: the part ends at the scan's largest row
                if carry or scan is None or scan.phase != "data":
                    own.failed = True
                own.boundary(scan.max_row if scan is not None else 0)
                continue
            final = not chunk
            if runs is not None:
                try:
                    runs.feed(chunk)
                except TextTooLong as e:
                    raise _text_reject(e, name, by_member.get(name)) from None
            # In a worksheet's cell data a DTD is harmless (XML allows it only before the
            # root element, where it is checked): skip the extra pass over the big part.
            if is_xml and chunk and (scan is None or scan.phase != "data"):
                probe = tail + chunk
                if _holds(probe, b"<!") and _DOCTYPE_RE.search(probe):
                    raise _entity_reject(name)
                if scan is not None and scan.phase == "tail" and b"sheetData" in probe:
                    raise _unsupported_markup(name, scan.sheet)   # a second <sheetData>
                tail = chunk[-16:]
                if parser is not None and fed < 65536:
                    try:
                        parser.feed(chunk[: 65536 - fed])
                    except DefusedXmlException as e:
                        raise _entity_reject(name) from e
                    except DET.ParseError as e:
                        raise _Reject(f"{MSG_RUSAK} (XML '{name}' tidak terbaca)") from e
                    fed += min(len(chunk), 65536 - fed)
            if scan is not None:
                buf = carry + chunk
                carry = b""
                if scan.phase == "head" and buf:
                    start = scan.feed_head(buf)
                    buf = buf[start:] if start >= 0 else b""
                if scan.phase == "data" and (buf or final):
                    carry = scan.feed_data(buf, final)
            if final:
                break
    if scan is not None:
        if scan.phase == "head":
            raise _Reject(f"{MSG_RUSAK} (sheet tanpa data sheet)", sheet=scan.sheet)
        scan._check_limits()
        scans[scan.sheet] = scan
        if own is not None:
            own.end_rows(scan.max_row, scan.regular and not scan.sticky_tokens)
