"""Stopping an lkip command by its PID stops what it started (lkip.supervise), with a fake child:
a process that holds a TCP port, as the Prefect server does."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
from typing import Any
import time
from pathlib import Path

import psutil
import pytest

from test_reliability_helpers import free_port

pytestmark = pytest.mark.timeout(120)
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux only")

REPO = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent("""
    import os, socket, sys, time
    sys.path.insert(0, {repo!r})
    if sys.argv[3] == "hook":
        from lkip.supervise import die_with_parent_from_env
        assert die_with_parent_from_env()
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
    open(sys.argv[2] + ".tmp", "w").write(str(os.getpid())); os.replace(sys.argv[2] + ".tmp", sys.argv[2])
    while True:
        time.sleep(1)
""")

SUPERVISOR = textwrap.dedent("""
    import sys
    sys.path.insert(0, {repo!r})
    from lkip.supervise import run_supervised
    sys.exit(run_supervised([sys.executable] + sys.argv[1:]))
""")

# What `lkip serve` does: mark itself, then something else (Prefect's runner) starts the child.
MARKED_PARENT = textwrap.dedent("""
    import subprocess, sys, time
    sys.path.insert(0, {repo!r})
    from lkip.supervise import mark_as_parent
    mark_as_parent()
    subprocess.Popen([sys.executable] + sys.argv[1:], start_new_session=True)
    while True:
        time.sleep(1)
""")


def _script(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text.format(repo=str(REPO)))
    return p


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait_for(predicate, what: str, deadline: float = 30.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"still waiting for: {what}")


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _start(tmp_path: Path, parent_script: str, mode: str, sigint: Any = signal.SIG_DFL):
    """``sigint``: SIGINT's disposition the supervisor starts with (SIG_IGN: as in the background of
    a non-interactive shell, or under a pytest-xdist worker)."""
    port = free_port()
    pidfile = tmp_path / "child.pid"
    child = _script(tmp_path, "child.py", CHILD)
    parent = _script(tmp_path, "parent.py", parent_script)
    proc = subprocess.Popen([sys.executable, str(parent), str(child), str(port), str(pidfile), mode],
                            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, sigint))
    _wait_for(pidfile.exists, "the child to listen")
    child_pid = int(pidfile.read_text())
    assert _alive(child_pid) and not _port_free(port)
    return proc, child_pid, port


def _cleanup(pid: int) -> None:
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("sigint", [signal.SIG_DFL, signal.SIG_IGN], ids=["sigint-default", "sigint-ignored"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_to_supervisor_is_forwarded(tmp_path, sig, sigint):
    proc, child_pid, port = _start(tmp_path, SUPERVISOR, "plain", sigint=sigint)
    try:
        os.kill(proc.pid, sig)  # by PID, as systemd or an operator does
        code = proc.wait(timeout=30)
        assert code == 128 + sig  # the child's fate is the command's exit status
        _wait_for(lambda: not _alive(child_pid), "the child to stop")
        assert _port_free(port)
    finally:
        _cleanup(child_pid)


@linux_only
def test_child_dies_with_killed_supervisor(tmp_path):
    proc, child_pid, port = _start(tmp_path, SUPERVISOR, "plain")
    try:
        os.kill(proc.pid, signal.SIGKILL)  # no chance to forward anything
        proc.wait(timeout=30)
        _wait_for(lambda: not _alive(child_pid), "the child to die with its parent")
        _wait_for(lambda: _port_free(port), "the port to be freed")
    finally:
        _cleanup(child_pid)


@linux_only
def test_process_started_by_a_marked_parent_dies_with_it(tmp_path):
    proc, child_pid, port = _start(tmp_path, MARKED_PARENT, "hook")
    try:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        _wait_for(lambda: not _alive(child_pid), "the flow-run-like child to die with lkip serve")
        _wait_for(lambda: _port_free(port), "the port to be freed")
    finally:
        _cleanup(child_pid)


def test_hook_does_nothing_outside_a_marked_parent(monkeypatch):
    from lkip import supervise

    monkeypatch.setenv(supervise.PARENT_ENV, str(os.getpid()))  # we are the marked one, not its child
    assert supervise.die_with_parent_from_env() is False
    monkeypatch.delenv(supervise.PARENT_ENV)
    assert supervise.die_with_parent_from_env() is False
