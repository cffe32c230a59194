"""format_angka's fast paths (int, Decimal, grouping by the format spec) give the text the
digit-by-digit algorithm gave, for every kind of value publishing formats."""

from __future__ import annotations

import math
import random
from decimal import ROUND_HALF_UP, Decimal

from lkip.fmt import _group, _to_decimal, format_angka, format_persen, format_rupiah


def reference(value, desimal=None, kosong=""):
    """format_angka as it was written before the fast paths."""
    d = _to_decimal(value)
    if d is None:
        return kosong
    if desimal is None:
        q = d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        desimal = 0 if q == q.to_integral_value() else 2
    q = d.quantize(Decimal(1).scaleb(-desimal), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    int_part, _, frac = f"{abs(q):.{desimal}f}".partition(".")
    out = sign + _group(int_part)
    if desimal:
        out += "," + frac
    return out


def values():
    rng = random.Random(13)
    fixed = [0, 1, -1, 999, 1000, -1000, 1234567, 58279356766, 10**15, -(10**12) - 7, 0.0, -0.0, 0.005,
             -0.005, 0.004999, 65.525, 65.5249, 1e-9, -1e-9, 1e15 + 0.5, 123.0, float("nan"), float("inf"),
             -float("inf"), None, True, False, "", "abc", "12,5", Decimal("0"), Decimal("-0.00"),
             Decimal("1E+3"), Decimal("1234.565"), Decimal("-1234.5650"), Decimal("12.3E-5"),
             Decimal("NaN"), Decimal("Infinity"), Decimal("58279356766.00"), Decimal("-0.005")]
    yield from fixed
    for _ in range(3000):
        kind = rng.randrange(4)
        if kind == 0:
            yield rng.randint(-10**13, 10**13)
        elif kind == 1:
            yield rng.uniform(-1e12, 1e12)
        elif kind == 2:
            yield round(rng.uniform(-1e6, 1e6), rng.randrange(5))
        else:
            yield Decimal(rng.randint(-10**15, 10**15)).scaleb(-rng.randrange(5))


def outcome(fn, v, desimal):
    try:
        return fn(v, desimal, kosong="-")
    except Exception as exc:  # a Decimal NaN raises in both (comparing it with 0)
        return type(exc)


def test_format_angka_same_text_as_the_digit_by_digit_grouping():
    for v in values():
        for desimal in (None, 0, 2):
            assert outcome(format_angka, v, desimal) == outcome(reference, v, desimal), (v, desimal)


def test_callers_of_format_angka_unchanged():
    assert format_angka(58279356766) == "58.279.356.766"
    assert format_angka(-1234567) == "-1.234.567"
    assert format_angka(1234567, 2) == "1.234.567,00"
    assert format_angka(Decimal("65.525")) == "65,53"
    assert format_angka(True) == "" and format_angka(math.nan) == ""
    assert format_persen(Decimal("65.5249")) == "65,52 %"
    assert format_rupiah(Decimal("58279356766")) == "Rp58.279.356.766,-"
    assert format_rupiah(1250.5) == "Rp1.250,50"
