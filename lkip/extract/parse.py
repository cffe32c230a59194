"""Indonesian number, date and code text, parsed by rule (never guessed).

Numbers follow the three-digit rule of docs/input-formats.md: a separator followed by groups of
exactly three digits is a thousands separator; one followed by one or two final digits is a
decimal mark; a lone ``,`` before three digits is Indonesian, so a decimal mark. A numeric cell is
never re-interpreted. Anything that fits no reading is an error for that cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

EXCEL_EPOCH = dt.datetime(1899, 12, 30)

BULAN = {
    "januari": 1, "jan": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2,
    "maret": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11, "nopember": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12,
}


class ParseError(ValueError):
    """A cell that fits no reading; the message says what was expected (Bahasa Indonesia)."""

    def __init__(self, value: Any, expected: str):
        self.value = value
        self.expected = expected
        super().__init__(f"{value!r} bukan {expected}")


_EMPTY = {"", "-", "--", "–", "—"}
_CURRENCY = re.compile(r"^(rp\.?|idr)\s*", re.IGNORECASE)
_NUMBER_BODY = re.compile(r"^[0-9.,]+$")


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in ("",)


@lru_cache(maxsize=65536)
def _parse_number_text(text: str) -> float | Decimal | None:
    s = text.replace("\u00a0", " ").strip()
    if s in _EMPTY:
        return None
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    s = _CURRENCY.sub("", s).strip()
    if s.endswith("%"):
        s = s[:-1].strip()
    s = _CURRENCY.sub("", s).strip()
    if s.startswith("-") or s.startswith("−"):
        negative, s = (not negative), s[1:].strip()
        s = _CURRENCY.sub("", s).strip()       # "-Rp 3.400.000": Excel's negative rupiah
    elif s.startswith("+"):
        s = s[1:].strip()
    s = s.rstrip(",-").strip() if s.endswith(",-") else s  # "Rp58.279.356.766,-"
    s = s.replace(" ", "")
    if not s or not _NUMBER_BODY.match(s) or not s[0].isdigit() or not s[-1].isdigit():
        raise ParseError(text, "angka")
    value = _three_digit_rule(s, text)
    return -value if negative else value


def _three_digit_rule(s: str, original: str) -> Decimal:
    parts = re.split(r"([.,])", s)
    digits = parts[0::2]
    seps = parts[1::2]
    if any(d == "" for d in digits):
        raise ParseError(original, "angka")  # "12..5", "1,.5"
    if not seps:
        return Decimal(s)
    last_sep, last_group = seps[-1], digits[-1]
    earlier = seps[:-1]
    # Decide what the last separator is.
    if len(last_group) != 3:
        decimal_sep = last_sep            # 1.732,5  83,37  83.37  0,12345
    elif earlier and last_sep != earlier[-1]:
        decimal_sep = last_sep            # 1.234,567 (thousands '.', decimal ',')
    elif last_sep == "," and not earlier:
        decimal_sep = ","                 # a lone ',' before three digits is Indonesian: 1,234 -> 1.234
    else:
        decimal_sep = None                # 1.800  1.234.567  1,234,567
    if decimal_sep is not None:
        int_groups, int_seps, frac = digits[:-1], seps[:-1], last_group
    else:
        int_groups, int_seps, frac = digits, seps, ""
    if int_seps:
        if len(set(int_seps)) != 1 or (decimal_sep is not None and int_seps[0] == decimal_sep):
            raise ParseError(original, "angka")
        if not 1 <= len(int_groups[0]) <= 3 or any(len(g) != 3 for g in int_groups[1:]):
            raise ParseError(original, "angka")  # 1.23.4, 1234.567.8
    number = "".join(int_groups) + ("." + frac if frac else "")
    try:
        return Decimal(number)
    except InvalidOperation as exc:  # pragma: no cover - guarded by the regex above
        raise ParseError(original, "angka") from exc


def parse_number(value: Any) -> Decimal | float | int | None:
    """A cell as a number: numeric cells as they are, text by the three-digit rule.

    Blank and ``-`` give None (the caller decides whether that means zero). Raises ParseError.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ParseError(value, "angka")
    if isinstance(value, (int, Decimal)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        raise ParseError(value, "angka")
    return _parse_number_text(str(value))


def to_float(value: Any) -> float | None:
    n = parse_number(value)
    return None if n is None else float(n)


_CENT = Decimal("0.01")


def to_money(value: Any) -> Decimal | None:
    """Rupiah as an exact Decimal with two places. Blank/'-' -> None."""
    n = parse_number(value)
    if n is None:
        return None
    if isinstance(n, float):
        # A numeric cell: Excel stores a double; its shortest repr is what the officer typed.
        n = Decimal(repr(n))
    return Decimal(n).quantize(_CENT, rounding=ROUND_HALF_UP)


_DATE_NUMERIC = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DATE_WORDS = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$")


def parse_date(value: Any) -> dt.date | None:
    """Excel dates, serial numbers, or text dd/mm/yyyy, dd-mm-yyyy, d MMMM yyyy (Indonesian)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return (EXCEL_EPOCH + dt.timedelta(days=float(value))).date()
        raise ParseError(value, "tanggal")
    text = str(value).strip()
    if not text:
        return None
    try:
        m = _DATE_NUMERIC.match(text)
        if m:
            d, mo, y = (int(g) for g in m.groups())
            return dt.date(y, mo, d)
        m = _DATE_ISO.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            return dt.date(y, mo, d)
        m = _DATE_WORDS.match(text)
        if m and m.group(2).lower() in BULAN:
            return dt.date(int(m.group(3)), BULAN[m.group(2).lower()], int(m.group(1)))
    except ValueError:
        pass
    raise ParseError(value, "tanggal (dd/mm/yyyy atau '31 Maret 2020')")


def find_date_in_text(text: str) -> list[dt.date]:
    """Every Indonesian date inside a free text ("1 Januari 2020 s.d. 31 Maret 2020")."""
    out = []
    for m in re.finditer(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})", text):
        mo = BULAN.get(m.group(2).lower())
        if mo:
            try:
                out.append(dt.date(int(m.group(3)), mo, int(m.group(1))))
            except ValueError:
                continue
    for m in re.finditer(r"(\d{1,2})[/\-](\d{1,2})[/\-](\d{4})", text):
        try:
            out.append(dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))))
        except ValueError:
            continue
    return out


_CODE_OK = re.compile(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$")


def normalize_code(value: Any) -> str | None:
    """Kode rekening as text: stray spaces (also around dots) and a trailing dot removed.

    Numeric cells are refused: a code that went through a float has lost its zeros.
    """
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ParseError(value, "kode rekening berformat teks (mis. '4.01.03'), bukan angka")
    text = re.sub(r"\s+", "", str(value).replace("\u00a0", " "))
    text = text.rstrip(".")
    if not text:
        return None
    if not _CODE_OK.match(text):
        raise ParseError(value, "kode rekening (angka dipisah titik, mis. '4.01.4.01.03.01')")
    return text


def looks_like_code(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        code = normalize_code(value)
    except ParseError:
        return False
    return bool(code) and "." in code and code.replace(".", "").isdigit()


def quarter_of(date: dt.date) -> int:
    return (date.month - 1) // 3 + 1


ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def parse_triwulan(text: str) -> int | None:
    """'s.d. Triwulan IV' / 'TW 2' -> 4 / 2."""
    m = re.search(r"(?:triwulan|tw)\s*\.?\s*([ivx]+|\d)\b", text, re.IGNORECASE)
    if not m:
        return None
    tok = m.group(1).lower()
    return ROMAN.get(tok) if not tok.isdigit() else int(tok)
