"""The task runners of a run, from `[runner]` and `[publish]` of lkip.toml (one place for them).

    runner_kind(cfg)      "threads" (default), "processes" or "dask"
    runner_workers(cfg)   files read at once (`[runner] max_workers`, 0 = the cores)
    publish_workers(cfg)  units published at once (`[publish] workers`, 0 = the cores)
    keep_publish_worker(cfg)  `lkip watch`: a re-drop's publish worker kept between runs
    stage_workers(cfg)    SKPD staged side by side (`[runner] stage_workers`, 0 = the cores, at most 2)
    make_task_runner(cfg) the Prefect task runner of that kind
    dask_runner(cfg, n)   the Dask runner: the cluster at `[runner] dask_address`, else a local one
"""

from __future__ import annotations

import os
from typing import Any

from lkip.config import Config


def runner_kind(cfg: Config) -> str:
    kind = str(cfg.get("runner.kind", "threads") or "threads").lower()
    return "processes" if kind == "process" else kind


def runner_workers(cfg: Config) -> int:
    return int(cfg.get("runner.max_workers", 0) or 0) or (os.cpu_count() or 1)


def publish_workers(cfg: Config) -> int:
    value = cfg.get("publish.workers", None)
    return int(value) if value else (os.cpu_count() or 1)


def keep_publish_worker(cfg: Config) -> bool:
    """For a long-lived process (`lkip watch`): keep a re-drop's publish worker warm between runs
    (lkip.publish.standby) when the publish step would start one (no Dask, several workers).
    Started now when the output already holds at least `min_units_parallel` published units (the
    next run is likely a re-drop), else by the first run that needs it. True when kept."""
    if runner_kind(cfg) == "dask" or publish_workers(cfg) <= 1:
        return False
    from pathlib import Path

    from lkip.publish import standby
    from lkip.publish.digest import MANIFEST

    need = int(cfg.get("publish.min_units_parallel", 4) or 4)
    published = sum(1 for _ in zip(range(need), Path(cfg.output_dir).glob(f"*/*/{MANIFEST}")))
    standby.enable(publish_workers(cfg), start_now=published >= need)
    return True


def stage_workers(cfg: Config) -> int:
    """Connections staging different SKPD's files at once (lkip.stage_parallel): one commit at a
    time is DuckDB's, so a third worker would mostly wait."""
    value = int(cfg.get("runner.stage_workers", 0) or 0)
    return value if value > 0 else min(2, os.cpu_count() or 1)


def dask_runner(cfg: Config, workers: int) -> Any:
    from prefect_dask import DaskTaskRunner

    address = cfg.get("runner.dask_address") or None
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "processes": True})


def make_task_runner(cfg: Config) -> Any:
    """ThreadPoolTaskRunner by default; ProcessPool or a Dask cluster when configured."""
    kind, workers = runner_kind(cfg), runner_workers(cfg)
    if kind == "processes":
        from prefect.task_runners import ProcessPoolTaskRunner

        return ProcessPoolTaskRunner(max_workers=workers)
    if kind == "dask":
        return dask_runner(cfg, workers)
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=workers)
