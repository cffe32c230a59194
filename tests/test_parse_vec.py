"""The vectorised number parser agrees with the scalar reference on every text."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from lkip.extract.parse import ParseError, parse_number, to_money
from lkip.extract.parse_vec import parse_number_text

EXAMPLES = ["1.800", "1.732,5", "83,37", "83.37", "12,345.6", "1,234", "1.23.4", "12..5",
            "Rp 5.550.300.020", "92,59%", "(1.250.000)", "-", "", None, "Rp58.279.356.766,-",
            "1234.567", "1.234,567", "1,234,567", "1,234,567.89", "0,12345", "1.234.5", "\u22125",
            "+7", "abc", "1 234", "  23.273.681.020,00 ", "\u00a01.000", "IDR 2.500", "Rp.", "(-5)",
            "0,005", "0,0049", "12,3456789012345", "1.000.000,995"]


def _scalar(text):
    try:
        n = parse_number(text)
    except ParseError:
        return None, False
    return (None if n is None else float(n)), True


def _scalar_money(text):
    try:
        return to_money(text), True
    except ParseError:
        return None, False


def _check(texts):
    values, ok = parse_number_text(pa.array(texts, pa.string()))
    money, ok_m = parse_number_text(pa.array(texts, pa.string()), money=True)
    for text, v, good, m, good_m in zip(texts, values.to_pylist(), ok.to_pylist(), money.to_pylist(),
                                        ok_m.to_pylist()):
        want, want_ok = _scalar(text)
        assert (v, good) == (want, want_ok), text
        want_m, _ = _scalar_money(text)
        assert good_m == want_ok, text
        assert m == (None if want_m is None else Decimal(want_m)), text


def test_examples():
    _check(EXAMPLES)


number_like = st.one_of(
    # Well-formed Indonesian / English numbers with decorations.
    st.builds(
        lambda pre, groups, sep, dec, dsep, suf: pre + sep.join(groups) + (dsep + dec if dec else "") + suf,
        st.sampled_from(["", "Rp ", "Rp", "rp. ", "IDR ", "-", "(", " ", "\u00a0", "+"]),
        st.lists(st.from_regex(r"[0-9]{1,4}", fullmatch=True), min_size=1, max_size=5),
        st.sampled_from([".", ",", ""]),
        st.from_regex(r"[0-9]{0,5}", fullmatch=True),
        st.sampled_from([",", "."]),
        st.sampled_from(["", ")", "%", ",-", " ", ",00"]),
    ),
    # Anything built from the characters that matter.
    st.text(alphabet="0123456789.,-()% Rp\u00a0", max_size=16),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(number_like, min_size=1, max_size=30))
def test_property_matches_scalar(texts):
    _check(texts)
