"""`lkip run` talks to the workspace's running `lkip prefect-server` when its record says so, and
starts its temporary server when the recorded server is gone (lkip.workspace_server): real
`lkip` processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

import pytest

from lkip import workspace_server
from test_reliability_helpers import lkip_env, make_workspace, run_lkip

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def _last_report(ws):
    runs = sorted((ws / "output" / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(runs[-1].read_text(encoding="utf-8"))


def _flow_run_on(api_url: str, flow_run_id: str) -> dict:
    with urllib.request.urlopen(f"{api_url}/flow_runs/{flow_run_id}", timeout=30) as r:
        return json.loads(r.read())


def test_run_uses_the_recorded_server_then_falls_back_when_it_is_gone(tmp_path, prefect_api_url):
    ws = make_workspace(tmp_path / "ws")
    home = ws / ".prefect"
    env = lkip_env()  # no PREFECT_API_URL: the record decides
    workspace_server.record(prefect_api_url, pid=os.getpid(), prefect_home=home)
    r = run_lkip(["run", "-w", str(ws), "--no-progress"], env)
    assert r.returncode == 0, r.stdout + r.stderr
    report = _last_report(ws)
    assert report["status"] == "completed"
    assert not (home / "temporary-server.log").exists()  # no temporary server was started
    run = _flow_run_on(prefect_api_url, report["flow_run_id"])  # the run is in that server's history
    assert run["state"]["type"] == "COMPLETED"

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    workspace_server.record(prefect_api_url, pid=int(gone.stdout), prefect_home=home)  # that server stopped
    r = run_lkip(["run", "-w", str(ws), "--no-progress"], env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (home / "temporary-server.log").exists()  # the temporary server instead
    second = _last_report(ws)
    assert second["run_id"] != report["run_id"] and second["status"] == "completed"
    with pytest.raises(urllib.error.HTTPError):  # not on the stopped server's history
        _flow_run_on(prefect_api_url, second["flow_run_id"])
