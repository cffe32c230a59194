"""Issue 15.2 and 15.3: every problem of a file in one pass (cell parsing, schema, cross-row and the
checks against the warehouse), `lkip validate --workspace` checks against the warehouse as a run
does, and reports name the cell as Excel shows it (H12) without repeating the value."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from lkip import cli, ingest, stage
from lkip.config import load_config
from lkip.error_report import write_error_report
from lkip.issues import error
from tests.xlsx_builders import build_renja, form_sheet, register_sheet, write_sheets

UNKNOWN = "4.01.4.01.03.99.99"


def _register(path: Path) -> Path:
    """Four SP2D rows: row 9 has a non-number Nilai, row 10 a kegiatan the Renja does not have."""
    data = [
        [1, "15/01/2020", "00001/SP2D-LS/4.01.03/2020", "4.01.4.01.03.01.02", "5.2.2.03.01", "Telepon", "LS", 1000],
        [2, "15/02/2020", "00002/SP2D-LS/4.01.03/2020", "4.01.4.01.03.01.02", "5.2.2.03.01", "Telepon", "LS", 2000],
        [3, "15/03/2020", "00003/SP2D-LS/4.01.03/2020", "4.01.4.01.03.01.03", "5.2.2.01.01", "ATK", "LS", "sepuluh"],
        [4, "15/04/2020", "00004/SP2D-LS/4.01.03/2020", UNKNOWN, "5.2.2.01.01", "ATK", "LS", 4000],
    ]
    write_sheets(path, {"Register": register_sheet(data, total=7000)})
    return path


def _form(path: Path) -> Path:
    """A form: row 8 has a non-number TW II (column H), row 9 a kegiatan the Renja does not have."""
    data = [
        [1, "4.01.4.01.03.01.02", None, "Jumlah rekening telepon, Air, Listrik", 432, "Rekening", 108, "sepuluh", 108, 100],
        [2, UNKNOWN, None, "Indikator lain", 5, "Dokumen", 1, 1, 1, 1],
    ]
    write_sheets(path, {"Form": form_sheet(data, header_row=7)})
    return path


@pytest.fixture()
def warehouse(tmp_path):
    """A workspace whose warehouse holds the Renja of 4.01.03 / 2020."""
    cfg = load_config(workspace=tmp_path)
    renja = tmp_path / "input" / "renja.xlsx"
    renja.parent.mkdir(parents=True)
    build_renja(renja)
    con = stage.connect(cfg)
    assert ingest.stage(con, ingest.prepare(renja, cfg), "run1", cfg).outcome == ingest.ACCEPTED
    con.close()
    return cfg, tmp_path


def test_a_register_with_a_non_number_and_an_unknown_kegiatan_is_rejected_for_both(warehouse):
    cfg, root = warehouse
    path = _register(root / "input" / "register.xlsx")
    con = stage.connect(cfg)
    try:
        out = ingest.stage(con, ingest.prepare(path, cfg), "run2", cfg)
    finally:
        con.close()
    assert out.outcome == ingest.REJECTED
    number = [m for m in out.messages if "sepuluh" in m]
    code = [m for m in out.messages if UNKNOWN in m]
    assert number and code, out.messages
    # each names its cell as Excel does, beside sheet, row and column title
    assert number[0].startswith("Sheet 'Register', sel H9, baris 9, kolom Nilai SP2D (Rp)"), number
    assert code[0].startswith("Sheet 'Register', sel D10, baris 10, kolom Kode Kegiatan"), code


def test_a_form_with_a_non_number_and_an_unknown_kegiatan_reports_both_in_one_pass(warehouse):
    cfg, root = warehouse
    path = _form(root / "input" / "form.xlsx")
    con = stage.connect(cfg)
    try:
        out = ingest.stage(con, ingest.prepare(path, cfg), "run2", cfg)
    finally:
        con.close()
    # the unknown kegiatan may be an error or (inputs: section 4) a warning; it is reported now
    assert out.outcome == ingest.REJECTED
    assert any("sepuluh" in m and "sel H8" in m for m in out.messages), out.messages
    assert any(UNKNOWN in m and "sel B9" in m for m in out.messages), out.messages


def test_validate_with_a_workspace_checks_against_its_warehouse_as_a_run_does(warehouse, tmp_path):
    cfg, root = warehouse
    elsewhere = tmp_path / "kiriman"
    elsewhere.mkdir()
    path = _register(elsewhere / "register.xlsx")
    r = CliRunner().invoke(cli.app, ["validate", str(path), "--workspace", str(root)], env={"COLUMNS": "250"})
    assert r.exit_code == 1, r.output
    assert "sepuluh" in r.output and UNKNOWN in r.output, r.output
    text = (elsewhere / "register.xlsx.errors.txt").read_text(encoding="utf-8")
    assert "sel H9" in text and "sel D10" in text and UNKNOWN in text
    # the warehouse was only read
    con = stage.connect(cfg, read_only=True)
    assert con.execute("SELECT count(*) FROM meta.files").fetchone()[0] == 1
    con.close()


def test_validate_without_a_warehouse_does_not_know_the_renja(tmp_path):
    path = _register(tmp_path / "register.xlsx")
    r = CliRunner().invoke(cli.app, ["validate", str(path), "--workspace", str(tmp_path / "kosong")],
                           env={"COLUMNS": "250"})
    assert r.exit_code == 1 and "sepuluh" in r.output
    assert UNKNOWN not in r.output


def test_validate_checks_a_form_against_a_renja_validated_with_it(tmp_path, warehouse):
    """As a run stages the Renja first: a newer Renja in the same batch is what the form meets."""
    cfg, root = warehouse
    renja = tmp_path / "renja_baru.xlsx"
    from tests.xlsx_builders import renja_records
    build_renja(renja, renja_records()[:6])          # without kegiatan 29.01
    form = tmp_path / "form.xlsx"
    write_sheets(form, {"Form": form_sheet([[1, "4.01.4.01.03.29.01", None, "Raperda yang disusun", 12, "Raperda",
                                             3, 3, 3, 2]])})
    results = ingest.validate_files([renja, form], cfg)
    assert any("4.01.4.01.03.29.01" in i.pesan for i in results[1].issues), results[1].issues
    assert any(i.pesan.startswith("menggantikan renja.xlsx") for i in results[0].issues), results[0].issues


def test_the_error_report_names_the_cell_and_does_not_repeat_the_value(tmp_path):
    issues = [error("'sepuluh' bukan angka", sheet="Form", excel_row=12, kolom="Realisasi TW II", nilai="sepuluh",
                    diharapkan="angka", sel="H12"),
              error("Nilai negatif", sheet="Form", excel_row=13, kolom="Realisasi TW II", nilai=-5,
                    diharapkan="angka ≥ 0", sel="H13")]
    xlsx, txt = write_error_report(tmp_path / "form.xlsx", "form.xlsx", issues, "DITOLAK")
    text = txt.read_text(encoding="utf-8")
    assert "Sheet 'Form', sel H12, baris 12, kolom Realisasi TW II: 'sepuluh' bukan angka" in text
    assert "nilai: sepuluh" not in text                   # the value is in the message already
    assert "Nilai negatif (diharapkan: angka ≥ 0) — nilai: -5" in text
    ws = openpyxl.load_workbook(xlsx)["Kesalahan"]
    header = [c.value for c in ws[4]]
    assert header[:6] == ["No", "Tingkat", "Sheet", "Sel", "Baris", "Kolom"]
    assert [c.value for c in ws[5]][2:6] == ["Form", "H12", 12, "Realisasi TW II"]


def test_cells_of_a_two_row_header_and_of_a_formula_cell():
    from lkip.cells import locate

    headers = {"Form": {"labels": {"realisasi kinerja tw 2": [7], "tw 2": [7, 11]}, "fields": {"kode_kegiatan": 1}}}
    got = locate([error("x", sheet="Form", excel_row=9, kolom="Realisasi Kinerja TW II"),
                  error("x", sheet="Form", excel_row=9, kolom="TW II"),               # ambiguous: no cell
                  error("x", sheet="Form", excel_row=9, kolom="Kode Kegiatan"),      # canonical name
                  error("x", sheet="Form", excel_row=4, kolom="AB"),                 # given as letters
                  error("x", sheet="Form", kolom="Kode Kegiatan")], headers)          # no row: no cell
    assert [i.sel for i in got] == ["H9", None, "B9", "AB4", None]
    assert re.match(r"Sheet 'Form', sel H9, baris 9", got[0].text())


def test_a_schema_problem_in_another_cell_of_a_row_the_reader_reported_is_also_told(tmp_path):
    """Row 9: Nilai is no number (the reader) and its date is outside the year (the schema)."""
    data = [
        [1, "15/01/2020", "00001/SP2D-LS/4.01.03/2020", "4.01.4.01.03.01.02", "5.2.2.03.01", "Telepon", "LS", 1000],
        [2, "15/02/2020", "00002/SP2D-LS/4.01.03/2020", "4.01.4.01.03.01.02", "5.2.2.03.01", "Telepon", "LS", 2000],
        [3, "15/03/2019", "00003/SP2D-LS/4.01.03/2020", "4.01.4.01.03.01.03", "5.2.2.01.01", "ATK", "LS", "sepuluh"],
    ]
    path = write_sheets(tmp_path / "register.xlsx", {"Register": register_sheet(data, total=3000)})
    prep = ingest.prepare(path, load_config(workspace=tmp_path))
    row9 = sorted(i.text() for i in prep.issues if i.excel_row == 9)
    assert any("sepuluh" in t and "sel H9" in t for t in row9), row9
    assert any("di luar tahun anggaran" in t and "sel B9" in t for t in row9), row9


def test_the_value_is_left_out_only_when_the_message_shows_it_whole():
    assert error("'sepuluh' bukan angka", nilai="sepuluh").value_note() == ""
    assert error("Nilai negatif: -5", nilai=-5).value_note() == ""
    assert error("Tanggal di luar tahun anggaran 2020", nilai="2").value_note() == " — nilai: 2"
