"""lkip.extract.workbook: typed grids from good files, FileRejected (in Indonesian) from bad ones.

Every fixture is built here in tmp_path (openpyxl, zipfile, raw bytes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lkip.extract import workbook as W
from lkip.extract.workbook import Sheet, Workbook, file_is_settled, open_workbook, sha256_of
from lkip.issues import FileRejected

pytestmark = pytest.mark.timeout(60)

# --------------------------------------------------------------------------------------------
# builders

CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WB = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def sheet_xml(data: str, prolog: str = "", dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet {NS}>{dim}'
            f"<sheetData>{data}</sheetData></worksheet>")


def shared_strings(*items: str, prolog: str = "") -> str:
    si = "".join(f"<si><t>{t}</t></si>" for t in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<sst {NS} count="{len(items)}" '
            f'uniqueCount="{len(items)}">{si}</sst>')


def raw_xlsx(path: Path, sheet: str, sst: str | None = None, **extra: str | bytes) -> Path:
    """A minimal valid package with one worksheet 'Data' given as raw XML."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WB)
        z.writestr("xl/_rels/workbook.xml.rels", WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", sst if sst is not None else shared_strings("x"))
        for name, data in extra.items():
            z.writestr(name.replace("__", "/"), data)
    return path


def normal_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    ws["A1"] = "REGISTER SP2D"
    ws.append([])
    ws.append(["No", "Tanggal", "Kode Rekening", "Nilai", "Persen", "Catatan"])
    ws.append([1, dt.datetime(2020, 3, 31), "5.2.2.01.01", 1.8, 92.5, None])
    ws.append([2, dt.datetime(2020, 4, 1, 10, 30), "1.800", 1250000, 0.5, "  spasi  "])
    ws["F5"] = "  spasi  "
    ws["B7"] = None  # nothing
    hid = wb.create_sheet("Lama")
    hid["A1"] = "lembar tersembunyi"
    hid.sheet_state = "hidden"
    wb.save(path)
    return path


def rejected(path: Path, **limits) -> str:
    with pytest.raises(FileRejected) as ei:
        open_workbook(path, limits or None)
    issues = ei.value.issues
    assert issues and all(i.is_error for i in issues)
    assert all(i.file == path.name for i in issues)
    return " | ".join(i.pesan for i in issues)


# --------------------------------------------------------------------------------------------
# good files


def test_normal_workbook_types_hidden_and_lineage(tmp_path):
    p = normal_xlsx(tmp_path / "reg.xlsx")
    wb = open_workbook(p)
    assert isinstance(wb, Workbook)
    assert wb.path == p and wb.size == p.stat().st_size
    assert wb.sha256 == hashlib.sha256(p.read_bytes()).hexdigest() == sha256_of(p)
    assert [s.name for s in wb.sheets] == ["Register", "Lama"]
    assert [s.name for s in wb.visible_sheets] == ["Register"]
    assert [s.name for s in wb.hidden_sheets] == ["Lama"] and wb.hidden_sheets[0].hidden
    reg = wb.sheets[0]
    assert isinstance(reg, Sheet)
    rows = reg.rows
    assert len(rows) == 5  # trailing blank rows dropped
    assert len({len(r) for r in rows}) == 1 and len(rows[0]) == 6  # padded, A1-based
    assert rows[0][0] == "REGISTER SP2D" and rows[0][1:] == [None] * 5
    assert rows[1] == [None] * 6  # blank row kept in place: rows[i] is Excel row i+1
    assert rows[3][0] == 1 and type(rows[3][0]) is int
    assert rows[3][1] == dt.datetime(2020, 3, 31) and type(rows[3][1]) is dt.datetime
    assert rows[4][1] == dt.datetime(2020, 4, 1, 10, 30)
    assert rows[3][2] == "5.2.2.01.01"
    assert rows[3][5] is None
    assert rows[4][5] == "  spasi  "  # text never stripped
    assert rows[4][3] == 1250000
    assert reg.formula_cells_without_value == []
    assert wb.hidden_sheets[0].rows == [["lembar tersembunyi"]]


def test_text_number_stays_text_and_numeric_stays_numeric(tmp_path):
    p = normal_xlsx(tmp_path / "n.xlsx")
    rows = open_workbook(p).sheets[0].rows
    assert rows[4][2] == "1.800" and isinstance(rows[4][2], str)
    assert rows[3][3] == 1.8 and type(rows[3][3]) is float
    assert rows[4][4] == 0.5 and type(rows[4][4]) is float


def test_xlsm_is_accepted(tmp_path):
    p = normal_xlsx(tmp_path / "a.xlsx")
    q = tmp_path / "makro.xlsm"
    with zipfile.ZipFile(p) as src, zipfile.ZipFile(q, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not run, never read")
    assert open_workbook(q).sheets[0].rows[3][2] == "5.2.2.01.01"


def test_error_cells_come_back_as_their_text(tmp_path):
    p = raw_xlsx(tmp_path / "e.xlsx", sheet_xml(
        '<row r="1"><c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="B1" t="e"><v>#N/A</v></c>'
        '<c r="C1"><v>5</v></c></row>'))
    sheet = open_workbook(p).sheets[0]
    assert sheet.rows == [["#DIV/0!", "#N/A", 5]]
    assert sheet.formula_cells_without_value == []


# --------------------------------------------------------------------------------------------
# formulas without cached values


def test_formula_without_cached_value_openpyxl(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"] = 10, 20
    ws["A3"] = "=SUM(A1:A2)"  # openpyxl stores no cached value
    ws["C5"] = "=A1*2"
    p = tmp_path / "f.xlsx"
    wb.save(p)
    sheet = open_workbook(p).sheets[0]
    assert sheet.formula_cells_without_value == [(3, 1), (5, 3)]
    assert sheet.rows[2][0] is None  # no cached value: blank, and reported above
    assert len(sheet.rows) == 5 and sheet.rows[4][2] is None  # its row is kept


def test_formula_with_cached_value_is_not_flagged_raw_xml(tmp_path):
    p = raw_xlsx(tmp_path / "f.xlsx", sheet_xml(
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1+1</f><v>2</v></c>'
        '<c r="C1" t="str"><f>""</f><v></v></c></row>'
        '<row r="2"><c r="A2"><f t="shared" ref="A2:B2" si="0">A1*3</f></c>'
        '<c r="B2"><f t="shared" si="0"/></c><c r="C2"><f>A1</f><v></v></c></row>'))
    sheet = open_workbook(p).sheets[0]
    assert sheet.formula_cells_without_value == [(2, 1), (2, 2), (2, 3)]
    assert sheet.rows[0][:2] == [1, 2]


def test_formula_scan_without_r_attributes_and_with_prefix(tmp_path):
    # cells and rows without r= (allowed by OOXML): positions are counted like a reader does
    p = raw_xlsx(tmp_path / "nor.xlsx", sheet_xml(
        "<row><c><v>1</v></c><c><v>2</v></c></row>"
        "<row><c><v>3</v></c><c><f>A2*2</f></c></row>"))
    assert open_workbook(p).sheets[0].formula_cells_without_value == [(2, 2)]
    px = (f'<?xml version="1.0"?><x:worksheet {NS.replace("xmlns=", "xmlns:x=")}><x:sheetData>'
          '<x:row r="4"><x:c r="D4"><x:f>1+1</x:f></x:c><x:c r="E4"><x:v>7</x:v></x:c></x:row>'
          "</x:sheetData></x:worksheet>")
    q = raw_xlsx(tmp_path / "px.xlsx", px)
    sheet = open_workbook(q).sheets[0]
    assert sheet.formula_cells_without_value == [(4, 4)]
    assert sheet.rows[3][4] == 7


# --------------------------------------------------------------------------------------------
# not a workbook


def test_truncated_xlsx(tmp_path):
    good = normal_xlsx(tmp_path / "good.xlsx").read_bytes()
    p = tmp_path / "potong.xlsx"
    p.write_bytes(good[: len(good) // 2])
    assert "Berkas rusak atau tidak lengkap: bukan berkas .xlsx yang sah" in rejected(p)


def test_random_bytes(tmp_path):
    p = tmp_path / "acak.xlsx"
    p.write_bytes(os.urandom(5000))
    assert "Berkas rusak atau tidak lengkap: bukan berkas .xlsx yang sah" in rejected(p)


def test_empty_file(tmp_path):
    p = tmp_path / "nol.xlsx"
    p.write_bytes(b"")
    assert "kosong" in rejected(p)


def test_csv_renamed_to_xlsx(tmp_path):
    p = tmp_path / "register.xlsx"
    p.write_text("No;Tanggal;Nilai\n1;31/03/2020;1.250.000\n2;01/04/2020;3.000\n",
                 encoding="utf-8")
    msg = rejected(p)
    assert "CSV" in msg and "simpan sebagai .xlsx dari Excel" in msg


def test_html_renamed_to_xlsx(tmp_path):
    p = tmp_path / "lra.xlsx"
    p.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>")
    assert "HTML" in rejected(p)


def test_legacy_xls_ole2(tmp_path):
    p = tmp_path / "lama.xlsx"
    p.write_bytes(W.OLE2_MAGIC + b"\x00" * 4000)
    assert "Format .xls lama tidak didukung: buka di Excel lalu simpan ulang sebagai .xlsx" in (
        rejected(p))


def test_encrypted_workbook_ole2(tmp_path):
    p = tmp_path / "sandi.xlsx"
    p.write_bytes(W.OLE2_MAGIC + b"\x00" * 600 + "EncryptionInfo".encode("utf-16-le")
                  + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 600)
    msg = rejected(p)
    assert "kata sandi" in msg and ".xls lama" not in msg


def test_xlsb(tmp_path):
    p = tmp_path / "biner.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    assert ".xlsb" in rejected(p)


def test_empty_workbook(tmp_path):
    wb = openpyxl.Workbook()
    wb.create_sheet("Kosong2")
    p = tmp_path / "kosong.xlsx"
    wb.save(p)
    assert "Buku kerja kosong" in rejected(p)


def test_file_over_max_file_mb(tmp_path):
    p = normal_xlsx(tmp_path / "besar.xlsx")
    assert "terlalu besar" in rejected(p, max_file_mb=p.stat().st_size / W.MB / 2)
    open_workbook(p, {"max_file_mb": 1})  # the same file under the limit is fine


# --------------------------------------------------------------------------------------------
# bombs


def _no_decompression(monkeypatch):
    def boom(*a, **k):  # pragma: no cover - reached only if the check is too late
        raise AssertionError("decompressed before the directory check")
    monkeypatch.setattr(zipfile.ZipExtFile, "read", boom)


def test_zip_bomb_ratio_rejected_before_decompression(tmp_path, monkeypatch):
    p = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CT)
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            zeros = b"\x00" * W.MB
            for _ in range(8):
                f.write(zeros)
    assert p.stat().st_size < 100_000
    _no_decompression(monkeypatch)
    msg = rejected(p)
    assert "zip bomb" in msg and "sheet1.xml" in msg


def test_zip_total_uncompressed_limit(tmp_path, monkeypatch):
    p = tmp_path / "isi_besar.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("xl/media/image1.png", os.urandom(3 * W.MB))
    _no_decompression(monkeypatch)
    msg = rejected(p, max_uncompressed_mb=2)
    assert "melebihi batas 2 MB" in msg


def test_member_lying_about_its_size_is_caught(tmp_path):
    p = raw_xlsx(tmp_path / "bohong.xlsx", sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'
                                                    + "<row/>" * 2000))
    data = bytearray(p.read_bytes())
    with zipfile.ZipFile(p) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    real = info.file_size.to_bytes(4, "little")
    fake = (info.file_size // 10).to_bytes(4, "little")
    # the size appears in the local header and in the central directory: shrink both
    assert data.count(real) >= 2
    data = data.replace(real, fake)
    p.write_bytes(bytes(data))
    assert "rusak" in rejected(p)


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
              for i in range(1, 10))
    + "]>"
)


def test_billion_laughs_in_sheet(tmp_path):
    p = raw_xlsx(tmp_path / "lol.xlsx", sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>',
        prolog=BILLION_LAUGHS))
    t0 = time.perf_counter()
    msg = rejected(p)
    assert time.perf_counter() - t0 < 5
    assert "DTD/ENTITY" in msg and "sheet1.xml" in msg


def test_billion_laughs_in_shared_strings(tmp_path):
    p = raw_xlsx(tmp_path / "lol2.xlsx",
                 sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
                 sst=shared_strings("&lol9;", prolog=BILLION_LAUGHS))
    msg = rejected(p)
    assert "DTD/ENTITY" in msg and "sharedStrings.xml" in msg


def test_external_entity(tmp_path):
    secret = tmp_path / "rahasia.txt"
    secret.write_text("RAHASIA")
    xxe = f'<!DOCTYPE s [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    p = raw_xlsx(tmp_path / "xxe.xlsx", sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>', prolog=xxe))
    assert "DTD/ENTITY" in rejected(p)
    wb_xxe = WB.replace("<workbook ", xxe.replace(" s ", " workbook ") + "<workbook ", 1)
    q = tmp_path / "xxe_wb.xlsx"
    raw_xlsx(q, sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'))
    with zipfile.ZipFile(q) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    parts["xl/workbook.xml"] = wb_xxe.encode()
    with zipfile.ZipFile(q, "w") as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    assert "DTD/ENTITY" in rejected(q)


# --------------------------------------------------------------------------------------------
# size of a sheet


def test_max_rows(tmp_path):
    wb = openpyxl.Workbook()
    for i in range(150):
        wb.active.append([i, f"baris {i}"])
    p = tmp_path / "baris.xlsx"
    wb.save(p)
    assert "melebihi batas 100 baris" in rejected(p, max_rows=100)
    assert len(open_workbook(p, {"max_rows": 200}).sheets[0].rows) == 150


def test_max_rows_without_dimension_and_lying_dimension(tmp_path):
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 151))
    for dim in (None, "A1:A2"):
        p = raw_xlsx(tmp_path / f"d{dim is None}.xlsx", sheet_xml(rows, dimension=dim))
        assert "melebihi batas 100 baris" in rejected(p, max_rows=100)


