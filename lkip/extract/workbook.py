"""Safe opening of an untrusted workbook: typed cell grids, or FileRejected.

Officers drop files by hand, so anything may arrive under an ``.xlsx`` name: a legacy ``.xls``,
a CSV or HTML page renamed, a half-copied zip, a password-protected workbook, or a crafted file
(zip bomb, XML entity bomb, a cell at XFD1048576 that would make any dense reader allocate
17 billion cells). ``open_workbook`` checks everything it can *before* any XML parser or
python-calamine touches the content:

1. file size (``max_file_mb``) and magic bytes (OLE2 ``.xls``/encrypted, CSV/HTML/PDF text);
2. the zip central directory only (declared sizes, never decompressing): total uncompressed size
   (``max_uncompressed_mb``), per-member compression ratio (``max_compression_ratio``), encrypted
   or duplicated members, ``.xlsb``/``.ods``/Word packages;
3. ``workbook.xml`` and its relationships parsed with defusedxml (DTDs and entities forbidden);
4. one streaming pass over every member through :mod:`zipfile` (which stops at the declared size
   and verifies the CRC, so a member lying about its size is caught): any ``<!DOCTYPE``/
   ``<!ENTITY`` is rejected, each part's head is fed to a defusedxml parser, and each worksheet is
   scanned with byte searches for its real extent (``max_rows``, ``max_cells``), for formula cells
   without a cached value and for error cells (``#DIV/0!``...);
   Cell data may not hold comments, CDATA sections, processing instructions or a second
   ``<sheetData>`` (any of them could fake the end of the cells and hide a far-away cell);
   Every part's text runs, the sheet count and the cells of each sheet and of the file are held
   to Excel's own limits (``max_cell_chars``, ``max_sheets``, ``max_cells``, ``max_file_cells``;
   :mod:`lkip.extract.bounded`);
5. only then the values are read (formulas are never evaluated, macros never run): a small
   sheet as a typed grid through python-calamine (``Sheet.rows``), a sheet of ``TEXT_MIN_ROWS``
   rows or more as Arrow text through fastexcel (``Sheet.strings()``, started in a second thread
   by ``open_workbook`` for the largest such visible sheet). A worksheet of ``split_min_mb`` of
   XML or more is written by the scan, as it inflates it, into part workbooks that fastexcel then
   reads on all cores at once (``lkip.extract.sheet_parts``).

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

import contextlib
import datetime as dt
import functools
import hashlib
import re
import time
import tomllib
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote
from typing import Any

from lkip.extract.bounded import CalamineSource, HeadSource, TextRuns, TextTooLong, check_arrow, check_rows
from lkip.issues import FileRejected, error

try:  # ISA-L's inflate for the scan (optional: zlib's otherwise)
    from isal import isal_zlib as _isal_zlib
except ImportError:  # pragma: no cover - the package is a dependency
    _isal_zlib = None

__all__ = ["Sheet", "Workbook", "sha256_of", "open_workbook", "file_is_settled", "DEFAULT_LIMITS"]

MB = 1024 * 1024


def _default_limits() -> dict[str, Any]:
    limits: dict[str, Any] = {
        "max_file_mb": 200,
        "max_uncompressed_mb": 1500,
        "max_compression_ratio": 200,
        "max_rows": 2_000_000,
    }
    try:
        cfg = tomllib.loads(
            Path(__file__).resolve().parents[1].joinpath("default_config.toml").read_text("utf-8")
        )
        limits.update(cfg.get("limits", {}))
    except (OSError, tomllib.TOMLDecodeError):
        pass
    # The same defaults as lkip/default_config.toml [limits] (where each is explained), for a
    # config file that leaves them out. max_members is not in the config file.
    limits.setdefault("max_cells", 20_000_000)
    limits.setdefault("max_file_cells", 40_000_000)
    limits.setdefault("max_sheets", 255)
    limits.setdefault("max_cell_chars", 32_767)
    limits.setdefault("max_members", 10_000)
    return limits


DEFAULT_LIMITS: dict[str, Any] = _default_limits()

# Members smaller than this are not held to max_compression_ratio: tiny XML parts compress well
# and their total is bounded by max_uncompressed_mb anyway.
RATIO_FLOOR_BYTES = 1 * MB
READ_CHUNK = 4 * MB
# A sheet this tall is read by the column-wise readers as Arrow text (``Sheet.strings()``), and
# that read starts in a second thread as soon as the scan has passed.
TEXT_MIN_ROWS = 20_000
MAX_CARRY = 32 * MB  # a "row" longer than this without </row> is scanned tag by tag

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

MSG_RUSAK = "Berkas rusak atau tidak lengkap: bukan berkas .xlsx yang sah"
SIMPAN_ULANG = "buka di Excel lalu simpan ulang sebagai .xlsx (Buku Kerja Excel)"


# --------------------------------------------------------------------------------------------
# Public types


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
        self._parts = parts   # sheet_parts.SheetParts: the rows written apart by the scan, or None
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


def sha256_of(path: Path | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(READ_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def file_is_settled(path: Path | str, stable_seconds: float) -> bool:
    """True when the file's size and modification time have not changed for ``stable_seconds``.

    The last change is the later of mtime and ctime: copy tools may stamp the source's old mtime
    on the copy, but they cannot backdate ctime. When the last change is old enough the answer is
    immediate; otherwise this waits the remaining time once and compares again.
    """
    path = Path(path)

    def snap() -> tuple[int, float, float] | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return st.st_size, st.st_mtime, max(st.st_mtime, st.st_ctime)

    first = snap()
    if first is None:
        return False
    age = time.time() - first[2]
    if age >= stable_seconds:
        return True
    time.sleep(max(0.0, min(stable_seconds - age, stable_seconds)) + 0.01)
    second = snap()
    if second is None or second != first:
        return False
    return time.time() - second[2] >= stable_seconds


# --------------------------------------------------------------------------------------------
# Errors


class _Reject(Exception):
    """Internal: carries an Indonesian message (and optional details) up to open_workbook."""

    def __init__(self, pesan: str, *, sheet: str | None = None, nilai: Any = None,
                 diharapkan: str | None = None):
        super().__init__(pesan)
        self.pesan, self.sheet, self.nilai, self.diharapkan = pesan, sheet, nilai, diharapkan


def _rejected(path: Path, r: _Reject) -> FileRejected:
    return FileRejected(error(r.pesan, file=path.name, sheet=r.sheet, nilai=r.nilai,
                              diharapkan=r.diharapkan))


# --------------------------------------------------------------------------------------------
# Step 1: what the bytes are


def _sniff_not_zip(path: Path, head: bytes) -> _Reject:
    """The file does not start like a zip: say what it is, as precisely as we can."""
    if head.startswith(OLE2_MAGIC):
        if _ole2_is_encrypted_ooxml(path):
            return _Reject(
                "Buku kerja dilindungi kata sandi (terenkripsi) sehingga tidak dapat dibaca: buka "
                "di Excel, hapus kata sandinya (File > Info > Proteksi Buku Kerja > Enkripsi "
                "dengan Kata Sandi, kosongkan), lalu simpan ulang sebagai .xlsx tanpa kata sandi"
            )
        return _Reject(f"Format .xls lama tidak didukung: {SIMPAN_ULANG}")
    if head.startswith(b"%PDF"):
        return _Reject("Berkas ini PDF, bukan buku kerja Excel: kirim berkas .xlsx hasil ekspor "
                       "aslinya")
    text = _decode_text(head)
    if text is not None:
        low = text.lstrip("\ufeff \t\r\n").lower()
        if low.startswith(("<html", "<!doctype html", "<table", "<meta", "<head", "<body")) or (
            "<html" in low[:2048] or "<table" in low[:2048]
        ):
            return _Reject("Berkas ini halaman HTML yang diberi nama .xlsx (ekspor 'Excel' dari "
                           f"aplikasi web), bukan buku kerja Excel: {SIMPAN_ULANG}")
        if low.startswith("<?xml") or low.startswith("<"):
            if "urn:schemas-microsoft-com:office:spreadsheet" in low:
                return _Reject("Berkas ini Lembar Kerja XML 2003, bukan .xlsx: " + SIMPAN_ULANG)
            return _Reject("Berkas ini berisi teks XML, bukan buku kerja Excel: " + SIMPAN_ULANG)
        if _looks_like_csv(text):
            return _Reject("Berkas ini berisi teks CSV (nilai dipisah koma/titik koma/tab) yang "
                           "diberi nama .xlsx, bukan buku kerja Excel: buka di Excel lalu "
                           "simpan sebagai .xlsx dari Excel (Simpan Sebagai > Buku Kerja Excel)")
        return _Reject("Berkas ini berisi teks biasa, bukan buku kerja Excel: buka di Excel lalu "
                       "simpan sebagai .xlsx dari Excel")
    if not head.strip(b"\x00"):
        return _Reject(f"{MSG_RUSAK} (isinya hanya byte kosong, mungkin penyalinan gagal)")
    return _Reject(MSG_RUSAK)


def _decode_text(head: bytes) -> str | None:
    """The head decoded as text if it looks like text (no binary control bytes), else None."""
    sample = head[:65536]
    if not sample:
        return None
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                     (b"\xfe\xff", "utf-16-be")):
        if sample.startswith(bom):
            return sample[len(bom):].decode(enc, errors="replace")
    if b"\x00" in sample:
        return None
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start >= len(sample) - 4:  # cut in the middle of a character at the end
            text = sample[: e.start].decode("utf-8")
        else:
            text = sample.decode("cp1252", errors="replace")
    bad = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\x0c")
    return text if bad <= max(2, len(text) // 200) else None


def _looks_like_csv(text: str) -> bool:
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if not lines:
        return False
    for sep in (";", ",", "\t", "|"):
        if sum(1 for ln in lines if sep in ln) >= max(1, (len(lines) + 1) // 2):
            return True
    return False


def _ole2_is_encrypted_ooxml(path: Path) -> bool:
    """An encrypted .xlsx is an OLE2 file holding EncryptionInfo/EncryptedPackage streams."""
    needles = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
    tail = b""
    with open(path, "rb") as f:
        while chunk := f.read(READ_CHUNK):
            buf = tail + chunk
            if any(n in buf for n in needles):
                return True
            tail = buf[-64:]
    return False


# --------------------------------------------------------------------------------------------
# Step 2 and 3: the zip directory and the package structure (no decompression of big parts)


def _check_directory(zf: zipfile.ZipFile, limits: dict[str, Any]) -> None:
    infos = zf.infolist()
    if len(infos) > int(limits["max_members"]):
        raise _Reject(f"Berkas berisi terlalu banyak bagian ({len(infos)}); bukan buku kerja "
                      "Excel yang wajar, berkas ditolak demi keamanan")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise _Reject(f"{MSG_RUSAK} (bagian ganda di dalam arsip zip)")
    if any(i.flag_bits & 0x1 for i in infos):
        raise _Reject("Isi berkas terenkripsi (dilindungi kata sandi): buka di Excel, hapus kata "
                      "sandinya, lalu simpan ulang sebagai .xlsx")
    total = 0
    max_ratio = float(limits["max_compression_ratio"])
    for i in infos:
        if i.file_size < 0 or i.compress_size < 0:
            raise _Reject(MSG_RUSAK)
        total += i.file_size
        if i.file_size >= RATIO_FLOOR_BYTES:
            ratio = i.file_size / i.compress_size if i.compress_size else float("inf")
            if ratio > max_ratio:
                raise _Reject(
                    "Berkas ditolak demi keamanan: bagian '%s' mengembang %.0f kali saat dibuka "
                    "(batas %g kali; kemungkinan 'zip bomb')" % (i.filename, ratio, max_ratio),
                    nilai=i.filename,
                )
    limit = float(limits["max_uncompressed_mb"]) * MB
    if total > limit:
        raise _Reject(
            "Berkas ditolak demi keamanan: isi berkas setelah dibuka %.0f MB, melebihi batas %g MB"
            " (kemungkinan 'zip bomb', atau berkas terlalu besar)"
            % (total / MB, float(limits["max_uncompressed_mb"]))
        )


def _package_kind_problem(names: set[str]) -> _Reject | None:
    lower = {n.lower() for n in names}
    if "xl/workbook.bin" in lower:
        return _Reject("Format .xlsb (Buku Kerja Biner Excel) tidak didukung: " + SIMPAN_ULANG)
    if "mimetype" in lower and "content.xml" in lower:
        return _Reject("Format OpenDocument (.ods) tidak didukung: " + SIMPAN_ULANG)
    if "word/document.xml" in lower:
        return _Reject("Berkas ini dokumen Word, bukan buku kerja Excel: kirim berkas .xlsx")
    if "ppt/presentation.xml" in lower:
        return _Reject("Berkas ini presentasi PowerPoint, bukan buku kerja Excel: kirim berkas "
                       ".xlsx")
    return None


def _defused_fromstring(data: bytes, member: str):
    import defusedxml.ElementTree as DET
    from defusedxml.common import DefusedXmlException

    try:
        return DET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as e:
        raise _entity_reject(member) from e
    except DET.ParseError as e:
        raise _Reject(f"{MSG_RUSAK} (XML '{member}' tidak terbaca)") from e


def _entity_reject(member: str) -> _Reject:
    return _Reject(
        f"Berkas ditolak demi keamanan: bagian '{member}' berisi deklarasi DTD/ENTITY XML "
        "(kemungkinan serangan 'billion laughs' atau entitas eksternal). Excel tidak pernah "
        "menulis ini: buka berkas asli di Excel lalu simpan ulang sebagai .xlsx",
        nilai=member,
    )


def _unsupported_markup(member: str, sheet: str | None) -> _Reject:
    return _Reject(
        f"Berkas ditolak demi keamanan: data sheet di bagian '{member}' berisi komentar, CDATA "
        "atau instruksi pemrosesan XML, atau lebih dari satu bagian data, yang tidak didukung. "
        "Excel tidak pernah menulis ini: buka berkas asli di Excel lalu simpan ulang sebagai .xlsx",
        sheet=sheet, nilai=member,
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_small(zf: zipfile.ZipFile, name: str, cap: int = 64 * MB) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > cap:
        raise _Reject(f"Berkas ditolak: bagian '{name}' terlalu besar ({info.file_size // MB} MB)")
    with zf.open(info) as f:
        return f.read(cap + 1)


def _resolve(base_dir: str, target: str) -> str:
    target = unquote(target).replace("\\", "/")
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for p in PurePosixPath(base_dir, target).parts:
        if p == "..":
            if parts:
                parts.pop()
        elif p not in (".", ""):
            parts.append(p)
    return "/".join(parts)


def _find_member(names_ci: dict[str, str], name: str) -> str | None:
    return names_ci.get(name.lower())


def _sheet_parts(zf: zipfile.ZipFile, names_ci: dict[str, str]) -> dict[str, str]:
    """Sheet name -> worksheet member (worksheets only, not chart or dialog sheets), from
    workbook.xml and its relationships, both parsed with defusedxml."""
    wb_member = None
    rels = _find_member(names_ci, "_rels/.rels")
    if rels:
        root = _defused_fromstring(_read_small(zf, rels), rels)
        for rel in root:
            if _local(rel.tag) == "Relationship" and rel.get("Type", "").endswith(
                "/officeDocument"
            ):
                wb_member = _find_member(names_ci, _resolve("", rel.get("Target", "")))
                break
    wb_member = wb_member or _find_member(names_ci, "xl/workbook.xml")
    if wb_member is None:
        raise _Reject("Berkas zip ini bukan buku kerja Excel (.xlsx): tidak ada bagian "
                      "workbook.xml. " + SIMPAN_ULANG[0].upper() + SIMPAN_ULANG[1:])
    wb_root = _defused_fromstring(_read_small(zf, wb_member), wb_member)
    base_dir = str(PurePosixPath(wb_member).parent)
    wb_rels_name = _find_member(
        names_ci, f"{base_dir}/_rels/{PurePosixPath(wb_member).name}.rels".lstrip("/")
    )
    targets: dict[str, str] = {}
    if wb_rels_name:
        rroot = _defused_fromstring(_read_small(zf, wb_rels_name), wb_rels_name)
        for rel in rroot:
            if (_local(rel.tag) == "Relationship" and rel.get("TargetMode") != "External"
                    and rel.get("Type", "").endswith("/worksheet")):
                targets[rel.get("Id", "")] = _resolve(base_dir, rel.get("Target", ""))
    out: dict[str, str] = {}
    for el in wb_root.iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if k.startswith("{") and _local(k) == "id"),
                   None)
        member = _find_member(names_ci, targets.get(rid or "", ""))
        if el.get("name") is not None and member:
            out[el.get("name")] = member
    return out


# --------------------------------------------------------------------------------------------
# Step 4: one streaming pass over every member


_DOCTYPE_RE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_PREFIX_RE = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?worksheet[\s>/]")
_DIMENSION_RE = re.compile(rb"<(?:[\w.\-]+:)?dimension\b[^>]*\bref\s*=\s*[\"']([^\"']*)[\"']")
_REF_RE = re.compile(rb"^\$?([A-Za-z]{0,4})\$?([0-9]{0,8})$")
_ALL_CELL_REFS = re.compile(rb' r="([A-Z]+)([0-9]+)"')
_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")
_ATTR_T_ERR = re.compile(rb"""(?:^|\s)t\s*=\s*["']e["']""")
_ATTR_T_STR = re.compile(rb"""(?:^|\s)t\s*=\s*["']str["']""")
_REF_AT = re.compile(rb"([A-Z]+)([0-9]+)\"")


def _col_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.upper().decode():
        n = n * 26 + (ord(ch) - 64)
    return n


def col_letters(n: int) -> str:
    """1 -> A, 27 -> AA: a column as Excel names it."""
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _greater_alternation(s: str, digits: bool) -> str:
    """Regex alternation matching any token of the same alphabet that sorts above ``s``
    (numbers without leading zeros, or column letters)."""
    cls, top = ("[0-9]", "9") if digits else ("[A-Z]", "Z")
    n = len(s)
    alts = [f"{cls}{{{n + 1},}}"]
    for i, ch in enumerate(s):
        if ch != top:
            rest = f"{cls}{{{n - i - 1}}}" if n - i - 1 else ""
            alts.append(re.escape(s[:i]) + f"[{chr(ord(ch) + 1)}-{top}]" + rest)
    return "|".join(alts)


class _SheetScan:
    """Byte-level scan of one worksheet part: extent, formulas without value, error cells.

    The data is processed in chunks cut at ``</row>``. A chunk where every ``<c``/``<row`` tag
    has a plain ``r="..."`` attribute (what Excel and every common writer produce) is handled
    with whole-chunk byte searches (fast path); any other chunk goes through a tag tokenizer that
    numbers rows and cells the way a reader does when ``r`` is missing.
    """

    def __init__(self, member: str, sheet: str | None, limits: dict[str, Any]):
        self.member, self.sheet, self.limits = member, sheet, limits
        self.phase = "head"
        self.p = b""  # namespace prefix incl. colon, e.g. b"x:"
        self.max_row = 0
        self.max_col = 0
        self.formula_no_value: list[tuple[int, int]] = []
        self.errors: list[tuple[int, int, str]] = []
        self.head_parts: list[bytes] = []
        self._odd_key: tuple[int, int] | None = None
        self._odd: re.Pattern[bytes] | None = None
        self._screen_key: tuple[int, int] | None = None
        self._screen = ""
        self.head_len = 0
        # tokenizer state (kept across chunks)
        self.sticky_tokens = False
        self.regular = True   # every cell placed by a plain r="A1" (no chunk went to the tokenizer)
        self.parts: Any = None   # sheet_parts.SheetParts when the scan wrote the rows apart
        self.t_row = 0
        self.t_col = 0
        self.t_in_cell = False
        self.t_cell: tuple[int, int] = (0, 0)
        self.t_has_f = self.t_has_v = self.t_is_err = self.t_is_str = False
        self.t_v_start: int | None = None
        self.t_v_text = b""

    # -- limits
    def _check_limits(self) -> None:
        max_rows = int(self.limits["max_rows"])
        if self.max_row > max_rows:
            raise _Reject(
                f"Sheet terlalu besar: {self.max_row} baris, melebihi batas {max_rows} baris",
                sheet=self.sheet, nilai=self.max_row,
            )
        max_cells = int(self.limits["max_cells"])
        if self.max_col > 16384 or self.max_row * self.max_col > max_cells:
            raise _Reject(
                f"Sheet terlalu besar: {self.max_row} baris x {self.max_col} kolom melebihi batas "
                f"{max_cells} sel (periksa sel terisi atau berformat jauh di bawah/kanan data)",
                sheet=self.sheet, nilai=f"{col_letters(min(self.max_col, 10**6))}{self.max_row}",
            )

    def _dimension(self, head: bytes) -> None:
        m = _DIMENSION_RE.search(head)
        if not m:
            return
        last = m.group(1).split(b":")[-1].strip()
        rm = _REF_RE.match(last)
        if rm and rm.group(2):
            rows = int(rm.group(2))
            if rows > int(self.limits["max_rows"]):
                self.max_row = max(self.max_row, rows)
                self._check_limits()

    # -- feeding
    def feed_head(self, buf: bytes) -> int:
        """Consume the part before <sheetData>; returns the offset where data starts or -1."""
        self.head_parts.append(buf)
        self.head_len += len(buf)
        head = b"".join(self.head_parts)
        self.head_parts = [head]
        i = head.find(b"sheetData")
        if i < 0:
            if self.head_len > 16 * MB:
                raise _Reject(f"{MSG_RUSAK} (bagian '{self.member}' tidak berisi data sheet)",
                              sheet=self.sheet)
            return -1
        end = head.find(b">", i)
        if end < 0:
            return -1
        pm = _ROOT_PREFIX_RE.search(head, 0, i)
        self.p = (pm.group(1) + b":") if pm and pm.group(1) else b""
        self._dimension(head[:i])
        self._compile()
        if head[end - 1: end] == b"/":  # <sheetData/>: no cells
            self.phase = "tail"
        else:
            self.phase = "data"
        return end + 1

    def _compile(self) -> None:
        p = re.escape(self.p)
        self.end_row = b"</" + self.p + b"row>"
        self.end_data = b"</" + self.p + b"sheetData"
        self.lt_c = b"<" + self.p + b"c"
        self.lt_c_r = b"<" + self.p + b'c r="'
        self.lt_row = b"<" + self.p + b"row"
        self.lt_f = b"<" + self.p + b"f"
        self.formula_no_value_re = re.compile(
            rb"<" + p + rb"c\b([^>]*)>\s*<" + p + rb"f\b(?:[^>]*/>|[^>]*>[^<]*</" + p
            + rb"f>)\s*(?:</" + p + rb"c>|<" + p + rb"is[\s>]|<" + p + rb"extLst[\s>]|(<" + p
            + rb"v\s*/>|<" + p + rb"v>\s*</" + p + rb"v>))"
        )
        self.error_cell_re = re.compile(
            rb"<" + p + rb"c\b([^>]*\bt=\"e\"[^>]*)>(?:(?!</" + p + rb"c>).){0,4000}?<" + p
            + rb"v>([^<]*)</" + p + rb"v>",
            re.DOTALL,
        )
        self.token_re = re.compile(
            rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(row|c|f|v)(?=[\s/>])([^>]*)>"
        )

    def feed_data(self, chunk: bytes, final: bool) -> bytes:
        """Process complete rows of chunk; return the unprocessed remainder."""
        last_row_end = chunk.rfind(self.end_row)
        stop = chunk.find(self.end_data, max(0, last_row_end))
        if stop >= 0:
            self._process(chunk[:stop], whole_rows=True)
            self.phase = "tail"
            if _DOCTYPE_RE.search(chunk, stop):
                raise _entity_reject(self.member)
            if chunk.find(b"sheetData", stop + len(self.end_data)) >= 0:
                raise _unsupported_markup(self.member, self.sheet)   # a second <sheetData>
            return b""
        cut = last_row_end
        if cut >= 0 and not self.sticky_tokens:
            cut += len(self.end_row)
            self._process(chunk[:cut], whole_rows=True)
            return chunk[cut:]
        if final or len(chunk) > MAX_CARRY or self.sticky_tokens:
            cut = len(chunk) if final else chunk.rfind(b">") + 1
            self.sticky_tokens = True  # from now on the tokenizer carries state across chunks
            self._process(chunk[:cut], whole_rows=False)
            return chunk[cut:]
        return chunk

    def _process(self, data: bytes, whole_rows: bool) -> None:
        if not data:
            return
        if whole_rows and not self.sticky_tokens:
            # Rows are normally ascending: the chunk's last cell gives the new maximum row.
            last = data.rfind(self.lt_c_r)
            if last >= 0:
                m = _REF_AT.match(data, last + len(self.lt_c_r))
                if m:
                    self.max_row = max(self.max_row, int(m.group(2)))
            # One RE2 pass over the chunk (pyarrow, no GIL, linear time): nothing to look at
            # when every cell tag starts with a plain r="..." inside the known extent and no cell
            # holds a formula or an error, which is what Excel and common writers produce after
            # the first chunk. Otherwise the chunk goes through the exact byte searches below.
            if self._anything_odd(data):
                self._no_markup(data)
                if not self._odd_cell_re().search(data):
                    self._fast(data)
                elif data.count(self.lt_c) == data.count(self.lt_c_r):
                    # every cell is placed by its reference: the exact extent is the largest one
                    refs = _ALL_CELL_REFS.findall(data)
                    if refs:
                        self.max_col = max(self.max_col, max(map(_col_number, {c for c, _ in refs})))
                        self.max_row = max(self.max_row, max(map(int, {r for _, r in refs})))
                    self._fast(data)
                else:
                    self._tokens(data)
            self.t_row = max(self.t_row, self.max_row)
        else:
            self._no_markup(data)
            self._tokens(data)
        self._check_limits()

    def _no_markup(self, data: bytes) -> None:
        """Cell data holds elements and text only. A comment, CDATA section or processing
        instruction could hold the text ``</sheetData>`` (or ``</row>``) and end the scan early,
        letting cells it never saw through to the readers: no writer puts them there."""
        if b"<!" in data or b"<?" in data:
            raise _unsupported_markup(self.member, self.sheet)

    def _anything_odd(self, data: bytes) -> bool:
        """Whether ``data`` may hold a cell outside the known extent, a cell without a plain
        ``r="A1"`` reference, a formula, an error cell, or a comment, CDATA section or processing
        instruction (``<!``, ``<?``) (RE2 through pyarrow; no false negative with respect to
        ``_odd_cell_re``, ``_fast`` and ``_no_markup``)."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        key = (self.max_col, self.max_row)
        if key != self._screen_key:
            p = re.escape(self.p.decode("ascii", "replace"))
            cols = _greater_alternation(col_letters(self.max_col), False) if self.max_col else "[A-Z]+"
            rows = _greater_alternation(str(self.max_row), True) if self.max_row else "[0-9]+"
            # One literal first byte ('<') for RE2's prefix search: an odd cell tag, an error cell
            # (what error_cell_re looks for) or a formula (what formula_no_value_re looks for).
            self._screen = (
                f'<(?:[!?]|{p}(?:c(?:[^ ]| [^r]| r[^=]| r=[^"]| r="[^A-Z]| r="[A-Z]+[^A-Z0-9]'
                f'| r="(?:{cols})[0-9]| r="[A-Z]+[0-9]+[^0-9"]| r="[A-Z]+(?:{rows})"'
                f'|(?: (?:r(?:=(?:"[A-Z]*[0-9]*)?)?)?)?$'     # a tag cut by the end of the chunk
                f'|[^>]*t="e")|f))'
            )
            self._screen_key = key
        # the chunk as a one-value Arrow binary array over the same memory (no copy)
        one = pa.Array.from_buffers(pa.large_binary(), 1, [
            None, pa.py_buffer(np.array([0, len(data)], dtype=np.int64)), pa.py_buffer(data)])
        return bool(pc.match_substring_regex(one, self._screen)[0].as_py())

    def _odd_cell_re(self) -> re.Pattern[bytes]:
        key = (self.max_col, self.max_row)
        if key != self._odd_key:
            cols = _greater_alternation(col_letters(self.max_col), False) if self.max_col else (
                "[A-Z]+")
            rows = _greater_alternation(str(self.max_row), True) if self.max_row else (
                "[0-9]+")
            self._odd = re.compile(
                b"<" + re.escape(self.p) + b"c"
                + f'(?! r="(?!(?:{cols})[0-9])[A-Z]+(?!(?:{rows})")[0-9]+")'.encode()
            )
            self._odd_key = key
        return self._odd

    def _fast(self, data: bytes) -> None:
        """Formula cells without a cached value and error cells of a regular chunk."""
        if self.lt_f in data:
            for m in self.formula_no_value_re.finditer(data):
                ref = _ATTR_R.search(m.group(1))
                if ref and not (m.group(2) and _ATTR_T_STR.search(m.group(1))):
                    self.formula_no_value.append((int(ref.group(2)), _col_number(ref.group(1))))
        if b't="e"' in data:
            for m in self.error_cell_re.finditer(data):
                ref = _ATTR_R.search(m.group(1))
                if ref:
                    self.errors.append((int(ref.group(2)), _col_number(ref.group(1)),
                                        m.group(2).decode("utf-8", "replace")))

    def _tokens(self, data: bytes) -> None:
        self.regular = False
        for m in self.token_re.finditer(data):
            closing, name, attrs = m.group(1), m.group(2), m.group(3)
            selfclose = attrs.endswith(b"/")
            if name == b"c":
                if closing:
                    self._end_cell()
                    continue
                if self.t_in_cell:
                    self._end_cell()
                ref = _ATTR_R.search(attrs)
                if ref and ref.group(1):
                    self.t_col = _col_number(ref.group(1))
                    if ref.group(2):
                        self.t_row = int(ref.group(2))
                else:
                    self.t_col += 1
                self.max_col = max(self.max_col, self.t_col)
                self.max_row = max(self.max_row, self.t_row)
                self.t_cell = (self.t_row, self.t_col)
                self.t_has_f = self.t_has_v = False
                self.t_v_text = b""
                self.t_is_err = bool(_ATTR_T_ERR.search(attrs))
                self.t_is_str = bool(_ATTR_T_STR.search(attrs))
                self.t_in_cell = not selfclose
            elif name == b"row":
                if closing:
                    if self.t_in_cell:
                        self._end_cell()
                    continue
                ref = _ATTR_R.search(attrs)
                self.t_row = int(ref.group(2)) if ref and ref.group(2) else self.t_row + 1
                self.t_col = 0
                self.max_row = max(self.max_row, self.t_row)
            elif self.t_in_cell and not closing:
                if name == b"f":
                    self.t_has_f = True
                else:
                    self.t_has_v = True
                    self.t_v_start = None if selfclose else m.end()
                    self.t_v_text = b""
            elif self.t_in_cell and closing and name == b"v" and self.t_v_start is not None:
                self.t_v_text = data[self.t_v_start: m.start()]
                self.t_v_start = None
            if self.t_row * max(self.t_col, 1) > int(self.limits["max_cells"]) or (
                self.t_row > int(self.limits["max_rows"])
            ):
                self._check_limits()

    def _end_cell(self) -> None:
        if self.t_has_f and (not self.t_has_v or (not self.t_v_text.strip()
                                                 and not self.t_is_str)):
            self.formula_no_value.append(self.t_cell)
        if self.t_is_err and self.t_has_v:
            self.errors.append((*self.t_cell, self.t_v_text.decode("utf-8", "replace")))
        self.t_in_cell = False


def _text_reject(e: TextTooLong, member: str, sheet: str | None) -> _Reject:
    where = f"sheet '{sheet}'" if sheet else f"bagian '{member}'"
    count = f"{e.n} karakter" if e.n is not None else f"lebih dari {e.hard} byte"
    return _Reject(
        f"Teks sel terlalu panjang di {where}: {count}, melebihi batas Excel {e.limit} karakter per "
        "sel (max_cell_chars); berkas ditolak demi keamanan",
        sheet=sheet, nilai=e.sample, diharapkan=f"paling banyak {e.limit} karakter")


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
                from lkip.extract.sheet_parts import SheetParts

                scans[by_member[split.member]].parts = SheetParts(split, parts)
    except BaseException:
        if split is not None:
            split.discard()
        raise
    return scans


def _sheet_split(zf: zipfile.ZipFile, sheet_members: set[str], limits: dict[str, Any]) -> Any:
    """A SheetSplit for the biggest worksheet when it is worth reading in parts (see
    lkip.extract.sheet_parts): at least ``split_min_mb`` of XML, two cores or more, room on disk."""
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
        from lkip.extract.sheet_parts import SheetSplit

        return SheetSplit(big.filename, big.file_size, n)
    except OSError:
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
    parser = DET.DefusedXMLParser(forbid_dtd=True) if is_xml else None
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
                if b"<!" in probe and _DOCTYPE_RE.search(probe):
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


# --------------------------------------------------------------------------------------------
# Step 5: values through python-calamine


_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _float(v: float) -> int | float:
    return int(v) if v.is_integer() and -9.0e15 < v < 9.0e15 else v


def _date(v: dt.date) -> dt.datetime:
    return dt.datetime(v.year, v.month, v.day)


def _time(v: dt.time) -> dt.datetime:
    return dt.datetime.combine(_EXCEL_EPOCH, v)


def _delta(v: dt.timedelta) -> float:
    return v.total_seconds() / 86400.0


def _same(v: Any) -> Any:
    return v


def _empty(v: str) -> str | None:
    return v or None


_CONVERT = {float: _float, dt.date: _date, dt.time: _time, dt.timedelta: _delta,
            dt.datetime: _same, int: _same, bool: _same, str: _empty}


def _convert_rows(raw: list[list[Any]]) -> list[list[Any]]:
    conv = _CONVERT.get
    return [
        [v if type(v) is str and v else conv(type(v), _same)(v) for v in row]
        for row in raw
    ]


def _read_values(path: Path, scans: dict[str, _SheetScan], limits: dict[str, Any] | None = None) -> list[Sheet]:
    """The worksheets with their visibility; each grid is read from disk on first use."""
    limits = limits or DEFAULT_LIMITS
    heads = HeadSource(path, _convert_rows)
    grids = CalamineSource(path)
    from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

    sheets: list[Sheet] = []
    try:
        cw = CalamineWorkbook.from_path(str(path))
    except PasswordError as e:
        raise _Reject("Buku kerja dilindungi kata sandi: hapus kata sandinya di Excel lalu simpan "
                      "ulang sebagai .xlsx") from e
    try:
        for meta in cw.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            scan = scans.get(meta.name)
            if scan is None:
                # never hand calamine a sheet whose extent was not checked
                raise _Reject(f"{MSG_RUSAK} (bagian XML sheet tidak ditemukan)", sheet=meta.name)
            sheets.append(Sheet(
                name=meta.name,
                hidden=meta.visible != SheetVisibleEnum.Visible,
                formula_cells_without_value=sorted(scan.formula_no_value),
                path=path,
                loader=functools.partial(_load_rows, path, meta.name, scan, grids),
                n_rows_hint=scan.max_row,
                parts=scan.parts,
                head_source=heads,
                max_cell_chars=int(limits["max_cell_chars"]),
            ))
            sheets[-1].grid_source = grids
    finally:
        cw.close()
    return sheets


def _load_rows(path: Path, name: str, scan: _SheetScan, source: CalamineSource | None = None) -> list[list[Any]]:
    raw = (source or CalamineSource(path)).sheet_rows(name)
    rows = _convert_rows(raw)
    del raw
    for r, c, text in scan.errors:
        if 0 < r <= len(rows) and 0 < c <= len(rows[r - 1]):
            rows[r - 1][c - 1] = text or None
    # Trailing blank rows are dropped, but a row holding a formula without a cached
    # value is not blank: keep it so that rows[r - 1] exists for every reported cell.
    cells = scan.formula_no_value
    keep = max((r for r, _ in cells), default=0)
    while len(rows) > keep and all(v is None for v in rows[-1]):
        rows.pop()
    while len(rows) < keep:
        rows.append([])
    width = max(max((len(r) for r in rows), default=0),
                max((c for _, c in cells), default=0))
    for r in rows:
        if len(r) < width:
            r.extend([None] * (width - len(r)))
    return rows


# A sheet this tall is not read whole just to see whether the workbook is empty.
_EMPTY_CHECK_MAX_ROWS = 5000


def _has_data(sheets: list[Sheet]) -> bool:
    """Whether any sheet holds a value: a tall one is not read whole for this, a sheet the scan
    saw no cell in is not read at all, the others share one open calamine workbook."""
    if any(s.n_rows_hint > _EMPTY_CHECK_MAX_ROWS for s in sheets):
        return True
    todo = [s for s in sheets if s.n_rows_hint > 0 or s.formula_cells_without_value]
    if not todo:
        return False
    source = getattr(todo[0], "grid_source", None)
    with source.held() if source is not None else contextlib.nullcontext():
        return any(any(v is not None for row in s.rows for v in row) for s in todo)


# --------------------------------------------------------------------------------------------
# Entry point


def open_workbook(path: Path, limits: dict | None = None, sha256: str | None = None) -> Workbook:
    """Open an untrusted .xlsx/.xlsm; raise FileRejected (Bahasa Indonesia) when it cannot be."""
    path = Path(path)
    lim = dict(DEFAULT_LIMITS)
    if limits:
        lim.update({k: v for k, v in limits.items() if v is not None})
    try:
        return _open(path, lim, sha256)
    except _Reject as r:
        raise _rejected(path, r) from None
    except FileRejected:
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except OSError as e:
        raise FileRejected(error(f"Berkas tidak dapat dibaca: {e.strerror or e}",
                                 file=path.name)) from None
    except BaseException as e:  # noqa: BLE001 - incl. pyo3 PanicException; never a traceback
        raise FileRejected(error(f"{MSG_RUSAK} ({type(e).__name__})", file=path.name)) from None


def _open(path: Path, limits: dict[str, Any], sha256: str | None = None) -> Workbook:
    st = path.stat()
    size = st.st_size
    if size == 0:
        raise _Reject("Berkas kosong (0 byte): mungkin penyalinan belum selesai atau gagal")
    max_file = float(limits["max_file_mb"]) * MB
    if size > max_file:
        raise _Reject(
            "Berkas terlalu besar: %.1f MB, batas %g MB" % (size / MB, float(limits["max_file_mb"]))
        )
    with open(path, "rb") as f:
        head = f.read(65536)
    if not head.startswith(ZIP_MAGICS):
        raise _sniff_not_zip(path, head)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as e:
        raise _Reject(f"{MSG_RUSAK} (arsip zip terpotong atau rusak; mungkin penyalinan belum "
                      "selesai)") from e
    with zf:
        _check_directory(zf, limits)
        names = set(zf.namelist())
        problem = _package_kind_problem(names)
        if problem:
            raise problem
        names_ci = {n.lower(): n for n in names}
        sheet_members = _sheet_parts(zf, names_ci)
        max_sheets = int(limits["max_sheets"])
        if len(sheet_members) > max_sheets:
            raise _Reject(
                f"Buku kerja berisi terlalu banyak sheet: {len(sheet_members)}, melebihi batas "
                f"{max_sheets} sheet (max_sheets); berkas ditolak demi keamanan",
                nilai=len(sheet_members), diharapkan=f"paling banyak {max_sheets} sheet")
        try:
            scans = _scan_members(zf, sheet_members, limits)
        except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as e:
            raise _Reject(f"{MSG_RUSAK} (isi arsip zip rusak: {e})") from e
        except NotImplementedError as e:
            raise _Reject(f"{MSG_RUSAK} (metode kompresi tidak didukung): " + SIMPAN_ULANG) from e
        except RuntimeError as e:  # zipfile: "File ... is encrypted, password required"
            raise _Reject("Isi berkas terenkripsi (dilindungi kata sandi): hapus kata sandinya "
                          "di Excel lalu simpan ulang sebagai .xlsx") from e
    digest = sha256 or sha256_of(path)  # the caller may have hashed the file already
    sheets = _read_values(path, scans, limits)
    if not _has_data(sheets):
        raise _Reject("Buku kerja kosong: tidak ada sheet yang berisi data")
    # A sheet big enough for the column-wise readers: its text is read while the caller detects
    # the kind and reads the header (the largest visible one; the scan has passed).
    big = [s for s in sheets if not s.hidden and s.n_rows_hint >= TEXT_MIN_ROWS]
    if big:
        max(big, key=lambda s: s.n_rows_hint).read_strings_ahead()
    return Workbook(path=path, sha256=digest, size=size, sheets=sheets)


if __name__ == "__main__":  # pragma: no cover - manual timing helper
    import sys

    for p in sys.argv[1:]:
        t0 = time.perf_counter()
        wb = open_workbook(Path(p))
        print(p, f"{time.perf_counter() - t0:.2f}s", [(s.name, len(s.rows)) for s in wb.sheets])
