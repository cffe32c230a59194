"""The column-wise reader of SIPD "Laporan Realisasi Per Dokumen" (lkip.extract.realisasi_dokumen_fast)
gives the row reader's frame, metadata and issues, faults included (unknown jenis, a date outside the
year, a counted row without sub kegiatan, a blank row, a repeated header, a wrong JUMLAH row, a
signature block)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from lkip import sipd_rules
from lkip.extract import realisasi_dokumen as R
from lkip.extract import realisasi_dokumen_fast as F
from lkip.extract.workbook import open_workbook
from tests import sipd_builders as B


def _norm(v):
    return None if (v is None or v is pd.NA or (isinstance(v, float) and v != v)) else v


def _both(path, monkeypatch):
    rules = sipd_rules.load_rules()
    monkeypatch.setattr(F, "FAST_MIN_ROWS", 10**12)
    slow = R.read(open_workbook(path), rules)
    monkeypatch.setattr(F, "FAST_MIN_ROWS", 0)
    calls = []
    real = F.read_fast

    def spy(*a):
        got = real(*a)
        calls.append(got is not None)
        return got
    monkeypatch.setattr(F, "read_fast", spy)
    fast = R.read(open_workbook(path), rules)
    assert calls == [True]                             # the column-wise path read it
    return slow, fast


def _same(slow, fast):
    a, b = slow.tables["realisasi_dokumen"], fast.tables["realisasi_dokumen"]
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    for c in a.columns:
        assert [_norm(v) for v in a[c].tolist()] == [_norm(v) for v in b[c].tolist()], c
    assert slow.meta == fast.meta
    key = lambda i: (i.excel_row or 0, i.kolom or "", i.pesan)  # noqa: E731
    assert sorted(map(key, slow.issues)) == sorted(map(key, fast.issues))
    detail = lambda i: (i.excel_row or 0, i.pesan, repr(i.nilai), i.diharapkan or "")  # noqa: E731
    assert sorted(map(detail, slow.issues)) == sorted(map(detail, fast.issues))


def test_fast_equals_rows_on_the_example(monkeypatch):
    slow, fast = _both(B.SIPD_EXAMPLE / "input" / "Laporan Realisasi Per Dokumen.xlsx", monkeypatch)
    assert len(slow.tables["realisasi_dokumen"]) == 320 and not slow.issues
    _same(slow, fast)


def test_fast_equals_rows_with_faults(tmp_path, monkeypatch):
    docs = B.default_docs() + [
        B.doc("SPJ", "GU", B.SUB_A, tanggal=dt.date(2024, 3, 1), nilai=1),
        B.doc("TBP", "GU", B.SUB_A, tanggal=dt.date(2023, 12, 30), nilai=7),
        B.doc("TBP", "GU", None, tanggal=dt.date(2024, 5, 2), nilai=9),
    ]
    path = B.write_dokumen(tmp_path / "d.xlsx", docs)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[5]]
    last = ws.max_row
    ws.insert_rows(8)                                   # a blank row
    ws.insert_rows(10)
    for j, v in enumerate(header, 1):                   # a page-break repeat of the header
        ws.cell(10, j, v)
    real_col = header.index("Nilai Realisasi") + 1
    ws.cell(last + 3, 2, "JUMLAH")
    ws.cell(last + 3, real_col, 123)                    # wrong on purpose
    ws.cell(last + 5, 3, "Kepala Dinas Kesehatan")
    ws.cell(last + 6, 3, "NIP. 197203141999031004")
    wb.save(path)
    slow, fast = _both(path, monkeypatch)
    found = " | ".join(i.pesan for i in slow.issues)
    assert "tidak dikenal aturan realisasi" in found and "di luar tahun anggaran" in found
    assert "tanpa Kode Sub Kegiatan" in found and "JUMLAH" in found
    assert len(slow.tables["realisasi_dokumen"]) == len(docs)
    _same(slow, fast)


@pytest.mark.parametrize("value", ["1.732", 43_500])
def test_fast_steps_aside_when_only_the_cell_type_can_tell(tmp_path, monkeypatch, value):
    """A text '1.732' in a money column (1732, or a numeric 1.732?) / a date typed as a number: the
    row reader reads the file (read_fast returns None)."""
    docs = B.default_docs()
    path = B.write_dokumen(tmp_path / "d.xlsx", docs)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[5]]
    col = header.index("Nilai Realisasi" if value == "1.732" else "Tanggal Dokumen") + 1
    ws.cell(7, col, value)
    wb.save(path)
    sheet = open_workbook(path).sheets[0]
    assert F.read_fast(sheet, R.KIND, sipd_rules.load_rules(), R) is None


def test_skpd_from_document_numbers_and_sub_units_said(tmp_path, monkeypatch):
    """No title, no Kode SKPD column: the unit code inside the document numbers names the SKPD (a
    warning says so); documents of a sub unit (a Puskesmas BLUD) are said once."""
    docs = B.default_docs()
    for i, d in enumerate(docs):
        d["Nomor Dokumen"] = f"72.71/TBP/{i:06d}/{B.SKPD[0]}/3/2024"
    docs[2]["Kode Sub SKPD"] = "1.02.0.00.0.00.01.0001"
    cols = [c for c in B.layouts.DOKUMEN_COLUMNS if c not in ("Kode SKPD", "Nama SKPD")]
    path = B.write_dokumen(tmp_path / "d.xlsx", docs, title=False, columns=cols)
    slow, fast = _both(path, monkeypatch)
    assert slow.meta.kode_skpd == B.SKPD[0] and not slow.errors
    said = [i.pesan for i in slow.issues]
    assert any("dari Nomor Dokumen" in p for p in said)
    assert any("1 sub unit selain" in p and "1.02.0.00.0.00.01.0001" in p for p in said)
    _same(slow, fast)