def test_far_away_cell_is_rejected_before_reading(tmp_path):
    # one value at XFD1048576 would make a dense reader allocate 17 billion cells
    p = raw_xlsx(tmp_path / "jauh.xlsx", sheet_xml(
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'))
    t0 = time.perf_counter()
    msg = rejected(p)
    assert time.perf_counter() - t0 < 5
    assert "Sheet terlalu besar" in msg
    # the same trick without r= attributes: 20000 cells in one row, then many rows
    q = raw_xlsx(tmp_path / "jauh2.xlsx", sheet_xml(
        "<row>" + "<c><v>1</v></c>" * 20000 + "</row>" + "<row><c><v>1</v></c></row>" * 3000))
    assert "Sheet terlalu besar" in rejected(q, max_cells=10_000_000)


# --------------------------------------------------------------------------------------------
# still being copied


def test_file_is_settled_old_file_answers_without_waiting(tmp_path, monkeypatch):
    p = tmp_path / "lama.xlsx"
    p.write_bytes(b"x" * 10)
    time.sleep(0.35)
    slept: list[float] = []
    monkeypatch.setattr("lkip.extract.workbook.files.time.sleep", slept.append)
    assert file_is_settled(p, 0.3)
    assert slept == []          # old enough: answered at once, no wait


def test_file_is_settled_fresh_file_being_written(tmp_path):
    p = tmp_path / "baru.xlsx"
    p.write_bytes(b"x")
    stop = threading.Event()

    def writer():
        with open(p, "ab") as f:
            while not stop.is_set():
                f.write(b"y" * 100)
                f.flush()
                time.sleep(0.05)

    t = threading.Thread(target=writer)
    t.start()
    try:
        assert not file_is_settled(p, 0.5)
    finally:
        stop.set()
        t.join()
    assert not file_is_settled(tmp_path / "tidak_ada.xlsx", 0.1)


def test_file_is_settled_fresh_but_quiet_file(tmp_path):
    p = tmp_path / "diam.xlsx"
    p.write_bytes(b"x")
    os.utime(p, (time.time() - 3600, time.time() - 3600))  # old mtime stamped by a copy tool
    t0 = time.perf_counter()
    assert file_is_settled(p, 0.3)  # ctime is fresh: waits, sees no change, says settled
    assert time.perf_counter() - t0 >= 0.2


def test_no_traceback_on_arbitrary_zip_garbage(tmp_path):
    # a zip whose parts are not XML at all
    p = tmp_path / "sampah.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", b"\x00\x01 bukan xml")
        z.writestr("_rels/.rels", b"<Relationships")
        z.writestr("xl/workbook.xml", b"<<<")
    assert rejected(p)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "halo")
    q = tmp_path / "zip_lain.xlsx"
    q.write_bytes(buf.getvalue())
    assert "bukan buku kerja Excel" in rejected(q)


