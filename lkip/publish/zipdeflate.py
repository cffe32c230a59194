"""Workbooks and documents deflated by ISA-L at level 1 instead of zlib at level 6.

An .xlsx or .docx is a zip of XML parts and the chart PNGs. xlsxwriter and python-docx write it
with the standard `zipfile` at zlib's default level 6, which gives no control over the level
(xlsxwriter hands `zipfile` a ZipInfo without one). On a 44-SKPD city that deflate costs ~1,4 CPU-s
of publishing: the city's ~10 MB of sheet XML, and in every SKPD's workbook and document the
chart PNGs, deflated once already (png.py), deflated again. ISA-L level 1 (`isal`, a dependency:
png.py uses it) does the same in a tenth of the time; the files grow ~10 % (city workbook
2,45 -> 2,78 MB; an SKPD's ~2 %, being mostly PNGs).

`fast_deflate()` makes `zipfile` use that compressor for deflated entries while the block runs
(a documented hook would be better: zipfile has none for a ZipInfo's level). Any zip reader
reads the result: it is plain deflate (tests/test_publish_zip.py opens the files with openpyxl
and python-docx and compares their parts with zlib's). Without isal, or if `zipfile` has no
`_get_compressor` (another Python), nothing changes.
"""

from __future__ import annotations

import contextlib
import threading
import zipfile
from typing import Any, Iterator

try:
    from isal import isal_zlib as _isal
except ImportError:  # pragma: no cover - isal is a dependency
    _isal = None

LEVEL = 1
_lock = threading.Lock()
_active = 0
_original: Any = None


def _compressor(compress_type: int, compresslevel: int | None = None) -> Any:
    if compress_type == zipfile.ZIP_DEFLATED and _isal is not None:
        return _isal.compressobj(LEVEL, _isal.DEFLATED, -15)
    return _original(compress_type, compresslevel)


@contextlib.contextmanager
def fast_deflate() -> Iterator[None]:
    """Deflated zip entries written inside the block use ISA-L level 1 (nested and threads: the
    hook stays until the last block ends)."""
    global _active, _original
    if _isal is None or not callable(getattr(zipfile, "_get_compressor", None)):
        yield
        return
    with _lock:
        if _active == 0:
            _original = zipfile._get_compressor
            zipfile._get_compressor = _compressor
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                zipfile._get_compressor = _original
