"""One definition each: the formatting module (lkip.fmt) and the readers' helpers
(lkip.extract.common), used the same way by every reader, schema, error report and publisher."""

from __future__ import annotations

import datetime as dt
import os
import stat
from decimal import Decimal

import pytest

from lkip import fmt
from lkip.extract import common, lra, pk_iku, realisasi_fisik, register_sp2d, renja
from tests.xlsx_builders import open_for_reader, register_rows, register_sheet, write_sheets


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def _mode(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def test_every_written_file_gets_the_umask_mode(tmp_path, umask_027):
    """Error reports, the run report's index page and the publishers' outputs: 0o666 less the
    umask, like a plain open() (mkstemp alone would give 0o600, a fixed chmod 0o644)."""
    from lkip.error_report import write_error_report
    from lkip.issues import error
    from lkip.runreport import atomic_write_text

    xlsx, txt = write_error_report(tmp_path / "a.xlsx", "a.xlsx", [error("x")], "Ditolak")
    index = atomic_write_text(tmp_path / "index.html", "<html></html>")
    csv = fmt.write_bytes_atomic(tmp_path / "out" / "t.csv", b"a;b\n")
    with fmt.atomic_path(tmp_path / "out" / "c.png") as tmp:
        tmp.write_bytes(b"png")
    assert fmt.file_mode() == 0o640
    assert {p.name: _mode(p) for p in (xlsx, txt, index, csv, tmp_path / "out" / "c.png")} == {
        "a.xlsx.errors.xlsx": 0o640, "a.xlsx.errors.txt": 0o640, "index.html": 0o640,
        "t.csv": 0o640, "c.png": 0o640}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx.errors.txt", "a.xlsx.errors.xlsx",
                                                          "index.html", "out"]


def test_rupiah_one_style_per_purpose():
    # In a message to an officer: digits grouped, cents only when present, 'kosong' for nothing.
    assert fmt.rupiah_pesan(Decimal("6750301020")) == "6.750.301.020"
    assert fmt.rupiah_pesan(Decimal("1250.5")) == "1.250,50"
    assert fmt.rupiah_pesan(Decimal("-5000")) == "-5.000"
    assert fmt.rupiah_pesan(None) == "kosong"
    # In a report cell: 'Rp', rounded half up to the cent, ',-' for whole rupiah.
    assert fmt.format_rupiah(Decimal("6750301020")) == "Rp6.750.301.020,-"
    assert fmt.format_rupiah(Decimal("1250.505")) == "Rp1.250,51"


def test_formula_guard_is_shared():
    from lkip.error_report import safe_text as report_guard
    from lkip.publish.csv_out import neutralise as csv_guard

    for text in ("=1+1", "+62", "-5", "@SUM(A1)", "\tx", "\rx"):
        assert report_guard(text) == csv_guard(text) == "'" + text
    assert report_guard(None) == "" and report_guard(12) == "12" and csv_guard("Dinas") == "Dinas"


def test_readers_share_one_helper_each():
    for mod in (renja, lra, register_sp2d, realisasi_fisik, pk_iku):
        for name in ("text_or_none", "cell_error", "cell_issue", "no_header_issue", "printed_label",
                     "column_label", "blank", "TOLERANCE"):
            if hasattr(mod, name):
                assert getattr(mod, name) is getattr(common, name), (mod.__name__, name)
    assert common.TOLERANCE == Decimal("1")


def test_text_or_none_one_behaviour():
    assert common.text_or_none("  Belanja   ATK \n kantor ") == "Belanja ATK kantor"
    assert common.text_or_none(12.0) == "12" and common.text_or_none(1.5) == "1.5"
    assert common.text_or_none(dt.datetime(2020, 3, 31)) == "31/03/2020"
    assert common.text_or_none(dt.date(2020, 3, 1)) == "01/03/2020"
    assert common.text_or_none("   ") is None and common.text_or_none(None) is None
    assert common.blank(" \t") and common.blank(None) and common.blank(float("nan")) and not common.blank(0)


def test_missing_header_same_message_in_every_reader(tmp_path):
    grid = [["JUDUL"], ["TAHUN ANGGARAN 2020"], ["No", "Tanggal", "Uraian"], [1, "x", "y"]]
    wb = open_for_reader(write_sheets(tmp_path / "r.xlsx", {"Data": grid}))
    for mod, what in ((register_sp2d, "Register SP2D"), (renja, "Renja/DPA"), (lra, "LRA"),
                      (realisasi_fisik, "Form Realisasi Kinerja")):
        errs = [i for i in mod.read(wb).issues if i.is_error and "judul kolom" in i.pesan]
        assert len(errs) == 1, (mod.__name__, errs)
        e = errs[0]
        assert e.pesan.startswith(f"Baris judul kolom {what} tidak ditemukan di 30 baris pertama; "
                                  f"baris terdekat {e.excel_row} tidak memuat kolom: "), e.pesan
        assert e.diharapkan.startswith(f"baris judul kolom {what} dengan: ")


def test_register_jumlah_message_says_rupiah(tmp_path):
    data = register_rows(6)
    right = sum(float(r[7]) for r in data)
    p = write_sheets(tmp_path / "reg.xlsx", {"Register SP2D": register_sheet(data, total=right - 5000)})
    res = register_sp2d.read(open_for_reader(p))
    (e,) = [i for i in res.issues if i.is_error and "JUMLAH" in i.pesan]
    assert e.pesan == ("Baris JUMLAH Rp 16.001,50 tidak sama dengan jumlah baris SP2D di atasnya "
                       "Rp 21.001,50 (selisih Rp -5.000)")
    assert e.diharapkan == "jumlah seluruh baris SP2D = Rp 21.001,50"
