"""Publishing a run: plan which units need new outputs, publish each one on its own, report.

    jobs, skipped = plan(con, output_dir, config, tahun=None, kode_skpd=None, force=False)
    results = [run_job(job, output_dir, config) for job in jobs]     # or on a process pool
    results = publish_changed(con, output_dir, config, force=False, workers=1)

* `plan` computes each unit's digest in DuckDB, one aggregate query per `laporan` view
  (plan_digest.py); a unit whose folder already holds the outputs of the same digest is skipped,
  unless `force`; only the others are read (snapshot.load_units: one query per view).
* `run_job` publishes one unit and never raises: a failure is returned as a `UnitResult` whose
  `error` names the SKPD, the year and the cause in Bahasa Indonesia, so one SKPD's failure never
  stops the others. On success the manifest records the digest and the files (files of the
  previous build that are no longer produced are removed); on failure the manifest is removed so
  the next run tries again.
* `publish_jobs(jobs, ..., workers=n)` runs the jobs on n processes (matplotlib is not
  thread-safe; `spawn`, so no DuckDB handle or lock crosses into a child). The flow instead
  submits `run_job` as one Prefect task per unit (flows/pipeline.py).
* A big unit (`[publish] split_rows` table rows or more, default 5000: the city, whose
  reconciliation holds every SKPD's rows) among few units (fewer than `[publish]
  min_units_parallel`: after a re-drop) is split on a pool (`run_job_split`): its CSVs and charts
  first, then its workbook and its documents (validasi, HTML, docx) as two jobs on two processes.
  Same files, same manifest, one UnitResult: when one SKPD re-drops a file, the city's publish is
  shared by both cores instead of running on one. With `here` (an `InProcess`'s submit: jobs run
  in this process, one at a time) the base (CSVs, charts) and then the documents stay in the flow's
  process; the workbook goes to the pool at once (`after_warm`: once the worker `warm_pool`
  started is ready), writing every sheet before Grafik while the charts are drawn here
  (handoff.py), while this process goes on with the other units and the documents.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Iterator

import duckdb

from lkip import gc_pause

from .data import KOTA, UnitData, folder_name, list_units
from .digest import MANIFEST, settings_digest, up_to_date, write_manifest
from .handoff import ChartsLater
from .plan_digest import unit_digests
from .snapshot import load_units, materialised

log = logging.getLogger(__name__)


@dataclass
class UnitJob:
    unit: UnitData
    digest: str
    reuse_charts: bool = False  # keep charts whose inputs did not change (chart_cache.py); not with force

    @property
    def label(self) -> str:
        return unit_label(self.unit.kode_skpd, self.unit.tahun)


@dataclass
class UnitResult:
    tahun: int
    kode_skpd: str
    folder: str
    paths: list[str] = field(default_factory=list)
    skipped: bool = False
    error: str | None = None


def unit_label(kode: str, tahun: int) -> str:
    return f"kota (konsolidasi) tahun {tahun}" if kode == KOTA else f"SKPD {kode} tahun {tahun}"


def unit_folder(output_dir: Path, unit: UnitData) -> Path:
    return Path(output_dir) / str(unit.tahun) / unit.folder


def plan(con: duckdb.DuckDBPyConnection, output_dir: Path, config: Any, *args: Any,
         **kwargs: Any) -> tuple[list[UnitJob], list[UnitResult]]:
    """(units to publish, units whose outputs are up to date): `planned`, its units read at once.
    The arguments are `planned`'s."""
    with planned(con, output_dir, config, *args, **kwargs) as (_, skipped, read):
        return list(read()), skipped


# Units read per step by `planned`'s reader with a chunk: fewer than snapshot.FEW, so each step
# reads only its units' rows.
CHUNK = 6


