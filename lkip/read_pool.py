"""The pool the files of a drop are read and validated on (`lkip run`'s prepare phase).

    with read_pool(cfg, paths) as pool:
        future = pool.submit(prepare_portable, path, cfg, rel_to)

Reading is CPU-bound Python (detection, the readers, pandera). On threads the GIL lets two of them
go ~1,1x as fast as one (bench/results/2026-12-07-prepare-ab-city44.md: 17,4 s on one thread,
15,8 s on two); on processes the two cores both work, at the price of starting the workers
and of sending each prepared file back (pickled frames). So a drop of at least
`[runner] read_processes_mb` megabytes (default 8) is read on `[runner] max_workers` processes,
a smaller one (the officer's five files) on threads.

The workers are forked from a *fork server* (multiprocessing's "forkserver" start method, where
the platform has it; "spawn" elsewhere): a fresh interpreter started once, which imports the
readers (`PRELOAD`: pandas, pandera and the schemas, the workbook readers, ~1,2 CPU-s) and then
forks each worker, already imported. Spawned workers each paid those imports themselves (two
workers: twice). The fork server is started like a spawned process, so a worker still inherits no
lock, thread or DuckDB handle of the parent, only the fork server's imported modules (the native
helper threads its imports start, OpenBLAS's and Arrow's jemalloc's, are not copied by a fork;
both libraries handle a fork themselves, with pthread_atfork). It stays up
until the process ends (a later big drop of `lkip watch` forks from it at once). `lkip run`
starts it at once when its input is a big drop, and starts reading that drop there and then
(`start_early`, `EarlyRead`): the fork server's imports and the first files take the other core
while the run imports Prefect and waits for the temporary server; the flow's prepare phase adopts
what was read (`adopt`).

`prepare_portable` runs in the worker: whatever goes wrong in a reader comes back as an exception
the parent can always unpickle (a `ReaderFailed` naming the original type), except
`FileIncomplete` (a file still being copied), which the parent tells apart. Its result comes back
through a memory-mapped file, not through the pool's pipe (`lkip.read_ship`).
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from lkip import read_ship

DEFAULT_PROCESSES_MB = 8.0

# What a worker imports to prepare a file (ingest.prepare, every reader through lkip.sources, the
# workbook libraries the readers load on first use): imported once, by the fork server.
PRELOAD = ["lkip.read_pool", "lkip.config", "lkip.ingest", "lkip.sources", "lkip.extract.detect",
           "lkip.extract.workbook", "pyarrow.compute", "fastexcel", "python_calamine",
           "defusedxml.ElementTree", "openpyxl", "pandas.core.methods.to_dict",
           # and what a publish worker imports (matplotlib, python-docx, Jinja2, xlsxwriter): the
           # same run's publish workers are forked from this server too (lkip.publish.runner
           # worker_pool), ~0,45 CPU-s more here once instead of ~0,8 CPU-s in each of them
           "lkip.publish", "lkip.publish.runner",
           "lkip.fork_ready"]   # last: gc.freeze() of everything above (lkip/fork_ready.py)


class ReaderFailed(Exception):
    """A reader's unexpected exception in a worker process, as text (its type's name kept)."""

    def __init__(self, type_name: str, message: str):
        super().__init__(type_name, message)
        self.type_name, self.message = type_name, message

    def __str__(self) -> str:
        return f"{self.type_name}: {self.message}"


def drop_mb(paths: list[str]) -> float:
    total = 0
    for p in paths:
        try:
            total += os.stat(p).st_size
        except OSError:
            pass
    return total / 1e6


def on_processes(cfg: Any, paths: list[str], workers: int) -> bool:
    """Whether this drop is read on processes: several workers and files, and enough bytes.
    `[runner] read_processes_mb`: 0 = always (several files), a negative value = never."""
    value = cfg.get("runner.read_processes_mb", None) if cfg is not None else None
    threshold = DEFAULT_PROCESSES_MB if value is None or value == "" else float(value)
    if threshold < 0 or workers <= 1 or len(paths) <= 1:
        return False
    return drop_mb(paths) >= threshold


def process_context() -> Any:
    """The workers' start method: "forkserver" with the readers preloaded, else "spawn"."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return get_context("spawn")
    ctx = get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)      # read when the fork server starts (once per process)
    return ctx


def start_fork_server() -> bool:
    """Start the fork server (it imports `PRELOAD` in its own process; this returns at once).
    False where processes are spawned instead."""
    ctx = process_context()
    if ctx.get_start_method() != "forkserver":
        return False
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return True


def fork_server_running() -> bool:
    """Whether this process's fork server has been started (`start_fork_server`, or a read pool
    that forked from it): its workers are then forked with the readers and publishing imported."""
    from multiprocessing import forkserver

    return getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None) is not None


def input_files(cfg: Any) -> list[str]:
    """The files a run would find in the input folder now (`lkip.discover`, without waiting for
    files still being copied)."""
    from lkip.discover import discover

    return [str(p) for p in discover(cfg, settle_check=False)]


def _stat_key(path: str) -> tuple[int, ...] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class _Handed(Exception):
    """The flow took the early reading over: no more submissions from its thread."""


