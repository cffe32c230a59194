"""Indonesian number, date and code text: the rules of docs/input-formats.md."""

import datetime as dt
from decimal import Decimal

import pytest

from lkip.extract.parse import (
    ParseError, normalize_code, parse_date, parse_number, parse_triwulan, to_money,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("23.273.681.020,00", Decimal("23273681020.00")),
        ("1.732,5", Decimal("1732.5")),
        ("Rp 5.550.300.020", Decimal("5550300020")),
        ("Rp. 5.550.300.020", Decimal("5550300020")),
        ("Rp58.279.356.766,-", Decimal("58279356766")),
        ("92,59%", Decimal("92.59")),
        ("(1.250.000)", Decimal("-1250000")),
        ("-1.250.000", Decimal("-1250000")),
        ("-Rp 3.400.000", Decimal("-3400000")),       # Excel's negative rupiah (found by the SIPD fuzzer)
        ("-Rp3.400.000,00", Decimal("-3400000")),
        ("1.800", Decimal("1800")),
        ("83,37", Decimal("83.37")),
        ("83.37", Decimal("83.37")),
        ("12,345.6", Decimal("12345.6")),
        ("1,234", Decimal("1.234")),
        ("1.234.567", Decimal("1234567")),
        ("1,234,567", Decimal("1234567")),
        ("1.234,567", Decimal("1234.567")),
        ("0,5", Decimal("0.5")),
        (" 400 ", Decimal("400")),
        ("1\u00a0000", Decimal("1000")),
    ],
)
def test_number_text_three_digit_rule(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["-", "", "  ", "–"])
def test_dash_and_blank_are_empty(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["1.23.4", "12..5", "satu juta", "1.2.3,4,5", "1234.567", "12,34,567", "Rp", "5 %x"])
def test_number_text_that_fits_no_reading_is_an_error(text):
    with pytest.raises(ParseError) as exc:
        parse_number(text)
    assert "angka" in exc.value.expected


def test_numeric_cells_are_never_reinterpreted():
    assert parse_number(1.8) == 1.8          # a numeric 1.8 stays 1.8 ...
    assert parse_number("1.800") == 1800     # ... while the text "1.800" is 1800
    assert parse_number(1732.5) == 1732.5
    assert to_money(957603719.0) == Decimal("957603719.00")
    assert to_money(0.1 + 0.2) == Decimal("0.30")


def test_money_is_decimal_and_exact():
    value = to_money("23.273.681.020,00")
    assert isinstance(value, Decimal) and value == Decimal("23273681020.00")
    assert sum(to_money(x) for x in ["0,10"] * 3) == Decimal("0.30")


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.datetime(2020, 3, 31), dt.date(2020, 3, 31)),
        ("31/03/2020", dt.date(2020, 3, 31)),
        ("31-03-2020", dt.date(2020, 3, 31)),
        ("31 Maret 2020", dt.date(2020, 3, 31)),
        ("1 Januari 2020", dt.date(2020, 1, 1)),
        ("17 Agustus 2020", dt.date(2020, 8, 17)),
        ("5 Des 2020", dt.date(2020, 12, 5)),
        (43921, dt.date(2020, 3, 31)),
    ],
)
def test_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2020", "kemarin", "2020/13/45", "32 Maret 2020"])
def test_bad_dates_are_errors(value):
    with pytest.raises(ParseError):
        parse_date(value)


@pytest.mark.parametrize(
    "raw, code",
    [
        ("4.01.4.01.03.01", "4.01.4.01.03.01"),
        (" 4.01.4.01.03.01 ", "4.01.4.01.03.01"),
        ("4 . 01 . 03 . 01", "4.01.03.01"),
        ("4.01.4.01.03.02.27.", "4.01.4.01.03.02.27"),
        ("1.02.02.2.01.01", "1.02.02.2.01.01"),
    ],
)
def test_codes_stay_text(raw, code):
    assert normalize_code(raw) == code


def test_numeric_code_cell_is_refused():
    with pytest.raises(ParseError):
        normalize_code(4.01)


def test_triwulan_text():
    assert parse_triwulan("s.d. Triwulan IV") == 4
    assert parse_triwulan("TW 2") == 2
    assert parse_triwulan("Triwulan II") == 2
