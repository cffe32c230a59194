"""Reliability with real processes: kills at random points, concurrent runs, a slow copy under
`lkip watch`, hostile files among good ones, a deleted and a corrupted warehouse.

Every test compares against one uninterrupted run of the bundled example (the baseline): same
staging/core/laporan rows, same CSV outputs, and every input file present exactly once across
input/, processed/ and rejected/, byte-identical.

All runs go to one Prefect server started for this module (a run then costs ~3 s of Prefect
overhead instead of ~8 s with a temporary server each). Scale the kill rounds with
LKIP_RELIABILITY_ROUNDS (default 2; RELIABILITY.md gives the figures of a longer session).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
import zipfile
from pathlib import Path

import pytest

from test_reliability_helpers import (
    EXAMPLE_INPUT,
    assert_files_conserved,
    assert_outputs_whole,
    csv_digest,
    input_inventory,
    kill_group,
    lkip_env,
    make_workspace,
    run_lkip,
    run_reports,
    start_lkip,
    warehouse_digest,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420)]

ROUNDS = int(os.environ.get("LKIP_RELIABILITY_ROUNDS", "2"))
SEED = int(os.environ.get("LKIP_RELIABILITY_SEED", str(int(time.time()))))


@pytest.fixture(scope="module")
def env(prefect_api_url):
    return lkip_env(api_url=prefect_api_url)


@pytest.fixture(scope="module")
def baseline(example_run):
    """One uninterrupted run of the bundled example on the same server (tests/conftest.py)."""
    return example_run


def _copy_ws(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True, ignore=shutil.ignore_patterns(".prefect"))
    return dst


def _assert_converged(ws: Path, baseline: dict) -> None:
    assert warehouse_digest(ws) == baseline["digest"]
    assert csv_digest(ws) == baseline["csv"]
    assert_files_conserved(ws, baseline["files"])
    assert_outputs_whole(ws)
    assert not any(p.is_file() for p in (ws / "input").iterdir()), "files left in the drop folder"


def test_kill_at_random_points_then_rerun(tmp_path, env, baseline):
    rng = random.Random(SEED)
    horizon = max(3.0, baseline["seconds"])
    kills = 0
    for rnd in range(ROUNDS):
        ws = make_workspace(tmp_path / f"round{rnd}")
        # 1, 2 or 3 kills in a row before the rerun: a kill may also hit a rerun's recovery.
        for _ in range(1 + rnd % 3):
            p = start_lkip(["run", "-w", str(ws)], env)
            delay = rng.uniform(0.3, horizon)
            try:
                p.wait(timeout=delay)
            except Exception:
                kill_group(p, signal.SIGKILL)
                kills += 1
            p.communicate()
            # Invariant at every instant: no file lost or duplicated.
            assert_files_conserved(ws, baseline["files"])
        r = run_lkip(["run", "-w", str(ws)], env)
        assert r.returncode == 0, f"seed {SEED}: {r.stdout}{r.stderr}"
        assert "Traceback" not in r.stdout + r.stderr
        _assert_converged(ws, baseline)
        _assert_unfinished_runs_recorded(ws)
    print(f"reliability: {kills} SIGKILLs survived (seed {SEED}, horizon {horizon:.1f} s)")


def _assert_unfinished_runs_recorded(ws: Path) -> None:
    """meta.runs keeps killed runs as 'running'; every finished run has its run report.

    (The report is written just before the run's final commit, so a kill between the two may leave
    a report beside a 'running' row; the next run then rebuilds the outputs.)"""
    import duckdb

    con = duckdb.connect(str(ws / "output" / "lkip.duckdb"), read_only=True)
    rows = con.execute("select run_id, status from meta.runs order by started_at").fetchall()
    con.close()
    reports = {r["run_id"]: r["status"] for r in run_reports(ws)}
    assert rows[-1][1] == "completed"
    for run_id, status in rows:
        if status != "running":
            assert reports.get(run_id) == status


def test_two_concurrent_runs(tmp_path, env, baseline):
    # Without waiting: one run works, the other exits 1 naming the holder.
    ws = make_workspace(tmp_path / "nowait", "[lock]\nwait_seconds = 0\n")
    procs = [start_lkip(["run", "-w", str(ws)], env) for _ in range(2)]
    results = [(p.wait(timeout=240), *p.communicate()) for p in procs]
    codes = sorted(r[0] for r in results)
    assert codes == [0, 1], results
    loser = next(r for r in results if r[0] == 1)
    assert "sedang dipakai" in loser[2] and "locked by" in loser[2] and "Traceback" not in loser[2]
    _assert_converged(ws, baseline)

    # With a wait: the second run waits for the first, then finds nothing new.
    ws2 = make_workspace(tmp_path / "wait", "[lock]\nwait_seconds = 180\n")
    procs = [start_lkip(["run", "-w", str(ws2)], env) for _ in range(2)]
    codes = [p.wait(timeout=300) for p in procs]
    for p in procs:
        p.communicate()
    assert codes == [0, 0]
    _assert_converged(ws2, baseline)
    reports = run_reports(ws2)
    assert len(reports) == 2 and sorted(r["files_seen"] for r in reports) == [0, 5]


def test_slow_copy_and_burst_under_watch(tmp_path, env, baseline):
    ws = make_workspace(tmp_path / "ws", files=[])
    w = start_lkip(["watch", "-w", str(ws), "--stable-seconds", "2"], env)
    try:
        time.sleep(2)
        src = EXAMPLE_INPUT / "renja_perubahan_2020.xlsx"
        data = src.read_bytes()
        dst = ws / "input" / src.name
        with open(dst, "wb") as f:  # ~4 s copy, 8 chunks
            for i in range(8):
                f.write(data[i * len(data) // 8:(i + 1) * len(data) // 8])
                f.flush()
                time.sleep(0.5)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(run_reports(ws)) < 1:
            time.sleep(0.5)
        time.sleep(5)
        reports = run_reports(ws)
        assert len(reports) == 1, reports
        assert reports[0]["files_seen"] == 1 and reports[0]["files"][0]["outcome"] == "accepted"
        # A burst of the other four files, 0.2 s apart: one more run, not four.
        for f in sorted(EXAMPLE_INPUT.glob("*.xlsx")):
            if f.name != src.name:
                shutil.copy2(f, ws / "input" / f.name)
                time.sleep(0.2)
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and len(run_reports(ws)) < 2:
            time.sleep(0.5)
        time.sleep(5)
        reports = run_reports(ws)
        assert len(reports) == 2 and reports[1]["files_seen"] == 4, reports
    finally:
        kill_group(w, signal.SIGTERM)
        try:
            w.wait(timeout=10)
        except Exception:
            kill_group(w)
        w.communicate()
    _assert_converged(ws, baseline)


def _hostile_files(d: Path) -> dict[str, bytes]:
    good = (EXAMPLE_INPUT / "register_sp2d_2020.xlsx").read_bytes()
    files = {
        "terpotong.xlsx": good[: len(good) * 3 // 5],
        "csv_bukan_xlsx.xlsx": b"kode;uraian;nilai\n1.01;Belanja;1.000.000\n",
        "acak.xlsx": random.Random(7).randbytes(20000),
        "kosong.xlsx": b"",
        "lama.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096,
        "lama_dinamai_xlsx.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096,
    }
    import io

    # zip bomb: 300 MB of zeros declared in one member (about 300 kB compressed)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as m:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                m.write(chunk)
    files["bom_zip.xlsx"] = buf.getvalue()
    # XML entity bomb (billion laughs) in the workbook part
    lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    ) + ']><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>&lol9;</sheets></workbook>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("xl/workbook.xml", lol)
        z.writestr("xl/worksheets/sheet1.xml", lol)
    files["bom_xml.xlsx"] = buf.getvalue()
    # a real workbook with nothing recognisable, and one with formulas but no cached values
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "catatan rapat"
    wb.save(d / "tmp_nothing.xlsx")
    files["tanpa_judul_kolom.xlsx"] = (d / "tmp_nothing.xlsx").read_bytes()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kode Rekening", "Uraian", "Nilai"])
    ws.append(["5.1", "=CONCAT(\"a\",\"b\")", "=1+1"])
    wb.save(d / "tmp_formula.xlsx")
    files["rumus_tanpa_nilai.xlsx"] = (d / "tmp_formula.xlsx").read_bytes()
    return files


def test_hostile_files_mixed_with_good_ones(tmp_path, env, baseline):
    ws = make_workspace(tmp_path / "ws")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    hostile = _hostile_files(scratch)
    old = time.time() - 120
    for name, data in hostile.items():
        p = ws / "input" / name
        p.write_bytes(data)
        os.utime(p, (old, old))
    original = input_inventory(ws)
    t = time.monotonic()
    r = run_lkip(["run", "-w", str(ws)], env, timeout=240)
    elapsed = time.monotonic() - t
    out = r.stdout + r.stderr
    assert r.returncode == 3, out  # completed with rejected files
    assert "Traceback" not in out
    report = run_reports(ws)[-1]
    assert report["status"] == "completed_with_rejections"
    by_name = {f["name"]: f["outcome"] for f in report["files"]}
    for f in EXAMPLE_INPUT.glob("*.xlsx"):
        assert by_name[f.name] == "accepted", by_name
    for name in hostile:
        assert by_name.get(name) == "rejected", (name, by_name)
    rejected = [p for p in (ws / "input" / "rejected").rglob("*") if p.is_file()]
    for name in hostile:
        assert any(p.name == name for p in rejected)
        assert any(p.name == name + ".errors.txt" for p in rejected), name
    assert_files_conserved(ws, original)
    # Rejected files are registered in meta.files; the rows and reports are those of the good files.
    rows = {k: v for k, v in warehouse_digest(ws).items() if k.startswith(("staging.", "laporan."))}
    assert rows == {k: v for k, v in baseline["digest"].items() if k.startswith(("staging.", "laporan."))}
    assert elapsed < 200
    print(f"reliability: {len(hostile)} hostile files rejected among 5 good ones in {elapsed:.1f} s")


def test_deleted_and_corrupted_warehouse_then_rebuild(tmp_path, env, baseline):
    # Deleted: `run` refuses with the advice, `rebuild` restores the same rows from processed/.
    ws = _copy_ws(baseline["ws"], tmp_path / "deleted")
    (ws / "output" / "lkip.duckdb").unlink()
    r = run_lkip(["run", "-w", str(ws)], env)
    assert r.returncode == 1 and "lkip rebuild" in r.stderr and "Traceback" not in r.stdout + r.stderr
    r = run_lkip(["rebuild", "-w", str(ws)], env)
    assert r.returncode == 0, r.stdout + r.stderr
    _assert_converged(ws, baseline)

    # Corrupted: garbage over the middle of the file.
    ws = _copy_ws(baseline["ws"], tmp_path / "corrupt")
    wh = ws / "output" / "lkip.duckdb"
    size = wh.stat().st_size
    with open(wh, "r+b") as f:
        f.seek(0)
        f.write(random.Random(1).randbytes(min(size, 64 * 1024)))
    for cmd in (["run"], ["report"]):
        r = run_lkip(cmd + ["-w", str(ws)], env)
        out = r.stdout + r.stderr
        assert r.returncode == 1 and "lkip rebuild" in out and "Traceback" not in out, out
    r = run_lkip(["rebuild", "-w", str(ws)], env)
    assert r.returncode == 0, r.stdout + r.stderr
    _assert_converged(ws, baseline)
    assert any(p.name.startswith("lkip.duckdb.lama-") for p in (ws / "output").iterdir())
