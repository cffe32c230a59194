"""The model build of one SKPD's re-drop into the city warehouse: old vs new SQL / partitioning.

    .venv/bin/python bench/model_redrop_ab.py --warehouse WS/output/lkip.duckdb --old 2e3d2ff \
        --rounds 6 --out bench/results/2026-12-08-model-redrop.md

WS: a workspace after a full `lkip run` of the 44-SKPD city (bench/city_run.py). The old code
(`lkip/` and `sql/` of git ref --old) is extracted to a temporary folder; the new one is this
tree. For each of the two, once (not timed): a copy of the warehouse has its model built by that
code (the state the re-drop starts from), then the re-drop is staged into it as `lkip run` does
(bench/generate.py `write_redrop`: SKPD 3's register, its last 25 SP2D withdrawn; the same file
for both). Then, alternating which goes first, each round copies each prepared warehouse and
runs `model.build` once in a fresh child process (imports not timed; --full: with full=True,
every table rebuilt whole): wall and CPU seconds
(process_time: DuckDB's threads included), and each model file's own time. The figures that
matter are the ratios new/old of the same round (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import io
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _child_prepare(tree: Path, warehouse: Path, redrop: Path) -> dict:
    sys.path.insert(0, str(tree))
    from lkip import drop, model, stage
    from lkip.config import load_config

    ws = redrop.parent
    cfg = load_config(workspace=ws)
    con = stage.connect(cfg, path=warehouse)
    model.build(con, cfg)          # the model as this code builds it: where the re-drop starts
    run_id = "bench-redrop"
    stage.start_run(con, run_id)
    prepared, bad = drop.prepare_drop(cfg, [str(redrop)])
    assert not bad, bad
    out = drop.stage_drop(cfg, con, prepared, run_id, move=False).outcomes
    stage.finish_run(con, run_id, "completed", {"n_files": len(out)})
    con.execute("CHECKPOINT")
    con.close()
    return {"outcomes": [str(o) for o in out]}


def _child_time(tree: Path, warehouse: Path, ws: Path, full: bool = False) -> dict:
    sys.path.insert(0, str(tree))
    from lkip import model, model_partitions, sources, stage  # noqa: F401 (imported as in `lkip watch`)
    from lkip.config import load_config

    cfg = load_config(workspace=ws)
    con = stage.connect(cfg, path=warehouse)
    con.execute("SELECT count(*) FROM information_schema.tables").fetchall()   # the catalog loaded
    files: dict[str, list[float]] = {}
    run = model._run

    def timed_run(con, sql_files):
        for f in sql_files:
            w, c = time.perf_counter(), time.process_time()
            run(con, [f])
            files[f.label] = [time.perf_counter() - w, time.process_time() - c]
        return [f.path for f in sql_files]

    model._run = timed_run
    w, c = time.perf_counter(), time.process_time()
    model.build(con, cfg, full=full)
    wall, cpu = time.perf_counter() - w, time.process_time() - c
    con.close()
    return {"wall": wall, "cpu": cpu, "files": files, "how": model_partitions.last_build()}


def _child(args: list[str]) -> int:
    kind, tree, warehouse, extra = args
    if kind == "prepare":
        out = _child_prepare(Path(tree), Path(warehouse), Path(extra))
    else:
        out = _child_time(Path(tree), Path(warehouse), Path(extra), full=kind == "full")
    print(json.dumps(out))
    return 0


def _call(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *args], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _extract(ref: str, dest: Path) -> None:
    data = subprocess.run(["git", "archive", ref, "lkip", "sql"], cwd=ROOT, check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        t.extractall(dest, filter="data")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return _child(argv[1:])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--warehouse", type=Path, required=True)
    ap.add_argument("--old", default="2e3d2ff", help="git ref of the old code")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--full", action="store_true",
                    help="time the full build (model.build(full=True)) of the re-drop instead")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    res: dict = {"old": a.old, "rounds": []}
    with tempfile.TemporaryDirectory(prefix="model-redrop-") as tmp:
        t = Path(tmp)
        trees = {"old": t / "old", "new": ROOT}
        _extract(a.old, trees["old"])
        ws = t / "ws"
        (ws / "input").mkdir(parents=True)
        redrop = generate.write_redrop(ws / "input", 3, 25_000, 100)
        redrop = redrop.rename(ws / redrop.name)   # load_config(workspace=ws) + an explicit path
        old_t = time.time() - 3600
        os.utime(redrop, (old_t, old_t))
        pre = {}
        for name, tree in trees.items():
            pre[name] = t / f"pre_{name}.duckdb"
            shutil.copyfile(a.warehouse, pre[name])
            _call("prepare", str(tree), str(pre[name]), str(redrop))
        for r in range(a.rounds):
            order = ["old", "new"] if r % 2 == 0 else ["new", "old"]
            got = {}
            for name in order:
                work = t / "work.duckdb"
                shutil.copyfile(pre[name], work)
                got[name] = _call("full" if a.full else "time", str(trees[name]), str(work), str(ws))
                work.unlink()
            res["rounds"].append(got)
            print(f"round {r + 1}: old {got['old']['wall']:.3f}/{got['old']['cpu']:.3f} "
                  f"new {got['new']['wall']:.3f}/{got['new']['cpu']:.3f} (wall/CPU s) "
                  f"{got['new']['how']} {got['old']['how']}", file=sys.stderr)
    rounds = res["rounds"]
    med = {f"{name}_{k}": statistics.median(g[name][k] for g in rounds) for name in ("old", "new") for k in ("wall", "cpu")}
    ratio = {k: statistics.median(g["new"][k] / g["old"][k] for g in rounds) for k in ("wall", "cpu")}
    res["median"], res["ratio"] = med, ratio
    labels = sorted({lab for g in rounds for n in ("old", "new") for lab in g[n]["files"]})

    def per(name: str, lab: str, i: int) -> float | None:
        vals = [g[name]["files"][lab][i] for g in rounds if lab in g[name]["files"]]
        return statistics.median(vals) if vals else None

    table = sorted(((lab, per("old", lab, 1), per("new", lab, 1), per("old", lab, 0), per("new", lab, 0))
                    for lab in labels), key=lambda r: -(r[1] or 0))
    res["files"] = {lab: {"old_cpu": o, "new_cpu": n, "old_wall": ow, "new_wall": nw} for lab, o, n, ow, nw in table}

    def f(x: float | None) -> str:
        return "–" if x is None else f"{x:.3f}"

    lines = [f"| {lab} | {f(o)} | {f(n)} | {f(ow)} | {f(nw)} |" for lab, o, n, ow, nw in table[:a.top]]
    rest = table[a.top:]
    lines.append(f"| the other {len(rest)} | {f(sum(r[1] or 0 for r in rest))} | {f(sum(r[2] or 0 for r in rest))} "
                 f"| {f(sum(r[3] or 0 for r in rest))} | {f(sum(r[4] or 0 for r in rest))} |")
    load = os.getloadavg()
    what = "Full model build (`full=True`) after" if a.full else "Model build of"
    text = (f"# {what} one SKPD's re-drop into the 44-SKPD city warehouse, "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n\n"
            f"Command: `python bench/model_redrop_ab.py {' '.join(str(x) for x in argv)}`\n\n"
            f"Old: git {a.old}; new: this tree. {a.rounds} rounds, alternating which runs first; "
            f"each a fresh process on a fresh copy of the prepared warehouse. Load average at the end "
            f"{load[0]:.1f} on 2 cores (shared machine): the ratios are the point.\n\n"
            f"| | old | new | new/old (median of the rounds' ratios) |\n|---|---:|---:|---:|\n"
            f"| wall s (median) | {med['old_wall']:.3f} | {med['new_wall']:.3f} | {ratio['wall']:.2f} |\n"
            f"| CPU s (median) | {med['old_cpu']:.3f} | {med['new_cpu']:.3f} | {ratio['cpu']:.2f} |\n\n"
            f"How core.sp2d was built: old {rounds[0]['old']['how']}, new {rounds[0]['new']['how']}.\n\n"
            f"Per file (median over the rounds), seconds:\n\n"
            f"| file | old CPU | new CPU | old wall | new wall |\n|---|---:|---:|---:|---:|\n"
            + "\n".join(lines) + "\n")
    text = text.replace(str(a.warehouse), "<ws>/output/lkip.duckdb").replace(tempfile.gettempdir(), "<tmp>")
    print(text)
    if a.out:
        a.out.write_text(text)
    if a.json:
        a.json.write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
