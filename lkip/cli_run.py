"""`lkip run` / `report` / `rebuild` / `watch`: one flow run with the lock held by this process,
its progress shown with rich, its exit status (0 ok, 1 failed, 2 usage, 3 completed with rejected
files). The commands themselves are in :mod:`lkip.cli`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from rich.console import Console

from lkip.console_safe import plain

console = Console()
err = Console(stderr=True)


def _debug() -> bool:
    return os.environ.get("LKIP_DEBUG") == "1"


class _RichProgress:
    """Receives flow events (see lkip.drop.Observer) and shows them with rich."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.progress = None
        self.task = None

    def __enter__(self):
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=err, transient=True,
            )
            self.progress.__enter__()
            self.task = self.progress.add_task("Menyiapkan Prefect", total=None)
        return self

    def __call__(self, event: str, payload: dict[str, Any]) -> None:
        if self.progress is None:
            return
        if event == "discovered":
            self.progress.update(self.task, description="Membaca dan memuat berkas", total=payload["n"], completed=0)
        elif event == "phase":
            self.progress.update(self.task, description=payload["name"], total=payload["total"], completed=0)
        elif event == "file":
            self.progress.advance(self.task)
            if payload.get("name"):
                self.progress.console.print(f"  {plain(payload['name'])}: {_label(payload.get('outcome'))}")
        elif event == "stage":
            self.progress.update(self.task, description=f"Tahap: {payload['name']}")

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.__exit__(*exc)


def _label(outcome: str | None) -> str:
    from lkip.runreport import OUTCOME_LABELS

    return OUTCOME_LABELS.get(outcome or "", outcome or "")


def run_pipeline(cfg, mode: str = "run", tahun: int | None = None, kode_skpd: str | None = None,
                 show_progress: bool = True, quiet: bool = False, force: bool = False) -> int:
    """One flow run with the lock held by this process. Returns the exit status."""
    from lkip import fast_exit, prefect_env, runreport, workspace_server
    from lkip.lock import LockBusy, run_lock

    fast_exit.arm()  # before Prefect registers its exit handlers: no interpreter teardown after the run
    prefect_env.configure(cfg.workspace)
    workspace_server.adopt()  # this workspace's running `lkip prefect-server`, if any
    run_id = runreport.new_run_id()

    # The lock first: a second run must not even start Prefect.
    lock = run_lock(cfg.output_dir, run_id)
    try:
        lock.acquire(float(cfg.get("lock.wait_seconds", 0) or 0))
    except LockBusy as exc:
        err.print(f"[bold red]Gagal:[/] {exc.message()}")
        return 1
    try:
        # The temporary server (when no server is set) starts now, in the background: its 3-4 s
        # overlap with the warehouse check and with importing prefect and the pipeline.
        prefect_env.start_temporary_server()
        if mode == "run":   # a big drop: its reading starts on the other core meanwhile
            _start_read_workers(cfg)
        if mode != "rebuild":
            code = _check_warehouse(cfg, mode)
            if code:
                return code
        if prefect_env.using_real_server() and not _healthy(os.environ["PREFECT_API_URL"]):
            err.print(
                f"[bold red]Gagal:[/] server Prefect {os.environ['PREFECT_API_URL']} tidak menjawab. "
                "Jalankan `lkip prefect-server`, atau kosongkan PREFECT_API_URL untuk server sementara.\n"
                "The Prefect server in PREFECT_API_URL does not answer."
            )
            return 1
        if prefect_env.using_real_server() and (problem := prefect_env.api_problem(os.environ["PREFECT_API_URL"])):
            err.print(f"[bold red]Gagal:[/] {problem}")
            return 1
        from flows import pipeline

        if prefect_env.server_starting():  # the run's own imports while the server starts
            from lkip import warmup

            warmup.warm(mode, ready=lambda: not prefect_env.server_starting())
        prefect_env.wait_server_ready()
        from lkip.drop import observing

        with prefect_env.run_settings(), _RichProgress(show_progress and not quiet) as progress, \
                observing(progress) as run_observer:
            try:
                report = pipeline.lkip_run(
                    workspace=str(cfg.workspace), input_dir=str(cfg.input_dir), output_dir=str(cfg.output_dir),
                    tahun=tahun, kode_skpd=kode_skpd, mode=mode, run_id=run_id, force=force,
                )
                code = runreport.EXIT_CODES.get(str(report.get("status")), 0)  # 3: rejected files
            except pipeline.RunFailed as exc:
                report, code = exc.summary, 1
            except LockBusy as exc:
                err.print(f"[bold red]Gagal:[/] {exc.message()}")
                return 1
            except Exception as exc:  # never a traceback for the officer
                report, code = run_observer.summary, 1
                if report is None or report.get("run_id") != run_id:
                    if _debug():
                        raise
                    from lkip import safe_fs

                    text = (safe_fs.disk_full_message(exc, cfg.output_dir, safe_fs.run_space_estimate(cfg))
                            if safe_fs.is_disk_full(exc) else f"{type(exc).__name__}: {exc}")
                    err.print(f"[bold red]Run gagal:[/] {plain(text)}")
                    return 1
        if not quiet:
            runreport.print_summary(report, console)
        if code and str(report.get("error", "")).startswith("WarehouseDamaged"):
            err.print(
                "[bold red]Gudang data rusak.[/] Jalankan `lkip rebuild` untuk membangunnya kembali dari "
                "input/processed. / The warehouse is damaged: run `lkip rebuild`."
            )
        return code
    finally:
        from lkip import read_pool, warehouse_open

        read_pool.close_early()    # files read early that no flow took (the run stopped before it)
        warehouse_open.release()   # a checked connection no flow took (the run stopped before it)
        lock.release()