def test_entity_declaration_hidden_deep_in_a_part(tmp_path):
    # after 100 KB of comment (past any "head" a parser is fed) and after the cell data
    pad = "<!--" + " " * 100_000 + "-->"
    p = raw_xlsx(tmp_path / "dalam.xlsx",
                 sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
                 sst=shared_strings("a", prolog=pad + BILLION_LAUGHS))
    assert "DTD/ENTITY" in rejected(p)


def test_entity_declaration_after_big_cell_data(tmp_path, monkeypatch):
    monkeypatch.setattr(W.scan, "READ_CHUNK", 2048)  # many chunks without a 4 MB fixture
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 400))
    tail = sheet_xml(rows).replace("</sheetData>", '</sheetData><!DOCTYPE x [<!ENTITY e "e">]>')
    q = raw_xlsx(tmp_path / "ekor.xlsx", tail)
    assert "DTD/ENTITY" in rejected(q)


def test_scan_across_small_chunks_matches_whole_file(tmp_path, monkeypatch):
    cells = []
    for i in range(1, 600):
        f = (f'<c r="C{i}"><f>A{i}*2</f></c>' if i % 97 == 0 else
             f'<c r="C{i}"><f>A{i}*2</f><v>{2 * i}</v></c>')
        err = f'<c r="D{i}" t="e"><v>#REF!</v></c>' if i % 101 == 0 else ""
        cells.append(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c><c r="B{i}" t="inlineStr">'
                     f"<is><t>teks {i}</t></is></c>{f}{err}</row>")
    p = raw_xlsx(tmp_path / "potongan.xlsx", sheet_xml("".join(cells)))
    whole = open_workbook(p).sheets[0]
    monkeypatch.setattr(W.scan, "READ_CHUNK", 1000)
    small = open_workbook(p).sheets[0]
    expected = [(i, 3) for i in range(97, 600, 97)]
    assert whole.formula_cells_without_value == small.formula_cells_without_value == expected
    assert whole.rows == small.rows
    assert small.rows[100][3] == "#REF!" and small.rows[201][3] == "#REF!"
    assert small.rows[98][2] == 198 and small.rows[96][2] is None
    assert "melebihi batas 500 baris" in rejected(p, max_rows=500)


