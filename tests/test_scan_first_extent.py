"""The worksheet scan's first chunk: the extent guessed from the first rows (``_first_extent``,
two RE2 passes) gives what the exact path (every reference in Python) gives, or leaves it to it.

Each case feeds the same cell data to two scans, one with the guess switched off."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lkip.extract import workbook as W
from lkip.extract.workbook import sheet_scan as S

pytestmark = pytest.mark.timeout(120)


def _scan(data: bytes, guess: bool, prefix: bytes = b"") -> tuple:
    scan = S._SheetScan("xl/worksheets/sheet1.xml", "Data", W.DEFAULT_LIMITS)
    scan.p = prefix
    scan._compile()
    scan.phase = "data"
    if not guess:
        scan._first_extent = lambda data: False
    try:
        rest = scan.feed_data(data, True)
    except Exception as e:  # noqa: BLE001 - the two scans must fail alike
        return ("error", type(e).__name__, str(e))
    return (scan.max_row, scan.max_col, scan.formula_no_value, scan.errors, scan.regular, rest)


def _row(r: int, cells: list[str], p: str = "") -> str:
    return f'<{p}row r="{r}">' + "".join(cells) + f"</{p}row>"


def _plain(r: int, ncols: int, p: str = "", text: str = "x") -> str:
    cells = [f'<{p}c r="{W.col_letters(c)}{r}" t="inlineStr"><{p}is><{p}t>{text}</{p}t></{p}is></{p}c>'
             for c in range(1, ncols + 1)]
    return _row(r, cells, p)


def test_a_regular_first_chunk_takes_the_guess_and_equals_the_exact_path():
    rows = "".join(_plain(r, 8) for r in range(1, 3000))
    data = (rows + "</sheetData>").encode()
    assert len(data) > S._GUESS_BYTES                  # the guess saw only the first rows
    scan = S._SheetScan("m", "s", W.DEFAULT_LIMITS)
    scan._compile()
    scan.phase = "data"
    calls = []
    exact = scan._first_extent
    scan._first_extent = lambda d: calls.append(exact(d)) or calls[-1]
    scan.feed_data(data, True)
    assert calls == [True]                             # the guess held: no reference read in Python
    assert (scan.max_row, scan.max_col) == (2999, 8)
    assert _scan(data, True)[:5] == _scan(data, False)[:5]


@pytest.mark.parametrize("late", [
    _plain(2500, 12),                                  # a wider row after the first rows
    _row(2500, ['<c r="B2500"><v>1</v></c>', '<c r="AA2500"><v>2</v></c>']),
    _row(2500, ['<c r="B2500" t="inlineStr"><is><t> r="ZZ7"</t></is></c>']),   # a reference in text
    _row(2500, ['<c r="B2500" t="inlineStr"><is><t> r="A99999"</t></is></c>']),
    _row(2500, ['<c r="B2500"><f>1+1</f></c>']),       # a formula without a value
    _row(2500, ['<c r="B2500" t="e"><v>#N/A</v></c>']),
    _row(2500, ["<c><v>1</v></c>"]),                   # a cell without a reference
    _row(2500, ['<c r="B2500"><v>1</v></c><!-- </sheetData> -->']),
])
def test_anything_beyond_the_guess_gives_the_exact_paths_answer(late):
    rows = "".join(_plain(r, 8) for r in range(1, 2500)) + late + _plain(2501, 3)
    data = (rows + "</sheetData>").encode()
    assert _scan(data, True) == _scan(data, False)


_CELLS = ['<c r="{c}{r}"><v>1</v></c>', '<c r="{c}{r}" t="inlineStr"><is><t>a</t></is></c>',
          '<c r="{c}{r}"><f>A1</f></c>', '<c r="{c}{r}"><f>A1</f><v>2</v></c>',
          '<c r="{c}{r}" t="e"><v>#REF!</v></c>', '<c r="{c}{r}" t="inlineStr"><is><t> r="{c2}{r2}"</t></is></c>',
          '<c><v>3</v></c>', '<c r="{c}{r}"/>', '<c r="{c}"><v>1</v></c>', "<!-- x -->", "<?pi x?>"]


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.lists(st.tuples(st.sampled_from(_CELLS), st.integers(1, 40), st.integers(1, 40),
                                        st.integers(1, 5000)), max_size=6), min_size=1, max_size=40),
       width=st.integers(1, 30), filler=st.integers(0, 3000), prefix=st.sampled_from(["", "x:"]))
def test_the_guess_never_changes_what_the_scan_finds(rows, width, filler, prefix):
    p = prefix
    body = "".join(_plain(r, width, p) for r in range(1, filler + 1))
    for i, cells in enumerate(rows):
        r = filler + 1 + i
        body += _row(r, [t.format(c=W.col_letters(c), r=r, c2=W.col_letters(c2), r2=r2)
                         .replace("<c", f"<{p}c").replace("</c", f"</{p}c").replace("<v", f"<{p}v")
                         .replace("</v", f"</{p}v").replace("<f", f"<{p}f").replace("</f", f"</{p}f")
                         for t, c, c2, r2 in cells], p)
    data = (body + f"</{p}sheetData>").encode()
    assert _scan(data, True, p.encode()) == _scan(data, False, p.encode())


def _rewritten(src, dst, member: str, text: bytes):
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, text if info.filename == member else zin.read(info.filename))
    return dst


@pytest.mark.parametrize("text", [
    b'<?xml version="1.0"?><Properties>&foo;</Properties>',                 # undefined entity
    b'<?xml version="1.0"?><Properties><a></Properties>',                  # not well-formed
    b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x "y">]><Properties>&x;</Properties>',
])
def test_a_part_the_scan_parses_is_still_refused_when_not_plain_xml(tmp_path, text):
    import openpyxl

    from lkip.extract.workbook import open_workbook
    from lkip.issues import FileRejected

    wb = openpyxl.Workbook()
    wb.active.append(["REGISTER", 1])
    wb.save(tmp_path / "a.xlsx")
    bad = _rewritten(tmp_path / "a.xlsx", tmp_path / "b.xlsx", "docProps/app.xml", text)
    assert open_workbook(tmp_path / "a.xlsx").sheets[0].rows[0] == ["REGISTER", 1]
    with pytest.raises(FileRejected) as e:
        open_workbook(bad)
    assert "docProps/app.xml" in e.value.issues[0].pesan


@settings(max_examples=400, deadline=None)
@given(data=st.binary(max_size=40).map(lambda b: b.replace(b"\x00", b"<")), start=st.integers(0, 45),
       pair=st.sampled_from([b"<!", b"<?"]))
def test_the_markup_probe_equals_a_plain_search(data, start, pair):
    assert S._holds(data, pair, start) == (pair in data[start:])
