"""The flow's publish step of a whole workspace, old code against new: `lkip report --force`, alternating.

    .venv/bin/python bench/publish_flow_ab.py --workspace WS --old ea321d8 --rounds 2 --out bench/results/X.md

WS is a workspace after a full `lkip run` (e.g. of the 44-SKPD city drop). Each round runs
`lkip report --force` once with the old code and once with the new (the order alternates): the
model is rebuilt and every unit republished by the flow (Prefect task runs, worker processes,
temporary server), as in a run. Old = `git archive <commit> lkip flows sql` put first on
PYTHONPATH; new = this worktree. Read from each run's report: `durations_seconds.publish` (the
figure issue 13's target is about) and `model`; measured around it: wall time and CPU seconds of
the whole process tree (user+sys of the children, the temporary Prefect server's included), and
the machine's load average. The 2 cores are shared with other sessions: compare old and new of the
same round, and CPU seconds rather than wall.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from publish_ab import export_old  # noqa: E402


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def one_run(ws: Path, code_path: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code_path), MPLBACKEND="Agg")
    runs = ws / "output" / "runs"
    before = set(runs.glob("*.json")) if runs.is_dir() else set()
    load = os.getloadavg()[0]
    t, c = time.perf_counter(), _children_cpu()
    cmd = [sys.executable, "-c", "import sys; from lkip.cli import app; sys.argv[0] = 'lkip'; app()",
           "report", "--workspace", str(ws), "--force"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=str(code_path))
    wall, cpu = time.perf_counter() - t, _children_cpu() - c
    new = sorted(set(runs.glob("*.json")) - before)
    if proc.returncode not in (0,) or not new:
        raise SystemExit(f"lkip report failed ({proc.returncode}): {proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    report = json.loads(new[-1].read_text(encoding="utf-8"))
    d = report["durations_seconds"]
    return {"publish": d.get("publish"), "model": d.get("model"), "wall": wall, "cpu": cpu, "load": load,
            "units": report.get("terbitkan", {}).get("unit_diterbitkan")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workspace", type=Path, required=True)
    ap.add_argument("--old", required=True)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="publish-flow-ab-"))
    old_code = export_old(a.old, work / "old-code", ("lkip", "flows", "sql"))
    rows = []
    for i in range(a.rounds):
        for code in (("old", "new") if i % 2 == 0 else ("new", "old")):
            r = one_run(a.workspace.resolve(), old_code if code == "old" else ROOT)
            rows.append((i + 1, code, r))
            print(f"round {i + 1} {code}: publish {r['publish']:.2f} s, CPU {r['cpu']:.1f} s, load {r['load']:.1f}",
                  file=sys.stderr)
    new_rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()

    def fmt(v: float) -> str:
        return f"{v:.2f}".replace(".", ",")

    lines = [f"# Flow publish step, old against new, {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
             "", f"Workspace `{a.workspace}`; old = `{a.old}` (`git archive … lkip flows sql`), new = {new_rev}. "
             "Each run: `lkip report --force` (model rebuilt, every unit republished by the flow, temporary "
             "Prefect server). `publish` = the run report's `durations_seconds.publish`; CPU = user+sys of the "
             "whole process tree; load = 1-minute load average at the start (2 cores shared).", "",
             "| round | code | publish s | model s | wall s | CPU s | units | load |",
             "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for i, code, r in rows:
        lines.append(f"| {i} | {code} | {fmt(r['publish'])} | {fmt(r['model'])} | {fmt(r['wall'])} | "
                     f"{fmt(r['cpu'])} | {r['units']} | {fmt(r['load'])} |")
    for code in ("old", "new"):
        pub = sorted(r["publish"] for _, c, r in rows if c == code)
        cpu = sorted(r["cpu"] for _, c, r in rows if c == code)
        lines.append("")
        lines.append(f"**{code}**: publish {' / '.join(fmt(v) for v in pub)} s (best first); "
                     f"CPU {' / '.join(fmt(v) for v in cpu)} s")
    text = "\n".join(lines) + "\n"
    if a.out:
        a.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
