"""`lkip run` adopts the workspace's own running `lkip prefect-server` (lkip.workspace_server)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from lkip import workspace_server


class _Health(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
        self.wfile.write(b"true")

    def log_message(self, *args):
        pass


@pytest.fixture()
def api():
    server = HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api"
    server.shutdown()


def test_adopts_the_recorded_running_server(api, tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / ".prefect"))
    assert workspace_server.adopt() is None  # nothing recorded: the temporary server as before
    workspace_server.record(api, pid=os.getpid())
    assert workspace_server.adopt() == api
    assert os.environ["PREFECT_API_URL"] == api


def test_a_set_api_url_wins(api, tmp_path, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:1/api")
    workspace_server.record(api, pid=os.getpid(), prefect_home=tmp_path)
    assert workspace_server.adopt(tmp_path) is None
    assert os.environ["PREFECT_API_URL"] == "http://127.0.0.1:1/api"


def test_dead_or_silent_or_foreign_servers_are_not_used(api, tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    workspace_server.record(api, pid=int(dead.stdout), prefect_home=tmp_path / "a")
    assert workspace_server.adopt(tmp_path / "a") is None  # the recorded process is gone
    workspace_server.record("http://127.0.0.1:9/api", pid=os.getpid(), prefect_home=tmp_path / "b")
    assert workspace_server.adopt(tmp_path / "b") is None  # alive but not answering
    workspace_server.record("http://files.example.invalid/api", pid=os.getpid(), prefect_home=tmp_path / "c")
    assert workspace_server.adopt(tmp_path / "c") is None  # never a remote address from the record
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / workspace_server.FILE_NAME).write_text("{not json")
    assert workspace_server.adopt(tmp_path / "d") is None
    assert "PREFECT_API_URL" not in os.environ
