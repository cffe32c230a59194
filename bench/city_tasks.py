"""A full city `lkip run` (temporary Prefect server), old code against new: Prefect task runs and
the CPU of the temporary server, beside the run's own phase durations.

    .venv/bin/python bench/city_tasks.py --drop bench/data/city_44_25000 --old c26bc9b \
        --out bench/results/X.md

For each code (old = `git archive <commit> lkip flows sql schemas` first on PYTHONPATH, new = this
worktree), in a fresh workspace holding a copy of the drop, `lkip run` is started as a process;
every 0.2 s the CPU times of each process of its tree are read (psutil), so the temporary server's
CPU is known even though it ends with the run. After the run: the task runs recorded in the
workspace's Prefect database (`.prefect/prefect.db`) per task name, and the run report's
durations. Wall times on a shared machine move with its load; the task-run count and the
server's CPU are the figures this script is for.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def old_code(commit: str, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    tar = dest / "old.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(tar), commit, "lkip", "flows", "sql", "schemas"],
                   check=True)
    with tarfile.open(tar) as tf:
        tf.extractall(dest)
    return dest


def _kind(p: psutil.Process) -> str:
    try:
        cmd = " ".join(p.cmdline())
    except psutil.Error:
        return "?"
    return "server" if ("uvicorn" in cmd or "prefect.server" in cmd or "server start" in cmd) else "run"


def run_city(code: Path, drop: Path, work: Path) -> dict[str, Any]:
    ws = work / "ws"
    shutil.rmtree(ws, ignore_errors=True)
    shutil.copytree(drop, ws / "input", copy_function=shutil.copy2)
    env = dict(os.environ, PYTHONPATH=str(code))
    env.pop("PREFECT_API_URL", None)
    cmd = [sys.executable, "-c", "import sys; from lkip.cli import app; sys.argv[0] = 'lkip'; app()",
           "run", "-w", str(ws)]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=str(code), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    top = psutil.Process(proc.pid)
    cpu: dict[int, tuple[str, float]] = {}
    while proc.poll() is None:
        try:
            procs = [top] + top.children(recursive=True)
        except psutil.Error:
            procs = []
        for p in procs:
            try:
                ct = p.cpu_times()
                cpu[p.pid] = (cpu.get(p.pid, (None,))[0] or _kind(p), ct.user + ct.system)
            except psutil.Error:
                pass
        time.sleep(0.2)
    out = proc.stdout.read() if proc.stdout else ""
    wall = time.perf_counter() - t
    reports = sorted((ws / "output" / "runs").glob("*.json"))
    report = json.loads(reports[-1].read_text(encoding="utf-8")) if reports else {}
    tasks: dict[str, int] = {}
    db = ws / ".prefect" / "prefect.db"
    if db.is_file():
        con = sqlite3.connect(str(db))
        try:
            for name, n in con.execute("SELECT name, count(*) FROM task_run GROUP BY name"):
                key = re.sub(r"-[0-9a-f]{3}$", "", name)     # task run names end in -<3 hex digits>
                key = re.sub(r"^terbitkan-.*", "terbitkan-<unit>", key)
                tasks[key] = tasks.get(key, 0) + n
        finally:
            con.close()
    return {
        "returncode": proc.returncode, "wall": wall,
        "cpu_server": sum(c for k, c in cpu.values() if k == "server"),
        "cpu_run": sum(c for k, c in cpu.values() if k != "server"),
        "durations": report.get("durations_seconds", {}), "status": report.get("status"),
        "files": report.get("files_seen"), "rows": report.get("rows_staged"),
        "task_runs": sum(tasks.values()), "task_runs_by_name": dict(sorted(tasks.items())),
        "tail": out[-1500:] if proc.returncode not in (0, 3) else "",
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--drop", type=Path, default=ROOT / "bench" / "data" / "city_44_25000")
    ap.add_argument("--old", default="c26bc9b")
    ap.add_argument("--only", choices=["old", "new"])
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="city-tasks-"))
    result: dict[str, Any] = {"drop": args.drop.name, "old_commit": args.old}
    try:
        codes = {"old": old_code(args.old, work / "old"), "new": ROOT}
        for name in ("old", "new"):
            if args.only and name != args.only:
                continue
            result[name] = run_city(codes[name], args.drop, work)
            r = result[name]
            print(f"{name}: rc {r['returncode']} wall {r['wall']:.1f} s, run CPU {r['cpu_run']:.1f} s, "
                  f"server CPU {r['cpu_server']:.1f} s, {r['task_runs']} task runs {r['task_runs_by_name']}, "
                  f"durations {json.dumps({k: round(v, 1) for k, v in r['durations'].items()})}{r['tail']}",
                  file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.out:
        args.out.with_suffix(".json").write_text(json.dumps(result, indent=1), encoding="utf-8")
        args.out.write_text(_markdown(result), encoding="utf-8")
    print(_markdown(result))
    return 0


def _markdown(result: dict[str, Any]) -> str:
    lines = [f"# Full city `lkip run`, temporary Prefect server: {result['old_commit']} (old) against this branch (new)", "",
             f"Drop `{Path(result['drop']).name}`; `bench/city_tasks.py` (one run each, same machine, minutes apart).", "",
             "| code | wall s | run CPU s | server CPU s | task runs | prepare | stage | archive | model | publish | total |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name in ("old", "new"):
        r = result.get(name)
        if not r:
            continue
        d = r["durations"]
        lines.append(f"| {name} | {r['wall']:.1f} | {r['cpu_run']:.1f} | {r['cpu_server']:.1f} | {r['task_runs']} | "
                     + " | ".join(f"{d.get(k, 0):.1f}" for k in ("prepare", "stage", "archive", "model", "publish", "total"))
                     + " |")
    lines.append("")
    for name in ("old", "new"):
        if result.get(name):
            lines.append(f"- {name} task runs: {result[name]['task_runs_by_name']}")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