def _start_read_workers(cfg) -> None:
    """lkip.read_pool.start_early, with the thread runner (the one whose read pool it serves)."""
    from flows.runners import runner_kind, runner_workers
    from lkip import read_pool

    if runner_kind(cfg) == "threads":
        read_pool.start_early(cfg, runner_workers(cfg))


def _check_warehouse(cfg, mode: str) -> int:
    """Refuse early, in plain words, when the warehouse is missing or cannot be opened."""
    wh = Path(cfg.warehouse)
    if not wh.exists():
        processed = Path(cfg.processed_dir)
        archived = [p for p in processed.rglob("*") if p.is_file()] if processed.is_dir() else []
        if archived or mode == "report":
            err.print(
                f"[bold red]Gagal:[/] gudang data {wh} tidak ada, padahal {processed} berisi {len(archived)} berkas. "
                "Jalankan `lkip rebuild` untuk membangunnya kembali.\n"
                "The warehouse is missing while input/processed holds archived files: run `lkip rebuild`."
            )
            return 1
        return 0
    try:
        from lkip import stage, warehouse_open

        # kept open for this run's flow (lkip.warehouse_open): the warehouse is opened once
        warehouse_open.hand_over(wh, stage.connect(cfg))
    except Exception as exc:
        text = str(exc)
        if "lock" in text.lower() and "WarehouseDamaged" not in type(exc).__name__:
            err.print(
                f"[bold red]Gagal:[/] gudang data {wh} sedang dibuka program lain (DuckDB CLI, alat BI). "
                f"Tutup program itu lalu coba lagi. / The warehouse is open in another program.\n{text}"
            )
        else:
            err.print(
                f"[bold red]Gudang data rusak:[/] {wh} tidak dapat dibuka. Jalankan `lkip rebuild` untuk "
                "membangunnya kembali dari input/processed.\n"
                f"The warehouse is damaged: run `lkip rebuild`. ({type(exc).__name__})"
            )
        return 1
    return 0


def _healthy(api_url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(api_url.rstrip("/") + "/health", timeout=10) as r:  # a busy server can take seconds
            return r.status == 200
    except OSError:
        return False