@contextlib.contextmanager
def planned(
    con: duckdb.DuckDBPyConnection,
    output_dir: Path,
    config: Any,
    tahun: int | None = None,
    kode_skpd: str | None = None,
    force: bool = False,
    units: list[tuple[int, str]] | None = None,
    on_views: Any = None,
) -> Iterator[tuple[list[tuple[int, str]], list[UnitResult], Any]]:
    """The units to publish, the units whose outputs are up to date, and `read(chunk=0)`: their
    jobs as they are read, inside the views' materialised copies. `units`: data.list_units(con,
    tahun, kode_skpd) when the caller has it already. Each unit's digest is computed in DuckDB
    (plan_digest.py); only the units to publish are read (snapshot.load_units). `on_views`, when
    given, is called with the materialised copy of every whole view ({view: table}) while it
    exists (the flow counts the run report's checks there). With a chunk, the jobs come the city
    first, alone, then `chunk` SKPD at a time, so that the first ones are published while the
    others are read (a full city run: ~1,5 s of reading in this process, during which the workers
    had nothing to do); without, all of them read at once, in `units`' order. Same UnitData either
    way (tests/test_publish_plan.py)."""
    units = list_units(con, tahun, kode_skpd) if units is None else units
    with materialised(con) as views:  # each view evaluated once, for the digests and the reading
        if on_views is not None:
            on_views(views)
        digests = unit_digests(con, config, units, settings_digest(config), views)
        todo: list[tuple[int, str]] = []
        skipped: list[UnitResult] = []
        for u in units:
            key = (int(u[0]), str(u[1]))
            folder = folder_name(key[1])
            if not force and up_to_date(Path(output_dir) / str(key[0]) / folder, digests[key]):
                skipped.append(UnitResult(key[0], key[1], folder, skipped=True))
            else:
                todo.append(key)

        def read(chunk: int = 0) -> Iterator[UnitJob]:
            if chunk > 0:
                order = sorted(todo, key=lambda k: k[1] != KOTA)   # stable: the city, then the SKPD in order
                steps = [order[:1]] + [order[i:i + chunk] for i in range(1, len(order), chunk)]
            else:
                steps = [todo]
            for step in steps:
                if step:
                    for unit in load_units(con, config, step, views):
                        yield UnitJob(unit, digests[(unit.tahun, unit.kode_skpd)], reuse_charts=not force)

        yield list(todo), skipped, read


def run_job(job: UnitJob, output_dir: Path | str, config: Any) -> UnitResult:
    """Publish one unit; a failure is returned, in Indonesian, never raised."""
    from . import publish_unit  # late: the package imports this module

    unit = job.unit
    folder = unit_folder(Path(output_dir), unit)
    result = UnitResult(unit.tahun, unit.kode_skpd, unit.folder)
    try:
        with gc_pause.paused():  # a unit's thousands of cells and rows: no garbage to look for (gc_pause.py)
            paths = publish_unit(unit, Path(output_dir), config, reuse_charts=job.reuse_charts)
        write_manifest(folder, job.digest, paths)
        result.paths = [str(p) for p in paths]
    except Exception as exc:  # one unit's failure must not stop the others
        _failed(job, result, folder, _cause(exc, output_dir, config), in_except=True)
    return result


def _failed(job: UnitJob, result: UnitResult, folder: Path, cause: str, in_except: bool = False) -> None:
    (folder / MANIFEST).unlink(missing_ok=True)
    result.error = f"Keluaran {job.label} gagal diterbitkan ({cause}); SKPD lain tetap diterbitkan."
    log.error("%s", result.error, exc_info=in_except and log.isEnabledFor(logging.DEBUG))


def split_rows(config: Any) -> int:
    value = config.get("publish.split_rows", None) if config is not None and hasattr(config, "get") else None
    return int(value) if value else 5000


def is_big(job: UnitJob, config: Any) -> bool:
    """Whether the unit is worth splitting over processes (run_job_split)."""
    return sum(len(t.rows) for t in job.unit.tables.values()) >= split_rows(config)


def few_units(jobs: list[UnitJob], config: Any) -> bool:
    """Fewer jobs than `[publish] min_units_parallel` (default 4): only then is a big unit split.
    With many, the other processes are busy with the other units while one writes the city
    (started first); splitting it would only add copies of its rows to the processes."""
    value = config.get("publish.min_units_parallel", None) if config is not None and hasattr(config, "get") else None
    return len(jobs) < (int(value) if value else 4)


@dataclass
class PartResult:
    paths: list[str] = field(default_factory=list)
    charts: list[Any] = field(default_factory=list)
    error: str | None = None  # the cause, in a line


def run_part(job: UnitJob, part: str, output_dir: str, config: Any, charts: list[Any] | None = None) -> PartResult:
    """One part of a unit on a worker: "base" (CSVs, charts) or one of lkip.publish.PARTS; never raises."""
    out = PartResult()
    try:
        with gc_pause.paused():  # as run_job
            out.paths = [str(p) for p in _part(job, part, output_dir, config, charts, out)]
    except Exception as exc:
        out.error = _cause(exc, output_dir, config)
    return out


