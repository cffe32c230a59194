"""The pool the files of a drop are read and validated on (`lkip run`'s prepare phase).

    with read_pool(cfg, paths) as pool:
        future = pool.submit(prepare_portable, path, cfg, rel_to)

Reading is CPU-bound Python (detection, the readers, pandera). On threads the GIL lets two of them
go ~1,1x as fast as one (bench/results/2026-12-07-prepare-ab-city44.md: 17,4 s on one thread,
15,8 s on two); on processes the two cores both work, at the price of starting the workers
(spawned: each imports the readers, ~1 CPU-s) and of sending each prepared file back (pickled
frames). So a drop of at least `[runner] read_processes_mb` megabytes (default 8) is read on
`[runner] max_workers` spawned processes, a smaller one (the officer's five files) on threads.

`prepare_portable` runs in the worker: whatever goes wrong in a reader comes back as an exception
the parent can always unpickle (a `ReaderFailed` naming the original type), except
`FileIncomplete` (a file still being copied), which the parent tells apart.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

DEFAULT_PROCESSES_MB = 8.0


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


def read_pool(cfg: Any, paths: list[str], workers: int) -> Executor:
    """A spawned process pool for a big drop (no lock, thread or DuckDB handle of the parent is
    inherited), else a thread pool; both are context managers."""
    if on_processes(cfg, paths, workers):
        return ProcessPoolExecutor(max_workers=min(workers, len(paths)), mp_context=get_context("spawn"))
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
