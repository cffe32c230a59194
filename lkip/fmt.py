"""Indonesian number style, the formula-injection guard and atomic file writes, in one place.

Used by the readers and schemas (amounts in messages to officers), the error reports, the run
report and index page, and every publisher (report cells, CSV, charts, docx).

Two rupiah styles, one per purpose:

* ``rupiah_pesan``: an amount inside a message to an officer (``6.750.301.020``; cents only when
  present; ``kosong`` for no value). The message says "Rp" itself where it needs to.
* ``format_rupiah``: a report cell or a sentence of the narrative (``Rp58.279.356.766,-``),
  rounded half up to the cent (docs/reports.md).

Display rule (docs/reports.md): values keep full precision in the warehouse and are rounded
half up to 2 decimals only when shown. Thousands separator '.', decimal separator ','.

Files are written under a temporary name beside the target and renamed into place, with the mode
a plain ``open()`` would give them (0o666 less the process umask: 0o644 under the usual 022),
never the 0o600 of ``mkstemp``.
"""

from __future__ import annotations

import math
import os
import tempfile
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator

# A text cell starting with one of these is read as a formula by Excel / LibreOffice (CSV import
# included); tab and carriage return are in the OWASP list as well.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# ---- numbers ---------------------------------------------------------------------------------


def _to_decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    try:
        # str() of a float gives its shortest repr, so 65.525 stays 65.525 (not 65.52499...).
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _group(int_digits: str) -> str:
    out = []
    while len(int_digits) > 3:
        out.insert(0, int_digits[-3:])
        int_digits = int_digits[:-3]
    out.insert(0, int_digits)
    return ".".join(out)


def format_angka(value: Any, desimal: int | None = None, kosong: str = "") -> str:
    """58279356766 -> '58.279.356.766'; 65.5249 -> '65,52'; 0.45 -> '0,45'.

    desimal=None: whole numbers without decimals, otherwise 2 decimals (rounded half up).
    Publishing formats ~250 000 cells of a city this way: a whole `int` is grouped without a
    Decimal, a Decimal is not converted through str() again, and the digits are grouped by the
    format specification (``,``), then the separators swapped (tests/test_fmt.py: the same text
    as the digit-by-digit grouping, ``_group``).
    """
    if type(value) is int and not desimal:  # bool is not int here (type, not isinstance)
        return ("-" if value < 0 else "") + f"{abs(value):,}".replace(",", ".")
    d = value if type(value) is Decimal and value.is_finite() else _to_decimal(value)
    if d is None:
        return kosong
    if desimal is None:
        q = d.quantize(_CENT, rounding=ROUND_HALF_UP)
        desimal = 0 if q == q.to_integral_value() else 2
    q = d.quantize(_STEPS[desimal] if desimal in _STEPS else Decimal(1).scaleb(-desimal), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    return sign + f"{abs(q):,.{desimal}f}".translate(_SWAP)


_CENT = Decimal("0.01")
_STEPS = {0: Decimal(1), 2: _CENT}
_SWAP = str.maketrans(",.", ".,")


def format_persen(value: Any, satuan: str = "%", kosong: str = "") -> str:
    """65.5249 -> '65,52 %'; format_persen(x, 'persen') -> '65,52 persen' (always 2 decimals)."""
    text = format_angka(value, 2)
    if not text:
        return kosong
    return f"{text} {satuan}" if satuan else text


def format_rupiah(value: Any, kosong: str = "") -> str:
    """A report cell: 58279356766 -> 'Rp58.279.356.766,-'; 1250.5 -> 'Rp1.250,50'."""
    d = _to_decimal(value)
    if d is None:
        return kosong
    q = d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if q == q.to_integral_value():
        return f"Rp{format_angka(q, 0)},-"
    return f"Rp{format_angka(q, 2)}"


def rupiah_pesan(v: Decimal | None) -> str:
    """An amount in a message to an officer: 85575010100 -> '85.575.010.100', 1250.5 ->
    '1.250,50' (cents only when present), None -> 'kosong'."""
    if v is None:
        return "kosong"
    q = Decimal(v).quantize(Decimal("0.01"))
    sign = "-" if q < 0 else ""
    whole, _, frac = f"{abs(q):.2f}".partition(".")
    return sign + _group(whole) + ("," + frac if frac != "00" else "")


# ---- text that must not become a formula -----------------------------------------------------


def is_formula_like(text: Any) -> bool:
    return isinstance(text, str) and text.startswith(FORMULA_PREFIXES)


def neutralise(text: Any) -> Any:
    """Prefix a formula-looking string with an apostrophe (CSV); other values pass unchanged."""
    if is_formula_like(text):
        return "'" + text
    return text


def safe_text(value: object) -> str:
    """Text (None: '') that can never become a formula in Excel or in a CSV opened by Excel."""
    return neutralise("" if value is None else str(value))


# ---- atomic writes -----------------------------------------------------------------------------


def _umask() -> int:
    try:  # Linux: read without changing it (os.umask would, for a moment, for every thread)
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode a new output file gets: what a plain ``open()`` would give it (0o666 & ~umask)."""
    return 0o666 & ~_umask()


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it is renamed into place.

    A reader never sees a half-written file and a crash leaves the previous version intact.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, file_mode())  # mkstemp creates 0600; outputs are meant to be shared
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_bytes_atomic(target: Path, data: bytes, fsync: bool = False) -> Path:
    """``target`` replaced by ``data`` as a whole; ``fsync``: on disk before the rename."""
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
    return Path(target)


def write_text_atomic(target: Path, text: str, encoding: str = "utf-8", fsync: bool = False) -> Path:
    return write_bytes_atomic(target, text.encode(encoding), fsync=fsync)
