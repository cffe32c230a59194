"""The city's workbook, old code against new in one process: CPU of `publish_workbook` and same bytes.

    .venv/bin/python bench/xlsx_city_ab.py --units /tmp/kota_unit.pkl --old f3c76ec --rounds 8 \
        --out bench/results/X.md
    .venv/bin/python bench/xlsx_city_ab.py --warehouse WS/output/lkip.duckdb --old f3c76ec --rounds 8

After one SKPD re-drops a file the city's workbook (LKIP_KOTA_<tahun>.xlsx, ~233 000 cells, most
in the `rekonsiliasi` sheet) is written again on a publish worker, on the re-drop's critical path.
This loads the city unit once (`--units`: a pickled list of lkip.publish.data.UnitData, the one
with kode_skpd KOTA is taken; or `--warehouse`: loaded from a warehouse as publishing does), then
writes its workbook with the old code and with this tree's, alternating (the order swapped every
round), each write as `publish_workbook` does it (a fresh `memo.unit_scope`, no charts), and
reports the CPU (process_time) and wall of each. The old code is `lkip/publish/xlsx.py` and
`xlsx_cells.py` of `--old` (git show) loaded beside this tree's modules as
`lkip.publish._old_xlsx*`, so both use this tree's layout, labels and zip writer: only the
workbook writer differs. Every part of the two workbooks of each round must be the same bytes
(docProps/core.xml without its creation time), or the script fails.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import pickle
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from run_bench import write_result  # noqa: E402


def old_writer(commit: str) -> Any:
    """`write_workbook` of `commit`, loaded from git beside this tree's modules."""
    import lkip.publish  # noqa: F401  (the package the old modules' relative imports resolve in)

    mods = {}
    for name in ("xlsx_cells", "xlsx"):
        source = subprocess.run(["git", "show", f"{commit}:lkip/publish/{name}.py"], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout
        full = f"lkip.publish._old_{name}"
        spec = importlib.util.spec_from_loader(full, loader=None)
        mod = importlib.util.module_from_spec(spec)
        mod.__package__ = "lkip.publish"
        mod.__file__ = f"<{commit}:lkip/publish/{name}.py>"
        sys.modules[full] = mod
        exec(compile(source, mod.__file__, "exec"), mod.__dict__)
        if name == "xlsx":
            mod.xlsx_cells = mods["xlsx_cells"]  # its `from . import xlsx_cells` took this tree's
        mods[name] = mod
    return mods["xlsx"].write_workbook


def city_unit(args: argparse.Namespace) -> Any:
    if args.units:
        with open(args.units, "rb") as f:
            units = pickle.load(f)
        return next(u for u in units if u.kode_skpd == "KOTA")
    import duckdb

    from lkip.config import load_config
    from lkip.publish.snapshot import load_units

    config = load_config(workspace=Path(tempfile.mkdtemp(prefix="xlsx_ab_ws_")))
    con = duckdb.connect(args.warehouse, read_only=True)
    tahun = con.execute("select max(tahun) from laporan.lampiran_3").fetchone()[0]
    unit = load_units(con, config, [(int(tahun), "KOTA")])[0]
    con.close()
    return unit


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        got = {n: z.read(n) for n in z.namelist()}
    got["docProps/core.xml"] = re.sub(rb"<dcterms:(created|modified)[^<]*</dcterms:\1>", b"",
                                      got["docProps/core.xml"])
    return got


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--units", help="pickled list of UnitData holding the city (kode_skpd KOTA)")
    src.add_argument("--warehouse", help="a city warehouse (output/lkip.duckdb)")
    ap.add_argument("--old", default="f3c76ec", help="commit of the old workbook writer")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    from lkip.publish.memo import unit_scope
    from lkip.publish.xlsx import write_workbook as new

    old = old_writer(args.old)
    unit = city_unit(args)
    cells = sum(len(t.rows) * max(len(t.columns), 1) for t in unit.tables.values())
    tmp = Path(tempfile.mkdtemp(prefix="xlsx_ab_"))
    cpu: dict[str, list[float]] = {"old": [], "new": []}
    wall: dict[str, list[float]] = {"old": [], "new": []}
    writers = {"old": old, "new": new}
    load0 = os.getloadavg()[0]
    for label in ("old", "new"):  # warm: imports, xlsxwriter's first workbook
        with unit_scope():
            writers[label](tmp / f"warm_{label}.xlsx", unit, [])
    for rnd in range(args.rounds):
        order = ("old", "new") if rnd % 2 == 0 else ("new", "old")
        for label in order:
            gc.collect()
            with unit_scope():
                c0, w0 = time.process_time(), time.perf_counter()
                writers[label](tmp / f"{label}.xlsx", unit, [])
                cpu[label].append(time.process_time() - c0)
                wall[label].append(time.perf_counter() - w0)
        a, b = parts(tmp / "old.xlsx"), parts(tmp / "new.xlsx")
        if a != b:
            differ = sorted(n for n in a.keys() | b.keys() if a.get(n) != b.get(n))
            print(f"round {rnd + 1}: the workbooks differ in {differ}", file=sys.stderr)
            return 1
    load1 = os.getloadavg()[0]
    med = {k: statistics.median(v) for k, v in cpu.items()}
    medw = {k: statistics.median(v) for k, v in wall.items()}
    pairs = [n / o for o, n in zip(cpu["old"], cpu["new"])]
    size = (tmp / "new.xlsx").stat().st_size
    lines = [
        f"# City workbook, old ({args.old}) against new: `bench/xlsx_city_ab.py`",
        "",
        f"- unit: KOTA {unit.tahun}, {len(unit.tables)} tables, {sum(len(t.rows) for t in unit.tables.values())} "
        f"rows ({cells} values as stored); workbook {size / 1e6:.2f} MB",
        f"- {args.rounds} alternating rounds in one process; load average {load0:.2f} at the start, "
        f"{load1:.2f} at the end",
        "- every part of the old and new workbooks identical in every round (docProps/core.xml without "
        "its creation time): yes",
        "",
        "| | old | new | new / old |",
        "|---|---:|---:|---:|",
        f"| CPU, median | {med['old']:.3f} s | {med['new']:.3f} s | **{med['new'] / med['old']:.2f}** |",
        f"| CPU, best | {min(cpu['old']):.3f} s | {min(cpu['new']):.3f} s | "
        f"{min(cpu['new']) / min(cpu['old']):.2f} |",
        f"| wall, median | {medw['old']:.3f} s | {medw['new']:.3f} s | {medw['new'] / medw['old']:.2f} |",
        "",
        "CPU per round (s), old / new: " + ", ".join(f"{o:.3f} / {n:.3f}" for o, n in zip(cpu["old"], cpu["new"])),
        "",
        "new / old per round: " + ", ".join(f"{p:.2f}" for p in pairs),
        "",
    ]
    write_result(args.out, "\n".join(lines), {"old": args.old, "cpu": cpu, "wall": wall, "median_cpu": med,
                                               "ratio_cpu": med["new"] / med["old"], "load": [load0, load1],
                                               "cells": cells, "bytes": size})
    return 0


if __name__ == "__main__":
    sys.exit(main())
