"""`lkip run` of the city drop, old code against new: the prepare phase as the run sees it.

    .venv/bin/python bench/prepare_run_ab.py --data bench/data/city_44_25000 --old 107d33a \
        --rounds 2 --out bench/results/X.md

Each round runs, on a fresh workspace holding the drop (settled: mtimes an hour back), the whole
`lkip run` (temporary Prefect server) once with the old code (`git archive <commit> lkip flows sql
schemas`, first on PYTHONPATH) and once with this tree, alternating. It records the command's wall
time, its CPU seconds (user+sys of it and every descendant, through bench/run_bench.py's wrapper,
their subreaper: the fork server's workers, which `lkip run` does not reap, are counted) and the
run report's own durations: `prepare`
is the read-and-validate phase (what `bench/prepare_ab.py` measures alone, here with whatever the
run does before it, e.g. starting the read workers early).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_bench import peak_of_command  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LKIP = "import sys; from lkip.cli import app; sys.argv[0] = 'lkip'; app()"


def old_code(commit: str, dest: Path) -> Path:
    tar = dest / "old.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(tar), commit, "lkip", "flows", "schemas", "sql"],
                   check=True)
    code = dest / "code"
    code.mkdir()
    with tarfile.open(tar) as tf:
        tf.extractall(code, filter="data")
    return code


def one_run(data: Path, code: Path, tmp: Path, timeout: float) -> dict[str, Any]:
    ws = Path(tempfile.mkdtemp(prefix="ws_", dir=tmp))
    inp = ws / "input"
    inp.mkdir()
    for sub in sorted(p for p in data.iterdir() if p.is_dir()):
        shutil.copytree(sub, inp / sub.name)
    old = time.time() - 3600      # settled: no copy-in-progress wait
    for p in inp.rglob("*"):
        os.utime(p, (old, old))
    env = dict(os.environ, PYTHONPATH=str(code))
    env.pop("PREFECT_API_URL", None)   # lkip run's temporary server
    load = os.getloadavg()[0]
    # through run_bench's wrapper: the subreaper of the command, so the CPU seconds include every
    # descendant (the temporary server, the fork server's read and publish workers)
    got = peak_of_command([sys.executable, "-c", LKIP, "run", "--workspace", str(ws), "--no-progress"],
                          timeout, env=env, cwd=ws)
    runs = sorted((ws / "output" / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
    report = json.loads(runs[-1].read_text()) if runs else {}
    shutil.rmtree(ws, ignore_errors=True)
    if got.get("rc") not in (0, 3):
        raise SystemExit(f"lkip run failed ({got.get('rc')}): {got.get('error')}")
    d = report.get("durations_seconds") or {}
    return {"wall": got["wall"], "cpu": got.get("cpu"), "prepare": d.get("prepare"), "total": d.get("total"),
            "load": load, "files": report.get("files_by_outcome")}


def markdown(res: dict[str, Any]) -> str:
    lines = [f"# `lkip run` of the city drop, old against new ({res['date']})", "",
             f"Files: `{res['data']}`. Old = `{res['old']}`, new = `{res['new']}`. {res['rounds']} round(s), "
             "alternating; each a fresh workspace, `lkip run` with its temporary Prefect server. wall = "
             "the whole command; CPU = user+sys of it and every descendant; prepare/total = the run report's "
             "durations.", "",
             "| side | runs | wall s (median) | CPU s (median) | prepare s (median) | flow total s (median) |",
             "|---|---:|---:|---:|---:|---:|"]
    for side in ("old", "new"):
        rs = [r for r in res["runs"] if r["side"] == side]
        med = {k: statistics.median(r[k] for r in rs) for k in ("wall", "cpu", "prepare", "total")}
        lines.append(f"| {side} | {len(rs)} | {med['wall']:.1f} | {med['cpu']:.1f} | {med['prepare']:.1f} | "
                     f"{med['total']:.1f} |")
    lines += ["", "| # | side | wall s | CPU s | prepare s | total s | load | files |",
              "|---:|---|---:|---:|---:|---:|---:|---|"]
    lines += [f"| {i + 1} | {r['side']} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['prepare']:.1f} | {r['total']:.1f} "
              f"| {r['load']:.1f} | {r['files']} |" for i, r in enumerate(res["runs"])]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--old", required=True)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="prepare_run_ab_"))
    code = old_code(a.old, tmp)
    runs = []
    for _ in range(a.rounds):
        for side, c in (("old", code), ("new", ROOT)):
            r = one_run(a.data.resolve(), c, tmp, a.timeout)
            r["side"] = side
            runs.append(r)
            print(side, {k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()}, file=sys.stderr)
    new = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True).stdout.strip()
    res = {"date": dt.date.today().isoformat(), "data": a.data.name, "old": a.old, "new": new,
           "rounds": a.rounds, "runs": runs}
    md = markdown(res)
    print(md)
    if a.out:
        a.out.write_text(md)
        a.out.with_suffix(".json").write_text(json.dumps(res, indent=1))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
