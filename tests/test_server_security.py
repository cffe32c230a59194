"""The attack of issue 16, point 1 against a real Prefect server started by `lkip prefect-server`
with basic auth, and a deployment served by `lkip serve`: an unauthenticated client is refused,
and a flow run created (with the right auth) for a foreign workspace holding a template payload
fails without executing it or writing there. Run with `make test-server` (pytest -m server).
"""

from __future__ import annotations

import httpx
import pytest

from test_reliability_helpers import create_flow_run, flow_run_final_state, free_port, wait_for, stop_process, kill_group, lkip_env, make_workspace, run_lkip, start_lkip

pytestmark = [pytest.mark.server, pytest.mark.timeout(600)]

AUTH = ("lkip", "rahasia-uji")


_stop = stop_process  # tests/test_reliability_helpers.py
_wait = wait_for


def test_authenticated_server_refuses_strangers_and_foreign_workspaces(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    ws = make_workspace(tmp_path / "ws", f'[prefect]\nauth_file = "auth"\n', files=[])
    (ws / "auth").write_text(":".join(AUTH) + "\n")
    evil = make_workspace(tmp_path / "asing")   # the example's files: a run there would publish
    marker = tmp_path / "pwned"
    (evil / "templates").mkdir()
    for name in ("narasi_iku.txt.j2", "ikhtisar_eksekutif.txt.j2", "laporan.html.j2"):
        (evil / "templates" / name).write_text(
            "{{ cycler.__init__.__globals__.os.system('id > %s') }}" % marker, encoding="utf-8")

    server = start_lkip(["prefect-server", "-w", str(ws), "--port", str(port)], lkip_env())
    serve = None
    api = httpx.Client(base_url=url, timeout=10, auth=AUTH)
    try:
        _wait(lambda: _ok(url + "/health"), 120, "server health", server)
        # no credentials, or wrong ones: 401
        assert httpx.get(url + "/flows/filter", timeout=10).status_code in (401, 405)
        assert httpx.post(url + "/flows/filter", json={}, timeout=10).status_code == 401
        assert httpx.post(url + "/flows/filter", json={}, timeout=10, auth=("lkip", "salah")).status_code == 401
        assert api.post("/flows/filter", json={}).status_code == 200
        # CORS: a foreign origin gets no allow-origin header
        pre = httpx.options(url + "/flows/filter", timeout=10, headers={
            "Origin": "http://penyerang.example", "Access-Control-Request-Method": "POST"})
        assert pre.headers.get("access-control-allow-origin") not in ("*", "http://penyerang.example")

        # `lkip serve` without the auth: one Indonesian line, no traceback
        bare = make_workspace(tmp_path / "tanpa", files=[])
        r = run_lkip(["serve", "-w", str(bare)], lkip_env(api_url=url), timeout=120)
        assert r.returncode == 1 and "meminta autentikasi" in r.stderr and "Traceback" not in r.stderr

        serve = start_lkip(["serve", "-w", str(ws)], lkip_env(api_url=url))
        dep = _wait(lambda: _json(api.get("/deployments/name/lkip-run/lkip-malam")), 180, "deployment", serve)
        run = create_flow_run(api, dep["id"], {
            "workspace": str(evil), "input_dir": str(evil / "input"), "output_dir": str(evil / "output")}, serve)
        state = _wait(lambda: flow_run_final_state(api, run["id"]), 300, "flow run end", serve)
        assert state == "FAILED", state
        assert not marker.exists()
        assert not (evil / "output").exists() and not (evil / ".prefect").exists()
        assert sorted(p.name for p in (evil / "input").iterdir()) == sorted(
            p.name for p in (tmp_path / "asing" / "input").iterdir())   # nothing moved
        # The run's logs reach the server in batches, possibly after its final state: wait for them.
        def refusal_logged():
            logs = api.post("/logs/filter", json={"logs": {"flow_run_id": {"any_": [run["id"]]}}}).json()
            return any("Flow run ditolak" in (entry.get("message") or "") for entry in logs)

        _wait(refusal_logged, 60, "the refusal in the flow run's log")
    finally:
        if serve is not None:
            _stop(serve)
        _stop(server)
        api.close()


def _ok(u):
    try:
        return httpx.get(u, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _json(r):
    return r.json() if r.status_code == 200 else None
