"""When each part of a re-drop's publish ends, the city's documents here or on the worker (redrop16).

    .venv/bin/python bench/redrop_timeline.py --workspace WS --rounds 2

WS: a city workspace after a full `lkip run` (bench/data/city_44_25000). In one process, on a copy
of its warehouse (and of the folders of SKPD 4.01.03 and the city, whose charts a re-drop may keep):
the model is built, a kept worker (lkip.publish.standby, as `lkip watch` keeps it) is started and
made ready, then each round, for both placements alternately, the two units a re-drop of 4.01.03
publishes are planned and published as the flow's publish step does for few units
(runner.InProcess, run_job_split with `here`, the city's workbook on the worker):

* `here` (this code): the city's documents (validasi, HTML, docx) in this process after its CSVs
  and charts, beside the SKPD;
* `worker`: the city's documents on the worker after its workbook (one part, runner.AFTER_BASE),
  as before redrop16.

Printed: the wall and this process's CPU of plan + publish, and the time each part ended (seconds
from the plan's start). The city's charts are kept as a re-drop keeps them (reuse_charts).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    import lkip.publish.runner as R
    from lkip import model, stage
    from lkip.config import load_config
    from lkip.publish import standby
    from lkip.publish.data import list_units

    with tempfile.TemporaryDirectory(prefix="redrop-timeline-") as tmp:
        ws = Path(tmp) / "ws"
        (ws / "output" / "2020").mkdir(parents=True)
        shutil.copyfile(a.workspace / "output" / "lkip.duckdb", ws / "output" / "lkip.duckdb")
        for folder in ("kota", "4.01.03"):
            shutil.copytree(a.workspace / "output" / "2020" / folder, ws / "output" / "2020" / folder)
        cfg = load_config(workspace=ws)
        con = stage.connect(cfg)
        model.build(con, cfg)
        standby.enable(2)
        pool = standby.take()
        assert pool is not None
        pool.lkip_warm.result()
        units = [u for u in list_units(con) if u[1] in ("KOTA", "4.01.03")]
        t0 = [0.0]
        marks: list[tuple[float, str]] = []

        def mark(what: str) -> None:
            marks.append((time.perf_counter() - t0[0], what))

        real_here_and_pool = R._here_and_pool

        def docs_on_worker(job: Any, out: str, config: Any, submit: Any, here: Any) -> list[Any]:
            later = R.ChartsLater()
            with ThreadPoolExecutor(1) as handing:
                handed = handing.submit(submit, R.run_part, job, R.AFTER_BASE, out, config, later)
                base = here(R.run_part, job, "base", out, config).result()
                later.send(base.charts, base.error)
                return [base, handed.result().result()]

        def publish(jobs: list[Any]) -> list[Any]:
            big = {id(j) for j in jobs if R.is_big(j, cfg)}
            inner = R.InProcess(first=len(big))

            def here(fn: Any, *args: Any) -> Any:
                fut = inner.submit(fn, *args)
                mark(f"here: {args[0].unit.folder} {args[1] if fn is R.run_part else 'whole unit'}")
                return fut

            def to_worker(fn: Any, *args: Any) -> Any:
                fut = R.after_warm(pool)(fn, *args)
                fut.add_done_callback(lambda _f, part=args[1]: mark(f"worker: kota {part}"))
                return fut

            order = sorted(jobs, key=lambda j: not j.unit.is_kota)
            with ThreadPoolExecutor(len(order)) as threads:
                futures = [threads.submit(R.run_job_split, j, str(cfg.output_dir), cfg, to_worker, here)
                           if id(j) in big else
                           threads.submit(lambda j=j: here(R.run_job, j, str(cfg.output_dir), cfg).result())
                           for j in order]
                return [f.result() for f in futures]

        for i in range(a.rounds):
            for name in (("here", "worker") if i % 2 == 0 else ("worker", "here")):
                R._here_and_pool = real_here_and_pool if name == "here" else docs_on_worker
                marks.clear()
                t0[0], c0 = time.perf_counter(), time.process_time()
                jobs, _ = R.plan(con, cfg.output_dir, cfg, units=units, force=True)
                for j in jobs:
                    j.reuse_charts = True  # as a re-drop publishes (force=True only to plan both units)
                mark("plan done")
                results = publish(jobs)
                assert not [r.error for r in results if r.error], [r.error for r in results]
                wall, cpu = time.perf_counter() - t0[0], time.process_time() - c0
                print(f"round {i + 1} documents {name}: plan + publish {wall:.2f} s, this process {cpu:.2f} CPU-s")
                for at, what in sorted(marks):
                    print(f"    {at:6.2f}  {what}")
        R._here_and_pool = real_here_and_pool
        con.close()
        standby.close()
    return 0


if __name__ == "__main__":
    threading.current_thread().name = "main"
    raise SystemExit(main())
