"""Against a real local Prefect server (started here on loopback, state in tmp): the served
deployment's schedule, a flow run created through the API and completed by `lkip serve`, and a
watched drop producing exactly one flow run.

Run with `make test-server` (pytest -m server).
"""

from __future__ import annotations

import shutil
import time

import httpx
import pytest

from test_reliability_helpers import (
    stop_process,
    EXAMPLE_INPUT,
    create_flow_run,
    flow_run_final_state,
    wait_for,
    PrefectServer,
    kill_group,
    lkip_env,
    make_workspace,
    run_reports,
    start_lkip,
)

pytestmark = [pytest.mark.server, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = PrefectServer(tmp_path_factory.mktemp("prefect") / "home")
    yield srv
    srv.stop()


_stop = stop_process  # tests/test_reliability_helpers.py


def _flow_runs_of(api: httpx.Client, workspace: str) -> list[dict]:
    runs = api.post("/flow_runs/filter", json={"limit": 200}).json()
    return [r for r in runs if (r.get("parameters") or {}).get("workspace") == workspace]


def test_serve_schedule_and_api_run(tmp_path, server):
    ws = make_workspace(tmp_path / "ws", '[schedule]\ncron = "30 1 * * *"\ntimezone = "Asia/Jakarta"\n')
    env = lkip_env(api_url=server.url)
    serve = start_lkip(["serve", "-w", str(ws)], env)
    api = httpx.Client(base_url=server.url, timeout=10)
    try:
        deadline = time.monotonic() + 120
        dep = None
        while time.monotonic() < deadline:
            r = api.get("/deployments/name/lkip-run/lkip-malam")
            if r.status_code == 200:
                dep = r.json()
                break
            assert serve.poll() is None, _stop(serve)
            time.sleep(1)
        assert dep, "deployment not registered"
        sched = dep["schedules"][0]["schedule"]
        assert sched["cron"] == "30 1 * * *" and sched["timezone"] == "Asia/Jakarta"
        assert dep["schedules"][0]["active"] and not dep["paused"]
        limit = dep.get("global_concurrency_limit") or {}
        assert limit.get("limit") == 1 or dep.get("concurrency_limit") == 1
        assert api.get("/v2/concurrency_limits/lkip-warehouse").json()["limit"] == 1
        # the scheduler has planned the next nightly runs
        deadline = time.monotonic() + 60
        upcoming = []
        while time.monotonic() < deadline and not upcoming:
            upcoming = api.post("/flow_runs/filter", json={
                "deployments": {"id": {"any_": [dep["id"]]}},
                "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}}}).json()
            time.sleep(1)
        assert upcoming, "no scheduled run planned"
        # 01:30 in Jakarta is 18:30 UTC
        assert all(r["next_scheduled_start_time"][11:16] == "18:30" for r in upcoming), upcoming[0]

        run = create_flow_run(api, dep["id"], {}, serve)
        state = wait_for(lambda: flow_run_final_state(api, run["id"]), 300, "flow run end", serve)
        assert state == "COMPLETED", (state, _stop(serve))
        reports = run_reports(ws)
        assert len(reports) == 1 and reports[0]["flow_run_id"] == run["id"]
        assert reports[0]["files_by_outcome"] == {"accepted": 5}
    finally:
        _stop(serve)
        api.close()


def test_watched_drop_makes_exactly_one_flow_run(tmp_path, server):
    ws = make_workspace(tmp_path / "ws", files=[])
    env = lkip_env(api_url=server.url)
    watch = start_lkip(["watch", "-w", str(ws), "--stable-seconds", "2"], env)
    api = httpx.Client(base_url=server.url, timeout=10)
    try:
        time.sleep(3)
        for f in sorted(EXAMPLE_INPUT.glob("*.xlsx")):  # a burst, 0.3 s apart
            shutil.copy2(f, ws / "input" / f.name)
            time.sleep(0.3)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not run_reports(ws):
            time.sleep(1)
        time.sleep(8)  # time for a wrong second run to show up
        runs = _flow_runs_of(api, str(ws.resolve()))
        assert len(runs) == 1, runs
        assert runs[0]["state"]["type"] == "COMPLETED"
        assert len(run_reports(ws)) == 1 and run_reports(ws)[0]["files_seen"] == 5
    finally:
        _stop(watch)
        api.close()