def _part(job: UnitJob, part: str, output_dir: str, config: Any, charts: list[Any] | None,
          out: PartResult) -> list[Any]:
    """run_part's files (a base part sets `out.charts`)."""
    from . import PARTS, planned_charts, publish_base, publish_documents, publish_workbook
    from .memo import unit_scope

    if part == "base":
        paths, out.charts = publish_base(job.unit, Path(output_dir), config, reuse_charts=job.reuse_charts)
        return paths
    if part in ("workbook", AFTER_BASE) and isinstance(charts, ChartsLater):  # drawn meanwhile elsewhere
        planned = planned_charts(job.unit, Path(output_dir))
        drawn: list[Any] = []
        with unit_scope():  # the documents lay the tables out as the workbook did (memo.py)
            paths = publish_workbook(job.unit, Path(output_dir), config, planned,
                                     lambda: drawn.extend(charts.wait(planned)))
            if part == AFTER_BASE:
                paths += publish_documents(job.unit, Path(output_dir), config, drawn)
        return paths
    if part in PARTS:
        fn = publish_workbook if part == "workbook" else publish_documents
        return fn(job.unit, Path(output_dir), config, charts or [])
    raise ValueError(f"bagian tidak dikenal: {part}")


def run_job_split(job: UnitJob, output_dir: Path | str, config: Any, submit: Any, here: Any = None) -> UnitResult:
    """run_job for a big unit, its parts handed to `submit` (a process pool's): base first, then
    the workbook and the documents side by side; the manifest written here once all are done.
    `here` (an InProcess's submit): the base runs in this process, the workbook and then the
    documents on the pool from the start (they get the charts once the base has drawn them:
    `_here_and_pool`).
    The same files and the same result as run_job; never raises."""
    unit = job.unit
    folder = unit_folder(Path(output_dir), unit)
    result = UnitResult(unit.tahun, unit.kode_skpd, unit.folder)
    out = str(output_dir)
    try:
        if here is not None:
            parts = _here_and_pool(job, out, config, submit, here)
        else:
            base = submit(run_part, job, "base", out, config).result()
            parts = [base]
            if base.error is None:
                workbook = submit(run_part, job, "workbook", out, config, base.charts)
                documents = submit(run_part, job, "documents", out, config, base.charts)
                parts += [workbook.result(), documents.result()]
        cause = next((p.error for p in parts if p.error), None)
        if cause is not None:
            _failed(job, result, folder, cause)
            return result
        paths = [Path(p) for part in parts for p in part.paths]
        write_manifest(folder, job.digest, paths)
        result.paths = [str(p) for p in paths]
    except Exception as exc:  # a worker died, the manifest could not be written
        _failed(job, result, folder, _cause(exc, output_dir, config), in_except=True)
    return result


AFTER_BASE = "workbook+documents"  # one part on the pool: the workbook, then the documents (run_part)


def _here_and_pool(job: UnitJob, out: str, config: Any, submit: Any, here: Any) -> list[PartResult]:
    """The workbook and then the documents handed to the pool at once (one part: they share the
    unit's layout, memo.py), the base (CSVs, charts) here: the workbook's sheets are written while
    the charts are drawn, its Grafik sheet once they are (handoff.ChartsLater); this process goes
    on with the other units (the re-dropped SKPD) meanwhile. [base, workbook and documents] (when
    the base fails the workbook stops at its Grafik sheet and no documents are written).

    The documents were written here, beside the workbook, while the workbook cost ~1 CPU-s of
    the 44-SKPD city; with the workbook at ~0,5 (xlsx_rows.py) this process was the longer side
    (its base, the SKPD and the city's page), so the worker writes both again. In `lkip watch` it
    is the same kept worker each time (standby.py), so its page keeps its rows (row_cache.py)."""
    later = ChartsLater()
    sent, handed = False, None
    try:
        with ThreadPoolExecutor(1) as handing:  # `submit` may wait for the warm worker: not this thread
            handed = handing.submit(submit, run_part, job, AFTER_BASE, out, config, later)
            base = here(run_part, job, "base", out, config).result()
            later.send(base.charts, base.error)
            sent = True
            return [base, handed.result().result()]
    finally:
        if not sent:  # this process failed before the charts: the worker must not wait for them
            later.send(None, "dibatalkan")
            try:
                if handed is not None:
                    handed.result().result(timeout=120)
            except Exception:
                pass
        later.discard()


class InProcess:
    """A pool's `submit` that runs the job in this process, one job at a time (matplotlib is not
    thread-safe), and returns its finished Future. With `first` split units, their base parts go
    first (their workbooks then start on the pool while the rest is written here): another job
    waits for them (at most a minute: a split unit that never gets there delays, never blocks)."""

    def __init__(self, first: int = 0) -> None:
        self.lock = threading.Lock()
        self._bases = first
        self._bases_done = threading.Event()
        if first <= 0:
            self._bases_done.set()

    def submit(self, fn: Any, *args: Any) -> Future:
        base = fn is run_part and len(args) > 1 and args[1] == "base"
        if not base:
            self._bases_done.wait(60)
        fut: Future = Future()
        with self.lock:
            try:
                fut.set_result(fn(*args))
            except BaseException as exc:  # as a pool's future holds it
                fut.set_exception(exc)
            finally:
                if base:
                    self._bases -= 1
                    if self._bases <= 0:
                        self._bases_done.set()
        return fut


