"""One quick run of the benchmark harness at a tiny size (the real run is `make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_smoke(tmp_path: Path) -> None:
    out = tmp_path / "results" / "smoke.md"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run_bench.py"), "--sizes", "1000", "--no-city",
         "--repeat", "1", "--only", "unzip,calamine,fastexcel_str,read,ingest",
         "--data", str(tmp_path / "data"), "--out", str(out)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(out.with_suffix(".json").read_text())
    size = report["sizes"]["1000"]
    for group, key in (("raw", "unzip"), ("raw", "calamine"), ("raw", "fastexcel_str"),
                       ("stages", "read"), ("stages", "ingest")):
        m = size[group][key]
        assert "error" not in m, (key, m)
        assert m["seconds"] > 0 and m["peak_mb"] > 0
    ingest = size["stages"]["ingest"]
    assert ingest["rows"] == 1000
    assert ingest["outcome"] in ("accepted", "accepted_with_warnings")
    # the flow's own steps, each timed once (validation inside prepare, not a second time)
    assert {"scan", "parse", "validate", "raw", "stage", "prepare", "stage_all"} <= set(ingest["parts"])
    assert ingest["parts"]["validate"] < ingest["seconds"]
    assert "| measurement |" in out.read_text()
    assert report["hardware"]["nproc"] >= 1


def test_generator_is_deterministic(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    a = generate.write_register(tmp_path / "a.xlsx", 300)
    b = generate.write_register(tmp_path / "b.xlsx", 300)
    assert a == b
    from python_calamine import CalamineWorkbook

    rows_a = CalamineWorkbook.from_path(str(tmp_path / "a.xlsx")).get_sheet_by_index(0).to_python()
    rows_b = CalamineWorkbook.from_path(str(tmp_path / "b.xlsx")).get_sheet_by_index(0).to_python()
    assert rows_a == rows_b
    assert rows_a[5][:3] == ["No", "Tanggal SP2D", "Nomor SP2D"]
    jumlah = next(r for r in rows_a if r[5] == "JUMLAH")
    assert jumlah[7] == a["total"]


def test_wrapped_command_counts_the_cpu_of_descendants_it_left_behind() -> None:
    """`lkip run` ends with os._exit and leaves its read workers' fork server to exit on its own:
    the wrapper (its subreaper, Linux's PR_SET_CHILD_SUBREAPER: the benchmarks run on Linux) still
    waits for such orphans, so their CPU is in the figure."""
    code = ("import os, time\n"
            "if os.fork() == 0:\n"
            "    t = time.process_time()\n"
            "    while time.process_time() - t < 0.5: pass\n"
            "    os._exit(0)\n"
            "os._exit(0)\n")
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "run_bench.py"), "--wrap", "--", sys.executable, "-c", code],
                         capture_output=True, text=True, timeout=60)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    assert res["rc"] == 0 and res["cpu"] >= 0.5
    assert res["seconds"] < res["cpu"]   # the orphan's CPU, not a wait for it in the wall time
