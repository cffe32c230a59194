"""The LKIP pipeline as one Prefect flow run: orchestration only.

    lock → discover → prepare (parallel, on the configured task runner)
         → stage (one writer, one transaction per file) → archive (only after the commit)
         → model.build → publish (units whose data changed, one task each) → run report

The work lives in plain functions (lkip.drop: which files, prepare, stage and archive, whether to
rebuild, the verdict; lkip.ingest / lkip.stage / lkip.model / lkip.publish below them); the tasks
below are thin wrappers, so that Prefect's UI shows the read phase and the stage phase (one task
run each for all files, a log line per file; per file on the process or Dask runner for reading)
and each published unit as task runs. What a
run needs (config, connection, lock, what it found) lives in one `_Run` per flow run; progress
and the final summary go to the caller's `lkip.drop.Observer`. Import `lkip.prefect_env` and call
`configure()` before importing this module.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.utilities.annotations import quote

from flows.flow_params import plain_parameters
from flows.runners import make_task_runner, runner_kind, runner_workers, stage_workers  # noqa: F401  (make_task_runner: importable from here too)
from flows.task_args import opaque, opaque_args
from lkip import drop, heartbeat, notify, runreport
from lkip.config import Config, load_config
from lkip.drop import archived_files, sweep_temp_files  # noqa: F401  (importable from here too)
from lkip.lock import LockBusy, held_here, run_lock
from lkip.supervise import die_with_parent_from_env

# A flow run that `lkip serve`'s Prefect runner started in a subprocess dies with `lkip serve`.
die_with_parent_from_env()


class RunFailed(RuntimeError):
    def __init__(self, summary: dict[str, Any]):
        self.summary = summary
        super().__init__(summary.get("error") or "run failed")


# ---- tasks -------------------------------------------------------------------------------------


@task(name="kunci-gudang", cache_policy=NO_CACHE, retries=0, persist_result=False)
def take_lock(output_dir: str, run_id: str):
    """Try once; Prefect retries this task while another run holds the lock. Returns the lock."""
    lock = run_lock(Path(output_dir), run_id)
    if held_here(Path(output_dir)):
        lock.try_acquire()  # shares this process's lock
    elif not lock.try_acquire():
        from lkip.lock import read_holder

        raise LockBusy(lock.path, read_holder(lock.path), 0.0)
    return lock


@task(name="temukan-berkas", cache_policy=NO_CACHE)
def discover_files(cfg: Config) -> list[str]:
    from lkip import ingest

    return [str(p) for p in ingest.discover(cfg)]


@task(name="baca-validasi", cache_policy=NO_CACHE, persist_result=False)
def prepare_file(path: str, cfg: Config, rel_to: str | None = None):
    """Open, detect, read and validate one file (no database access; runs in parallel)."""
    from lkip import ingest

    if rel_to:
        return ingest.prepare(Path(path), cfg, rel_to=Path(rel_to))
    return ingest.prepare(Path(path), cfg)


@task(name="baca-validasi", task_run_name="baca-validasi-semua", cache_policy=NO_CACHE, persist_result=False)
def prepare_all(paths: list[str], cfg: Config, rel_to_parent: bool = False) -> tuple[list[Any], list[dict[str, Any]]]:
    """Every file of the drop read and validated by `[runner] max_workers` workers: ONE task run
    for the phase (a file that cannot be read is logged by name). One task run per file cost the
    Prefect server ~10 CPU-s on a 132-file city drop, taken from the two cores the reading needs.
    The workers are processes for a big drop, threads for a small one (lkip.read_pool)."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    from lkip import ingest, read_pool

    workers = runner_workers(cfg)
    early = None if rel_to_parent else read_pool.adopt(cfg, paths, workers)   # `lkip run` began reading
    with early.pool if early is not None else read_pool.read_pool(cfg, paths, workers) as pool:
        on_processes = isinstance(pool, ProcessPoolExecutor)
        work = read_pool.prepare_portable if on_processes else (
            lambda p, c, rel_to: ingest.prepare(Path(p), c, Path(rel_to) if rel_to else None))
        get_run_logger().info("%d berkas dibaca oleh %d %s", len(paths),
                              min(workers, len(paths)) if on_processes else workers, "proses" if on_processes else "utas")

        def submit(p: str, rel_to: str | None) -> Any:
            fut = early.take(p) if early is not None and rel_to is None else None
            return fut if fut is not None else pool.submit(work, p, cfg, rel_to)

        try:
            return drop.prepare_drop(
                cfg, paths, rel_to_parent=rel_to_parent, logger=get_run_logger(), submit=submit,
                wait_any=lambda futures: next(iter(wait(futures, return_when=FIRST_COMPLETED).done)))
        finally:
            if early is not None:
                early.drop_rest()
                get_run_logger().info("%d berkas sudah mulai dibaca sebelum flow dimulai", early.taken)


