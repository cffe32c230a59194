"""Stage + archive of a whole drop, old code against new: same prepared files, fresh warehouse each time.

    .venv/bin/python bench/stage_ab.py --drop bench/data/city_44_25000 --old c26bc9b \
        --rounds 2 --out bench/results/X.md

* The drop is copied once into a template workspace's input/ and prepared once (`ingest.prepare`
  on 2 processes, in the workspace where it is staged, so each Prepared's path is right); the
  prepared files are pickled. Prepare is not measured here (another part of issue 13).
* Each round, for the old code and the new, each in a fresh process: the template workspace is
  copied (modification times kept: `archive` checks them) to the same path, the pickled files
  are loaded, and `lkip.drop.stage_drop(move=True)` stages and archives all of them into a new
  warehouse, then the connection is closed (its checkpoint). Old = `git archive <commit> lkip flows
  sql schemas` put first on PYTHONPATH; new = this worktree. `--flow`: the phase inside a flow run
  on a temporary Prefect server, as `lkip run` runs it (the old code's task runs `muat` and
  `arsipkan` per file, the new one `muat-dan-arsipkan`), with that server's CPU during the phase.
* `--stage-workers A B`: instead of old against new code, this code staging with
  `stage_drop(workers=A)` ("old" in the tables) against `workers=B` ("new"): serial staging
  against SKPD side by side (lkip.stage_parallel).
* The child reports wall and CPU seconds of stage, archive and close, and what it staged (rows per
  table, outcomes, files with an archived path, files in processed/): old and new must agree.

Wall times on a shared 2-core machine move with the load; read the ratio of old to new in the
same round.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _prepare_one(args: tuple[str, str]) -> Any:
    from lkip import ingest
    from lkip.config import load_config

    path, ws = args
    return ingest.prepare(Path(path), load_config(ws))


def prepare(drop: Path, work: Path) -> None:
    """work/ws/input <- drop; prepared files pickled in work/prepared.pkl; work/template <- ws."""
    from concurrent.futures import ProcessPoolExecutor

    from lkip import ingest

    ws = work / "ws"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(drop, ws / "input", copy_function=shutil.copy2)
    paths = sorted(str(p) for p in (ws / "input").rglob("*.xlsx"))
    with ProcessPoolExecutor(2) as pool:
        prepared = list(pool.map(_prepare_one, [(p, str(ws)) for p in paths]))
    prepared = ingest.sort_for_staging(prepared)
    with open(work / "prepared.pkl", "wb") as fh:
        pickle.dump(prepared, fh, protocol=pickle.HIGHEST_PROTOCOL)
    shutil.copytree(ws, work / "template", copy_function=shutil.copy2)


def _server_cpu() -> float:
    """CPU seconds of this process's children (the temporary Prefect server)."""
    import psutil

    total = 0.0
    for p in psutil.Process().children(recursive=True):
        try:
            ct = p.cpu_times()
            total += ct.user + ct.system
        except psutil.Error:
            pass
    return total


def _in_flow(cfg: Any, con: Any, prepared: list[Any], run_id: str) -> Any:
    """stage+archive as the flow runs it, in a flow run on a temporary Prefect server: the old
    code's two task runs per file (`muat`, `arsipkan`), or the new one task run for the phase."""
    from prefect import flow, get_run_logger

    from flows import pipeline
    from flows.task_args import opaque_args
    from lkip import drop

    @flow(name="bench-stage", persist_result=False)
    def bench_stage():
        if hasattr(pipeline, "stage_and_archive"):
            return opaque_args(pipeline.stage_and_archive)(prepared, run_id, cfg, con, True)
        return drop.stage_drop(cfg, con, prepared, run_id, move=True, stage=opaque_args(pipeline.stage_file),
                               archive=opaque_args(pipeline.archive_file), logger=get_run_logger())

    return bench_stage()


