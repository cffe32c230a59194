"""zipdeflate.fast_deflate: workbooks and documents deflated by ISA-L level 1 hold the same parts
as with zlib's default, open in openpyxl / python-docx, and zipfile is left as it was."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import xlsxwriter
from docx import Document

from lkip.publish.zipdeflate import fast_deflate


def _workbook(path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    wb.set_properties({"created": dt.datetime(2026, 12, 7)})
    ws = wb.add_worksheet("Tabel 3-30")
    for r in range(400):
        ws.write_string(r, 0, f"Program {r % 17} kegiatan {r}")
        ws.write_number(r, 1, r * 1234567.5)
    wb.close()


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _deflated_sizes(path: Path) -> dict[str, int]:
    with zipfile.ZipFile(path) as z:
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist())
        return {i.filename: i.compress_size for i in z.infolist()}


def test_workbook_same_parts_other_deflate(tmp_path):
    before = zipfile._get_compressor
    _workbook(tmp_path / "zlib.xlsx")
    with fast_deflate():
        assert zipfile._get_compressor is not before
        _workbook(tmp_path / "isal.xlsx")
    assert zipfile._get_compressor is before  # restored
    assert _parts(tmp_path / "zlib.xlsx") == _parts(tmp_path / "isal.xlsx")
    # another compressor did write them (zlib level 6 and ISA-L level 1 never give the same sizes here)
    assert _deflated_sizes(tmp_path / "zlib.xlsx") != _deflated_sizes(tmp_path / "isal.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "isal.xlsx")["Tabel 3-30"]
    assert ws["A400"].value == "Program 8 kegiatan 399" and ws["B2"].value == 1234567.5


def test_document_opens_and_nesting_restores(tmp_path):
    before = zipfile._get_compressor
    doc = Document()
    doc.add_paragraph("Realisasi anggaran " * 50)
    with fast_deflate():
        with fast_deflate():  # nested (a workbook inside a document's block): still patched inside
            pass
        assert zipfile._get_compressor is not before
        doc.save(str(tmp_path / "bab.docx"))
    assert zipfile._get_compressor is before
    assert Document(str(tmp_path / "bab.docx")).paragraphs[0].text.startswith("Realisasi anggaran")


def test_restored_after_an_error(tmp_path):
    before = zipfile._get_compressor
    try:
        with fast_deflate():
            raise OSError("disk full")
    except OSError:
        pass
    assert zipfile._get_compressor is before
