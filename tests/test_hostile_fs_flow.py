"""Issue 16 with real `lkip` processes: poison items in input/ never fail later runs, a planted
link never makes a run write outside the workspace, `rebuild` ignores files planted in
processed/, a full disk is one Indonesian sentence."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import textwrap
import time
from pathlib import Path

import pytest

from test_reliability_helpers import lkip_env, make_workspace, run_lkip, run_reports, warehouse_digest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

LONG = ("realisasi_" + "nama_berkas_yang_sangat_panjang_" * 8)[:226] + ".xlsx"   # 231 bytes
ESC = "tampilan\x1b[2J\x1b]0;judul\x07[blink]berkedip[red].xlsx"


def _drop(ws: Path, name: str, data: bytes) -> Path:
    p = ws / "input" / name
    p.write_bytes(data)
    old = time.time() - 120
    os.utime(p, (old, old))
    return p


def _files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def test_poison_items_never_fail_a_run_and_links_are_refused(tmp_path, prefect_api_url):
    env = lkip_env({"COLUMNS": "250"}, api_url=prefect_api_url)
    ws = make_workspace(tmp_path / "ws")
    _drop(ws, "processed", b"berkas biasa bernama processed")
    _drop(ws, "rejected", b"berkas biasa bernama rejected")
    _drop(ws, LONG, b"bukan workbook, namanya panjang")
    _drop(ws, ESC, b"bukan workbook, namanya berisi escape")
    r = run_lkip(["run", "-w", str(ws)], env)
    out = r.stdout + r.stderr
    assert r.returncode == 3, out   # completed, with rejected files (never 1: the run did not fail)
    assert "Traceback" not in out and "\x1b" not in out and "[blink]" in r.stdout
    rep = run_reports(ws)[-1]
    by_name = {f["name"]: f for f in rep["files"]}
    assert by_name[LONG]["outcome"] == "rejected" and by_name[ESC]["outcome"] == "rejected"
    assert sum(f["outcome"] == "accepted" for f in rep["files"]) == 5
    archived = Path(by_name[LONG]["archived_to"])
    assert len(archived.name.encode()) <= 180 and archived.suffix == ".xlsx"
    assert Path(f"{archived}.errors.txt").is_file()
    assert (ws / "input" / "processed").is_dir() and (ws / "input" / "rejected").is_dir()

    # The next run is not poisoned: the moved-aside files are rejected like any drop (rc 3, not 1).
    r = run_lkip(["run", "-w", str(ws)], env)
    assert r.returncode == 3, r.stdout + r.stderr
    assert not [p for p in (ws / "input").iterdir() if p.is_file()]

    # A planted rejected/<today> link to an outside folder (site-packages in the report).
    outside = tmp_path / "site-packages"
    outside.mkdir()
    today = ws / "input" / "rejected" / dt.date.today().isoformat()
    today.rename(today.with_name("kemarin"))
    today.symlink_to(outside, target_is_directory=True)
    evil = _drop(ws, "evil.pth", b"import os; os.system('id > /tmp/pwned')\n")
    r = run_lkip(["run", "-w", str(ws)], env)
    out = r.stdout + r.stderr
    assert r.returncode == 1 and "Traceback" not in out, out
    assert "symlink" in out and str(outside) in out
    assert os.listdir(outside) == []                  # no byte landed outside
    assert evil.read_bytes().startswith(b"import os")  # left in input/, nothing lost


def test_rebuild_ignores_files_planted_in_processed(tmp_path, prefect_api_url, example_run):
    env = lkip_env(api_url=prefect_api_url)
    # A workspace after a run of the example: a copy of the shared one (tests/conftest.py).
    ws = shutil.copytree(example_run["ws"], tmp_path / "ws", symlinks=True)
    reference = {k: v for k, v in example_run["digest"].items() if k.startswith(("staging.", "laporan."))}
    day = next((ws / "input" / "processed").iterdir())
    renja = next(day.glob("renja*.xlsx"))
    # A copy of a real export with one byte changed in a part Excel ignores: a different file.
    data = bytearray(renja.read_bytes())
    planted = day / "renja_palsu.xlsx"
    planted.write_bytes(bytes(data) + b"\0")
    (ws / "output" / "lkip.duckdb").unlink()
    r = run_lkip(["rebuild", "-w", str(ws)], env)
    assert r.returncode == 0, r.stdout + r.stderr
    rep = run_reports(ws)[-1]
    by_name = {f["name"]: f for f in rep["files"]}
    assert by_name["renja_palsu.xlsx"]["outcome"] == "skipped"
    assert "manifest arsip" in by_name["renja_palsu.xlsx"]["messages"][0]
    assert sum(f["outcome"] == "accepted" for f in rep["files"]) == 5
    rows = {k: v for k, v in warehouse_digest(ws).items() if k.startswith(("staging.", "laporan."))}
    assert rows == reference
    assert planted.read_bytes() == bytes(data) + b"\0"  # left where it was, untouched


def test_disk_full_is_one_indonesian_message(tmp_path, prefect_api_url):
    """ENOSPC simulated in the real process (sitecustomize patches the publish step)."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(textwrap.dedent("""
        import errno, os, sys
        if os.environ.get("LKIP_TEST_ENOSPC") and sys.argv[0].endswith("lkip"):
            import lkip.publish as p
            def full(unit, output_dir, *a, **k):
                raise OSError(errno.ENOSPC, "No space left on device", os.path.join(str(output_dir), "x.xlsx"))
            p.publish_unit = full   # what the publish step runs for each unit (lkip.publish.runner)
    """))
    env = lkip_env({"PYTHONPATH": str(hook), "LKIP_TEST_ENOSPC": "1"}, api_url=prefect_api_url)
    ws = make_workspace(tmp_path / "ws")
    r = run_lkip(["run", "-w", str(ws)], env)
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "Traceback" not in out and "No space left" not in out
    assert "Disk penuh: disk /" in out and "dibutuhkan sekitar" in out and "kosong" in out, out
