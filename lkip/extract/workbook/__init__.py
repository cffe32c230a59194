"""Safe opening of an untrusted workbook: typed cell grids, or FileRejected.

Officers drop files by hand, so anything may arrive under an ``.xlsx`` name: a legacy ``.xls``,
a CSV or HTML page renamed, a half-copied zip, a password-protected workbook, or a crafted file
(zip bomb, XML entity bomb, a cell at XFD1048576 that would make any dense reader allocate
17 billion cells). ``open_workbook(path, limits)`` checks everything it can *before* any XML
parser or python-calamine touches the content, one module per step:

1. ``sniff``: file size (``max_file_mb``) and magic bytes (OLE2 ``.xls``/encrypted, CSV/HTML/PDF
   text);
2. ``package``: the zip central directory only (declared sizes, never decompressing): total
   uncompressed size (``max_uncompressed_mb``), per-member compression ratio
   (``max_compression_ratio``), encrypted or duplicated members, ``.xlsb``/``.ods``/Word packages;
3. ``package``: ``workbook.xml`` and its relationships parsed with defusedxml (DTDs and entities
   forbidden);
4. ``scan``: one streaming pass over every member through :mod:`zipfile` (which stops at the
   declared size and verifies the CRC, so a member lying about its size is caught): any
   ``<!DOCTYPE``/``<!ENTITY`` is rejected, each part's head is fed to a defusedxml parser, and
   each worksheet is scanned by ``sheet_scan`` with byte searches for its real extent
   (``max_rows``, ``max_cells``), for formula cells without a cached value and for error cells
   (``#DIV/0!``...). Cell data may not hold comments, CDATA sections, processing instructions or
   a second ``<sheetData>`` (any of them could fake the end of the cells and hide a far-away
   cell). Every part's text runs, the sheet count and the cells of each sheet and of the file are
   held to Excel's own limits (``max_cell_chars``, ``max_sheets``, ``max_cells``,
   ``max_file_cells``; ``bounded``);
5. ``values`` / ``sheet``: only then the values are read (formulas are never evaluated, macros
   never run): a small sheet as a typed grid through python-calamine (``Sheet.rows``), a sheet of
   ``TEXT_MIN_ROWS`` rows or more as Arrow text through fastexcel (``Sheet.strings()``, started
   in a second thread by ``open_workbook`` for the largest such visible sheet). A worksheet of
   ``split_min_mb`` of XML or more is written by the scan, as it inflates it, into part workbooks
   that fastexcel then reads on all cores at once (``parts``).

``open`` runs the steps in order. The limits are a value: the caller's (the pipeline passes its
configuration's ``[limits]``) over ``DEFAULT_LIMITS`` (``limits``: lkip/default_config.toml's
table), handed to every step; ``errors`` holds the officer's messages; ``files`` the file's hash
and whether a copy has settled. The modules import one another in that order, never back.

The big-sheet scan costs about one inflate of the part: each 4 MB chunk is screened by one RE2
pattern (pyarrow, no GIL) and only a chunk it flags goes through the exact byte searches, while a
second thread inflates the next chunk (with ISA-L, python-isal, behind zipfile's own size and CRC
checks) and cuts it after its last ``</row>``.

Cell values: ``str`` (exactly as stored), ``int``/``float`` (integral floats become ``int``),
``datetime.datetime`` (Excel dates; a time-only cell becomes a datetime on 1899-12-30, a duration
becomes a float number of days), ``bool``, ``None`` (blank or empty string). Error cells are
returned as their text (``'#DIV/0!'``, ``'#N/A'``) so that a numeric column reader reports them.
"""

from __future__ import annotations

from lkip.extract.workbook.files import file_is_settled, sha256_of
from lkip.extract.workbook.limits import DEFAULT_LIMITS, MB  # noqa: F401
from lkip.extract.workbook.open import TEXT_MIN_ROWS, open_workbook  # noqa: F401
from lkip.extract.workbook.refs import col_letters  # noqa: F401
from lkip.extract.workbook.sheet import Sheet, Workbook
from lkip.extract.workbook.sniff import OLE2_MAGIC  # noqa: F401

# Internals the tests call. A test that replaces a module-level value patches the module that
# reads it (scan.READ_CHUNK, open.TEXT_MIN_ROWS, sheet._head_raw): a value imported here is a
# copy, and READ_CHUNK and _head_raw are left out so that patching them here fails loudly.
from lkip.extract.workbook.scan import _open_member, _read_ahead  # noqa: F401
from lkip.extract.workbook.sheet import _tidy_head  # noqa: F401
from lkip.extract.workbook.sheet_scan import _SheetScan  # noqa: F401

__all__ = ["Sheet", "Workbook", "sha256_of", "open_workbook", "file_is_settled", "DEFAULT_LIMITS"]
