"""The prepare phase (open, safety scan, detect, read, validate), old code against new, same files.

    .venv/bin/python bench/prepare_ab.py --data bench/data/city_44_25000 --old c26bc9b \
        --threads 1 2 --rounds 1 --out bench/results/X.md

* Each round prepares every .xlsx under ``--data`` (``ingest.prepare``, the function the flow's
  ``baca-validasi`` task runs) once with the old code and once with the new, each in a fresh
  process, on 1 and on 2 threads. Old = ``git archive <commit> lkip schemas`` put first on
  PYTHONPATH; new = this worktree. The child measures the wall time and its own CPU
  (process_time: user+sys of every thread of the process, incl. the scan's inflate threads),
  after the imports.
* Equality: each child writes a digest per file of what a prepared file holds (kind, meta, every
  issue, every staging frame column by column with its dtype, the raw-layer parts); the old and new
  digests must be the same, file by file (the script says which file differs and fails).

CPU seconds are the figures to read on a shared machine. ``--processes``: the drop is read as the
flow reads a big one (lkip.read_pool: spawned worker processes, each Prepared pickled back, received
through ``drop.prepare_drop``); CPU is then the child's own plus that of every process under it
(the workers, a fork server: their imports included; psutil, read before the pool closes), wall
from starting the pool to the last file received, and the equality check compares what the
parent received.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import pickle
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _h(obj: Any) -> str:
    return hashlib.sha256(pickle.dumps(obj, protocol=4)).hexdigest()[:16]


def _frame_digest(df: Any) -> dict[str, Any]:
    cols = {}
    for c in df.columns:
        s = df[c]
        cols[str(c)] = [str(s.dtype), _h([None if v != v else v for v in s.tolist()]  # NaN != NaN
                                        if s.dtype.kind == "f" else s.tolist())]
    return {"n": len(df), "index": _h(df.index.tolist()), "columns": cols}


def _raw_digest(part: Any) -> str:
    import pyarrow as pa

    if isinstance(part, pa.Table):
        return _h(part.to_pylist())
    cells = part.cells.take(pa.array(part.positions))
    return _h([part.sheet, part.tabel, part.origin, part.lead, cells.to_pylist()])


def digest(p: Any) -> dict[str, Any]:
    meta = p.meta.__dict__ if hasattr(p.meta, "__dict__") else p.meta
    return {
        "kind": p.kind, "meta": repr(sorted((k, repr(v)) for k, v in meta.items())),
        "issues": [repr(sorted((k, repr(v)) for k, v in i.__dict__.items())) for i in p.issues],
        "tables": {k: _frame_digest(v) for k, v in sorted(p.tables.items())},
        "raw": [_raw_digest(r) for r in (p.raw or [])],
        "headers": repr(p.headers),
    }


def child(data: str, threads: int, out: str, compare: bool = True, processes: bool = False) -> int:
    """Prepare every file under `data` on `threads` threads (or spawned processes: the flow's
    read pool) with whatever lkip is first on the path; print the timings as JSON, write the
    digests to `out`."""
    from concurrent.futures import ThreadPoolExecutor

    import lkip
    from lkip import ingest, sources  # noqa: F401
    from lkip.config import load_config
    from lkip.extract import detect  # noqa: F401

    root = Path(data)
    files = sorted(root.rglob("*.xlsx"))
    cfg = load_config(workspace=tempfile.mkdtemp(prefix="prep_ab_"), input_dir=root)
    t, cpu = time.perf_counter(), time.process_time()
    workers_cpu = 0.0
    if processes:
        results, workers_cpu = _on_processes(cfg, [str(f) for f in files], threads)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            results = list(pool.map(lambda f: ingest.prepare(f, cfg, rel_to=root), files))
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    cpu += workers_cpu
    kinds: dict[str, dict[str, float]] = {}
    for r in results:
        k = kinds.setdefault(str(r.kind), {"files": 0, "seconds": 0.0, "rows": 0})
        k["files"] += 1
        k["seconds"] += r.seconds
        k["rows"] += r.n_rows
    if compare:
        Path(out).write_text(json.dumps({r.rel_path: digest(r) for r in results}, sort_keys=True))
    print(json.dumps({"wall": wall, "cpu": cpu, "workers_cpu": workers_cpu, "files": len(files), "threads": threads,
                      "lkip": str(Path(lkip.__file__).parent), "kinds": kinds,
                      "rejected": sum(r.has_errors for r in results)}))
    return 0


def _descendants_cpu() -> float:
    """CPU seconds (user + system) of every live process under this one: the pool's workers, and
    the fork server that forked them when there is one (its imports)."""
    import psutil

    total = 0.0
    for proc in psutil.Process().children(recursive=True):
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def _on_processes(cfg: Any, paths: list[str], workers: int) -> tuple[list[Any], float]:
    """The flow's prepare phase (flows.pipeline.prepare_all without Prefect): the drop read on
    `workers` worker processes, each Prepared sent back pickled; in the order of `paths`, and the
    CPU seconds of the processes under this one (read once every file is back, before the pool
    closes: the workers are then idle, and a fork server's workers are not this process's
    children, whose usage the kernel would report at their exit)."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    from lkip import drop, read_pool

    before = _descendants_cpu()    # e.g. a resource tracker already running

    cfg.data.setdefault("runner", {})["read_processes_mb"] = 0
    submit_on = getattr(read_pool, "submitter", None)      # the new code's way, when it has one
    with read_pool.read_pool(cfg, paths, workers) as pool:
        assert isinstance(pool, ProcessPoolExecutor)
        submit = submit_on(pool, cfg) if submit_on else (
            lambda p, rel: pool.submit(read_pool.prepare_portable, p, cfg, rel))
        prepared, records = drop.prepare_drop(
            cfg, paths, submit=submit, wait_any=lambda fs: next(iter(wait(fs, return_when=FIRST_COMPLETED).done)))
        workers_cpu = _descendants_cpu() - before
    if records:
        raise SystemExit(f"files not prepared: {records}")
    by_path = {str(p.path): p for p in prepared}
    return [by_path[p] for p in paths], workers_cpu


