"""Indonesian number style, formula-injection guards and atomic file writes.

Display rule (docs/reports.md): values keep full precision in the warehouse and are rounded
half up to 2 decimals only when shown. Thousands separator '.', decimal separator ','.
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
    """
    d = _to_decimal(value)
    if d is None:
        return kosong
    if desimal is None:
        q = d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        desimal = 0 if q == q.to_integral_value() else 2
    q = d.quantize(Decimal(1).scaleb(-desimal), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    text = f"{abs(q):.{desimal}f}"
    int_part, _, frac = text.partition(".")
    out = sign + _group(int_part)
    if desimal:
        out += "," + frac
    return out


def format_persen(value: Any, satuan: str = "%", kosong: str = "") -> str:
    """65.5249 -> '65,52 %'; format_persen(x, 'persen') -> '65,52 persen' (always 2 decimals)."""
    text = format_angka(value, 2)
    if not text:
        return kosong
    return f"{text} {satuan}" if satuan else text


def format_rupiah(value: Any, kosong: str = "") -> str:
    """58279356766 -> 'Rp58.279.356.766,-'; 1250.5 -> 'Rp1.250,50'."""
    d = _to_decimal(value)
    if d is None:
        return kosong
    q = d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if q == q.to_integral_value():
        return f"Rp{format_angka(q, 0)},-"
    return f"Rp{format_angka(q, 2)}"


def is_formula_like(text: Any) -> bool:
    return isinstance(text, str) and text.startswith(FORMULA_PREFIXES)


def neutralise(text: Any) -> Any:
    """Prefix a formula-looking string with an apostrophe (CSV); other values pass unchanged."""
    if is_formula_like(text):
        return "'" + text
    return text


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
        os.chmod(tmp_path, 0o644)  # mkstemp creates 0600; outputs are meant to be shared
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_bytes_atomic(target: Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_text_atomic(target: Path, text: str, encoding: str = "utf-8") -> Path:
    return write_bytes_atomic(target, text.encode(encoding))