class EarlyRead:
    """A big drop read from the moment `lkip run` starts, while it imports Prefect and waits for
    the temporary server (~3-5 s of which one core is mostly idle), instead of after.

    `start_early` starts it in a daemon thread: it starts the fork server, looks at the drop
    (`lkip.discover`; a file modified in the last `[watch] stable_seconds` is left to the flow,
    which waits for it to settle), and submits the files, in the flow's order and within the same
    memory budget (lkip.admission), to a pool forked from the fork server. The flow's prepare
    phase (flows.pipeline.prepare_all) then `adopt`s it: for each file it discovered, the early
    future is used when it read that very file (same device, inode, size, modification and change
    times as when it was submitted, and the same configuration); any other file is read then, on
    the same pool. A file read early that the flow does not take is cancelled or its result
    dropped. So the run reads what it would have read, only sooner; the flow's own task run still
    records the phase (its duration is then what remained to read)."""

    def __init__(self, cfg: Any, workers: int):
        self.cfg, self.workers = cfg, workers
        self.lock = threading.Lock()
        self.handed = False
        self.pool: ProcessPoolExecutor | None = None
        self.futures: dict[str, tuple[Any, Any]] = {}
        self.taken = 0       # files the flow took from here
        self.thread = threading.Thread(target=self._run, name="lkip-baca-awal", daemon=True)

    def _run(self) -> None:
        try:
            paths = input_files(self.cfg)
            if not on_processes(self.cfg, paths, self.workers):
                return
            start_fork_server()
            if self.cfg.get("runner.read_early", True) in (False, "false", 0):   # the fork server only
                return
            import time

            from lkip import admission

            settle = float(self.cfg.get("watch.stable_seconds", 5) or 0)
            now = time.time()
            paths = [p for p in paths if _settled(p, now, settle)]
            budget, factor = admission.budget_of(self.cfg)
            with self.lock:
                if self.handed or not paths:
                    return
                # as many workers as the flow would have: it goes on with this pool for every file not
                # read here (processes start as work comes, so an idle one is never started)
                self.pool = read_ship.process_pool(self.workers, process_context())
            admission.submit_within_budget(paths, [admission.estimate_mb(p, factor) for p in paths], budget,
                                           self._submit, _first_done)
        except _Handed:
            pass
        except Exception:   # whatever was not read here, the flow reads
            pass

    def _submit(self, path: str) -> Any:
        with self.lock:
            if self.handed or self.pool is None:
                raise _Handed
            key = _stat_key(path)
            fut = self.pool.submit(prepare_portable, path, self.cfg, None)
            self.futures[path] = (key, fut)
            return fut

    def stop(self) -> None:
        """No more submissions (those already made go on)."""
        with self.lock:
            self.handed = True

    def take(self, path: str) -> Any:
        """The early future of `path` if it read the file as it is now, else None."""
        with self.lock:
            entry = self.futures.pop(path, None)
        if entry is None:
            return None
        key, fut = entry
        if key is None or key != _stat_key(path):
            fut.cancel()
            return None
        self.taken += 1
        return fut

    def drop_rest(self) -> None:
        """Cancel what the flow did not take (a result already there is let go)."""
        with self.lock:
            rest, self.futures = list(self.futures.values()), {}
        for _, fut in rest:
            fut.cancel()

    def close(self) -> None:
        """The run ends without a prepare phase: stop, cancel, let the workers go."""
        self.stop()
        self.drop_rest()
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)


def _settled(path: str, now: float, stable_seconds: float) -> bool:
    try:
        return now - os.stat(path).st_mtime >= stable_seconds
    except OSError:
        return False


def _first_done(futures: list[Any]) -> Any:
    from concurrent.futures import FIRST_COMPLETED, wait

    return next(iter(wait(futures, return_when=FIRST_COMPLETED).done))


_early: list[EarlyRead] = []     # the one `start_early` began in this process, until adopted


def start_early(cfg: Any, workers: int) -> EarlyRead:
    """Begin reading the drop at once (EarlyRead), from a daemon thread: the caller goes on. A
    small drop starts nothing (the officer's five files are read on threads)."""
    close_early()
    early = EarlyRead(cfg, workers)
    _early.append(early)
    early.thread.start()
    return early


def adopt(cfg: Any, paths: list[str], workers: int) -> EarlyRead | None:
    """The early reading for the flow's prepare phase, when there is one for this configuration
    and drop (read on processes with as many workers); None otherwise (then it is closed)."""
    if not _early:
        return None
    early = _early.pop()
    early.stop()
    if early.pool is None or early.cfg != cfg or early.workers != workers or not on_processes(cfg, paths, workers):
        early.close()
        return None
    wanted = set(paths)
    with early.lock:
        unwanted = [early.futures.pop(p) for p in list(early.futures) if p not in wanted]
    for _, fut in unwanted:
        fut.cancel()
    return early


def close_early() -> None:
    """Stop an early reading no flow adopted (the run ended before its prepare phase)."""
    while _early:
        _early.pop().close()


def read_pool(cfg: Any, paths: list[str], workers: int) -> Executor:
    """A process pool for a big drop (forked from a fresh fork server: no lock, thread or DuckDB
    handle of the parent is inherited), else a thread pool; both are context managers."""
    if on_processes(cfg, paths, workers):
        return read_ship.process_pool(min(workers, len(paths)), process_context())
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lkip-baca")


def prepare_portable(path: str, cfg: Any, rel_to: str | None = None) -> Any:
    """ingest.prepare for a worker process: its result, or an exception the parent can unpickle."""
    from lkip import ingest
    from lkip.issues import FileIncomplete

    try:
        prepared = ingest.prepare(Path(path), cfg, Path(rel_to) if rel_to else None)
    except FileIncomplete:
        raise
    except Exception as exc:  # a reader bug: the parent records the file as failed, by name
        raise ReaderFailed(type(exc).__name__, str(exc)) from None
    return read_ship.ship(prepared)      # its buffers through a file in a worker of read_pool
