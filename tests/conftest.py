"""Shared fixtures: the bundled example ingested into a fresh warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "bekasi-setda-2020"


def ingest_folder(cfg, run_id: str = "test-run", warehouse: str | None = None):
    """Discover → prepare → stage → archive without Prefect: the plain functions the flow maps
    over its task runner (lkip.drop); ``warehouse=":memory:"``: into an in-memory DuckDB instead
    of the workspace's file."""
    from lkip import drop, ingest, stage

    con = stage.connect(cfg, path=warehouse)
    stage.start_run(con, run_id)
    prepared, not_prepared = drop.prepare_drop(cfg, [str(p) for p in ingest.discover(cfg, settle_check=False)])
    assert not not_prepared, not_prepared
    outcomes = drop.stage_drop(cfg, con, prepared, run_id, workers=2).outcomes  # as the flow: SKPD side by side
    stage.finish_run(con, run_id, "completed", {"n_files": len(outcomes)})
    return con, outcomes


def make_workspace(tmp: Path, files: list[Path] | None = None):
    from lkip.config import load_config

    (tmp / "input").mkdir(parents=True, exist_ok=True)
    for f in files if files is not None else sorted((EXAMPLE / "input").glob("*.xlsx")):
        shutil.copy(f, tmp / "input" / Path(f).name)
    return load_config(workspace=tmp)


@pytest.fixture(scope="session")
def sample_ingest(tmp_path_factory):
    """(connection, outcomes, cfg) after ingesting the bundled example and building the model."""
    from lkip import model

    cfg = make_workspace(tmp_path_factory.mktemp("sample"))
    con, outcomes = ingest_folder(cfg)
    model.build(con, cfg)
    yield con, outcomes, cfg
    con.close()


@pytest.fixture(scope="session")
def sample_warehouse(sample_ingest):
    return sample_ingest[0]


@pytest.fixture(scope="session")
def prefect_api_url(tmp_path_factory):
    """One real Prefect server for the tests that run `lkip` as a process: each run then skips the
    start of a temporary server (~10 s). Tests about the temporary server itself don't use it."""
    from test_reliability_helpers import PrefectServer

    srv = PrefectServer(tmp_path_factory.mktemp("prefect") / "home")
    yield srv.url
    srv.stop()


@pytest.fixture(scope="session")
def example_run(tmp_path_factory, prefect_api_url):
    """The bundled example after one uninterrupted `lkip run` (a real process on the shared server):
    the reference the process tests compare with, or copy to start from. Read-only: copy it first.
    {"ws", "digest" (warehouse), "csv" (published CSV), "files" (input inventory), "seconds"}."""
    import time

    from test_reliability_helpers import csv_digest, input_inventory, lkip_env, run_lkip, warehouse_digest
    from test_reliability_helpers import make_workspace as make_process_workspace

    ws = make_process_workspace(tmp_path_factory.mktemp("example_run"))
    files = input_inventory(ws)
    t = time.monotonic()
    r = run_lkip(["run", "-w", str(ws)], lkip_env(api_url=prefect_api_url))
    seconds = time.monotonic() - t
    assert r.returncode == 0, r.stdout + r.stderr
    return {"ws": ws, "digest": warehouse_digest(ws), "csv": csv_digest(ws), "files": files, "seconds": seconds}


def pytest_collection_modifyitems(config, items):
    """Tests marked `slow` (real `lkip` processes, whole publishes: tens of seconds each) run first,
    in file order. `make test` spreads the tests over parallel workers (pytest-xdist): the short
    tests then fill in around the long ones and the workers finish together, instead of one worker
    running a long test alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