@task(name="muat-dan-arsipkan", cache_policy=NO_CACHE, persist_result=False)
def stage_and_archive(prepared: list[Any], run_id: str, cfg: Config, con: Any, move: bool = True):
    """Every prepared file into the warehouse (one transaction each), each moved after its commit:
    ONE task run for the whole phase, a log line per file (its outcome; a file that fails names
    itself before the task fails). One task run per file and step cost the Prefect server more
    than the staging itself on a city drop (bench/results/2026-12-07-stage-*.md)."""
    return drop.stage_drop(cfg, con, prepared, run_id, move=move, logger=get_run_logger(),
                           workers=stage_workers(cfg))


@task(name="bangun-model", cache_policy=NO_CACHE)
def build_model(cfg: Config, con: Any, full: bool = False) -> None:
    from lkip import model

    model.build(con, cfg, full=full)  # full: `lkip report --force` rebuilds core.sp2d whole too


@task(name="terbitkan", cache_policy=NO_CACHE)
def publish(cfg: Config, tahun: int | None = None, kode_skpd: str | None = None, con: Any = None) -> list[str]:
    """Every unit in this process (the flow publishes per unit: flows.publish_step)."""
    from lkip import publish as publish_mod
    from lkip import stage

    own = con is None
    con = stage.connect(cfg) if own else con
    try:
        paths = publish_mod.publish_all(con, Path(cfg.output_dir), cfg, tahun=tahun, kode_skpd=kode_skpd)
    finally:
        if own:
            con.close()
    return [str(p) for p in paths or []]


@task(name="laporan-run", cache_policy=NO_CACHE)
def write_run_report(cfg: Config, report: dict[str, Any]) -> str:
    return str(runreport.write_report(cfg.runs_dir, report))


# ---- one flow run --------------------------------------------------------------------------------


@dataclass
class _Run:
    """Everything one flow run holds: its warehouse connection and lock, what it found, timings."""

    cfg: Config
    run_id: str
    mode: str
    logger: Any
    flow_run_id: str | None = None
    started_at: str = field(default_factory=runreport.now_iso)
    t0: float = field(default_factory=time.monotonic)
    durations: dict[str, float] = field(default_factory=dict)
    files: list[dict[str, Any]] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    publish_summary: dict[str, Any] = field(default_factory=dict)
    status: str = "failed"
    error: str | None = None
    con: Any = None
    lock: Any = None
    rebuilt: bool = False   # the model was built in this run (else it is the last run's)
    checks: dict[str, Any] = field(default_factory=dict)  # the model checks, counted while publishing

    def timed(self, name: str, fn, *args, **kwargs):
        t = time.monotonic()
        try:
            return fn(*args, **kwargs)
        finally:
            self.durations[name] = time.monotonic() - t


def _config(workspace: str | None, input_dir: str | None, output_dir: str | None, mode: str,
            run_id: str | None, logger: Any) -> Config:
    """The run's config; a run created through the API of `lkip serve`: only its own folders
    (SECURITY.md)."""
    from lkip import api_guard

    try:
        workspace, input_dir, output_dir = api_guard.check_flow_parameters(
            workspace, input_dir, output_dir, mode, run_id)
        cfg = load_config(workspace, input_dir, output_dir)
        api_guard.check_effective(cfg)
    except api_guard.ParameterRefused as exc:
        logger.error("%s", exc)
        raise
    return cfg


def _open_warehouse(run: _Run) -> None:
    from lkip import stage, warehouse_open

    swept = sweep_temp_files(run.cfg.output_dir)
    if swept:
        run.logger.info("%d berkas sementara dari run yang terputus dihapus", swept)
    drop.observer().emit("stage", name="gudang data")
    run.con = warehouse_open.take(run.cfg.warehouse) or stage.connect(run.cfg)  # the CLI's check opened it
    stage.start_run(run.con, run.run_id)


