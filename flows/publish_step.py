"""The flow's publish step: one Prefect task run per unit (SKPD or city), on processes.

    paths, summary = publish_units(cfg, con, tahun=None, kode_skpd=None, force=False)

`lkip.publish.runner.plan` reads every `laporan` view once and keeps the units whose digest
changed (all of them with force=True); each is then one task run `terbitkan-<SKPD>` in the UI.
matplotlib is not thread-safe and the work is CPU-bound Python, so with enough units they run on
a pool of processes (`[publish] workers`, default the number of cores; each unit a task run on a
thread runner that waits for its process), or on the Dask
cluster when `[runner] kind = "dask"`; with few units (`[publish] min_units_parallel`, default
4) they run in the flow's process, where starting worker processes would cost more than it saves.
A unit that fails is reported (SKPD and cause, in Indonesian) and the others are still published.

With at least `min_units_parallel` units in the warehouse the first worker process is started
before the plan (it imports matplotlib & co. while the views are read); a big unit (the city: every
SKPD's reconciliation rows; `[publish] split_rows`) is split (lkip.publish.runner.run_job_split:
its CSVs and charts, then its workbook beside its documents), still one task run
`terbitkan-<folder>`. When one SKPD re-drops a file (two units to publish, fewer than
min_units_parallel), both are published in the flow's process as before, one at a time, except the
city's workbook and documents, written by that worker meanwhile: both cores share the city.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Iterator

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.runners import dask_runner, publish_workers, runner_kind
from flows.task_args import opaque
from lkip.config import Config


@task(name="terbitkan-unit", task_run_name="terbitkan-{label}", cache_policy=NO_CACHE, persist_result=False)
def publish_unit_task(job: Any, output_dir: str, cfg: Config, label: str = "", pool: Any = None,
                      split: bool = False, here: Any = None):
    """One unit; on ``pool`` (lkip.publish.runner.worker_pool) when given, the task run then waits
    for its process (for its parts' processes when ``split``: runner.run_job_split); ``here``
    (runner.InProcess): in this process, but a split unit's workbook and documents on ``pool``."""
    from lkip.publish.runner import after_warm, run_job, run_job_split

    if pool is not None and split:
        if here is not None:  # the workbook to the one worker started before the plan, once it is ready
            return run_job_split(job, output_dir, cfg, after_warm(pool), here.submit)
        return run_job_split(job, output_dir, cfg, pool.submit)
    if here is not None:
        return here.submit(run_job, job, output_dir, cfg).result()
    if pool is not None:
        return pool.submit(run_job, job, output_dir, cfg).result()
    return run_job(job, output_dir, cfg)


def make_publish_runner(cfg: Config, n_jobs: int):
    """None (run in this process) for few units or one worker; else the Dask runner when
    configured, or a thread runner whose task runs hand their unit to a pool of processes
    (``publish_pool``)."""
    kind = runner_kind(cfg)
    workers = min(publish_workers(cfg), n_jobs)
    if workers <= 1 or n_jobs < int(cfg.get("publish.min_units_parallel", 4) or 4):
        return None
    if kind == "dask":
        return dask_runner(cfg, workers)
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=workers)


@contextlib.contextmanager
def publish_pool(task_runner: Any, workers: int, started: Any = None) -> Iterator[Any]:
    """The processes the units run on, for a thread runner (None for Dask, whose workers are
    processes already). Prefect's ProcessPoolTaskRunner was tried: it runs Prefect's task engine
    in each worker for each unit, which cost ~13 s of the 44-SKPD city's ~30 s of publishing
    (bench/results/2026-12-07-city-5.md); here a task run in the flow's process waits for a
    plain process pool (lkip.publish.runner.worker_pool, as `lkip report` without a flow uses)."""
    from prefect.task_runners import ThreadPoolTaskRunner

    if not isinstance(task_runner, ThreadPoolTaskRunner):
        if started is not None:
            started.shutdown(wait=False, cancel_futures=True)
        yield None
        return
    from lkip.publish.runner import worker_pool

    pool = started or worker_pool(workers)
    try:
        yield pool
    finally:  # every result is in: the workers exit on their own, the run goes on
        pool.shutdown(wait=False, cancel_futures=True)


def early_pool(cfg: Config, n_units: int, every: bool = False) -> Any:
    """Worker processes started now (runner.warm_pool) when the units will likely go to them:
    a thread runner, several workers, at least `min_units_parallel` units in the warehouse; all
    of them with `every` (many units to publish: likely_many), else one."""
    kind = runner_kind(cfg)
    workers = publish_workers(cfg)
    if kind == "dask" or workers <= 1 or n_units < int(cfg.get("publish.min_units_parallel", 4) or 4):
        return None
    from lkip.publish import standby

    if not every and (kept := standby.take()) is not None:  # `lkip watch`: imported already (lkip.publish.standby)
        return kept
    from lkip.publish.runner import warm_pool

    return warm_pool(workers, every=every)


def likely_many(cfg: Config, out: Path, units: list[tuple[int, str]], force: bool) -> bool:
    """Whether at least `min_units_parallel` units will be published, known before the plan: all
    of them with force, else those whose folder holds no manifest yet (a first run); a re-drop
    (manifests everywhere) is not."""
    from lkip.publish.data import KOTA
    from lkip.publish.digest import MANIFEST
    from lkip.publish.safe_text import file_stem

    need = int(cfg.get("publish.min_units_parallel", 4) or 4)
    if force:
        return len(units) >= need
    missing = sum(1 for tahun, kode in units
                  if not (out / str(tahun) / ("kota" if kode == KOTA else file_stem(kode)) / MANIFEST).is_file())
    return missing >= need