def old_code(commit: str, dest: Path) -> Path:
    """`git archive <commit> lkip schemas` unpacked under dest (put first on PYTHONPATH)."""
    tar = dest / "old.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(tar), commit, "lkip", "schemas"], check=True)
    code = dest / "code"
    code.mkdir()
    with tarfile.open(tar) as tf:
        tf.extractall(code, filter="data")
    return code


def run_child(data: Path, threads: int, code: Path | None, out: Path, compare: bool = True,
              processes: bool = False) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(code) if code is not None else str(ROOT)
    proc = subprocess.run([sys.executable, __file__, "--child", str(data), str(threads), str(out)]
                          + ([] if compare else ["--no-compare"]) + (["--processes"] if processes else []),
                          env=env, capture_output=True, text=True, cwd=str(code or ROOT))
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-4000:])
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    expect = str(code / "lkip") if code is not None else str(ROOT / "lkip")
    if res["lkip"] != expect:
        raise SystemExit(f"child imported {res['lkip']}, not {expect}")
    return res


def compare(a: Path, b: Path) -> list[str]:
    old, new = json.loads(a.read_text()), json.loads(b.read_text())
    diffs = [f"{f}: only in one run" for f in sorted(set(old) ^ set(new))]
    for f in sorted(set(old) & set(new)):
        for key in old[f]:
            if old[f][key] != new[f].get(key):
                diffs.append(f"{f}: {key} differs")
    return diffs


