"""Publishing every unit of a city on worker processes forked from the run's fork server (with its
imports, `gc.freeze`d: lkip/fork_ready.py) against spawned workers, alternating.

    .venv/bin/python bench/publish_fork_ab.py --workspace WS --rounds 3 --out bench/results/X.md

WS: a workspace after a full `lkip run` (e.g. the 44-SKPD city). Each measurement is a fresh
process (through bench/run_bench.py's wrapper, the subreaper of its descendants, so the forked
workers' CPU is counted) that publishes every unit (`lkip.publish.publish_all`, 2 workers) into a
new temporary folder, either after `read_pool.start_fork_server()` (the workers fork from it, as
after a big drop was read) or with the fork server reported absent (spawned workers, as `lkip
report` has them). Reported: wall and CPU seconds, medians, and fork / spawn per round.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run_bench import peak_of_command, write_result  # noqa: E402


def child(mode: str, workspace: str) -> int:
    import duckdb

    from lkip import read_pool
    from lkip.config import load_config
    from lkip.publish import publish_all

    if mode == "fork":
        if not read_pool.start_fork_server():
            print("no fork server on this platform", file=sys.stderr)
            return 2
    else:
        read_pool.fork_server_running = lambda: False   # type: ignore[assignment]
    cfg = load_config(workspace=Path(workspace))
    con = duckdb.connect(str(cfg.warehouse), read_only=True)
    try:
        publish_all(con, Path(tempfile.mkdtemp(prefix="lkip-pubfork-")), cfg, workers=2)
    finally:
        con.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(argv[1], argv[2])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)
    runs: dict[str, list[dict]] = {"fork": [], "spawn": []}
    for _ in range(a.rounds):
        for mode in ("fork", "spawn"):
            got = peak_of_command([sys.executable, str(Path(__file__).resolve()), "--child", mode, a.workspace], 1800)
            if got.get("rc") != 0:
                raise SystemExit(f"{mode}: {got.get('error')}")
            runs[mode].append(got)
            print(mode, round(got["wall"], 2), "s", round(got["cpu"], 2), "CPU-s", flush=True)
    lines = [f"# Publishing a whole city: workers forked from the fork server against spawned ones "
             f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})", "",
             f"`bench/publish_fork_ab.py --rounds {a.rounds}` on a 44-SKPD city workspace (45 units, 2 workers), "
             "alternating; wall and CPU seconds of the whole process tree.", "",
             "| workers | wall s (median) | CPU s (median) |", "|---|---:|---:|"]
    for mode, rs in runs.items():
        lines.append(f"| {mode} | {statistics.median(r['wall'] for r in rs):.2f} | "
                     f"{statistics.median(r['cpu'] for r in rs):.2f} |")
    lines += ["", "fork / spawn per round (wall, CPU): " + ", ".join(
        f"{f['wall'] / s['wall']:.2f} / {f['cpu'] / s['cpu']:.2f}" for f, s in zip(runs["fork"], runs["spawn"]))]
    write_result(a.out, "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
