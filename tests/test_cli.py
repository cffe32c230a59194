"""The command line: usage errors, `validate` (fast, no Prefect), `template`."""

from __future__ import annotations

import shutil
import subprocess
import sys

import openpyxl
import pytest

from test_reliability_helpers import free_port, EXAMPLE_INPUT, LKIP, lkip_env

pytestmark = pytest.mark.timeout(120)


def lkip(*args, cwd=None, timeout=60, env=None):
    return subprocess.run(LKIP + list(args), capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          env=lkip_env({"COLUMNS": "200", **(env or {})}))


@pytest.mark.parametrize(
    "args",
    [[], ["run", "--bogus"], ["template", "tidak-ada"], ["validate"], ["run", "--tahun", "dua ribu"],
     ["nonexistent-command"]],
)
def test_usage_errors_exit_2(args):
    r = lkip(*args)
    assert r.returncode == 2, (args, r.stdout, r.stderr)
    assert "Traceback" not in r.stdout + r.stderr


def test_validate_missing_file_is_usage_error(tmp_path):
    r = lkip("validate", str(tmp_path / "tidak_ada.xlsx"))
    assert r.returncode == 2 and "tidak ditemukan" in r.stderr


def test_validate_good_file_quickly_without_prefect(tmp_path):
    f = tmp_path / "renja.xlsx"
    shutil.copy2(EXAMPLE_INPUT / "renja_perubahan_2020.xlsx", f)
    r = lkip("validate", str(f), cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "diterima" in r.stdout and "renja" in r.stdout
    # No staging happened and Prefect was never imported.
    assert not (tmp_path / "output" / "lkip.duckdb").exists()
    code = "import sys; from lkip import cli; assert 'prefect' not in sys.modules; print('ok')"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "ok"


def test_validate_bad_file_rejected_with_report(tmp_path):
    bad = tmp_path / "register_rusak.xlsx"
    bad.write_bytes(b"kode;uraian;nilai\n1;x;satu juta\n")
    good = tmp_path / "lra.xlsx"
    shutil.copy2(EXAMPLE_INPUT / "lra_sd_31_desember_2020.xlsx", good)
    r = lkip("validate", str(good), str(bad), cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "ditolak" in r.stdout and "Traceback" not in r.stdout + r.stderr
    assert list(tmp_path.glob("register_rusak*.errors.*")), list(tmp_path.iterdir())
    assert good.exists() and bad.exists()  # validate never moves files


@pytest.mark.parametrize("kind,sheets", [("realisasi-fisik", {"Petunjuk"}), ("pk-iku", {"IKU", "Petunjuk"})])
def test_template_opens_with_validation(tmp_path, kind, sheets):
    out = tmp_path / f"{kind}.xlsx"
    r = lkip("template", kind, "--out", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    wb = openpyxl.load_workbook(out)
    assert sheets <= set(wb.sheetnames)
    validations = [dv for ws in wb.worksheets for dv in ws.data_validations.dataValidation]
    assert validations
    if kind == "pk-iku":
        lists = " ".join(str(dv.formula1) for dv in validations if dv.type == "list")
        assert "naik" in lists and "turun" in lists and "SKM" in lists
    assert "PETUNJUK" in str(wb["Petunjuk"]["A1"].value).upper()


def test_template_default_name(tmp_path):
    r = lkip("template", "pk-iku", cwd=tmp_path)
    assert r.returncode == 0
    assert (tmp_path / "template_pk_iku.xlsx").exists()


def test_serve_without_server_says_what_to_do(tmp_path):
    # A port where nothing listens: serve must say so and exit 1, never a traceback.
    dead = f"http://127.0.0.1:{free_port()}/api"
    r = lkip("serve", "-w", str(tmp_path), timeout=60, env={"PREFECT_API_URL": dead})
    assert r.returncode == 1, r.stdout + r.stderr
    assert "tidak menjawab" in r.stderr and "Traceback" not in r.stdout + r.stderr
