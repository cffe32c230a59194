"""Bounded work on hostile workbooks (issue 16, point 4): sheet handling linear in the number of
sheets, and Excel's own limits (characters a cell, sheets, cells) checked before any reader
builds values. Every fixture is built here; the attacks are reproduced at a size that keeps the
tests fast (lowered limits where needed), and the default limits are shown to catch the file
class described in the issue.
"""

from __future__ import annotations

import base64
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest

from lkip.config import load_config
from lkip.extract import workbook as W
from lkip.extract.workbook import DEFAULT_LIMITS, open_workbook
from lkip.issues import FileRejected

pytestmark = pytest.mark.timeout(120)

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def sheet_xml(data: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{data}</sheetData></worksheet>'


def sst_xml(*items: str) -> str:
    """Shared strings; an item given as a list is written as rich-text runs."""
    def si(t):
        if isinstance(t, list):
            return "<si>" + "".join(f"<r><t>{x}</t></r>" for x in t) + "</si>"
        return f"<si><t>{t}</t></si>"
    return (f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{len(items)}" '
            f'uniqueCount="{len(items)}">' + "".join(si(t) for t in items) + "</sst>")


def xlsx(path: Path, sheets: dict[str, str], sst: str | None = None) -> Path:
    """A minimal package with the given worksheets (raw XML) and shared strings."""
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
          'package/2006/content-types"><Default Extension="rels" ContentType="application/'
          'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
          'ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.sheet.main+xml"/>'
          + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                    for i in range(1, len(sheets) + 1))
          + '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{R}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>')
    wb = (f'<?xml version="1.0"?><workbook {NS} xmlns:r="{R}"><sheets>'
          + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(sheets, 1))
          + "</sheets></workbook>")
    wb_rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
               '2006/relationships">'
               + "".join(f'<Relationship Id="rId{i}" Type="{R}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                         for i in range(1, len(sheets) + 1))
               + f'<Relationship Id="rIdS" Type="{R}/sharedStrings" Target="sharedStrings.xml"/>'
               "</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        for i, data in enumerate(sheets.values(), 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", data)
        z.writestr("xl/sharedStrings.xml", sst if sst is not None else sst_xml("x"))
    return path


def rejection(path: Path, **limits) -> FileRejected:
    with pytest.raises(FileRejected) as ei:
        open_workbook(path, limits or None)
    issues = ei.value.issues
    assert issues and all(i.is_error and i.file == path.name for i in issues)
    return ei.value


def no_reader(monkeypatch):
    """Fail loudly if a value reader (python-calamine, openpyxl, fastexcel) is reached."""
    import python_calamine

    def boom(*a, **k):
        raise AssertionError("a reader was reached before the limit was checked")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", boom)
    monkeypatch.setattr(openpyxl, "load_workbook", boom)


# ---- sheets: linear, and a sheet count -----------------------------------------------------------


def many_sheets(path: Path, n: int, empty_until_last: bool = False) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "S0"
    if not empty_until_last:
        wb.active["A1"] = "x"
    for i in range(1, n):
        ws = wb.create_sheet(f"S{i}")
        if not empty_until_last or i == n - 1:
            ws["A1"] = f"x{i}"
    wb.save(path)
    return path


def test_heads_of_many_sheets_open_the_workbook_once(tmp_path, monkeypatch):
    # 1 000 tiny sheets took 194 s to reject: every sheet's head reopened the whole workbook
    p = many_sheets(tmp_path / "banyak.xlsx", 120)
    calls = []
    real = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: calls.append(a) or real(*a, **k))
    wb = open_workbook(p)
    heads = [s.head(32) for s in wb.sheets]
    assert [h[0][0] for h in heads] == ["x"] + [f"x{i}" for i in range(1, 120)]
    assert len(calls) == 1


def test_emptiness_check_of_many_sheets_opens_calamine_once(tmp_path, monkeypatch):
    import python_calamine

    p = many_sheets(tmp_path / "kosong.xlsx", 120, empty_until_last=True)
    calls = []
    real = python_calamine.CalamineWorkbook.from_path
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path",
                        lambda *a, **k: calls.append(a) or real(*a, **k))
    wb = open_workbook(p)
    assert wb.sheets[-1].rows == [["x119"]]
    assert len(calls) == 2   # the sheet list, then one workbook for the emptiness check


def test_too_many_sheets_rejected_before_reading(tmp_path, monkeypatch):
    p = xlsx(tmp_path / "lembar.xlsx", {f"L{i}": sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>')
                                       for i in range(300)})
    no_reader(monkeypatch)
    exc = rejection(p)                    # the default limit catches the 1 000-sheet class
    issue = exc.issues[0]
    assert "terlalu banyak sheet: 300" in issue.pesan and "batas 255 sheet" in issue.pesan
    assert DEFAULT_LIMITS["max_sheets"] == 255
    assert "sheet" in rejection(p, max_sheets=10).issues[0].pesan


# ---- characters a cell -----------------------------------------------------------------------------