def after_warm(pool: ProcessPoolExecutor) -> Any:
    """pool.submit, once the worker warm_pool started is ready: a job handed over while it still
    imports would start a second worker (another ~1 CPU-s of imports) instead of waiting for it."""
    warming = getattr(pool, "lkip_warm", None)

    def submit(fn: Any, *args: Any) -> Future:
        if warming is not None:
            try:
                warming.result()
            except Exception:  # a worker that died is the pool's to report, on the job itself
                pass
        return pool.submit(fn, *args)

    return submit


def _cause(exc: BaseException, output_dir: Path | str, config: Any) -> str:
    """The exception in a line; a full disk as the one Indonesian sentence of lkip.safe_fs."""
    from lkip import safe_fs

    if safe_fs.is_disk_full(exc):
        try:
            needed = safe_fs.run_space_estimate(config)
        except Exception:  # an estimate is a courtesy, never a second failure
            needed = None
        return safe_fs.disk_full_message(exc, Path(output_dir), needed)
    return f"{type(exc).__name__}: {exc}".strip()


def _init_worker() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from . import publish_unit  # noqa: F401  (imported as the process starts: see warm_pool)


def warm() -> int:
    """A no-op job that makes a new worker import what publishing needs (while the parent plans)."""
    from . import publish_unit  # noqa: F401

    return os.getpid()


def warm_pool(workers: int, every: bool = False) -> ProcessPoolExecutor:
    """worker_pool with its first worker started and importing at once (the parent goes on to read
    the views); the others start when jobs wait for them. With `every` (a full publish ahead), all
    `workers` processes start now: each imports as it starts (_init_worker), so the second one's
    imports run beside the plan, on the core the first leaves idle once it is ready, instead of
    beside the first units."""
    pool = worker_pool(workers)
    pool.lkip_warm = pool.submit(warm)  # type: ignore[attr-defined]
    if every:  # each submit while no worker is idle spawns one more process (up to `workers`)
        pool.lkip_warm_rest = [pool.submit(warm) for _ in range(workers - 1)]  # type: ignore[attr-defined]
    return pool


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """The processes units are published on: forked from the run's fork server when it runs
    (lkip.read_pool: a big drop was read on it; it imported publishing too, so a worker starts
    ready), else spawned. Either way no lock, thread or DuckDB handle of the parent is inherited."""
    from lkip import read_pool

    context = read_pool.process_context() if read_pool.fork_server_running() else get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker)


def publish_jobs(jobs: list[UnitJob], output_dir: Path, config: Any, workers: int = 1) -> list[UnitResult]:
    """Run the jobs, in order, serially or on `workers` processes; results in the jobs' order."""
    big = [i for i, j in enumerate(jobs) if is_big(j, config)] if few_units(jobs, config) else []
    if workers <= 1 or (len(jobs) <= 1 and not big):
        return [run_job(j, output_dir, config) for j in jobs]
    with worker_pool(min(workers, len(jobs) + 2 * len(big))) as pool, ThreadPoolExecutor(max(len(big), 1)) as threads:
        # the city first (as the flow does): its report costs several SKPDs' worth; started last it
        # would run alone at the end while the other workers idle
        order = sorted(range(len(jobs)), key=lambda i: not jobs[i].unit.is_kota)
        futures = {i: threads.submit(run_job_split, jobs[i], str(output_dir), config, pool.submit) if i in big
                   else pool.submit(run_job, jobs[i], str(output_dir), config) for i in order}
        return [futures[i].result() for i in range(len(jobs))]


def publish_changed(
    con: duckdb.DuckDBPyConnection,
    output_dir: Path,
    config: Any,
    tahun: int | None = None,
    kode_skpd: str | None = None,
    force: bool = False,
    workers: int = 1,
) -> list[UnitResult]:
    """Plan and publish; results of the published units first, then the skipped ones."""
    jobs, skipped = plan(con, output_dir, config, tahun, kode_skpd, force=force)
    return publish_jobs(jobs, Path(output_dir), config, workers) + skipped


def summary(results: list[UnitResult]) -> dict[str, Any]:
    """Counts and failures for the run report."""
    failed = [r for r in results if r.error]
    return {
        "unit_diterbitkan": sum(1 for r in results if not r.skipped and not r.error),
        "unit_tidak_berubah": sum(1 for r in results if r.skipped),
        "unit_gagal": [{"tahun": r.tahun, "kode_skpd": r.kode_skpd, "pesan": r.error} for r in failed],
    }
