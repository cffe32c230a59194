"""A big sheet read in parts, in parallel (lkip.extract.workbook.parts), gives exactly the table a
read of the whole sheet gives; when the parts cannot prove where their rows belong, or anything
fails on the way, the whole sheet is read instead. The part files never outlive the read."""

from __future__ import annotations

import gc
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest

from lkip.extract.workbook import parts as sheet_parts
from lkip.extract import workbook as W
from lkip.extract.workbook import open_workbook
from test_register_fast import CASES, _edit
from test_workbook_hostile import raw_xlsx, rejected, shared_strings, sheet_xml


@pytest.fixture
def parts_dir(tmp_path, monkeypatch):
    """Small sheets are split (tiny chunks, no size floor); part folders go under tmp_path/parts."""
    d = tmp_path / "parts"
    d.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(d))
    monkeypatch.setattr(W.scan, "READ_CHUNK", 512)
    monkeypatch.setitem(W.DEFAULT_LIMITS, "split_min_mb", 0)
    return d


def _strings(path: Path, n_parts: int):
    """(table, whether it came from parts) for the sheet with the most rows."""
    wb = open_workbook(path, {"read_parts": n_parts})
    sheet = max(wb.sheets, key=lambda s: s.n_rows_hint)
    split = sheet._parts is not None
    return sheet.strings(), split


def _same_as_whole(path: Path, n_parts: int) -> bool:
    split_table, split = _strings(path, n_parts)
    whole, was_split = _strings(path, 1)
    assert not was_split
    assert split_table.to_pylist() == whole.to_pylist()
    assert split_table.column_names == whole.column_names
    return split


@pytest.mark.parametrize("n_parts", [2, 3])
@pytest.mark.parametrize("case", sorted(CASES))
def test_registers_read_in_parts_equal_the_whole_read(tmp_path, parts_dir, case, n_parts):
    """openpyxl's files: shared strings, styles (dates), numbers, the edits of real registers."""
    path = _edit(tmp_path, CASES[case])
    assert _same_as_whole(path, n_parts)
    assert list(parts_dir.iterdir()) == []          # the parts are gone once read


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _rows(n: int, first: int = 1, col: str = "B", gap_every: int = 0) -> str:
    out = []
    for i in range(first, first + n):
        if gap_every and i % gap_every == 0:
            continue                                  # rows without cells
        out.append(f'<row r="{i}">{_cell(f"{col}{i}", f"teks {i}")}<c r="{chr(ord(col) + 1)}{i}"><v>{i * 1.5}</v></c>'
                   f'<c r="E{i}" s="0"/></row>')
    return "".join(out)


SHAPES = {
    # data from column B, a gap of empty rows, a styled empty cell after the last value
    "column_b_and_gaps": _rows(600, gap_every=7) + '<row r="700"><c r="F700" s="1"/></row>',
    # rows start far down, and the first rows of a part may be empty
    "starts_at_row_40": _rows(500, first=40, gap_every=3),
    # a wider row in the middle only (the parts have different widths)
    "one_wide_row": _rows(300) + f'<row r="301">{_cell("K301", "lebar")}</row>' + _rows(300, first=302),
    # error cells and formulas with cached values
    "errors_and_formulas": _rows(300) + '<row r="301"><c r="B301" t="e"><v>#N/A</v></c>'
                           '<c r="C301"><f>C1*2</f><v>3</v></c></row>' + _rows(300, first=302),
}


@pytest.mark.parametrize("n_parts", [2, 3, 4])
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_sheet_shapes_read_in_parts_equal_the_whole_read(tmp_path, parts_dir, shape, n_parts):
    path = raw_xlsx(tmp_path / f"{shape}.xlsx", sheet_xml(SHAPES[shape]))
    assert _same_as_whole(path, n_parts)


def test_a_namespace_prefix_and_shared_strings(tmp_path, parts_dir):
    ns = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rows = "".join(f'<x:row r="{i}"><x:c r="A{i}" t="s"><x:v>{i % 3}</x:v></x:c><x:c r="B{i}"><x:v>{i}</x:v></x:c></x:row>'
                   for i in range(1, 700))
    xml = f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet {ns}><x:sheetData>{rows}</x:sheetData></x:worksheet>'
    path = raw_xlsx(tmp_path / "prefix.xlsx", xml, shared_strings("nol", "satu", "dua"))
    assert _same_as_whole(path, 2)


