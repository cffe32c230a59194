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
starts it at once when its input is a big drop (`start_early`): its imports then take the other
core while the run imports Prefect and waits for the temporary server, not the prepare phase's.

`prepare_portable` runs in the worker: whatever goes wrong in a reader comes back as an exception
the parent can always unpickle (a `ReaderFailed` naming the original type), except
`FileIncomplete` (a file still being copied), which the parent tells apart.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

DEFAULT_PROCESSES_MB = 8.0

# What a worker imports to prepare a file (ingest.prepare, every reader through lkip.sources, the
# workbook libraries the readers load on first use): imported once, by the fork server.
PRELOAD = ["lkip.read_pool", "lkip.config", "lkip.ingest", "lkip.sources", "lkip.extract.detect",
           "lkip.extract.workbook", "pyarrow.compute", "fastexcel", "python_calamine",
           "defusedxml.ElementTree", "openpyxl", "pandas.core.methods.to_dict"]


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


def input_files(cfg: Any) -> list[str]:
    """The workbooks under the input folder (not processed/ or rejected/, no hidden folder), for a
    first look at the drop's size: the run decides on what `ingest.discover` finds."""
    root = str(cfg.input_dir)
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        top = dirpath == root
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and not (top and d in ("processed", "rejected"))]
        found += [os.path.join(dirpath, f) for f in filenames
                  if f.lower().endswith((".xlsx", ".xlsm")) and not f.startswith(("~$", "."))]
    return found


def start_early(cfg: Any, workers: int) -> threading.Thread:
    """When the input is a drop this run will read on processes (`on_processes`), start the fork
    server now, from a daemon thread (the caller goes on at once). A small drop starts nothing:
    the officer's five files are read on threads."""
    def run() -> None:
        try:
            if on_processes(cfg, input_files(cfg), workers):
                start_fork_server()
        except Exception:   # the pool starts it when it needs it
            pass

    thread = threading.Thread(target=run, name="lkip-forkserver", daemon=True)
    thread.start()
    return thread


def read_pool(cfg: Any, paths: list[str], workers: int) -> Executor:
    """A process pool for a big drop (forked from a fresh fork server: no lock, thread or DuckDB
    handle of the parent is inherited), else a thread pool; both are context managers."""
    if on_processes(cfg, paths, workers):
        return ProcessPoolExecutor(max_workers=min(workers, len(paths)), mp_context=process_context())
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lkip-baca")


def prepare_portable(path: str, cfg: Any, rel_to: str | None = None) -> Any:
    """ingest.prepare for a worker process: its result, or an exception the parent can unpickle."""
    from lkip import ingest
    from lkip.issues import FileIncomplete

    try:
        return ingest.prepare(Path(path), cfg, Path(rel_to) if rel_to else None)
    except FileIncomplete:
        raise
    except Exception as exc:  # a reader bug: the parent records the file as failed, by name
        raise ReaderFailed(type(exc).__name__, str(exc)) from None
