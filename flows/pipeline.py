"""The LKIP pipeline as one Prefect flow run.

    lock → discover → prepare (parallel, on the configured task runner)
         → stage (one writer, one transaction per file) → archive (only after the commit)
         → model.build → publish (units whose data changed, one task each) → run report

The work lives in lkip.ingest / lkip.stage / lkip.model / lkip.publish; the tasks below are thin
wrappers so that each file and each stage is one task run in Prefect's UI. Import
`lkip.prefect_env` and call `configure()` before importing this module.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Callable

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext

from lkip import notify, runreport
from lkip.config import Config, load_config
from lkip.console_safe import inert
from lkip.lock import LockBusy, held_here, run_lock
from lkip.supervise import die_with_parent_from_env

# A flow run that `lkip serve`'s Prefect runner started in a subprocess dies with `lkip serve`.
die_with_parent_from_env()

# Progress callback set by the CLI (rich display); events are (name, payload dict).
PROGRESS: Callable[[str, dict[str, Any]], None] | None = None
# The last run's summary in this process, for the CLI when the flow ends Failed.
LAST_SUMMARY: dict[str, Any] | None = None

_LOCKS: dict[str, Any] = {}


class RunFailed(RuntimeError):
    def __init__(self, summary: dict[str, Any]):
        self.summary = summary
        super().__init__(summary.get("error") or "run failed")


def _emit(event: str, **payload: Any) -> None:
    if PROGRESS is not None:
        try:
            PROGRESS(event, payload)
        except Exception:  # a display problem must never fail a run
            pass


def make_task_runner(cfg: Config):
    """ThreadPoolTaskRunner by default; ProcessPool or a Dask cluster when configured."""
    kind = str(cfg.get("runner.kind", "threads") or "threads").lower()
    workers = int(cfg.get("runner.max_workers", 4) or 4)
    if kind in ("process", "processes"):
        from prefect.task_runners import ProcessPoolTaskRunner

        return ProcessPoolTaskRunner(max_workers=workers)
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        address = cfg.get("runner.dask_address") or None
        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "processes": True})
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=workers)


# ---- tasks -------------------------------------------------------------------------------------


@task(name="kunci-gudang", cache_policy=NO_CACHE, retries=0)
def take_lock(output_dir: str, run_id: str) -> str:
    """Try once; Prefect retries this task while another run holds the lock."""
    if held_here(Path(output_dir)):
        lock = run_lock(Path(output_dir), run_id)
        lock.try_acquire()  # shares this process's lock
    else:
        lock = run_lock(Path(output_dir), run_id)
        if not lock.try_acquire():
            from lkip.lock import read_holder

            raise LockBusy(lock.path, read_holder(lock.path), 0.0)
    _LOCKS[run_id] = lock
    return str(lock.path)


@task(name="temukan-berkas", cache_policy=NO_CACHE)
def discover_files(cfg: Config) -> list[str]:
    from lkip import ingest

    return [str(p) for p in ingest.discover(cfg)]


def archived_files(cfg: Config) -> list[str]:
    """Files of input/processed/ in the order they were archived (date folder, then rename time)."""
    root = Path(cfg.processed_dir)
    if not root.is_dir():
        return []
    files = []
    for p in root.rglob("*"):
        if p.is_symlink() or not p.is_file() or p.name.startswith(".") or p.name.endswith((".errors.xlsx", ".errors.txt")):
            continue
        try:
            rel = p.relative_to(root)
            st = p.stat()
            files.append((rel.parts[0] if len(rel.parts) > 1 else "", st.st_ctime_ns, str(rel), p))
        except OSError:
            continue
    return [str(f[3]) for f in sorted(files)]


@task(name="baca-validasi", cache_policy=NO_CACHE, persist_result=False)
def prepare_file(path: str, cfg: Config, rel_to: str | None = None):
    """Open, detect, read and validate one file (no database access; runs in parallel)."""
    from lkip import ingest

    if rel_to:
        return ingest.prepare(Path(path), cfg, rel_to=Path(rel_to))
    return ingest.prepare(Path(path), cfg)


@task(name="muat", cache_policy=NO_CACHE, persist_result=False)
def stage_file(prepared: Any, run_id: str, cfg: Config):
    from lkip import ingest

    return ingest.stage(_connection(cfg), prepared, run_id, cfg)


@task(name="arsipkan", cache_policy=NO_CACHE, persist_result=False)
def archive_file(prepared: Any, outcome: Any, cfg: Config):
    from lkip import ingest

    return ingest.archive(prepared, outcome, cfg, con=_connection(cfg))


@task(name="bangun-model", cache_policy=NO_CACHE)
def build_model(cfg: Config) -> None:
    from lkip import model

    model.build(_connection(cfg), cfg)


@task(name="terbitkan", cache_policy=NO_CACHE)
def publish(cfg: Config, tahun: int | None = None, kode_skpd: str | None = None) -> list[str]:
    from lkip import publish as publish_mod

    paths = publish_mod.publish_all(_connection(cfg), Path(cfg.output_dir), cfg, tahun=tahun, kode_skpd=kode_skpd)
    return [str(p) for p in paths or []]


@task(name="laporan-run", cache_policy=NO_CACHE)
def write_run_report(cfg: Config, report: dict[str, Any]) -> str:
    return str(runreport.write_report(cfg.runs_dir, report))


# ---- one connection per run: tasks receive the config, never an open connection ---------------

_CONNECTIONS: dict[str, Any] = {}


def _connection(cfg: Config):
    key = str(cfg.warehouse)
    con = _CONNECTIONS.get(key)
    if con is None:
        from lkip import stage

        con = stage.connect(cfg)
        _CONNECTIONS[key] = con
    return con


def _close_connection(cfg: Config) -> None:
    con = _CONNECTIONS.pop(str(cfg.warehouse), None)
    if con is not None:
        try:
            con.close()
        except Exception:
            pass


def _scalar(con, sql: str, params: list | None = None):
    row = con.execute(sql, params or []).fetchone()
    return row[0] if row else None


def _needs_rebuild(con, run_id: str) -> bool:
    """Build and publish even without new files when the last run did not finish cleanly."""
    try:
        status = _scalar(
            con,
            "select status from meta.runs where run_id <> ? order by started_at desc limit 1",
            [run_id],
        )
    except Exception:
        return True
    if status not in runreport.COMPLETED_STATUSES:
        return True
    try:
        n_views = _scalar(con, "select count(*) from duckdb_views() where schema_name = 'laporan'")
    except Exception:
        return True
    return not n_views


def sweep_temp_files(output_dir: Path) -> int:
    """Remove temporary outputs (`.<name>.<random>.tmp`) that a killed run left behind.

    Called with the lock held, so no other writer can be using them. Readers never saw them:
    outputs only appear under their real name by rename.
    """
    n = 0
    root = Path(output_dir)
    if not root.is_dir():
        return 0
    for p in root.rglob(".*.tmp"):
        try:
            if p.is_file():
                p.unlink()
                n += 1
        except OSError:
            pass
    return n


def model_warnings(con) -> dict[str, int]:
    """Warnings the tables carry (target 0, pagu 0 with realisasi, unmatched indicators...), per table."""
    try:
        rows = con.execute(
            "select tabel, count(*) from laporan.peringatan where kode_skpd <> 'KOTA' group by 1 order by 1"
        ).fetchall()
    except Exception:
        return {}
    return {str(t): int(n) for t, n in rows}


def reconciliation_differences(con) -> int | None:
    try:
        exists = _scalar(
            con,
            "select count(*) from information_schema.tables where table_schema = 'laporan' "
            "and table_name = 'rekonsiliasi'",
        )
        if not exists:
            return None
        return int(_scalar(con, "select count(*) from laporan.rekonsiliasi "
                               "where kode_skpd <> 'KOTA' and (coalesce(selisih_lra_sp2d, 0) <> 0 "
                               "or coalesce(selisih_lra_form, 0) <> 0 or coalesce(selisih_sp2d_form, 0) <> 0 "
                               "or coalesce(selisih_dokumen_sp2d, 0) <> 0 or coalesce(selisih_dokumen_form, 0) <> 0)") or 0)
    except Exception:
        return None


def _failed_outcome(path: str, exc: BaseException, seconds: float) -> dict[str, Any]:
    return {
        "path": path,
        "outcome": "failed",
        "n_rows": 0,
        "n_warnings": 0,
        "n_errors": 1,
        "messages": [f"Kesalahan tak terduga, berkas dibiarkan di input/: {type(exc).__name__}: {exc}"],
        "archived_to": None,
        "seconds": round(seconds, 3),
    }



def _prepare_all(cfg: Config, paths: list[str], files: list[dict[str, Any]], rel_to_parent: bool) -> list[Any]:
    """Prepare every file on the task runner; a file still being copied is left for the next run."""
    logger = get_run_logger()
    if not paths:
        return []
    _emit("phase", name="Membaca dan memvalidasi", total=len(paths))
    prepared: list[Any] = []
    from lkip import admission

    budget, factor = admission.budget_of(cfg)
    with make_task_runner(cfg) as runner:
        # files go to the workers only while their estimated memory fits the budget
        futures = admission.submit_within_budget(
            paths, [admission.estimate_mb(p, factor) for p in paths], budget,
            lambda p: runner.submit(prepare_file, parameters={
                "path": p, "cfg": cfg, "rel_to": _archive_root(cfg, p) if rel_to_parent else None}),
            admission.prefect_wait_any,
            lambda p, need, used: logger.info(
                "%s (perkiraan memori %.0f MB) menunggu: %.0f MB dari anggaran %.0f MB sedang dipakai",
                Path(p).name, need, used, budget),
        )
        for path, fut in zip(paths, futures):
            t_file = time.monotonic()
            try:
                prepared.append(fut.result())
            except Exception as exc:
                if type(exc).__name__ == "FileIncomplete":
                    logger.info("%s masih disalin: dibiarkan untuk run berikutnya", inert(Path(path).name))
                    files.append(runreport.outcome_record({
                        "path": path, "outcome": "skipped",
                        "messages": ["Berkas masih disalin; diproses pada run berikutnya."],
                    }))
                else:  # a reader bug: keep the file where it is and report it
                    logger.error("Gagal membaca %s: %s", inert(path), inert(exc))
                    files.append(runreport.outcome_record(_failed_outcome(path, exc, time.monotonic() - t_file)))
                _emit("file", name=Path(path).name, outcome=files[-1]["outcome"])
                continue
            _emit("file", name=None, outcome=None)
    try:
        from lkip.ingest import sort_for_staging
    except ImportError:  # keep discovery order
        return prepared
    # Renja before the files checked against it, older periods before newer ones.
    return sort_for_staging(prepared)


def _archive_root(cfg: Config, path: str) -> str:
    """processed/<date>/ of an archived file, so its rel_path is the one it had in input/."""
    root = Path(cfg.processed_dir)
    try:  # lexical: a path outside processed/ (never listed by archived_files) reads as its folder
        rel = Path(os.path.normpath(path)).relative_to(root)
    except ValueError:
        return str(Path(path).parent)
    return str(root / rel.parts[0]) if len(rel.parts) > 1 else str(root)


def _stage_all(cfg: Config, prepared: list[Any], run_id: str, files: list[dict[str, Any]],
               archive: bool, durations: dict[str, float]) -> bool:
    """Stage one file at a time (one writer), then move it: a file moves only after its commit."""
    logger = get_run_logger()
    changed = False
    stage_seconds = archive_seconds = 0.0
    if prepared:
        _emit("phase", name="Memuat ke gudang data", total=len(prepared))
    for prep in prepared:
        t = time.monotonic()
        outcome = stage_file(prep, run_id, cfg)
        stage_seconds += time.monotonic() - t
        if archive:
            t = time.monotonic()
            outcome = archive_file(prep, outcome, cfg)
            archive_seconds += time.monotonic() - t
        rec = runreport.outcome_record(outcome)
        files.append(rec)
        changed |= rec["outcome"] in ("accepted", "accepted_with_warnings")
        _emit("file", name=rec["name"], outcome=rec["outcome"])
        logger.info("%s: %s (%s baris)", inert(rec["name"]), rec["outcome"], rec["n_rows"])
    durations["stage"] = stage_seconds
    durations["archive"] = archive_seconds
    return changed


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
    global LAST_SUMMARY
    logger = get_run_logger()
    from lkip import api_guard

    try:  # a run created through the API of `lkip serve`: only its own folders (SECURITY.md)
        workspace, input_dir, output_dir = api_guard.check_flow_parameters(
            workspace, input_dir, output_dir, mode, run_id)
        cfg = load_config(workspace, input_dir, output_dir)
        api_guard.check_effective(cfg)
    except api_guard.ParameterRefused as exc:
        logger.error("%s", exc)
        raise
    run_id = run_id or runreport.new_run_id()
    ctx = FlowRunContext.get()
    flow_run_id = str(ctx.flow_run.id) if ctx and ctx.flow_run else None
    started_at = runreport.now_iso()
    durations: dict[str, float] = {}
    files: list[dict[str, Any]] = []
    outputs: list[str] = []
    publish_summary: dict[str, Any] = {}

    wait = float(cfg.get("lock.wait_seconds", 0) or 0)
    delay = 2.0
    take_lock.with_options(retries=int(wait // delay), retry_delay_seconds=delay)(str(cfg.output_dir), run_id)

    con = None
    status, error = "failed", None
    t_run = time.monotonic()
    try:
        swept = sweep_temp_files(cfg.output_dir)
        if swept:
            logger.info("%d berkas sementara dari run yang terputus dihapus", swept)
        _emit("stage", name="gudang data")
        con = _connection(cfg)
        from lkip import stage as stage_mod

        stage_mod.start_run(con, run_id)

        with _warehouse_slot():
            changed = False
            if mode in ("run", "rebuild"):
                t = time.monotonic()
                paths = archived_files(cfg) if mode == "rebuild" else discover_files(cfg)
                if mode == "rebuild":  # only files the pipeline archived itself; strangers reported
                    from lkip.archive_manifest import split_listed

                    paths, strangers = split_listed(cfg, paths)
                    files.extend(runreport.outcome_record(s) for s in strangers)
                durations["discover"] = time.monotonic() - t
                _emit("discovered", n=len(paths))
                logger.info("%d berkas ditemukan", len(paths))

                t = time.monotonic()
                prepared = _prepare_all(cfg, paths, files, rel_to_parent=(mode == "rebuild"))
                durations["prepare"] = time.monotonic() - t
                changed = _stage_all(cfg, prepared, run_id, files, archive=(mode == "run"), durations=durations)

            if changed or mode != "run" or _needs_rebuild(con, run_id):
                _emit("stage", name="model")
                t = time.monotonic()
                build_model(cfg)
                durations["model"] = time.monotonic() - t
                _emit("stage", name="terbitkan")
                t = time.monotonic()
                from flows.publish_step import publish_units

                outputs, publish_summary = publish_units(cfg, con, tahun=tahun, kode_skpd=kode_skpd, force=force)
                durations["publish"] = time.monotonic() - t
            else:
                logger.info("Tidak ada berkas baru: model dan keluaran tidak diubah")

        failed_files = [f for f in files if f.get("outcome") == "failed"]
        status = runreport.run_status(files)
        if failed_files:
            error = f"{len(failed_files)} berkas gagal diproses (dibiarkan di input/ untuk run berikutnya)"
            error += "".join(f". {m}" for f in failed_files for m in f.get("messages", []) if "Disk penuh" in m)[:1000]
        if publish_summary.get("unit_gagal"):  # the other units were published
            status = "failed"
            error = "; ".join(filter(None, [error] + [u["pesan"] for u in publish_summary["unit_gagal"]]))
    except Exception as exc:
        from lkip.safe_fs import run_error_text

        status, error = "failed", run_error_text(exc, cfg)  # a full disk: one Indonesian sentence
        logger.error("Run gagal: %s", error)
        _damaged = _is_damaged(exc)
        if _damaged:
            error = "WarehouseDamaged: " + str(exc)
    finally:
        durations["total"] = time.monotonic() - t_run
        rec_diff = reconciliation_differences(con) if con is not None and status != "failed" else None
        table_warnings = model_warnings(con) if con is not None and status != "failed" else {}
        report = runreport.build_report(
            run_id, started_at, status, files, durations, rec_diff, outputs, error,
            extra={"mode": mode, "flow_run_id": flow_run_id, "peringatan_laporan": table_warnings,
                   "terbitkan": publish_summary,
                   "input_dir": str(cfg.input_dir),
                   "output_dir": str(cfg.output_dir)},
        )
        # The report first, then meta.runs: a run marked finished in the warehouse always has its
        # report (a kill in between leaves a report and a 'running' row; the next run rebuilds).
        try:
            report["report_path"] = write_run_report(cfg, report)
        except Exception as exc:
            logger.error("Laporan run tidak dapat ditulis: %s", exc)
        if con is not None:
            try:
                from lkip import stage as stage_mod

                stage_mod.finish_run(con, run_id, status, {k: v for k, v in report.items() if k != "files"})
            except Exception as exc:  # the report above still says what happened
                logger.error("meta.runs tidak dapat diperbarui: %s", exc)
        _close_connection(cfg)
        lock = _LOCKS.pop(run_id, None)
        if lock is not None:
            lock.release()
        LAST_SUMMARY = report
        notify.after_run(cfg, report, logger)  # output/index.html, then email/webhook
    logger.info(
        "Run %s %s: %d berkas, %d baris", run_id, status, report["files_seen"], report["rows_staged"]
    )
    if status == "failed":
        raise RunFailed(report)
    if status == runreport.WITH_REJECTIONS:  # the flow run's state says it too (type Completed)
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
    in the UI and covers runs started by workers elsewhere. The temporary server has no limits.
    """

    def __enter__(self):
        self._cm = None
        from lkip.prefect_env import using_real_server

        if using_real_server() and os.environ.get("LKIP_NO_GLOBAL_CONCURRENCY") != "1":
            try:
                from prefect.concurrency.sync import concurrency

                self._cm = concurrency("lkip-warehouse", occupy=1, strict=False)
                self._cm.__enter__()
            except Exception:
                self._cm = None
        return self

    def __exit__(self, *exc):
        if self._cm is not None:
            return self._cm.__exit__(*exc)
        return False
