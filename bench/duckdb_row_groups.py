"""Staging-shaped DuckDB writes with the warehouse's row groups (`[warehouse] row_group_rows`,
16 384) against DuckDB's default (122 880): one transaction per "file" (a register of `--rows`
rows and its raw.baris rows, as JSON text), then the connection closed (its checkpoint).

    .venv/bin/python bench/duckdb_row_groups.py --files 44 --rows 25000 --rounds 3

Each variant runs in the same process, alternating, on a fresh warehouse opened by
`lkip.stage.connect` (so through the same ATTACH the pipeline uses); reported: insert, commit and
close seconds, CPU seconds, file size, and the ratio new / old of the total in the same round.
A smaller row group lets DuckDB write an append of one row group or more straight to the file,
compressed, so its commit only logs where it went (bench/results/2026-12-07-duckdb-row-groups.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lkip import stage  # noqa: E402
from lkip.config import load_config  # noqa: E402


def tables(n: int) -> tuple[pa.Table, pa.Table]:
    reg = pa.table({
        "kode_kegiatan": [f"4.01.01.2.{i % 99:02d}" for i in range(n)],
        "nomor_sp2d": [f"SP2D-{i:06d}" for i in range(n)],
        "nilai": pa.array([i * 1000.5 for i in range(n)]).cast(pa.decimal128(18, 2)),
        "tanggal": pa.array(np.full(n, np.datetime64("2020-03-01"))).cast(pa.date32()),
        "uraian": [f"Belanja barang dan jasa kegiatan {i % 300}" for i in range(n)],
        "urutan": list(range(n)),
    })
    raw = pa.table({
        "sheet": ["Register SP2D"] * n, "excel_row": list(range(n)),
        "nilai": [json.dumps(["4.01.01", f"SP2D-{i:06d}", "1.000.000,00", "01/03/2020", f"Belanja {i}"])
                  for i in range(n)],
    })
    return reg, raw


def one(rows_per_group: int, files: int, reg: pa.Table, raw: pa.Table) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="lkip-rg-"))
    (work / "lkip.toml").write_text(f"[warehouse]\nrow_group_rows = {rows_per_group}\n")
    cfg = load_config(workspace=work)
    con = stage.connect(cfg)
    con.execute("CREATE TABLE staging.bench_register (kode_kegiatan VARCHAR, nomor_sp2d VARCHAR, "
                "nilai DECIMAL(18,2), tanggal DATE, uraian VARCHAR, urutan INTEGER)")
    con.execute("CREATE TABLE raw.bench_baris (sheet VARCHAR, excel_row INTEGER, nilai VARCHAR)")
    t_ins = t_com = 0.0
    cpu = time.process_time()
    for _ in range(files):
        t = time.perf_counter()
        con.execute("BEGIN TRANSACTION")
        con.register("_r", reg)
        con.execute("INSERT INTO staging.bench_register SELECT * FROM _r")
        con.register("_w", raw)
        con.execute("INSERT INTO raw.bench_baris SELECT * FROM _w")
        t2 = time.perf_counter()
        con.execute("COMMIT")
        t_ins += t2 - t
        t_com += time.perf_counter() - t2
    t = time.perf_counter()
    con.close()
    t_close = time.perf_counter() - t
    return {"insert": t_ins, "commit": t_com, "close": t_close, "total": t_ins + t_com + t_close,
            "cpu": time.process_time() - cpu, "mb": os.path.getsize(cfg.warehouse) / 1e6}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=44)
    ap.add_argument("--rows", type=int, default=25000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--new", type=int, default=stage.ROW_GROUP_ROWS)
    ap.add_argument("--out")
    a = ap.parse_args()
    reg, raw = tables(a.rows)
    lines = [f"# Warehouse row groups: {a.new} rows (new) against DuckDB's default (old)", "",
             f"`bench/duckdb_row_groups.py --files {a.files} --rows {a.rows} --rounds {a.rounds}`: "
             f"{a.files} transactions of {a.rows} register rows + as many raw rows, then close.", "",
             "| round | variant | insert s | commit s | close s | total s | CPU s | file MB |", "|---|---|---|---|---|---|---|---|"]
    ratios = []
    for r in range(1, a.rounds + 1):
        got = {}
        for name, rows in (("old", 0), ("new", a.new)):
            got[name] = m = one(rows, a.files, reg, raw)
            lines.append(f"| {r} | {name} | {m['insert']:.2f} | {m['commit']:.2f} | {m['close']:.2f} | "
                         f"{m['total']:.2f} | {m['cpu']:.2f} | {m['mb']:.0f} |")
        ratios.append((got["new"]["total"] / got["old"]["total"], got["new"]["cpu"] / got["old"]["cpu"]))
    lines += ["", "new / old per round (wall, CPU): " + ", ".join(f"{w:.2f} / {c:.2f}" for w, c in ratios)]
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        Path(a.out).write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
