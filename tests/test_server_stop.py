"""`lkip prefect-server` stopped by its PID frees its port: the real server, started by the test.

Run with `make test-server` (pytest -m server)."""

from __future__ import annotations

import os
import signal
import sys
import time
import urllib.request

import psutil
import pytest

from test_reliability_helpers import free_port, lkip_env, start_lkip
from test_supervise import _alive, _port_free, _wait_for

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGTERM] + ([signal.SIGKILL] if sys.platform.startswith("linux") else []))
def test_prefect_server_stopped_by_pid_frees_its_port(tmp_path, sig):
    port = free_port()
    p = start_lkip(["prefect-server", "-w", str(tmp_path), "--port", str(port)],
                   lkip_env({"PREFECT_SERVER_ANALYTICS_ENABLED": "false"}))
    children: list[int] = []
    try:
        _wait_for(lambda: _healthy(port) or p.poll() is not None, "the server to answer", deadline=180)
        assert p.poll() is None, p.communicate()
        children = [c.pid for c in psutil.Process(p.pid).children(recursive=True)]
        assert children  # the server is lkip's child, not lkip itself
        os.kill(p.pid, sig)  # the PID only, as systemd's main PID or an operator's `kill`
        p.wait(timeout=60)
        _wait_for(lambda: not any(_alive(c) for c in children), "the server process to stop", deadline=60)
        _wait_for(lambda: _port_free(port), "the port to be freed", deadline=30)
    finally:
        for c in children:
            if _alive(c):
                os.kill(c, signal.SIGKILL)
        if p.poll() is None:
            p.kill()
        p.communicate()