# --------------------------------------------------------------------------------------------
# the big-sheet scan: an RE2 screen per chunk, inflation read ahead by a second thread


def test_member_lying_about_its_size_is_caught_when_read_ahead(tmp_path, monkeypatch):
    monkeypatch.setattr(W.scan, "READ_CHUNK", 1024)   # the member is > 4 chunks: read by the second thread
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 2000))
    p = raw_xlsx(tmp_path / "bohong2.xlsx", sheet_xml(rows))
    data = bytearray(p.read_bytes())
    with zipfile.ZipFile(p) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    data = data.replace(info.file_size.to_bytes(4, "little"), (info.file_size // 2).to_bytes(4, "little"))
    p.write_bytes(bytes(data))
    before = threading.active_count()
    assert "rusak" in rejected(p)
    assert threading.active_count() == before            # the reader thread has stopped


def test_rejection_in_the_middle_stops_the_read_ahead(tmp_path, monkeypatch):
    monkeypatch.setattr(W.scan, "READ_CHUNK", 1024)
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 3000))
    p = raw_xlsx(tmp_path / "panjang.xlsx", sheet_xml(rows))
    before = threading.active_count()
    assert "melebihi batas 100 baris" in rejected(p, max_rows=100)
    assert threading.active_count() == before


def test_read_ahead_pieces_rejoin_to_the_member_and_end_after_rows(monkeypatch):
    monkeypatch.setattr(W.scan, "READ_CHUNK", 1000)
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i * 7}</v></c></row>' for i in range(1, 400))
    data = sheet_xml(rows).encode()
    pieces = list(W._read_ahead(io.BytesIO(data)))
    assert pieces[-1] == b"" and b"".join(pieces) == data
    assert all(piece.endswith(b"row>") for piece in pieces[:-2])   # the scanner's whole rows
    # a member without rows (or one long row) comes through as read, nothing held back
    blob = os.urandom(5000).replace(b"row>", b"")
    assert b"".join(W._read_ahead(io.BytesIO(blob))) == blob