def _prepare(run: _Run, paths: list[str]) -> list[Any]:
    """Every file read and validated (files that fail are recorded in run.files): with the
    thread runner ONE task run on a pool of threads; with the process or Dask runner one task run
    per file, so that the files are spread over its processes."""
    if not paths:
        return []
    from lkip import admission

    cfg, rel_to_parent = run.cfg, run.mode == "rebuild"
    if runner_kind(cfg) == "threads":
        prepared, records = opaque_args(prepare_all)(paths, cfg, rel_to_parent)
    else:
        with make_task_runner(cfg) as runner:
            prepared, records = drop.prepare_drop(
                cfg, paths, rel_to_parent=rel_to_parent, logger=run.logger,
                submit=lambda p, rel_to: runner.submit(prepare_file, parameters={"path": p, "cfg": opaque(cfg, runner), "rel_to": rel_to}),
                wait_any=admission.prefect_wait_any)
    run.files.extend(records)
    return prepared


def _ingest(run: _Run) -> bool:
    """New files (mode 'run') or the archive (mode 'rebuild') into the warehouse; True when a
    file was accepted."""
    obs = drop.observer()
    t = time.monotonic()
    if run.mode == "rebuild":  # only files the pipeline archived itself; strangers reported
        paths, strangers = drop.rebuild_paths(run.cfg)
        run.files.extend(strangers)
    else:
        paths = discover_files(quote(run.cfg))
    run.durations["discover"] = time.monotonic() - t
    obs.emit("discovered", n=len(paths))
    run.logger.info("%d berkas ditemukan", len(paths))
    prepared = run.timed("prepare", _prepare, run, paths)
    staged = (opaque_args(stage_and_archive)(prepared, run.run_id, run.cfg, run.con, run.mode == "run")
              if prepared else drop.stage_drop(run.cfg, run.con, prepared, run.run_id))
    run.files.extend(staged.records)
    run.durations.update(staged.durations)
    return staged.changed


def _build_and_publish(run: _Run, tahun: int | None, kode_skpd: str | None, force: bool) -> None:
    from flows.publish_step import publish_units

    obs = drop.observer()
    obs.emit("stage", name="model")
    from lkip import warmup

    warmup.in_background()   # publishing's imports on the other core while DuckDB builds the model
    run.rebuilt = True
    run.timed("model", build_model, quote(run.cfg), quote(run.con), full=force)
    obs.emit("stage", name="terbitkan")
    run.outputs, run.publish_summary = run.timed(
        "publish", publish_units, run.cfg, run.con, tahun=tahun, kode_skpd=kode_skpd, force=force,
        checks=run.checks)


def _finish(run: _Run) -> dict[str, Any]:
    """The run report, then meta.runs, then the connection and lock let go, then index and
    notifications: whatever happened before."""
    cfg, con, logger = run.cfg, run.con, run.logger
    run.durations["total"] = time.monotonic() - run.t0
    went_through = con is not None and run.status != "failed"
    differences, warnings = (drop.model_checks(con, run.run_id, run.rebuilt, run.checks.get("counts"))
                             if went_through else (None, {}))
    report = runreport.build_report(
        run.run_id, run.started_at, run.status, run.files, run.durations,
        differences, run.outputs, run.error,
        extra={"mode": run.mode, "flow_run_id": run.flow_run_id,
               "peringatan_laporan": warnings,
               "terbitkan": run.publish_summary,
               "input_dir": str(cfg.input_dir),
               "output_dir": str(cfg.output_dir)},
    )
    # The report first, then meta.runs: a run marked finished in the warehouse always has its
    # report (a kill in between leaves a report and a 'running' row; the next run rebuilds).
    try:
        report["report_path"] = write_run_report(quote(cfg), quote(report))
    except Exception as exc:
        logger.error("Laporan run tidak dapat ditulis: %s", exc)
    if con is not None:
        try:
            from lkip import stage as stage_mod

            stage_mod.finish_run(con, run.run_id, run.status, {k: v for k, v in report.items() if k != "files"})
        except Exception as exc:  # the report above still says what happened
            logger.error("meta.runs tidak dapat diperbarui: %s", exc)
        try:
            con.close()
        except Exception:
            pass
        run.con = None
    if run.lock is not None:
        run.lock.release()
    drop.observer().summary = report
    notify.after_run(cfg, report, logger)  # output/index.html, then email/webhook
    return report


# ---- the flow -------------------------------------------------------------------------------


