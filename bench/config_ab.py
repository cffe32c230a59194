"""A full `lkip run` of a drop under two `lkip.toml` variants, alternating: which setting is faster.

    .venv/bin/python bench/config_ab.py --data bench/data/city_44_25000 \
        --a '[runner]\\nread_early = true\\n' --b '[runner]\\nread_early = false\\n' --rounds 2

Each round, for A then B: a fresh workspace holding the drop (settled: mtimes an hour back) with
that `lkip.toml`, `lkip run` with its temporary Prefect server through bench/run_bench.py's
wrapper (wall, and CPU seconds of the whole process tree), and the run report's durations.
Medians per variant at the end; read the rounds side by side on a machine shared with other work.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run_bench import peak_of_command, write_result  # noqa: E402


def one(data: Path, toml: str, timeout: float) -> dict:
    ws = Path(tempfile.mkdtemp(prefix="lkip-cfgab-"))
    try:
        inp = ws / "input"
        inp.mkdir()
        for sub in sorted(p for p in data.iterdir() if p.is_dir()):
            shutil.copytree(sub, inp / sub.name)
        old = time.time() - 3600
        for p in inp.rglob("*"):
            os.utime(p, (old, old))
        (ws / "lkip.toml").write_text(toml, encoding="utf-8")
        env = dict(os.environ)
        env.pop("PREFECT_API_URL", None)
        load = os.getloadavg()[0]
        lkip = str(Path(sys.executable).with_name("lkip"))
        got = peak_of_command([lkip, "run", "--workspace", str(ws), "--no-progress"], timeout, env=env, cwd=ws)
        runs = sorted((ws / "output" / "runs").glob("*.json"))
        durations = json.loads(runs[-1].read_text())["durations_seconds"] if runs else {}
        return {"wall": got["wall"], "cpu": got.get("cpu"), "rc": got.get("rc"), "load": load, **durations}
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def _rounds(rs: list[dict]) -> str:
    return ", ".join("%.1f (load %.1f)" % (r["wall"], r["load"]) for r in rs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--a", required=True, help="lkip.toml of variant A (\\n for newlines)")
    ap.add_argument("--b", required=True, help="lkip.toml of variant B")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)
    variants = {"A": a.a.replace("\\n", "\n"), "B": a.b.replace("\\n", "\n")}
    rows: dict[str, list[dict]] = {k: [] for k in variants}
    for _ in range(a.rounds):
        for name, toml in variants.items():
            r = one(a.data.resolve(), toml, a.timeout)
            rows[name].append(r)
            print(name, {k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()}, flush=True)
    lines = [f"# `lkip run` under two configurations ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})", "",
             f"Drop `{a.data.name}`, {a.rounds} alternating round(s), temporary Prefect server.", ""]
    for name, toml in variants.items():
        lines.append(f"- {name}: `{toml.strip()}`")
    lines += ["", "| variant | wall s (median) | CPU s (median) | prepare s | stage s | publish s | rounds (wall) |",
              "|---|---:|---:|---:|---:|---:|---|"]
    for name, rs in rows.items():
        med = {k: statistics.median(r.get(k) or 0 for r in rs) for k in ("wall", "cpu", "prepare", "stage", "publish")}
        lines.append(f"| {name} | {med['wall']:.2f} | {med['cpu']:.1f} | {med['prepare']:.2f} | {med['stage']:.2f} | "
                     f"{med['publish']:.2f} | {_rounds(rs)} |")
    write_result(a.out, "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
