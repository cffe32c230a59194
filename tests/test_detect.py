"""detect(): kind by content, never by file name; hidden sheets reported; unknown files explained."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lkip import sources
from lkip.extract import detect as det
from lkip.extract import renja
from tests.xlsx_builders import (
    RENJA_COLUMNS,
    build_lra,
    build_renja,
    open_test_workbook,
    renja_records,
    table_rows,
    write_xlsx,
)

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "bekasi-setda-2020" / "input"


@pytest.mark.parametrize("name,kind", [
    ("renja_perubahan_2020.xlsx", "renja"),
    ("lra_sd_31_desember_2020.xlsx", "lra"),
])
def test_samples_detected(name, kind):
    mod, issues = det.detect(open_test_workbook(SAMPLES / name))
    assert mod is not None and mod.KIND == kind and issues == []


def test_kind_by_content_not_file_name(tmp_path):
    path, _, _ = build_renja(tmp_path / "lra_sd_31_maret_2020.xlsx")
    mod, _ = det.detect(open_test_workbook(path))
    assert mod.KIND == "renja"
    path2, _, _ = build_lra(tmp_path / "renja_perubahan.xlsx")
    mod2, _ = det.detect(open_test_workbook(path2))
    assert mod2.KIND == "lra"


def test_renja_without_title_detected_by_header(tmp_path):
    path, _, _ = build_renja(tmp_path / "x.xlsx", title=[])
    mod, _ = det.detect(open_test_workbook(path))
    assert mod.KIND == "renja"


def test_hidden_sheet_ignored_and_reported(tmp_path):
    rows, _, merges, _ = table_rows(RENJA_COLUMNS, renja_records(), title=["RENCANA KERJA TAHUN ANGGARAN 2020"])
    lra_path, _, _ = build_lra(tmp_path / "l.xlsx")
    lra_rows = open_test_workbook(lra_path).sheets[0].rows
    path = write_xlsx(tmp_path / "x.xlsx", [("Data", lra_rows), ("Renja lama", rows)], {"Renja lama": merges},
                      hidden={"Renja lama"})
    mod, issues = det.detect(open_test_workbook(path))
    assert mod.KIND == "lra"
    assert [(i.severity, i.pesan) for i in issues] == [("warning", "Sheet tersembunyi 'Renja lama' diabaikan")]


def test_unknown_workbook_error_with_closest_guess(tmp_path):
    rows = [["DAFTAR HADIR PEGAWAI"], [None], ["Kode Rekening", "Uraian", "Hadir", "Izin"], ["1", "A", 3, 0]]
    path = write_xlsx(tmp_path / "x.xlsx", [("Sheet1", rows)])
    mod, issues = det.detect(open_test_workbook(path))
    assert mod is None
    errs = [i for i in issues if i.is_error]
    assert len(errs) == 1
    assert errs[0].pesan.startswith("Jenis berkas tidak dikenali: judul/header tidak cocok dengan format "
                                    "Renja/DPA, LRA, Register SP2D, Form Realisasi Kinerja, PK/IKU, "
                                    "atau Laporan Realisasi Per Dokumen (SIPD)")   # every kind, the SIPD one too
    assert errs[0].excel_row == 3 and "Kode Rekening" in errs[0].pesan


def test_a_broken_reader_fails_at_start_up():
    """The registry imports its readers ordinarily: a reader that cannot be imported is an error at
    start-up (it used to be skipped silently, and its files rejected as unknown)."""
    code = ("import sys; sys.modules['lkip.extract.lra'] = None\n"
            "try:\n    import lkip.sources\nexcept ImportError as exc:\n    print('ImportError', exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.startswith("ImportError") and "lkip.extract.lra" in out.stdout


def test_detection_asks_the_registry(monkeypatch, tmp_path):
    path, _, _ = build_lra(tmp_path / "l.xlsx")
    monkeypatch.setattr(sources, "READERS", (renja.READER,))
    mod, issues = det.detect(open_test_workbook(path))
    assert mod is None
    assert [i.pesan.split(":")[0] for i in issues if i.is_error] == ["Jenis berkas tidak dikenali"]
    assert "format Renja/DPA" in issues[0].pesan and "LRA" not in issues[0].pesan.split(".")[0]
