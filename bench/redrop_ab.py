"""The re-drop path, old code against new, on copies of the same city warehouse: the flow's own work.

    .venv/bin/python bench/redrop_ab.py --workspace WS --old ea321d8 --rounds 3 \
        --out bench/results/2026-12-07-redrop-ab.md

WS: a city workspace after a full `lkip run` (its output/lkip.duckdb; bench/city_run.py or
`lkip run --workspace WS` on bench/data/city_44_25000). Each round, for the old code (`git archive
<commit>` first on PYTHONPATH) and the new (this worktree), alternating, a fresh process:

1. copies the warehouse, builds the model (as the full run before the re-drop did: for the new code
   this records the partitions of core.sp2d) and marks every unit published: the manifest of each
   planned unit gets its digest; the two units the re-drop changes (SKPD 4.01.03 and the city) are
   published for real by the same code, so that their folders hold what a full run left (the
   charts a re-drop may keep, chart_cache.py);
2. stages SKPD 4.01.03's corrected register (bench/generate.py `write_redrop`, as bench/city_run.py
   drops it) with lkip.drop, as the run would;
3. times, as the flow does them (flows/pipeline.py, flows/publish_step.py, without Prefect):
   `model` (model.build), `plan` (lkip.publish.runner.plan: which units to publish, 2 of 45
   expected; the worker process started before it, runner.warm_pool, as the flow's early_pool),
   `publish` (the planned units: the city split, its workbook on that worker, the rest in this
   process, runner.InProcess and run_job_split as publish_units does for few units), `checks` (the
   run report's model checks, drop.model_checks; counted during the plan when the code can:
   the `on_views` hook) and `close` (the connection closed: DuckDB's checkpoint), and `flow`, the
   sum of the five.

Wall time and CPU time (process_time: this process, DuckDB's threads included; the worker's CPU
is not in it) of each step in the child; the machine is shared, so old and new alternate and the
medians are compared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run_bench import write_result  # noqa: E402

ROOT = HERE.parent


def child(tree: str, warehouse: str, redrop: str, work: str) -> dict[str, Any]:
    sys.path.insert(0, tree)
    import inspect
    from concurrent.futures import ThreadPoolExecutor

    import matplotlib

    matplotlib.use("Agg")

    from lkip import drop, model, stage
    from lkip.config import load_config
    from lkip.publish import digest, runner

    ws = Path(work)
    (ws / "output").mkdir(parents=True)
    (ws / "input").mkdir()
    shutil.copyfile(warehouse, ws / "output" / "lkip.duckdb")
    cfg = load_config(workspace=ws)
    con = stage.connect(cfg)
    out: dict[str, Any] = {"lkip": str(Path(model.__file__).parent)}
    changed = {("2020", "4.01.03"), ("2020", "KOTA")}

    def timed(name: str, fn: Any) -> Any:
        w, c = time.perf_counter(), time.process_time()
        res = fn()
        out[name] = {"wall": time.perf_counter() - w, "cpu": time.process_time() - c}
        return res

    timed("model_before", lambda: model.build(con, cfg))
    jobs, skipped = timed("plan_before", lambda: runner.plan(con, cfg.output_dir, cfg))
    for job in jobs:  # "published": each unit's manifest holds its digest; the two to change for real
        if (str(job.unit.tahun), job.unit.kode_skpd) in changed:
            res = runner.run_job(job, cfg.output_dir, cfg)
            assert not res.error, res.error
            continue
        folder = runner.unit_folder(cfg.output_dir, job.unit)
        folder.mkdir(parents=True, exist_ok=True)
        digest.write_manifest(folder, job.digest, [])
    out["units"] = len(jobs) + len(skipped)
    target = ws / "input" / Path(redrop).name
    shutil.copyfile(redrop, target)
    prepared, failed = drop.prepare_drop(cfg, [str(target)])
    assert not failed, failed
    drop.stage_drop(cfg, con, prepared, "redrop", move=False)
    timed("model", lambda: model.build(con, cfg))
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    pool = runner.warm_pool(2)  # as flows.publish_step.early_pool, before the plan
    checks: dict[str, Any] = {}
    hook = "on_views" in inspect.signature(runner.plan).parameters
    kw = {"on_views": lambda views: checks.update(counts=drop.count_checks(con, views))} if hook else {}
    jobs, skipped = timed("plan", lambda: runner.plan(con, cfg.output_dir, cfg, **kw))
    out["planned"] = sorted(j.unit.kode_skpd for j in jobs)

    def publish() -> list[Any]:  # flows.publish_step.publish_units with few units, one big
        big = {id(j) for j in jobs if runner.is_big(j, cfg)} if runner.few_units(jobs, cfg) else set()
        here = runner.InProcess(first=len(big))
        order = sorted(jobs, key=lambda j: not j.unit.is_kota)
        with ThreadPoolExecutor(len(order)) as threads:
            futures = [threads.submit(runner.run_job_split, j, str(cfg.output_dir), cfg, runner.after_warm(pool),
                                      here.submit) if id(j) in big
                       else threads.submit(lambda j=j: here.submit(runner.run_job, j, str(cfg.output_dir), cfg).result())
                       for j in order]
            return [f.result() for f in futures]

    results = timed("publish", publish)
    pool.shutdown(wait=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["worker_cpu"] = after.ru_utime + after.ru_stime - kids.ru_utime - kids.ru_stime  # its imports included
    assert not [r.error for r in results if r.error], [r.error for r in results]
    out["published"] = sorted(r.kode_skpd for r in results)
    counts = timed("checks", lambda: drop.model_checks(con, "redrop", True, *([checks.get("counts")] if hook else [])))
    out["counts"] = [counts[0], counts[1]]
    timed("close", con.close)
    steps = ("model", "plan", "publish", "checks", "close")
    out["flow"] = {k: sum(out[s][k] for s in steps) for k in ("wall", "cpu")}
    return out


def _tree(commit: str, dest: Path) -> Path:
    data = subprocess.run(["git", "archive", commit, "lkip", "sql", "schemas", "flows"], cwd=ROOT,
                          check=True, capture_output=True).stdout
    dest.mkdir(parents=True)
    tmp = dest / "tree.tar"
    tmp.write_bytes(data)
    with tarfile.open(tmp) as t:
        t.extractall(dest, filter="data")
    tmp.unlink()
    return dest


def run_child(tree: Path, warehouse: Path, redrop: Path, work: Path) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(tree), str(warehouse), str(redrop), str(work)]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    if p.returncode:
        raise RuntimeError(p.stderr[-3000:])
    return json.loads(p.stdout.strip().splitlines()[-1])


STEPS = ("model_before", "model", "plan", "publish", "checks", "close", "flow")


def markdown(res: dict[str, Any]) -> str:
    rows = []
    for step in STEPS:
        for kind in ("wall", "cpu"):
            o = statistics.median(r[step][kind] for r in res["old"])
            n = statistics.median(r[step][kind] for r in res["new"])
            rows.append(f"| {step} | {kind} | {o:.2f} | {n:.2f} | {n / o:.2f} |")
    runs = "\n".join(f"- round {i + 1}: old " + ", ".join(f"{k} {r[k]['wall']:.2f}/{r[k]['cpu']:.2f}" for k in STEPS)
                     + " · new " + ", ".join(f"{k} {n[k]['wall']:.2f}/{n[k]['cpu']:.2f}" for k in STEPS)
                     for i, (r, n) in enumerate(zip(res["old"], res["new"])))
    return f"""# Re-drop A/B: the flow's own work (issue 13), {res['when']}