def markdown(res: dict[str, Any]) -> str:
    import statistics

    lines = [f"# Prepare A/B ({res['date']})", "",
             f"Files: `{res['data']}` ({res['files']} .xlsx). Old = `{res['old']}` (`git archive`, first "
             f"on PYTHONPATH), new = `{res['new']}`. {res['rounds']} round(s), old and new alternating. "
             "CPU = process_time of the child (all its threads) after the imports; load = the machine's "
             "1-minute load average when the child started (2 cores).", "",
             ("Read on **spawned processes** as the flow reads a big drop (`--processes`, lkip.read_pool; "
              "'threads' = worker processes): CPU = the child's own (receiving and unpickling each "
              "Prepared) + its workers' (their imports, reading, pickling), wall = from starting the "
              "pool to the last file received." if res.get("processes") else
              "Read on threads in one process (`ingest.prepare`)."), "",
             "Median and lowest of the rounds, per side (the lowest CPU and the lowest wall may come from "
             "different rounds):", "",
             "| threads | old CPU s (median / min) | new CPU s | new/old CPU (medians) | old wall s | new wall s "
             "| new/old wall (medians) |", "|---:|---:|---:|---:|---:|---:|---:|"]
    runs = res.get("runs", [])
    for n in sorted({r["threads"] for r in runs}):
        got = {}
        for side in ("old", "new"):
            rs = [r for r in runs if r["threads"] == n and r["side"] == side]
            got[side] = {k: (statistics.median(r[k] for r in rs), min(r[k] for r in rs)) for k in ("cpu", "wall")}
        o, w = got["old"], got["new"]
        lines.append(f"| {n} | {o['cpu'][0]:.2f} / {o['cpu'][1]:.2f} | {w['cpu'][0]:.2f} / {w['cpu'][1]:.2f} "
                     f"| {w['cpu'][0] / o['cpu'][0]:.2f} | {o['wall'][0]:.2f} / {o['wall'][1]:.2f} "
                     f"| {w['wall'][0]:.2f} / {w['wall'][1]:.2f} | {w['wall'][0] / o['wall'][0]:.2f} |")
    lines += ["", "Every child:", "", "| # | side | threads | CPU s | wall s | load |", "|---:|---|---:|---:|---:|---:|"]
    lines += [f"| {i + 1} | {r['side']} | {r['threads']} | {r['cpu']:.2f} | {r['wall']:.2f} | {r['load']:.1f} |"
              for i, r in enumerate(runs)]
    lines += ["", "Per kind (new, last child, 'seconds' = sum of Prepared.seconds):", "",
              "| kind | files | rows | seconds |", "|---|---:|---:|---:|"]
    for k, v in sorted(res["kinds"].items()):
        lines.append(f"| {k} | {v['files']} | {v['rows']} | {v['seconds']:.2f} |")
    lines += ["", f"Prepared files identical (kind, meta, issues, staging frames, raw parts, headers): "
              + ("not compared (--no-compare)" if res.get("no_compare") else f"**{'yes' if not res['diffs'] else 'NO'}**")]
    lines += [f"- {d}" for d in res["diffs"][:40]]
    if res.get("note"):
        lines += ["", res["note"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", nargs=3, metavar=("DATA", "THREADS", "OUT"))
    ap.add_argument("--data", type=Path)
    ap.add_argument("--old", default="HEAD")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--new-only", action="store_true", help="run the new code only (no A/B, no equality)")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--note", default="")
    ap.add_argument("--processes", action="store_true",
                    help="read on spawned processes as the flow does for a big drop (lkip.read_pool): "
                         "CPU includes the workers' (their imports too), wall includes starting them")
    ap.add_argument("--no-compare", action="store_true",
                    help="timings only: the prepared files are not compared (quick rounds)")
    a = ap.parse_args(argv)
    if a.child:
        return child(a.child[0], int(a.child[1]), a.child[2], compare=not a.no_compare, processes=a.processes)
    data = a.data.resolve()
    tmp = Path(tempfile.mkdtemp(prefix="prepare_ab_"))
    code = None if a.new_only else old_code(a.old, tmp)
    by: dict[int, dict[str, Any]] = {}
    kinds: dict[str, Any] = {}
    diffs: list[str] = []
    runs: list[dict[str, Any]] = []
    for _ in range(a.rounds):
        for n in a.threads:
            for side, c in (("old", code), ("new", None)):
                if side == "old" and code is None:
                    continue
                load = os.getloadavg()[0]
                r = run_child(data, n, c, tmp / f"{side}-{n}.json", compare=not a.no_compare,
                              processes=a.processes)
                r.pop("lkip", None)     # checked by run_child; no machine paths in the results
                runs.append({"side": side, "threads": n, "cpu": r["cpu"], "wall": r["wall"], "load": load})
                print(side, n, f"cpu {r['cpu']:.2f} wall {r['wall']:.2f} load {load:.1f}", file=sys.stderr)
                best = by.setdefault(n, {}).get(side)
                if best is None or r["cpu"] < best["cpu"]:
                    by[n][side] = r
                if side == "new":
                    kinds = r["kinds"]
            if code is not None and not a.no_compare:
                diffs += [f"{n} threads: {d}" for d in compare(tmp / f"old-{n}.json", tmp / f"new-{n}.json")]
    new_rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "lkip", "schemas"],
                           capture_output=True, text=True).stdout.strip()
    res = {"date": dt.date.today().isoformat(), "data": data.name, "files": next(iter(next(iter(by.values())).values()))["files"],
           "old": a.old, "new": new_rev + (" + uncommitted changes" if dirty else ""), "rounds": a.rounds,
           "by_threads": by, "runs": runs, "kinds": kinds, "diffs": sorted(set(diffs)), "note": a.note,
           "no_compare": a.no_compare, "processes": a.processes}
    if a.new_only:
        print(json.dumps({n: r["new"] for n, r in by.items()}, indent=1))
        return 0
    md = markdown(res)
    print(md)
    if a.out:
        a.out.write_text(md)
        a.out.with_suffix(".json").write_text(json.dumps(res, indent=1, default=str))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
