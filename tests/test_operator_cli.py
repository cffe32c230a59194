"""The operator's console: `lkip validate FOLDER`, `lkip sql`, whole paths at 80 columns, and
output/index.html (the page an officer opens to see what happened to their file)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from lkip import index_page, runreport
from lkip.config import load_config
from test_reliability_helpers import EXAMPLE_INPUT, LKIP, lkip_env

pytestmark = pytest.mark.timeout(120)


def lkip(*args, cwd=None, columns="80"):
    return subprocess.run(LKIP + list(args), capture_output=True, text=True, timeout=90, cwd=cwd,
                          env=lkip_env({"COLUMNS": columns}))


# ---- validate FOLDER ------------------------------------------------------------------------------


def test_validate_folder_checks_every_workbook_in_it(tmp_path):
    drop = tmp_path / "folder bersama dengan nama yang cukup panjang untuk melewati delapan puluh kolom" / "input"
    (drop / "bagian umum").mkdir(parents=True)
    shutil.copy2(EXAMPLE_INPUT / "renja_perubahan_2020.xlsx", drop / "bagian umum" / "renja.xlsx")
    (drop / "register_rusak.xlsx").write_bytes(b"kode;uraian;nilai\n1;x;satu juta\n")
    # What a run would not read either: archives, Excel's lock files, error reports, other types.
    (drop / "processed" / "2020-01-01").mkdir(parents=True)
    (drop / "processed" / "2020-01-01" / "lama.xlsx").write_bytes(b"not read")
    (drop / "~$renja.xlsx").write_bytes(b"lock")
    (drop / "catatan.txt").write_text("bukan workbook")
    r = lkip("validate", str(drop), cwd=tmp_path)
    out = r.stdout + r.stderr
    assert r.returncode == 1, out  # one file rejected
    assert "Traceback" not in out
    assert "bagian umum/renja.xlsx" in r.stdout and "register_rusak.xlsx" in r.stdout
    assert "lama.xlsx" not in r.stdout and "~$" not in r.stdout and "catatan" not in r.stdout
    reports = list(drop.glob("register_rusak*.errors.xlsx"))
    assert reports
    # The error report's path is printed whole, on one line, at 80 columns.
    assert f"Laporan kesalahan: {reports[0]}\n" in r.stdout
    assert not list((drop / "processed").rglob("*.errors.*"))


def test_validate_folder_without_workbooks_is_usage_error(tmp_path):
    (tmp_path / "kosong").mkdir()
    r = lkip("validate", str(tmp_path / "kosong"))
    assert r.returncode == 2 and "Tidak ada berkas" in r.stderr


# ---- lkip sql --------------------------------------------------------------------------------------


@pytest.fixture
def warehouse(tmp_path):
    (tmp_path / "output").mkdir()
    con = duckdb.connect(str(tmp_path / "output" / "lkip.duckdb"))
    con.execute("create schema laporan")
    con.execute("create table laporan.lampiran_3 (kode_skpd varchar, uraian varchar, pagu decimal(18,2))")
    con.execute("insert into laporan.lampiran_3 values ('4.01.03', 'Program; \"A\"', 23273681020.00), "
                "('4.01.03', 'Program B', 1250000.50)")
    con.close()
    return tmp_path


def test_sql_prints_a_table(warehouse):
    r = lkip("sql", "select * from laporan.lampiran_3 order by pagu", "-w", str(warehouse), columns="200")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "kode_skpd" in r.stdout and "Program B" in r.stdout and "23273681020.00" in r.stdout
    assert "2 baris" in r.stdout


def test_sql_csv_is_exact_and_quoted(warehouse):
    r = lkip("sql", "select uraian, pagu from laporan.lampiran_3 order by pagu", "-w", str(warehouse),
             "--csv", "--sep", ";")
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout), delimiter=";"))
    assert rows == [["uraian", "pagu"], ["Program B", "1250000.50"], ['Program; "A"', "23273681020.00"]]


@pytest.mark.parametrize("query", [
    "delete from laporan.lampiran_3",
    "copy laporan.lampiran_3 to 'keluar.csv'",
    "select * from read_csv('/etc/hostname')",
])
def test_sql_is_read_only(warehouse, query):
    r = lkip("sql", query, "-w", str(warehouse), cwd=warehouse)
    assert r.returncode == 1 and "kueri SQL gagal" in r.stderr and "Traceback" not in r.stderr
    assert not (warehouse / "keluar.csv").exists()
    con = duckdb.connect(str(warehouse / "output" / "lkip.duckdb"), read_only=True)
    assert con.execute("select count(*) from laporan.lampiran_3").fetchone()[0] == 2
    con.close()


def test_sql_without_warehouse(tmp_path):
    r = lkip("sql", "select 1", "-w", str(tmp_path))
    assert r.returncode == 1 and "lkip run" in r.stderr


# ---- output/index.html ------------------------------------------------------------------------------


def _write_run(cfg, run_id, status, files):
    rep = runreport.build_report(run_id, "2026-01-01T01:00:00+07:00", status,
                                 [runreport.outcome_record(f) for f in files], {"total": 1.0})
    runreport.write_report(cfg.runs_dir, rep)
    return rep


def test_index_page_lists_runs_files_error_reports_and_skpd_reports(tmp_path):
    cfg = load_config(tmp_path)
    rejected = cfg.rejected_dir / "2026-01-02" / "form <script>alert(1)</script> #1.xlsx"
    _write_run(cfg, "20260101T010000-1-aaaa", "completed", [
        {"path": str(cfg.input_dir / "renja.xlsx"), "outcome": "accepted", "kind": "renja", "kode_skpd": "4.01.03",
         "tahun": 2020, "n_rows": 180, "archived_to": str(cfg.processed_dir / "2026-01-01" / "renja.xlsx")},
    ])
    _write_run(cfg, "20260102T010000-1-bbbb", "completed_with_rejections", [
        {"path": str(cfg.input_dir / rejected.name), "outcome": "rejected", "n_errors": 2,
         "archived_to": str(rejected), "messages": ["Sel H12: 'sepuluh' bukan angka <b>"]},
    ])
    for kode in ("4.01.03", "kota"):
        d = cfg.output_dir / "2020" / kode
        d.mkdir(parents=True)
        (d / f"laporan_{kode}_2020.html").write_text("<html></html>")
    path = index_page.write_index(cfg)
    assert path == cfg.output_dir / "index.html"
    html = path.read_text(encoding="utf-8")
    # Newest run first, with its Indonesian status and both runs' files.
    assert html.index("20260102T010000-1-bbbb") < html.index("20260101T010000-1-aaaa")
    assert "selesai, ada berkas ditolak" in html and "diterima" in html and "ditolak" in html
    # Untrusted names and messages are escaped; links are relative and URL-quoted.
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "bukan angka &lt;b&gt;" in html
    assert ('href="../input/rejected/2026-01-02/form%20%3Cscript%3Ealert%281%29%3C/script%3E%20%231.xlsx'
            '.errors.xlsx"') in html
    assert 'href="./2020/4.01.03/laporan_4.01.03_2020.html"' in html
    assert 'href="./2020/kota/laporan_kota_2020.html"' in html
    assert 'href="./runs/20260102T010000-1-bbbb.json"' in html
    assert not list(cfg.output_dir.glob(".*.tmp"))  # written by rename


def test_index_page_keeps_the_last_runs_only(tmp_path):
    cfg = load_config(tmp_path)
    for i in range(index_page.MAX_RUNS + 3):
        _write_run(cfg, f"20260101T01{i:04d}-1-aaaa", "completed", [])
    (cfg.runs_dir / "20991231T000000-1-rusak.json").write_text("{tidak lengkap")  # skipped, not fatal
    html = index_page.write_index(cfg).read_text(encoding="utf-8")
    assert html.count('<tr><td><a href="#run-') == index_page.MAX_RUNS
    assert "20260101T010000-1-aaaa" not in html and "Belum ada laporan" in html
    assert json.loads((cfg.runs_dir / "20260101T010000-1-aaaa.json").read_text())["status"] == "completed"


# ---- the run summary on the console -------------------------------------------------------------------


def _summary_text(report) -> str:
    from rich.console import Console

    buf = io.StringIO()
    runreport.print_summary(report, Console(file=buf, width=80, color_system=None))
    return buf.getvalue()


def test_summary_is_indonesian_says_where_outputs_are_and_keeps_paths_whole(tmp_path):
    out = tmp_path / ("folder-kerja-dengan-nama-panjang-" * 3) / "output"
    rejected = tmp_path / "input" / "rejected" / "2026-01-02" / "form bagian umum [revisi].xlsx"
    files = [runreport.outcome_record({"path": str(rejected), "outcome": "rejected", "n_errors": 1,
                                       "archived_to": str(rejected), "messages": ["Sel H12: bukan angka"]})]
    outputs = [str(out / "2020" / k / n) for k in ("4.01.03", "kota") for n in ("a.xlsx", "csv/b.csv")]
    (out).mkdir(parents=True)
    (out / "index.html").write_text("x")
    rep = runreport.build_report("R1", "2026-01-02T01:00:00+07:00", runreport.run_status(files), files,
                                 {"discover": 0.1, "publish": 11.72, "total": 20.3}, outputs=outputs,
                                 extra={"output_dir": str(out)})
    text = _summary_text(rep)
    assert "Run R1 — selesai, ada berkas ditolak" in text and text.rstrip().endswith("Run R1 selesai, ada berkas ditolak.")
    assert "Durasi: temukan berkas 0,1 detik, terbitkan 11,7 detik, total 20,3 detik" in text.replace("\n", "")
    assert f"Hasil: {out / '2020' / '4.01.03'}{os.sep}\n" in text
    assert f"Hasil: {out / '2020' / 'kota'}{os.sep}\n" in text
    assert f"Ringkasan semua run dan berkas: {out / 'index.html'}\n" in text
    assert f"Laporan kesalahan: {rejected}.errors.xlsx\n" in text  # one line, no ellipsis, markup kept literal
    assert "…" not in text


def test_summary_of_a_city_names_year_folders_and_nothing_new(tmp_path):
    outputs = [str(tmp_path / "2020" / f"4.01.{i:02d}" / "a.xlsx") for i in range(10)]
    lines = runreport.result_lines({"output_dir": str(tmp_path), "outputs": outputs, "status": "completed"})
    assert lines == [f"Hasil: {tmp_path / '2020'}{os.sep} (10 folder SKPD)"]
    lines = runreport.result_lines({"output_dir": str(tmp_path), "outputs": [], "status": "completed"})
    assert lines == [f"Hasil: {tmp_path}{os.sep} (keluaran tidak berubah)"]
    assert runreport.run_status([{"outcome": "accepted"}]) == "completed"
    assert runreport.run_status([{"outcome": "rejected"}, {"outcome": "failed"}]) == "failed"


def test_error_report_paths_come_from_the_written_report():
    rec = runreport.outcome_record({"path": "/w/input/a.xlsx", "outcome": "rejected",
                                    "archived_to": "/w/input/rejected/d/a (2).xlsx",
                                    "report": "/w/input/rejected/d/a-pendek.xlsx.errors.txt"})
    assert runreport.error_reports(rec) == ["/w/input/rejected/d/a-pendek.xlsx.errors.xlsx",
                                            "/w/input/rejected/d/a-pendek.xlsx.errors.txt"]
    rec = runreport.outcome_record({"path": "/w/input/b.xlsx", "outcome": "rejected",
                                    "archived_to": "/w/input/rejected/d/b.xlsx"})
    assert runreport.error_reports(rec)[0] == "/w/input/rejected/d/b.xlsx.errors.xlsx"
    assert runreport.error_reports(runreport.outcome_record({"path": "c.xlsx", "outcome": "accepted",
                                                             "report": "c.xlsx.errors.txt"})) == []
