"""File names with terminal escape sequences or rich markup are shown inert; `validate` of a
name starting with '-' (issue 16, point 6)."""

from __future__ import annotations

import io
import subprocess

from rich.console import Console

from lkip import runreport
from lkip.console_safe import inert, plain
from test_reliability_helpers import LKIP, lkip_env

EVIL = "a\x1b]0;judul palsu\x07\x1b[2J[blink][link=http://x]klik[/link]\u202egpj.xlsx"


def test_inert_and_plain():
    assert inert("biasa é.xlsx") == "biasa é.xlsx"
    assert "\x1b" not in inert(EVIL) and "\\x1b" in inert(EVIL) and "\\u202e" in inert(EVIL)
    out = io.StringIO()
    Console(file=out, force_terminal=False, width=300).print(plain(EVIL))  # rich adds no ANSI itself
    text = out.getvalue()
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "[blink]" in text and "[link=http://x]" in text  # shown, not interpreted


def test_run_summary_escapes_names_and_messages():
    rec = runreport.outcome_record({"path": f"/in/{EVIL}", "outcome": "rejected", "n_errors": 1,
                                    "messages": ["nilai [bold]\x1b[31mmerah[/bold]"]})
    rep = runreport.build_report("r1", runreport.now_iso(), "completed", [rec], {"total": 1.0})
    out = io.StringIO()
    runreport.print_summary(rep, Console(file=out, force_terminal=False, width=400))
    text = out.getvalue()
    assert "\x1b" not in text and "\x07" not in text
    assert "[blink]" in text and "[bold]" in text


def _lkip(*args, cwd):
    return subprocess.run(LKIP + list(args), capture_output=True, text=True, timeout=60, cwd=cwd,
                          env=lkip_env({"COLUMNS": "200"}))


def test_validate_name_starting_with_dash(tmp_path):
    (tmp_path / "-x.xlsx").write_bytes(b"bukan workbook")
    (tmp_path / "-wevil.xlsx").mkdir()  # a folder that `-w` would take as the workspace
    (tmp_path / "-wevil.xlsx" / "lkip.toml").write_text("[limits]\nmax_file_mb = 99999\n")
    for args in (["--", "-x.xlsx"], ["./-x.xlsx"]):
        r = _lkip("validate", *args, cwd=tmp_path)
        assert r.returncode == 1, r.stdout + r.stderr
        assert "ditolak" in r.stdout and "-x.xlsx" in r.stdout and "Traceback" not in r.stdout + r.stderr
        assert (tmp_path / "-x.xlsx.errors.txt").is_file()
        (tmp_path / "-x.xlsx.errors.txt").unlink()
    # Without `--` it is an unknown option: usage error, nothing read or written.
    r = _lkip("validate", "-x.xlsx", cwd=tmp_path)
    assert r.returncode == 2 and not (tmp_path / "-x.xlsx.errors.txt").exists()
    assert (tmp_path / "-x.xlsx").read_bytes() == b"bukan workbook"
    r = _lkip("validate", "--help", cwd=tmp_path)
    assert "lkip validate -- -x.xlsx" in r.stdout
