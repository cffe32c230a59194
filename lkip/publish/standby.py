"""A publish worker kept warm between the runs of a long-lived process (`lkip watch`).

After one SKPD's re-drop the flow hands the city's workbook to one worker process, started by the
publish step before the plan (flows.publish_step.early_pool, lkip.publish.runner.warm_pool). A
fresh worker imports matplotlib, xlsxwriter, python-docx and lkip.publish (~1 CPU-s) on the same
two cores the plan's DuckDB queries use, and the workbook waits for those imports: on the 44-SKPD
city that was ~0,5-1 s of a ~4 s re-drop inside `lkip watch` (bench/watch_redrop_ab.py).

`lkip watch` runs the flow again and again in one process, so it calls `enable()` once (through
flows.runners.keep_publish_worker): from then on the worker the publish step would start for a
re-drop is this one (`take`), started while watch waits for files, already imported and idle.
Its pool's shutdown at the end of the publish step leaves the processes running
(`KeptPool.shutdown`); `close()` (or the interpreter's exit, which joins an idle pool) ends them. A pool whose worker died is replaced at the next `take` by a new one (which
then imports as early_pool's would). The worker ignores Ctrl+C: stopping `lkip watch` stops it
through its parent, without a traceback of its own on the officer's screen. Processes that never
call enable (`lkip run`, `lkip report`, tests) are unchanged.

The units' outputs do not depend on which process writes them: same jobs, same code (the test
tests/test_publish_standby.py publishes two re-drops through a kept worker and compares the
outputs with a full rebuild's).
"""

from __future__ import annotations

import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

_lock = threading.Lock()
_state: dict[str, Any] = {"pool": None, "workers": 0}


def _init_kept_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent ends it (its pool's shutdown or exit)
    from .runner import _init_worker

    _init_worker()


class KeptPool(ProcessPoolExecutor):
    """runner.worker_pool's pool whose shutdown keeps its processes for the next run (`close` ends them)."""

    def __init__(self, workers: int) -> None:
        super().__init__(max_workers=workers, mp_context=get_context("spawn"), initializer=_init_kept_worker)
        self.lkip_closing = False

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self.lkip_closing:
            super().shutdown(wait=wait, cancel_futures=cancel_futures)

    def close(self, wait: bool = False) -> None:
        self.lkip_closing = True
        super().shutdown(wait=wait, cancel_futures=True)

    def usable(self) -> bool:
        return not self.lkip_closing and not getattr(self, "_broken", False) and \
            not getattr(self, "_shutdown_thread", False)


def _start(workers: int) -> KeptPool:
    from .runner import warm

    pool = KeptPool(workers)
    pool.lkip_warm = pool.submit(warm)  # type: ignore[attr-defined]  (runner.after_warm waits for it)
    return pool


def enable(workers: int, start_now: bool = True) -> None:
    """From now on the publish step's re-drop worker is kept between runs (`take`); `workers`: the
    most processes its pool may grow to when a run hands it more units (flows.runners.publish_workers);
    `start_now`: started at once (while nothing runs), else by the first run that needs it."""
    with _lock:
        _state["workers"] = max(1, int(workers))
        pool = _state["pool"]
        if start_now and (pool is None or not pool.usable()):
            _state["pool"] = _start(_state["workers"])


def enabled() -> bool:
    return _state["workers"] > 0


def take() -> KeptPool | None:
    """The kept pool for this run's publish step (None unless `enable` was called): started now
    when it was not yet, or when its worker died."""
    with _lock:
        if _state["workers"] <= 0:
            return None
        pool = _state["pool"]
        if pool is None or not pool.usable():
            if pool is not None:
                pool.close()
            pool = _state["pool"] = _start(_state["workers"])
        return pool


def close(wait: bool = True) -> None:
    """End the kept worker and stop keeping one (`enable` again to keep one)."""
    with _lock:
        pool, _state["pool"], _state["workers"] = _state["pool"], None, 0
    if pool is not None:
        pool.close(wait=wait)
