"""Prefect settings for an office server with no network: call `configure()` BEFORE importing prefect.

Prefect reads its settings from the environment when it is imported, so this module must not
import prefect itself. What it sets (each only when the user has not set it already):

- `PREFECT_HOME=<workspace>/.prefect`: profiles, the temporary server's SQLite database and
  local results live beside the data, not in the user's home;
- telemetry off: the server's anonymous analytics (`PREFECT_SERVER_ANALYTICS_ENABLED`), the SDK's
  client analytics (`DO_NOT_TRACK`), Prefect Cloud orchestration telemetry, the UI's promotional
  content; without a network those calls fail and log errors on every run;
- logging: flow and task logs still go to the Prefect API (visible in the UI), the console only
  shows warnings so the progress display stays readable;
- results are not persisted: tasks hand back file paths and small summaries.

`start_temporary_server()` starts Prefect's temporary API server ourselves, in the background,
as soon as the CLI knows it will run a flow: the ~4 s it needs to start then overlap with
importing prefect and the pipeline, and the server dies with us (Linux PR_SET_PDEATHSIG) even when
we are killed with SIGKILL — Prefect's own temporary server would survive a SIGKILL as an orphan.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

QUIET_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
    "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
    "PREFECT_PLUGINS_ENABLED": "false",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    "PREFECT_TASKS_DEFAULT_PERSIST_RESULT": "false",
    "PREFECT_LOGGING_LEVEL": "INFO",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}

_server: "TemporaryServer | None" = None


def prefect_home(workspace: Path) -> Path:
    return Path(os.environ.get("PREFECT_HOME") or Path(workspace) / ".prefect")


def configure(workspace: Path | str, quiet_console: bool = True) -> dict[str, str]:
    """Set Prefect's environment for this process (and its children). Returns what was set.

    quiet_console: the CLI prints its own summary, so Prefect's console handler only shows
    critical records (no tracebacks for the officer); the API handler still gets every log line.
    """
    if "prefect" in sys.modules:
        # Settings are read lazily per context in Prefect 3, but be loud about the ordering.
        import warnings

        warnings.warn("lkip.prefect_env.configure() called after prefect was imported", stacklevel=2)
    applied: dict[str, str] = {}
    home = Path(os.environ.get("PREFECT_HOME") or Path(workspace).resolve() / ".prefect")
    home.mkdir(parents=True, exist_ok=True)
    values = {"PREFECT_HOME": str(home), **QUIET_DEFAULTS}
    values["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "CRITICAL" if quiet_console else "INFO"
    for key, value in values.items():
        if key not in os.environ:
            os.environ[key] = value
            applied[key] = value
    return applied


def api_url_set() -> bool:
    return bool(os.environ.get("PREFECT_API_URL"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class TemporaryServer:
    """Prefect's API server (SQLite under PREFECT_HOME) on 127.0.0.1, for the life of this process."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        env = {
            **os.environ,
            # The same switches Prefect's own temporary server uses: no UI, minimal services.
            "PREFECT_UI_ENABLED": "0",
            "PREFECT_SERVER_UI_ENABLED": "false",
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
        }
        env.pop("PREFECT_API_URL", None)
        cmd = [
            sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
            "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on",
        ]
        # Its own log file: uvicorn's messages must not mix with the officer's progress display.
        log_path = Path(env.get("PREFECT_HOME", ".")) / "temporary-server.log"
        try:
            log_path.parent.mkdir(parents=True, exist_ok=True)
            self.log = open(log_path, "ab")
        except OSError:
            self.log = subprocess.DEVNULL
        kwargs: dict = {"env": env, "stdin": subprocess.DEVNULL, "stdout": self.log, "stderr": subprocess.STDOUT}
        if sys.platform.startswith("linux"):
            kwargs["preexec_fn"] = _die_with_parent
        self.started = time.monotonic()
        self.process = subprocess.Popen(cmd, **kwargs)
        self._ready = False

    def wait_ready(self, timeout: float = 90.0) -> None:
        if self._ready:
            return
        import urllib.request

        deadline = self.started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Prefect temporary server exited with code {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=1) as r:  # loopback only
                    if r.status == 200:
                        self._ready = True
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("Prefect temporary server did not start in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_temporary_server() -> TemporaryServer | None:
    """Start the temporary server unless PREFECT_API_URL points at a real one.

    Sets PREFECT_API_URL for this process so Prefect uses it. Idempotent.
    """
    global _server
    if _server is not None:
        return _server
    if api_url_set():
        return None
    import atexit

    _server = TemporaryServer()
    os.environ["PREFECT_API_URL"] = _server.url
    os.environ["LKIP_TEMPORARY_SERVER"] = "1"
    atexit.register(_server.stop)
    return _server


def wait_server_ready() -> None:
    if _server is not None:
        _server.wait_ready()


def using_real_server() -> bool:
    """True when runs go to a long-running Prefect server (not our temporary one)."""
    return api_url_set() and os.environ.get("LKIP_TEMPORARY_SERVER") != "1"
