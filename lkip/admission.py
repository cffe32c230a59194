"""Admission of files to the prepare workers against a memory budget.

Preparing a file (open, scan, read, validate) needs memory in proportion to its content, not to
its compressed size: three wide registers prepared at once by four workers peaked at 8,6 GB. So
files are submitted to the task runner only while the estimated memory of the files in flight
stays within ``limits.prepare_memory_mb``; a file larger than the whole budget is prepared alone.
The estimate is ``limits.prepare_memory_factor`` x the workbook's declared uncompressed size
(read from the zip's central directory only, nothing is inflated) + 64 MB for the reader itself.
Files keep their order: a big file waits for room instead of being overtaken forever.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

MB = 1024 * 1024
BASE_MB = 64.0


def estimate_mb(path: Path | str, factor: float = 4.0) -> float:
    """Estimated peak memory (MB) of preparing ``path``."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        return BASE_MB
    try:
        with zipfile.ZipFile(path) as zf:
            size = max(size, sum(max(0, i.file_size) for i in zf.infolist()))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        pass   # not a zip (the reader will reject it quickly): its own size
    return BASE_MB + float(factor) * size / MB


def budget_of(cfg: Any) -> tuple[float, float]:
    """(budget MB, factor) from the config's [limits]."""
    get = getattr(cfg, "get", None)
    budget = float((get("limits.prepare_memory_mb", 3072) if get else 3072) or 3072)
    factor = float((get("limits.prepare_memory_factor", 4) if get else 4) or 4)
    return budget, factor


def submit_within_budget(
    items: Sequence[Any],
    estimates: Sequence[float],
    budget_mb: float,
    submit: Callable[[Any], Any],
    wait_any: Callable[[list[Any]], Any],
    on_wait: Callable[[Any, float, float], None] | None = None,
) -> list[Any]:
    """Submit ``items`` in order, each when the estimates of the ones in flight plus its own fit
    the budget (or nothing is in flight); ``wait_any(futures)`` blocks until one of them is done
    and returns it. Returns the futures in the order of ``items``."""
    futures: list[Any] = [None] * len(items)
    in_flight: dict[int, float] = {}
    index_of: dict[int, int] = {}
    used = 0.0
    for i, item in enumerate(items):
        need = float(estimates[i])
        while in_flight and used + need > budget_mb:
            if on_wait is not None:
                on_wait(item, need, used)
            done = wait_any([futures[j] for j in in_flight])
            j = index_of[id(done)]
            used -= in_flight.pop(j)
        futures[i] = submit(item)
        index_of[id(futures[i])] = i
        in_flight[i] = need
        used += need
    return futures


def prefect_wait_any(futures: Iterable[Any]) -> Any:
    """The first of Prefect futures to finish (``prefect.futures.as_completed``)."""
    from prefect.futures import as_completed

    return next(iter(as_completed(list(futures))))