def child(work: str, in_flow: bool = False) -> int:
    """Stage and archive the pickled drop with whatever `lkip` is first on the path; print JSON."""
    from lkip import drop, stage
    from lkip.config import load_config

    ws = Path(work) / "ws"
    cfg = load_config(ws)
    server = {}
    if in_flow:
        from lkip import prefect_env

        prefect_env.configure(ws)
        prefect_env.start_temporary_server()
        prefect_env.wait_server_ready()
        server["settings"] = prefect_env.run_settings()
        server["settings"].__enter__()
        import flows.pipeline  # noqa: F401  (imported before the clock)
    with open(Path(work) / "prepared.pkl", "rb") as fh:
        prepared = pickle.load(fh)
    run_id = "bench-" + dt.datetime.now().strftime("%H%M%S")
    con = stage.connect(cfg)
    stage.start_run(con, run_id)
    server_cpu = _server_cpu()
    t, cpu = time.perf_counter(), time.process_time()
    if in_flow:
        staged = _in_flow(cfg, con, prepared, run_id)
    else:
        import inspect

        workers = int(os.environ.get("LKIP_BENCH_STAGE_WORKERS", "1"))
        extra = {"workers": workers} if "workers" in inspect.signature(drop.stage_drop).parameters else {}
        staged = drop.stage_drop(cfg, con, prepared, run_id, move=True, **extra)
    wall_sa, cpu_sa = time.perf_counter() - t, time.process_time() - cpu
    server_cpu = _server_cpu() - server_cpu
    t, cpu = time.perf_counter(), time.process_time()
    con.close()
    wall_close, cpu_close = time.perf_counter() - t, time.process_time() - cpu
    con = stage.connect(cfg, read_only=True)
    tables = [r[0] for r in con.execute(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables "
        "WHERE table_schema IN ('staging', 'raw', 'meta') AND table_name <> 'runs' ORDER BY 1").fetchall()]
    counts = {t_: con.execute(f"SELECT count(*) FROM {t_}").fetchone()[0] for t_ in tables}
    archived = con.execute("SELECT count(*) FROM meta.files WHERE archived_path IS NOT NULL").fetchone()[0]
    paths = [r[0] for r in con.execute("SELECT archived_path FROM meta.files WHERE archived_path IS NOT NULL").fetchall()]
    con.close()
    outcomes: dict[str, int] = {}
    for r in staged.records:
        outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
    print(json.dumps({
        "stage_archive_wall": wall_sa, "stage_archive_cpu": cpu_sa,
        "stage_wall": staged.durations.get("stage"), "archive_wall": staged.durations.get("archive"),
        "close_wall": wall_close, "close_cpu": cpu_close, "server_cpu": server_cpu,
        "counts": counts, "outcomes": outcomes, "archived_path_rows": archived,
        "archived_paths_exist": sum(os.path.isfile(p) for p in paths),
        "processed_files": sum(1 for p in Path(cfg.processed_dir).rglob("*.xlsx")),
    }))
    return 0


def old_code(commit: str, dest: Path) -> Path:
    """`git archive <commit> lkip flows` unpacked under dest (the old package, first on PYTHONPATH)."""
    dest.mkdir(parents=True, exist_ok=True)
    tar = dest / "old.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(tar), commit, "lkip", "flows", "sql", "schemas"], check=True)
    with tarfile.open(tar) as tf:
        tf.extractall(dest)
    return dest