def test_a_sheet_the_scan_did_not_find_regular_is_read_whole(tmp_path, parts_dir):
    rows = "".join(f"<row><c><v>{i}</v></c><c><v>{i + 1}</v></c></row>" for i in range(1, 800))  # no r="..."
    path = raw_xlsx(tmp_path / "tanpa_r.xlsx", sheet_xml(rows))
    assert not _same_as_whole(path, 2)
    assert list(parts_dir.iterdir()) == []


def test_a_failing_part_read_falls_back_to_the_whole_sheet(tmp_path, parts_dir, monkeypatch):
    path = raw_xlsx(tmp_path / "gagal.xlsx", sheet_xml(_rows(600)))

    def broken(path, name):
        raise RuntimeError("part unreadable")

    monkeypatch.setattr(sheet_parts, "_load", broken)
    assert _same_as_whole(path, 2)                  # the parts were made, then not used
    assert list(parts_dir.iterdir()) == []


def test_parts_that_do_not_prove_their_rows_fall_back(tmp_path, parts_dir, monkeypatch):
    path = raw_xlsx(tmp_path / "tanda.xlsx", sheet_xml(_rows(600)))
    real = sheet_parts._load

    def without_marker(path, name):                 # as if a cell had taken the marker's place
        columns, table = real(path, name)
        return columns, table.slice(0, table.num_rows - 1)

    monkeypatch.setattr(sheet_parts, "_load", without_marker)
    assert _same_as_whole(path, 2)


def test_overlapping_parts_fall_back():
    import pyarrow as pa

    mark = "M"
    part = ([0], pa.table({"a": ["x", "y", mark]}))
    assert sheet_parts.stitch([part, part], [2, 2], mark) is None       # same rows twice
    assert sheet_parts.stitch([part, ([0], pa.table({"a": ["z", mark]}))], [2, 4], mark).column(0).to_pylist() == [
        "x", "y", None, "z"]                                            # row 3 holds nothing


def test_a_disk_failure_while_writing_parts_is_not_a_rejection(tmp_path, parts_dir, monkeypatch):
    path = raw_xlsx(tmp_path / "disk.xlsx", sheet_xml(_rows(600)))

    class FullDisk:                                # zipfile, but creating a part fails
        ZIP_STORED = zipfile.ZIP_STORED

        @staticmethod
        def ZipFile(path, mode="r", *a, **k):
            if mode == "w":
                raise OSError(28, "No space left on device")
            return zipfile.ZipFile(path, mode, *a, **k)

    monkeypatch.setattr(sheet_parts, "zipfile", FullDisk)
    assert not _same_as_whole(path, 2)
    assert list(parts_dir.iterdir()) == []


def test_parts_are_removed_when_the_file_is_rejected_mid_scan(tmp_path, parts_dir):
    rows = _rows(900) + '<row r="901"><c r="C901"><f>A1</f></c><c r="XFD1048576"><v>1</v></c></row>'
    path = raw_xlsx(tmp_path / "jauh.xlsx", sheet_xml(rows))
    assert "terlalu besar" in rejected(path, read_parts=2)
    gc.collect()
    assert list(parts_dir.iterdir()) == []


def test_parts_never_read_are_removed_with_the_workbook(tmp_path, parts_dir):
    path = raw_xlsx(tmp_path / "tidak_dibaca.xlsx", sheet_xml(_rows(600)))
    wb = open_workbook(path, {"read_parts": 2})
    assert wb.sheets[0]._parts is not None and len(list(parts_dir.iterdir())) == 1
    del wb
    gc.collect()
    assert list(parts_dir.iterdir()) == []


def test_part_workbooks_hold_the_other_sheets_empty(tmp_path, parts_dir):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    for i in range(1, 700):
        ws.append([i, f"teks {i}", i * 2.5])
    other = wb.create_sheet("Lain")
    other.append(["rahasia"])
    path = tmp_path / "dua_sheet.xlsx"
    wb.save(path)
    opened = open_workbook(path, {"read_parts": 2})
    sheet = opened.sheets[0]
    files = [p for p, _ in sheet._parts.parts]
    with zipfile.ZipFile(files[0]) as z:
        names = z.namelist()
        assert b"rahasia" not in b"".join(z.read(n) for n in names if "sheet2" in n)
    assert _same_as_whole(path, 2)
