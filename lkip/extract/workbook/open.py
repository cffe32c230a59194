"""``open_workbook``: the steps in order (sniff, package, scan, values), each given the limits the
caller passed (over ``DEFAULT_LIMITS``); any failure is a ``FileRejected`` in Bahasa Indonesia."""

from __future__ import annotations

import contextlib
import functools
import zipfile
from pathlib import Path
from typing import Any

from lkip.extract.workbook.bounded import CalamineSource, HeadSource
from lkip.extract.workbook.errors import MSG_RUSAK, SIMPAN_ULANG, _rejected, _Reject
from lkip.extract.workbook.files import sha256_of
from lkip.extract.workbook.limits import resolve
from lkip.extract.workbook.package import _check_package
from lkip.extract.workbook.scan import _scan_members
from lkip.extract.workbook.sheet import Sheet, Workbook
from lkip.extract.workbook.sheet_scan import _SheetScan
from lkip.extract.workbook.sniff import _check_file
from lkip.extract.workbook.values import _convert_rows, _load_rows
from lkip.issues import FileRejected, error

# A sheet this tall is read by the column-wise readers as Arrow text (``Sheet.strings()``), and
# that read starts in a second thread as soon as the scan has passed.
TEXT_MIN_ROWS = 20_000


def _read_values(path: Path, scans: dict[str, _SheetScan], limits: dict[str, Any]) -> list[Sheet]:
    """The worksheets with their visibility; each grid is read from disk on first use."""
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


def open_workbook(path: Path, limits: dict | None = None, sha256: str | None = None) -> Workbook:
    """Open an untrusted .xlsx/.xlsm; raise FileRejected (Bahasa Indonesia) when it cannot be."""
    path = Path(path)
    try:
        return _open(path, resolve(limits), sha256)
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
    size = _check_file(path, limits)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as e:
        raise _Reject(f"{MSG_RUSAK} (arsip zip terpotong atau rusak; mungkin penyalinan belum "
                      "selesai)") from e
    with zf:
        sheet_members = _check_package(zf, limits)
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
