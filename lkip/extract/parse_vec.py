"""Vectorised Indonesian number parsing (pyarrow.compute), for columns of many rows.

The scalar :func:`lkip.extract.parse.parse_number` is the reference: for every text, the value
here equals the scalar's (property-tested with hypothesis in ``tests/test_parse_vec.py``), and a
text the scalar rejects is flagged here (``ok`` false), never guessed. No per-cell Python runs:
every step is an Arrow kernel over the whole column.

``parse_number_text(texts)`` -> ``(value: float64 | decimal128(38, 2) array, ok: bool array)``:
``value`` is null where the text is blank / ``-`` or is not a number; ``ok`` is false exactly where
the scalar raises :class:`~lkip.extract.parse.ParseError`.

The three-digit rule (docs/input-formats.md) as regular expressions over the cleaned body
``[0-9.,]+`` (sign, ``Rp``, ``%``, parentheses and a trailing ``,-`` removed first):

* no separator -> integer;
* the LAST separator is a decimal mark when the group after it is not exactly three digits, or
  when an earlier separator differs from it, or when it is a lone ``,`` (``1,234`` -> 1.234);
* otherwise every separator is a thousands separator;
* the thousands groups must be 1-3 digits then exactly three digits each, all with one separator
  that is not the decimal mark; anything else is an error (``1.23.4``, ``12..5``).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

# Body after cleaning: digits and separators only, starting and ending with a digit.
_BODY = r"^[0-9][0-9.,]*[0-9]$|^[0-9]$"
_EMPTY = ["", "-", "--", "\u2013", "\u2014"]

# Accepted shapes (the scalar's decisions, written out):
#   INT         1234
#   THOUSANDS   1.800  1.234.567  1,234,567 (two or more ',' groups)
#   DEC         83,37  83.37  1,5  0,12345  12345.6  1234,567 (lone ',' + 3 digits)
#   THOU_DEC    1.732,5  1.234,567  12,345.6  1,234,567.89
_INT = r"^[0-9]+$"
_THOU_DOT = r"^[0-9]{1,3}(\.[0-9]{3})+$"
_THOU_COMMA = r"^[0-9]{1,3}(,[0-9]{3}){2,}$"
_DEC_ONE = r"^[0-9]+[.,]([0-9]{1,2}|[0-9]{4,})$|^[0-9]+,[0-9]{3}$"
_THOU_DOT_DEC = r"^[0-9]{1,3}(\.[0-9]{3})+,[0-9]+$"
_THOU_COMMA_DEC = r"^[0-9]{1,3}(,[0-9]{3})+\.[0-9]+$"
# The scalar also accepts a final group of != 3 digits after equal thousands separators, e.g.
# "1.234.5" -> the last '.' is a decimal mark but it equals the thousands separator: an error.


def _clean(texts: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(body, negative, blank) of each text, as the scalar's prefix/suffix handling does."""
    s = pc.replace_substring(texts, "\u00a0", " ")
    s = pc.utf8_trim_whitespace(s)
    blank = pc.is_in(s, value_set=pa.array(_EMPTY))
    paren = pc.and_(pc.starts_with(s, "("), pc.ends_with(s, ")"))
    s = pc.if_else(paren, pc.utf8_trim_whitespace(pc.utf8_slice_codeunits(s, 1, -1)), s)
    cur = r"^(?i:rp\.?|idr)\s*"
    s = pc.utf8_trim_whitespace(pc.replace_substring_regex(s, cur, ""))
    pct = pc.ends_with(s, "%")
    s = pc.if_else(pct, pc.utf8_trim_whitespace(pc.utf8_slice_codeunits(s, 0, -1)), s)
    s = pc.utf8_trim_whitespace(pc.replace_substring_regex(s, cur, ""))
    minus = pc.or_(pc.starts_with(s, "-"), pc.starts_with(s, "\u2212"))
    s = pc.if_else(minus, pc.utf8_trim_whitespace(pc.replace_substring_regex(
        pc.utf8_trim_whitespace(pc.utf8_slice_codeunits(s, 1)), cur, "")), s)   # "-Rp 3.400.000"
    plus = pc.and_(pc.invert(minus), pc.starts_with(s, "+"))
    s = pc.if_else(plus, pc.utf8_trim_whitespace(pc.utf8_slice_codeunits(s, 1)), s)
    tail = pc.ends_with(s, ",-")
    s = pc.if_else(tail, pc.utf8_trim_whitespace(pc.replace_substring_regex(s, r"[,\-]+$", "")), s)
    s = pc.replace_substring(s, " ", "")
    negative = pc.xor(pc.fill_null(paren, False), pc.fill_null(minus, False))
    return s, negative, pc.fill_null(blank, False)


def parse_number_text(texts: pa.Array | pa.ChunkedArray, money: bool = False):
    """Parse a column of texts by the three-digit rule; see the module docstring.

    ``money=True`` returns ``decimal128(38, 2)`` values rounded half up like ``to_money``;
    otherwise float64.
    """
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    texts = texts.cast(pa.string())
    body, negative, blank = _clean(texts)
    shape_ok = pc.match_substring_regex(body, _BODY)

    is_int = pc.match_substring_regex(body, _INT)
    thou = pc.or_(pc.match_substring_regex(body, _THOU_DOT), pc.match_substring_regex(body, _THOU_COMMA))
    dec_one = pc.match_substring_regex(body, _DEC_ONE)
    thou_dec = pc.or_(pc.match_substring_regex(body, _THOU_DOT_DEC),
                      pc.match_substring_regex(body, _THOU_COMMA_DEC))
    # Digits only, then the decimal mark as '.'.
    digits_int = pc.replace_substring_regex(body, r"[.,]", "")
    dec_simple = pc.replace_substring(body, ",", ".")  # one separator: it is the decimal mark
    # thousands + decimal: drop the thousands separator (the first separator char), keep the last.
    first_sep = pc.utf8_slice_codeunits(pc.replace_substring_regex(body, r"^[0-9]+", ""), 0, 1)
    no_thou = pc.if_else(pc.equal(first_sep, "."), pc.replace_substring(body, ".", ""),
                         pc.replace_substring(body, ",", ""))
    dec_mixed = pc.replace_substring(no_thou, ",", ".")

    normal = pc.case_when(
        pc.make_struct(is_int, thou, dec_one, thou_dec),
        digits_int, digits_int, dec_simple, dec_mixed,
    )
    valid = pc.and_(pc.fill_null(shape_ok, False), pc.invert(pc.is_null(normal)))
    ok = pc.or_(pc.or_(blank, pc.is_null(texts)), valid)
    good = pc.and_(valid, pc.invert(blank))
    text_num = pc.if_else(good, normal, pa.scalar(None, pa.string()))
    if money:
        # Half-up rounding to cents depends on the third decimal only: cut the rest, then round.
        text_num = pc.replace_substring_regex(text_num, r"(\.[0-9]{3})[0-9]+$", r"\1")
        value = pc.cast(text_num, pa.decimal128(38, 3))
        value = pc.round(value, ndigits=2, round_mode="half_towards_infinity")
        value = pc.cast(value, pa.decimal128(38, 2))
        value = pc.if_else(negative, pc.negate(value), value)
    else:
        value = pc.cast(text_num, pa.float64())
        value = pc.if_else(negative, pc.negate(value), value)
    return value, ok
