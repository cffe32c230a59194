"""The Nilai column of a big Register SP2D as exact rupiah, column-wise: digits-only cells cast
by Arrow, the few others by the three-digit rule (``parse_vec``), cents written straight into a
``decimal128(18, 2)`` buffer; and exact sums of rows for the JUMLAH checks.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lkip.extract.arrow_text import bitmap, text_bytes, valid_mask
from lkip.extract.parse_vec import parse_number_text

MONEY = pa.decimal128(18, 2)
_AMBIGUOUS_NUMBER = r"^-?[0-9]+\.[0-9]{3}$"        # numeric 1.732 or the text "1.732" (= 1732)?
_TOO_LONG = r"^-?[0-9]{14,}"                          # beyond what a double prints exactly to the cent
_FINE_DIGITS = 13                                     # digits only, at most this many: plain rupiah
_PLAIN_MONEY = r"^-?[0-9]{1,16}(\.[0-9]{1,2})?$"


def money_column(texts: pa.Array, rows: np.ndarray) -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray] | None:
    """(rupiah, the same in cents (0 where blank), which hold a value, parsed ok) of the nilai
    texts of ``rows``, or None when a text cannot tell its value (an ambiguous ``1.732`` or an
    amount past what a double prints exactly).

    Digits only (what a numeric cell of at most 13 digits prints as: nearly every cell) are cast to
    integers by Arrow over the column as it is (the other cells masked as null, nothing copied);
    the rest, few, go through ``_money`` (the three-digit rule). The cents are written straight
    into the decimal128 buffer (a 16-byte little-endian integer per value)."""
    n = len(rows)
    off, _ = text_bytes(texts)
    valid_all = valid_mask(texts)
    fine_all = valid_all & ((off[1:] - off[:-1]) <= _FINE_DIGITS) & \
        pc.fill_null(pc.ascii_is_decimal(texts), False).to_numpy(zero_copy_only=False)
    fine = fine_all[rows]
    rest = valid_all[rows] & ~fine
    has = fine.copy()
    ok = np.ones(n, dtype=bool)
    words = np.zeros((n, 2), dtype=np.int64)
    cents = words[:, 0]
    if fine.any():
        bits = np.packbits(np.concatenate([np.zeros(texts.offset, dtype=bool), fine_all]), bitorder="little")
        digits = pa.Array.from_buffers(texts.type, len(texts), [pa.py_buffer(bits), *texts.buffers()[1:]],
                                       offset=texts.offset)
        ints = pc.cast(digits, pa.int64())
        whole = np.frombuffer(ints.buffers()[1], dtype=np.int64)[ints.offset:ints.offset + len(ints)]
        np.take(whole, rows, out=cents)     # the other cells' slots are undefined: zeroed here
        cents[~fine] = 0
        cents *= 100
    if rest.any():
        at = np.flatnonzero(rest)
        sub = texts.take(pa.array(rows[at], type=pa.int64()))
        if pc.any(pc.match_substring_regex(sub, _AMBIGUOUS_NUMBER)).as_py() or \
                pc.any(pc.match_substring_regex(sub, _TOO_LONG)).as_py():
            return None
        v_sub, ok_sub = _money(sub)
        got = valid_mask(v_sub)
        cents[at] = np.where(got, _unscaled(v_sub), 0)
        has[at] = got
        ok[at] = ok_sub.to_numpy(zero_copy_only=False)
    np.right_shift(cents, 63, out=words[:, 1])          # the sign extended to the high word
    value = pa.Array.from_buffers(MONEY, n, [bitmap(has), pa.py_buffer(words)])
    return value, cents, has, ok


def _unscaled(values: pa.Array) -> np.ndarray:
    """The integers (cents) of a decimal128(18, 2) array; undefined where null. Each value is a
    16-byte little-endian integer and |cents| < 10**18 fits its low word."""
    words = np.frombuffer(values.buffers()[1], dtype=np.int64)
    return words[2 * values.offset:2 * (values.offset + len(values)):2]


def _money(texts: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Rupiah of a text column: plain numbers (what a numeric cell prints as) cast directly, the
    rest by the three-digit rule (``parse_vec``). Same values as ``to_money`` cell by cell."""
    plain = pc.fill_null(pc.match_substring_regex(texts, _PLAIN_MONEY), False)
    value = pc.cast(pc.if_else(plain, texts, pa.scalar(None, pa.string())), MONEY)
    ok = pa.array([True] * len(texts)) if len(texts) else pa.array([], pa.bool_())
    rest = pc.invert(plain)
    if pc.any(rest).as_py():
        v_rest, ok_rest = parse_number_text(texts.filter(rest), money=True)
        value = pc.replace_with_mask(value, rest, pc.cast(v_rest, MONEY))
        ok = pc.replace_with_mask(ok, rest, ok_rest)
    return value, ok


def prefix_sums(cents: np.ndarray) -> np.ndarray | None:
    """Running sums of the cents (prefix[i] = sum of rows < i), exact in int64; None when the
    column's size could overflow it."""
    if len(cents) and float(max(abs(int(cents.max())), abs(int(cents.min())))) * len(cents) >= 9e18 and \
            float(np.abs(cents).sum(dtype=np.float64)) >= 9e18:
        return None
    return np.concatenate([[0], np.cumsum(cents)])


def dsum(values: pa.Array, prefix: np.ndarray | None, start: int, stop: int) -> Decimal:
    if stop <= start:
        return Decimal("0.00")
    if prefix is not None:
        return (Decimal(int(prefix[stop] - prefix[start])) / 100).quantize(Decimal("0.01"))
    s = pc.sum(values.slice(start, stop - start)).as_py()
    return Decimal("0.00") if s is None else Decimal(s).quantize(Decimal("0.01"))
