"""A/B of the run an officer waits for: `lkip run` of the bundled example, two source trees, same
machine, runs interleaved (A, B, A, B...) so that a load that changes affects both alike.

    git archive <commit> | tar -x -C /tmp/base
    .venv/bin/python bench/latency_ab.py --a /tmp/base --b . --repeat 3 --out bench/results/X.md

Each run: a fresh workspace holding the example; "temporary" (no Prefect server: the run starts
its temporary one) and "running" (the workspace's `lkip prefect-server` started first, not
timed). With `--redrop WS` (a city workspace after its full run, e.g. `lkip run` of
bench/data/city_44_25000), each run is instead the re-drop of one SKPD's corrected register
(bench/generate.py `write_redrop`, as bench/city_run.py) into a fresh copy of WS:

    .venv/bin/python bench/latency_ab.py --a /tmp/base --b . --redrop /tmp/city-ws --out bench/results/Y.md

`--nothing-new` (with `--redrop`): no file is dropped, the run finds nothing new: what is left
is the fixed cost of a run (CLI, server, imports, flow run, warehouse open, run report).

Reported: median wall time and CPU seconds of the whole process tree (the CPU seconds
depend much less on other work on the machine), and `python -c "import prefect"` measured before
each pair as the baseline the ratios are taken against.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import city_run  # noqa: E402
import generate  # noqa: E402

LAUNCHER = """#!{python}
import sys
sys.path.insert(0, {tree!r})
if __name__ == "__main__":   # not in a publishing worker process, which imports this file again
    from lkip.cli import app
    sys.exit(app())
"""


def launcher(tree: Path, folder: Path) -> Path:
    """An `lkip` program that runs the code of `tree` with this venv's libraries."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "lkip"
    path.write_text(LAUNCHER.format(python=sys.executable, tree=str(tree.resolve())), encoding="utf-8")
    path.chmod(0o755)
    return path


def import_prefect(env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import prefect"], env=env, check=True)
    return time.perf_counter() - t


def redrop_once(mode: str, env: dict[str, str], timeout: float, base: Path, n_skpd: int = 3,
                rows: int = 25000, drop: bool = True) -> dict:
    """One re-drop run: a copy of the city workspace `base`, the corrected register of its
    `n_skpd`-th SKPD dropped in, `lkip run` timed (mode "running": the copy's `lkip prefect-server`
    started first, not timed)."""
    import contextlib
    import shutil

    ws = Path(tempfile.mkdtemp(prefix="lkip-ab-redrop-"))
    try:
        subprocess.run(["cp", "-a", f"{base}/.", str(ws)], check=True)
        (ws / ".prefect" / "lkip-server.json").unlink(missing_ok=True)
        if drop:   # else a run that finds nothing new: only the fixed costs of `lkip run`
            generate.write_redrop(ws / "input", n_skpd, rows, 100)
        city_run._settle(ws / "input")
        with contextlib.ExitStack() as stack:
            if mode == "running" and stack.enter_context(city_run.running_server(ws, env)) is None:
                return {"error": "lkip prefect-server did not start"}
            r = city_run.peak_of_command(city_run._lkip("run", "--workspace", str(ws), "--no-progress"),
                                         timeout, env=env, cwd=ws)
        r["durations"] = city_run._last_report(ws).get("durations_seconds")
        return r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--a", type=Path, required=True, help="source tree A (the baseline)")
    ap.add_argument("--b", type=Path, required=True, help="source tree B")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--modes", default="temporary,running", help="which servers, comma-separated")
    ap.add_argument("--nothing-new", action="store_true",
                    help="with --redrop: no file dropped, the run finds nothing new (its fixed costs only)")
    ap.add_argument("--redrop", type=Path, default=None,
                    help="a city workspace after its full run: time the re-drop of one register into a copy")
    a = ap.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PYTHONUNBUFFERED"] = "1"
    tmp = Path(tempfile.mkdtemp(prefix="lkip-ab-"))
    programs = {"A": launcher(a.a, tmp / "A"), "B": launcher(a.b, tmp / "B")}
    runs: dict[str, list[dict]] = {f"{k}-{m}": [] for k in programs for m in ("temporary", "running")}
    base: list[float] = []
    load = [os.getloadavg()]
    for _ in range(a.repeat):
        for mode in a.modes.split(","):
            base.append(import_prefect(env))
            for key, prog in programs.items():
                city_run._lkip = lambda *args, _p=prog: [str(_p), *args]  # the example's runs use it
                r = (redrop_once(mode, env, a.timeout, a.redrop, drop=not a.nothing_new) if a.redrop
                     else city_run._example_once(mode, env, a.timeout))
                runs[f"{key}-{mode}"].append(r)
    load.append(os.getloadavg())
    b = statistics.median(base)
    res = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "import_prefect": base, "load": load,
           "trees": {"A": str(a.a), "B": str(a.b)}, "runs": runs}
    what = (f"a run that finds nothing new in a copy of `{a.redrop}`" if a.redrop and a.nothing_new
            else f"the re-drop of one register into a copy of `{a.redrop}`" if a.redrop else "the bundled example")
    lines = [f"# `lkip run` of {what}, A/B ({res['date']})", "",
             f"A = `{a.a}`, B = `{a.b}`; {a.repeat} runs each, interleaved; load average at start "
             f"{load[0]}, at end {load[1]}; `python -c \"import prefect\"` median {b:.2f} s "
             f"(runs {[round(x, 2) for x in base]}).", "",
             "| server | tree | wall (median, s) | wall / import prefect | CPU-s (median) | runs (wall) |",
             "|---|---|---:|---:|---:|---|"]
    for mode in a.modes.split(","):
        for key in programs:
            ok = [r for r in runs[f"{key}-{mode}"] if r.get("wall") and not r.get("error")]
            if not ok:
                lines.append(f"| {mode} | {key} | – | – | – | {runs[f'{key}-{mode}'][-1].get('error')} |")
                continue
            w = statistics.median(r["wall"] for r in ok)
            c = statistics.median(r.get("cpu") or 0 for r in ok)
            lines.append(f"| {mode} | {key} | {w:.2f} | {w / b:.2f} | {c:.2f} | "
                         f"{[round(r['wall'], 2) for r in ok]} |")
    lines += ["", "Flow durations of B's last runs: " + "; ".join(
        f"{m}: {runs[f'B-{m}'][-1].get('durations')}" for m in a.modes.split(","))]
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.with_suffix(".json").write_text(json.dumps(res, indent=1, default=str))
    a.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
