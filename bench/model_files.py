"""Which model SQL files cost what on a city warehouse: each file of `model.build_order`, timed.

    .venv/bin/python bench/model_files.py --warehouse WS/output/lkip.duckdb --rounds 3 \
        --out bench/results/2026-12-07-redrop-model-files.md

On a copy of the warehouse, in one transaction per round as model.build runs them: the parameter
tables, every `sql/core` file (with the generated `core.stg_*` views), every `sql/laporan` file,
the commit. Each file's statement is run as it is (for `core.sp2d`: the full build); then, to
show the re-drop's path, `core.sp2d` is built by lkip.model_partitions after one SKPD's register
rows changed (its fingerprint, delete and insert). CPU seconds (process_time: DuckDB's threads
included) and wall, the minimum over the rounds.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from lkip import model, model_partitions  # noqa: E402


def _timed(fn) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--warehouse", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)
    base = model.sql_dir()
    core = model.build_order(base / "core", model.PARAMETER_TABLES)
    laporan = model.build_order(base / "laporan", model.PARAMETER_TABLES.union(*(f.defines for f in core)))
    times: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "w.duckdb"
        shutil.copyfile(a.warehouse, path)
        con = duckdb.connect(str(path))
        model.build(con)  # the state a re-drop starts from
        for _ in range(a.rounds):
            con.execute("BEGIN")
            times.setdefault("(parameter tables)", []).append(_timed(lambda: model._load_parameters(con, None)))
            for f in core + laporan:
                times.setdefault(f.label, []).append(_timed(lambda: con.execute(f.text())))
            times.setdefault("(commit)", []).append(_timed(lambda: con.execute("COMMIT")))
        kode = con.execute("SELECT min(kode_skpd) FROM staging.register_sp2d").fetchone()[0]
        sp2d = next(f for f in core if f.defines == ("core.sp2d",))
        version = model_partitions.code_version(f"{f.label}\0{f.text()}" for f in core)
        for i in range(a.rounds):
            model.build(con)
            # a row staged again by another run (staged rows are never updated in place)
            con.execute("UPDATE staging.register_sp2d SET run_id = coalesce(run_id, '') || '+', nilai = nilai + 1 "
                        "WHERE kode_skpd = ? AND urutan = ?", [kode, i + 1])
            con.execute("BEGIN")
            times.setdefault("core/sp2d.sql, one SKPD changed (model_partitions)", []).append(
                _timed(lambda: model_partitions.build(con, "core.sp2d", sp2d.text(), version)))
            assert model_partitions.last_build()["core.sp2d"] == "partial"
            con.execute("ROLLBACK")
        con.close()
    best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in times.items()}
    total_w = sum(w for k, (w, _) in best.items() if "one SKPD" not in k)
    total_c = sum(c for k, (_, c) in best.items() if "one SKPD" not in k)
    rows = sorted(best.items(), key=lambda kv: -kv[1][1])
    lines = [f"| {k} | {w:.3f} | {c:.3f} |" for k, (w, c) in rows[:a.top]]
    rest = rows[a.top:]
    lines.append(f"| the other {len(rest)} | {sum(w for _, (w, _) in rest):.3f} | {sum(c for _, (_, c) in rest):.3f} |")
    text = (f"# Model SQL files on the city warehouse, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n\n"
            f"Command: `python bench/model_files.py {' '.join(argv if argv is not None else sys.argv[1:])}`\n\n"
            f"Minimum of {a.rounds} rounds, seconds. Full build (every file as it is, one transaction): "
            f"wall {total_w:.2f}, CPU {total_c:.2f}.\n\n| file | wall | CPU |\n|---|---:|---:|\n" + "\n".join(lines) + "\n")
    print(text)
    if a.out:
        a.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