def test_members_are_inflated_by_isal_with_zipfiles_checks(tmp_path):
    from isal import isal_zlib   # a dependency: the scan inflates with it

    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 3000))
    p = raw_xlsx(tmp_path / "isal.xlsx", sheet_xml(rows))
    with zipfile.ZipFile(p) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
        with W._open_member(z, info) as f:
            assert isinstance(f._decompressor, type(isal_zlib.decompressobj(-15)))
            assert f.read() == z.read(info)
    # zipfile still checks the CRC of what ISA-L inflated: a wrong CRC is a rejection
    data = bytearray(p.read_bytes())
    crc = info.CRC.to_bytes(4, "little")
    assert data.count(crc) == 2                       # local header and central directory
    p.write_bytes(bytes(data.replace(crc, ((info.CRC + 1) % 2**32).to_bytes(4, "little"))))
    assert "rusak" in rejected(p)


def test_read_ahead_gives_the_same_scan(tmp_path, monkeypatch):
    cells = []
    for i in range(1, 800):
        f = f'<c r="C{i}"><f>A{i}*2</f></c>' if i % 97 == 0 else f'<c r="C{i}"><v>{2 * i}</v></c>'
        err = f'<c r="D{i}" t="e"><v>#N/A</v></c>' if i % 101 == 0 else ""
        far = f'<c r="F{i}"><v>1</v></c>' if i == 700 else ""       # the extent grows late
        cells.append(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c>{f}{err}{far}</row>')
    p = raw_xlsx(tmp_path / "baca_dulu.xlsx", sheet_xml("".join(cells)))
    whole = open_workbook(p).sheets[0]
    monkeypatch.setattr(W.scan, "READ_CHUNK", 512)
    ahead = open_workbook(p).sheets[0]
    assert ahead.formula_cells_without_value == whole.formula_cells_without_value == [
        (i, 3) for i in range(97, 800, 97)]
    assert ahead.rows == whole.rows
    assert len(ahead.rows[0]) == 6 and ahead.rows[100][3] == "#N/A"


_TAG_PARTS = ['<c r="', "<c ", '<c r="A1" t="e">', "<v>#N/A</v>", "<f/>", '<c r="B2">', "<c>", "<c/>", "<x:c r=\"", 'r="', "r='A1'", "A", "B", "H", "I", "Z",
              "AA", "AB", "XFD", "0", "1", "5", "9", "10", "99", "100", "101", "1000", '"', " ",
              ">", "<f>", "</c>", '<row r="5">', "<v>1</v>", 't="e"', "-", "\t", "\n", 's="1"', "a",
              "<!-- ", "<![CDATA[", "<?pi ", "<", "!", "?"]


@settings(max_examples=1500, deadline=None)
@given(parts=st.lists(st.sampled_from(_TAG_PARTS), min_size=1, max_size=20),
       prefix=st.sampled_from([b"", b"x:"]),
       max_col=st.sampled_from([0, 1, 8, 26, 27, 30, 702, 703]),
       max_row=st.sampled_from([0, 1, 9, 10, 99, 100, 120, 1000, 999_999]))
def test_re2_screen_never_misses_what_the_exact_searches_find(parts, prefix, max_col, max_row):
    """The screen may send a plain chunk to the exact path, never let an odd one skip it."""
    scan = W._SheetScan("m", "s", W.DEFAULT_LIMITS)
    scan.p = prefix
    scan._compile()
    scan.max_col, scan.max_row = max_col, max_row
    data = "".join(parts).encode()
    if not scan._anything_odd(data):
        assert not scan._odd_cell_re().search(data)
        scan._fast(data)
        assert scan.formula_no_value == [] and scan.errors == []
        scan._no_markup(data)          # raises on a comment, CDATA or processing instruction


def test_big_sheet_text_is_read_ahead_and_equals_a_direct_read(tmp_path, monkeypatch):
    monkeypatch.setattr(W.open, "TEXT_MIN_ROWS", 3)
    p = normal_xlsx(tmp_path / "besar.xlsx")
    wb = open_workbook(p)
    reg, lama = wb.sheets
    assert reg._strings_ahead is not None            # started by open_workbook, after the scan
    assert lama._strings_ahead is None               # hidden sheets are not read ahead
    ahead = reg.strings()
    assert reg._strings_ahead is None
    assert ahead.equals(reg._load_strings())
    assert ahead.column(0).to_pylist()[:3] == ["REGISTER SP2D", None, "No"]


def test_a_failing_read_ahead_is_a_rejection_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setattr(W.open, "TEXT_MIN_ROWS", 3)

    def boom(self):
        raise RuntimeError("panic in the reader")

    monkeypatch.setattr(W.Sheet, "_load_strings", boom)
    wb = open_workbook(normal_xlsx(tmp_path / "rusak.xlsx"))
    with pytest.raises(FileRejected) as ei:
        wb.sheets[0].strings()
    assert "rusak" in ei.value.issues[0].pesan and ei.value.issues[0].sheet == "Register"


def test_head_is_read_once_and_equals_fresh_reads(tmp_path, monkeypatch):
    p = normal_xlsx(tmp_path / "kepala.xlsx")
    fresh = {n: W._tidy_head(W.sheet._head_raw(p, "Register", n)) for n in (2, 4, 32, 40)}
    calls = []
    real = W.sheet._head_raw
    monkeypatch.setattr(W.sheet, "_head_raw", lambda *a: calls.append(a) or real(*a))
    sheet = Sheet("Register", False, path=p, loader=None)    # a big sheet's grid is not loaded
    got = {n: sheet.head(n) for n in (32, 40, 2, 4)}
    assert got == fresh and len(calls) == 1
    got[2][0][0] = "diubah"                      # a caller's edit does not reach the cache
    assert sheet.head(2) == fresh[2]
    assert fresh[2] == [["REGISTER SP2D", None, None, None, None, None]]


@pytest.mark.parametrize("hide", [
    "<!-- </sheetData> {pad} -->",
    "<?lkip </sheetData> {pad}?>",
    '<row r="3000"><c r="A3000" t="inlineStr"><is><t><![CDATA[</sheetData> {pad}]]></t></is></c></row>',
])
def test_a_fake_end_of_sheet_data_cannot_hide_cells_from_the_scan(tmp_path, monkeypatch, hide):
    # XML comments, CDATA and processing instructions can hold the text '</sheetData>'; the scan
    # must not take it for the end of the cells and let a far-away cell through to the readers
    # (the rest stays well-formed XML: only the scan would have been fooled).
    monkeypatch.setattr(W.scan, "READ_CHUNK", 64)
    many = "".join(f'<row r="{i}"><c r="B{i}"><v>{i}</v></c></row>' for i in range(1, 2000))
    rows = (many + hide.format(pad="x" * 300)
            + '<row r="3001"><c r="XFD1048576"><v>1</v></c></row>')
    p = raw_xlsx(tmp_path / "akhir_palsu.xlsx", sheet_xml(rows))
    assert "tidak didukung" in rejected(p)


def test_a_second_sheet_data_after_the_first_is_rejected(tmp_path, monkeypatch):
    monkeypatch.setattr(W.scan, "READ_CHUNK", 64)       # the first </sheetData> ends a chunk's rows
    many = "".join(f'<row r="{i}"><c r="B{i}"><v>{i}</v></c></row>' for i in range(1, 3000))
    rows = many + "</sheetData>" + " " * 300 + '<sheetData><row r="9"><c r="XFD1048576"><v>1</v></c></row>'
    p = raw_xlsx(tmp_path / "dua_data.xlsx", sheet_xml(rows))
    assert "tidak didukung" in rejected(p)