Machine: {res['machine']}; load average at start {res['load'][0]}, at end {res['load'][1]}.

Command: `{res['command']}`

Warehouse: {res['warehouse']} ({res['units']} units); re-drop: `{res['redrop']}` (SKPD 4.01.03's
corrected register, bench/generate.py `write_redrop`). Old: `{res['old_commit']}`; new: this tree
(`{res['new_commit']}`). Median of {len(res['old'])} alternating rounds, seconds (wall of the step
and CPU of the process; the machine is shared by other work, CPU is the steadier figure).

| step | | old | new | new / old |
|---|---|---:|---:|---:|
{chr(10).join(rows)}

`model_before`: the build before the re-drop (for the new code a full build that records the
partitions); `model`: the re-drop's build; `plan`: which units to publish after it; `publish`: those
units as the flow publishes them; `checks`: the run report's model checks; `close`: the warehouse
closed (checkpoint); `flow`: model + plan + publish + checks + close. Units planned after the
re-drop: old {res['old'][0]['planned']}, new {res['new'][0]['planned']}; published: old
{res['old'][0]['published']}, new {res['new'][0]['published']}; model checks (differences,
warnings): old {res['old'][0]['counts']}, new {res['new'][0]['counts']}. CPU of the worker process
(its imports included, not in the table's CPU): old {statistics.median(r['worker_cpu'] for r in res['old']):.2f},
new {statistics.median(r['worker_cpu'] for r in res['new']):.2f} s (medians).

{runs}
"""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        print(json.dumps(child(*argv[1:5])))
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", type=Path, required=True)
    ap.add_argument("--old", default="ea321d8")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rows", type=int, default=25_000, help="register rows of the city drop")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    import generate

    warehouse = a.workspace / "output" / "lkip.duckdb"
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="redrop-ab-") as tmp:
        t = Path(tmp)
        (t / "drop").mkdir()
        redrop = generate.write_redrop(t / "drop", 3, a.rows, 100)
        trees = {"old": _tree(a.old, t / "old"), "new": ROOT}
        res: dict[str, Any] = {"old": [], "new": []}
        for i in range(a.rounds):
            for name in (("old", "new") if i % 2 == 0 else ("new", "old")):
                r = run_child(trees[name], warehouse, redrop, t / f"{name}-{i}")
                shutil.rmtree(t / f"{name}-{i}")
                res[name].append(r)
                print(name, i, {k: v for k, v in r.items() if isinstance(v, dict)}, r["planned"], file=sys.stderr)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    res.update(when=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), load=(load0, os.getloadavg()),
               machine=f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}",
               command="python bench/redrop_ab.py " + " ".join(argv), warehouse=str(warehouse),
               units=res["new"][0]["units"], redrop=Path(redrop).name, old_commit=a.old, new_commit=head)
    write_result(a.out, markdown(res), res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