def run_variant(work: Path, code: Path, in_flow: bool = False, workers: int | None = None) -> dict[str, Any]:
    ws, template = work / "ws", work / "template"
    shutil.rmtree(ws, ignore_errors=True)
    shutil.copytree(template, ws, copy_function=shutil.copy2, symlinks=True)
    env = dict(os.environ, PYTHONPATH=str(code))
    if workers is not None:
        env["LKIP_BENCH_STAGE_WORKERS"] = str(workers)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(work)] + (["--flow"] if in_flow else []),
                          env=env, capture_output=True, text=True, cwd=str(code))
    if proc.returncode != 0:
        raise SystemExit(f"child failed ({code}):\n{proc.stderr[-4000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_wall"] = time.perf_counter() - t
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child")
    ap.add_argument("--drop", default=str(ROOT / "bench" / "data" / "city_44_25000"))
    ap.add_argument("--old", default="c26bc9b")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--work", default=None, help="reuse a prepared work folder (default: a new temporary one)")
    ap.add_argument("--out")
    ap.add_argument("--stage-workers", type=int, nargs=2, metavar=("A", "B"),
                    help="this code with stage_drop(workers=A) as 'old' against workers=B as 'new'")
    ap.add_argument("--flow", action="store_true",
                    help="stage inside a Prefect flow run on a temporary server, as `lkip run` does (task runs)")
    args = ap.parse_args()
    if args.child:
        return child(args.child, args.flow)
    sys.path.insert(0, str(ROOT))
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="stage-ab-"))
    if not (work / "prepared.pkl").is_file():
        t = time.perf_counter()
        prepare(Path(args.drop), work)
        print(f"prepared in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    if args.stage_workers:
        sides = [("old", ROOT, args.stage_workers[0]), ("new", ROOT, args.stage_workers[1])]
        args.old = f"workers={args.stage_workers[0]}"
    else:
        sides = [("old", old_code(args.old, work / "old"), None), ("new", ROOT, None)]
    rounds = []
    for i in range(args.rounds):
        pair = {}
        for name, code, workers in sides:
            pair[name] = run_variant(work, code, args.flow, workers)
            r = pair[name]
            print(f"round {i + 1} {name}: stage+archive {r['stage_archive_wall']:.2f} s wall "
                  f"({r['stage_wall']:.2f} + {r['archive_wall']:.2f}), {r['stage_archive_cpu']:.2f} CPU-s; "
                  f"close {r['close_wall']:.2f} s", file=sys.stderr)
        rounds.append(pair)
    same = all(p["old"][k] == p["new"][k] for p in rounds
               for k in ("counts", "outcomes", "archived_path_rows", "archived_paths_exist", "processed_files"))
    new = _head() + (f" workers={args.stage_workers[1]}" if args.stage_workers else "")
    result = {"drop": Path(args.drop).name, "old": args.old, "new": new, "rounds": rounds, "same_results": same,
              "flow": args.flow}
    if args.out:
        Path(args.out).with_suffix(".json").write_text(json.dumps(result, indent=1), encoding="utf-8")
        Path(args.out).write_text(_markdown(result), encoding="utf-8")
    print(_markdown(result))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if same else 1


def _head() -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip()
    except OSError:
        return "?"


def _markdown(result: dict[str, Any]) -> str:
    first = result["rounds"][0]["old"]
    lines = [
        f"# Stage + archive of a whole drop: {result['old']} (old) against {result['new']} (new)",
        "",
        f"Drop: `{Path(result['drop']).name}`, {sum(first['outcomes'].values())} files, "
        f"{first['counts'].get('raw.baris', 0):,} raw rows; `bench/stage_ab.py` "
        f"(stage_drop(move=True) into a fresh warehouse, then close).",
        "",
        ("Inside a Prefect flow run on a temporary server (the old code: task runs `muat` and `arsipkan` per "
         "file; the new: one task run `muat-dan-arsipkan`); `Prefect server CPU`: its CPU during the phase."
         if result.get("flow") else "Plain functions, no Prefect."),
        "",
        "| round | code | stage+archive wall s | stage s | archive s | stage+archive CPU s | close s | Prefect server CPU s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for i, pair in enumerate(result["rounds"], 1):
        for name in ("old", "new"):
            r = pair[name]
            lines.append(f"| {i} | {name} | {r['stage_archive_wall']:.2f} | {r['stage_wall']:.2f} | "
                         f"{r['archive_wall']:.2f} | {r['stage_archive_cpu']:.2f} | {r['close_wall']:.2f} | "
                         f"{r.get('server_cpu', 0):.2f} |")
    ratios = [p["new"]["stage_archive_wall"] / p["old"]["stage_archive_wall"] for p in result["rounds"]]
    lines += ["", "new / old stage+archive wall: " + ", ".join(f"{r:.2f}" for r in ratios),
              "", f"Same rows per table, outcomes, archived paths and processed/ files: **{result['same_results']}**",
              ""]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
