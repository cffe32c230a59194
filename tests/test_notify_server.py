"""With a real Prefect server (started here): `lkip serve`'s automation `lkip-run-crashed` sends a
crashed `lkip-run` flow run to the configured webhook (local HTTP receiver).

Run with `make test-server` (pytest -m server)."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from test_notify import webhook  # noqa: F401  (fixture)
from test_reliability_helpers import PrefectServer, lkip_env

pytestmark = [pytest.mark.server, pytest.mark.timeout(400)]

ENSURE = ("from lkip.config import load_config; from lkip.notify_automation import ensure_crash_automation; "
          "import sys; print(ensure_crash_automation(load_config(sys.argv[1])))")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = PrefectServer(tmp_path_factory.mktemp("prefect") / "home")
    yield srv
    srv.stop()


def test_crashed_run_reaches_the_webhook(tmp_path, server, webhook):  # noqa: F811
    (tmp_path / "lkip.toml").write_text(f'[notify.webhook]\nurl = "{webhook.url}"\n')
    env = lkip_env(api_url=server.url)
    for _ in range(2):  # a restarted `lkip serve` replaces it, never duplicates it
        r = subprocess.run([sys.executable, "-c", ENSURE, str(tmp_path)], env=env, capture_output=True,
                           text=True, timeout=120)
        assert r.returncode == 0, r.stderr[-2000:]
    api = httpx.Client(base_url=server.url, timeout=10)
    autos = [a for a in api.post("/automations/filter", json={}).json() if a["name"] == "lkip-run-crashed"]
    assert len(autos) == 1 and autos[0]["trigger"]["expect"] == ["prefect.flow-run.Crashed"]

    flow_id = api.post("/flows/", json={"name": "lkip-run"}).json()["id"]
    run = api.post("/flow_runs/", json={"flow_id": flow_id, "name": "uji-crash",
                                        "state": {"type": "RUNNING", "name": "Running"}}).json()
    r = api.post(f"/flow_runs/{run['id']}/set_state",
                 json={"state": {"type": "CRASHED", "name": "Crashed", "message": "proses dimatikan"}, "force": True})
    assert r.status_code in (200, 201), r.text
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not webhook.received:
        time.sleep(0.5)
    assert webhook.received, "the automation did not call the webhook"
    msg = webhook.received[0]["json"]
    assert "uji-crash" in msg["subject"] and "Crashed" in msg["subject"]
    assert "berhenti sebelum selesai" in msg["body"] and "proses dimatikan" in msg["body"]