def test_five_million_character_skpd_name_rejected_before_reading(tmp_path, monkeypatch):
    # random letters: a repeated one would already be caught as a zip bomb by its ratio
    name = "Dinas " + base64.b64encode(random.Random(16).randbytes(3_750_000)).decode()
    p = xlsx(tmp_path / "nama_panjang.xlsx",
             {"Form": sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')}, sst_xml(name))
    no_reader(monkeypatch)
    issue = rejection(p).issues[0]        # default limit: Excel's 32 767 characters
    assert "Teks sel terlalu panjang" in issue.pesan and "32767 karakter" in issue.pesan
    assert "5000006 karakter" in issue.pesan or "lebih dari" in issue.pesan
    assert "sharedStrings.xml" in issue.pesan and issue.file == "nama_panjang.xlsx"


@pytest.mark.parametrize("n, ok", [(32_767, True), (32_768, False)])
def test_the_cell_limit_is_excels_exactly(tmp_path, n, ok):
    # multi-byte characters and entities count as one character each
    text = "é" * (n - 1) + "&amp;"
    p = xlsx(tmp_path / f"tepat{n}.xlsx", {"Data": sheet_xml(
        f'<row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c></row>')})
    if ok:
        assert len(open_workbook(p).sheets[0].rows[0][0]) == n
    else:
        issue = rejection(p).issues[0]
        assert f"{n} karakter" in issue.pesan and issue.sheet == "Data"


def test_long_cell_text_in_a_worksheet_split_over_chunks(tmp_path, monkeypatch):
    # the run crosses the scan's chunk boundaries (64-byte chunks here)
    monkeypatch.setattr(W.scan, "READ_CHUNK", 64)
    p = xlsx(tmp_path / "potong.xlsx", {"Data": sheet_xml(
        "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 50))
        + '<row r="50"><c r="A50" t="inlineStr"><is><t>' + "y" * 500 + "</t></is></c></row>")})
    no_reader(monkeypatch)
    issue = rejection(p, max_cell_chars=200).issues[0]
    assert "500 karakter" in issue.pesan and "batas Excel 200" in issue.pesan and issue.sheet == "Data"


def test_rich_text_runs_adding_up_past_the_limit_rejected_as_read(tmp_path):
    # every run is short (passes the scan), the cell is not: the value as read is checked
    runs = ["z" * 90] * 5
    p = xlsx(tmp_path / "kaya.xlsx",
             {"Data": sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>')},
             sst_xml("judul", runs))
    issue = rejection(p, max_cell_chars=200).issues[0]
    assert "450 karakter" in issue.pesan and "sel B1" in issue.pesan
    assert issue.sheet == "Data" and issue.file == "kaya.xlsx"
    # the head a detector reads is checked too (the emptiness check only read the first sheet)
    q = xlsx(tmp_path / "kaya2.xlsx",
             {"Awal": sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
              "Data": sheet_xml('<row r="1"><c r="C1" t="s"><v>1</v></c></row>')},
             sst_xml("judul", runs))
    wb = open_workbook(q, {"max_cell_chars": 200})
    with pytest.raises(FileRejected) as ei:
        wb.sheets[1].head(10)
    assert "450 karakter" in ei.value.issues[0].pesan and "sel C1" in ei.value.issues[0].pesan
    assert ei.value.issues[0].file == "kaya2.xlsx"


# ---- cells a sheet and a file ----------------------------------------------------------------------


def wide_sheet(rows: int, last_col: str = "XFD") -> str:
    """Every row from A to ``last_col``: the extent of a 16 384-column register (sparse here, so
    the fixture stays small; the extent is what a dense reader allocates)."""
    return sheet_xml("".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c><c r="{last_col}{i}"><v>1</v></c></row>'
                             for i in range(1, rows + 1)))


def test_wide_register_inside_the_old_limits_rejected_by_default(tmp_path, monkeypatch):
    # 16 384 columns x 2 400 rows (39,3 million cells) passed the old 40-million limit and took
    # 51 s and 2,9 GB to validate
    p = xlsx(tmp_path / "lebar.xlsx", {"Register": wide_sheet(2400)})
    no_reader(monkeypatch)
    issue = rejection(p).issues[0]
    assert "Sheet terlalu besar" in issue.pesan and "16384 kolom" in issue.pesan
    assert f"batas {DEFAULT_LIMITS['max_cells']} sel" in issue.pesan and issue.sheet == "Register"
    assert DEFAULT_LIMITS["max_cells"] < 16384 * 2400


def test_cells_summed_over_sheets_limited(tmp_path, monkeypatch):
    p = xlsx(tmp_path / "tiga.xlsx", {n: wide_sheet(20, "T") for n in ("A", "B", "C")})  # 400 cells each
    assert len(open_workbook(p, {"max_file_cells": 1200}).sheets) == 3
    no_reader(monkeypatch)
    issue = rejection(p, max_file_cells=1000).issues[0]
    assert "1200 sel" in issue.pesan and "batas 1000 sel per berkas" in issue.pesan and issue.sheet == "C"


def test_limits_come_from_the_config(tmp_path):
    (tmp_path / "lkip.toml").write_text("[limits]\nmax_sheets = 3\nmax_cell_chars = 10\n")
    cfg = load_config(tmp_path)
    assert cfg.get("limits.max_sheets") == 3 and cfg.get("limits.max_cells") == DEFAULT_LIMITS["max_cells"]
    from lkip import ingest

    p = xlsx(tmp_path / "empat.xlsx", {f"L{i}": sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>')
                                      for i in range(4)})
    prep = ingest.prepare(p, cfg)
    assert prep.outcome == "rejected"
    assert any("terlalu banyak sheet: 4" in i.pesan and i.file == "empat.xlsx" for i in prep.issues)


def test_default_limits_are_the_config_files_table():
    from lkip.config import default_table
    from lkip.extract.workbook.limits import resolve

    table = default_table("limits")
    assert "split_min_mb" in table and "prepare_memory_mb" in table      # only the file has these
    assert {k: DEFAULT_LIMITS[k] for k in table} == table
    assert default_table("no_such_table") == {}
    # the value open_workbook hands to every step: the caller's limits over the defaults, a copy
    before = dict(DEFAULT_LIMITS)
    lim = resolve({"max_rows": 5, "max_cells": None})
    assert lim["max_rows"] == 5 and lim["max_cells"] == DEFAULT_LIMITS["max_cells"]
    assert DEFAULT_LIMITS == before