@flow(name="lkip-run", persist_result=False, log_prints=False)
def lkip_run(
    workspace: str | None = None,
    input_dir: str | None = None,
    output_dir: str | None = None,
    tahun: int | None = None,
    kode_skpd: str | None = None,
    mode: str = "run",
    run_id: str | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """mode: 'run' (new files), 'report' (outputs from the warehouse), 'rebuild' (from processed/).

    Only the units whose data changed are republished; force=True republishes every unit.
    """
    with heartbeat.flow_heartbeats():   # `lkip run` against a running server (lkip.heartbeat)
        return _lkip_run(workspace, input_dir, output_dir, tahun, kode_skpd, mode, run_id, force)


plain_parameters(lkip_run)   # its parameters go to the API without importing FastAPI (flows/flow_params.py)


def _lkip_run(workspace: str | None, input_dir: str | None, output_dir: str | None, tahun: int | None,
              kode_skpd: str | None, mode: str, run_id: str | None, force: bool) -> Any:
    logger = get_run_logger()
    cfg = _config(workspace, input_dir, output_dir, mode, run_id, logger)
    ctx = FlowRunContext.get()
    run = _Run(cfg, run_id or runreport.new_run_id(), mode, logger,
               flow_run_id=str(ctx.flow_run.id) if ctx and ctx.flow_run else None)
    wait, delay = float(cfg.get("lock.wait_seconds", 0) or 0), 2.0
    run.lock = take_lock.with_options(retries=int(wait // delay), retry_delay_seconds=delay)(str(cfg.output_dir), run.run_id)
    run.t0 = time.monotonic()
    try:
        _open_warehouse(run)
        with _warehouse_slot():
            changed = _ingest(run) if mode in ("run", "rebuild") else False
            if drop.needs_rebuild(run.con, run.run_id, mode, changed):
                _build_and_publish(run, tahun, kode_skpd, force)
            else:
                logger.info("Tidak ada berkas baru: model dan keluaran tidak diubah")
        run.status, run.error = drop.verdict(run.files, run.publish_summary)
    except Exception as exc:
        from lkip.safe_fs import run_error_text

        run.status, run.error = "failed", run_error_text(exc, cfg)  # a full disk: one Indonesian sentence
        logger.error("Run gagal: %s", run.error)
        if _is_damaged(exc):
            run.error = "WarehouseDamaged: " + str(exc)
    finally:
        report = _finish(run)
    logger.info("Run %s %s: %d berkas, %d baris", run.run_id, run.status, report["files_seen"], report["rows_staged"])
    if run.status == "failed":
        raise RunFailed(report)
    if run.status == runreport.WITH_REJECTIONS:  # the flow run's state says it too (type Completed)
        from prefect.states import Completed

        return Completed(name="CompletedWithRejections", data=report,
                         message=f"{report['files_by_outcome'].get('rejected', 0)} berkas ditolak")
    return report


def _unmapped(value: Any):
    from prefect.utilities.annotations import unmapped

    return unmapped(value)


def _is_damaged(exc: BaseException) -> bool:
    try:
        from lkip.stage import WarehouseDamaged
    except Exception:
        return False
    return isinstance(exc, WarehouseDamaged)


class _warehouse_slot:
    """Prefect global concurrency `lkip-warehouse` (1 slot) when runs go to a real server.

    The file lock already serialises runs on one machine; the Prefect limit also shows the wait
    in the UI and covers runs started by workers elsewhere. The temporary server has no limits;
    on a server without the limit (created by `lkip serve`) no slot is asked for: that request,
    a write, was answered 503 by a server still busy with the last run, and retried ~2 s later
    (the second re-drop inside `lkip watch` took ~2 s longer than the others).
    """

    def __enter__(self):
        self._cm = None
        from lkip.prefect_env import using_real_server

        if using_real_server() and os.environ.get("LKIP_NO_GLOBAL_CONCURRENCY") != "1":
            from flows.global_limit import GLOBAL_LIMIT, global_limit_exists

            if global_limit_exists() is False:  # a workspace server without `lkip serve`
                return self
            try:
                from prefect.concurrency.sync import concurrency

                self._cm = concurrency(GLOBAL_LIMIT, occupy=1, strict=False)
                self._cm.__enter__()
            except Exception:
                self._cm = None
        return self

    def __exit__(self, *exc):
        if self._cm is not None:
            return self._cm.__exit__(*exc)
        return False