def _count_checks(con: Any, views: dict[str, str], checks: dict[str, Any]) -> None:
    from lkip import drop

    checks["counts"] = drop.count_checks(con, views)


def publish_units(cfg: Config, con: Any, tahun: int | None = None, kode_skpd: str | None = None,
                  force: bool = False, checks: dict[str, Any] | None = None) -> tuple[list[str], dict[str, Any]]:
    """Publish the units that changed; (paths written, summary for the run report). `checks`, when
    given, gets "counts": the run report's model checks (lkip.drop.count_checks), counted on the
    plan's copy of the views instead of evaluating rekonsiliasi and peringatan again."""
    from lkip.publish import runner as pub
    from lkip.publish.data import list_units

    logger = get_run_logger()
    out = Path(cfg.output_dir)
    units = list_units(con, tahun, kode_skpd)
    started = early_pool(cfg, len(units), every=likely_many(cfg, out, units, force))
    jobs: list[Any] = []
    results: list[Any] = []
    try:
        with pub.planned(con, out, cfg, tahun, kode_skpd, force=force, units=units,
                         on_views=None if checks is None else lambda views: _count_checks(con, views, checks)) \
                as (todo, skipped, read):
            task_runner = make_publish_runner(cfg, len(todo)) if todo else None
            streamed = task_runner is not None and not pub.few_units(todo, cfg)
            if streamed:   # many units: each published as soon as it is read, the city first
                results = _publish_as_read(read(pub.CHUNK), len(todo), cfg, out, task_runner, started)
            else:
                jobs = list(read())
    except BaseException:
        if started is not None:
            started.shutdown(wait=False, cancel_futures=True)
        raise
    if not streamed:
        results = _publish_read(jobs, cfg, out, started)
    for r in results:
        if r.error:
            logger.error("%s", r.error)
    summary = pub.summary(results + skipped)
    logger.info("%d unit diterbitkan, %d tidak berubah, %d gagal", summary["unit_diterbitkan"],
                summary["unit_tidak_berubah"], len(summary["unit_gagal"]))
    return [p for r in results for p in r.paths], summary


def _failed_unit(job: Any, exc: BaseException) -> Any:
    from lkip.publish import runner as pub

    res = pub.UnitResult(job.unit.tahun, job.unit.kode_skpd, job.unit.folder)
    res.error = (f"Keluaran {job.label} gagal diterbitkan ({type(exc).__name__}: {exc}); "
                 "SKPD lain tetap diterbitkan.")
    return res


def _publish_as_read(jobs: Any, n_jobs: int, cfg: Config, out: Path, task_runner: Any, started: Any) -> list[Any]:
    """Many units (lkip.publish.runner.planned with chunks): a task run per unit, submitted as its
    data is read; their results in that order (the city first)."""
    workers = min(publish_workers(cfg), n_jobs)
    submitted: list[tuple[Any, Any]] = []
    results: list[Any] = []
    with publish_pool(task_runner, workers, started) as pool, task_runner as tr:
        for job in jobs:
            submitted.append((job, tr.submit(publish_unit_task, parameters={
                "job": opaque(job, tr), "output_dir": str(out), "cfg": opaque(cfg, tr), "label": job.unit.folder,
                "pool": opaque(pool, tr), "split": False, "here": opaque(None, tr)})))
        for job, fut in submitted:
            try:
                results.append(fut.result())
            except Exception as exc:  # the worker itself died: still report the unit, go on
                results.append(_failed_unit(job, exc))
    return results


def _publish_read(jobs: list[Any], cfg: Config, out: Path, started: Any) -> list[Any]:
    """Few units (a re-drop) or one worker: every job read first (a big unit among few is split)."""
    from lkip.publish import runner as pub

    big = {id(j) for j in jobs if pub.is_big(j, cfg)} if pub.few_units(jobs, cfg) else set()
    results: list[Any] = []
    task_runner = make_publish_runner(cfg, len(jobs)) if jobs else None
    here = None
    if task_runner is None and started is not None and big:
        # Few units, one of them big (one SKPD re-dropped a file: the SKPD and the city): in this
        # process as below, but the city's workbook on the worker started before the plan, meanwhile.
        from prefect.task_runners import ThreadPoolTaskRunner

        task_runner, here = ThreadPoolTaskRunner(max_workers=len(jobs)), pub.InProcess(first=len(big))
    elif task_runner is None and started is not None:
        started.shutdown(wait=False, cancel_futures=True)
    if task_runner is None:
        for job in jobs:
            # quote: Prefect would walk the job's rows and the config before each task (flows.task_args)
            results.append(publish_unit_task(quote(job), str(out), quote(cfg), label=job.unit.folder))
    else:
        # The city first: its report (one Kurva S per SKPD, every SKPD's rows) costs several SKPD's
        # worth; started last it would run alone at the end while the other workers idle.
        jobs = sorted(jobs, key=lambda j: not j.unit.is_kota)
        workers = min(publish_workers(cfg), len(jobs) + 2 * len(big))  # a split unit is three jobs
        with publish_pool(task_runner, workers, started) as pool, task_runner as tr:
            futures = [tr.submit(publish_unit_task, parameters={
                "job": opaque(job, tr), "output_dir": str(out), "cfg": opaque(cfg, tr), "label": job.unit.folder,
                "pool": opaque(pool, tr), "split": pool is not None and id(job) in big, "here": opaque(here, tr)})
                for job in jobs]
            for job, fut in zip(jobs, futures):
                try:
                    results.append(fut.result())
                except Exception as exc:  # the worker itself died: still report the unit, go on
                    results.append(_failed_unit(job, exc))
    return results
