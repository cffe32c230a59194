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

Authentication (SECURITY.md): when `prefect.auth_string` / `prefect.auth_file` is configured (or
PREFECT_API_AUTH_STRING is set), `configure()` gives it to Prefect's client, and
`server_security()` makes `lkip prefect-server` require it (PREFECT_SERVER_API_AUTH_STRING) and
allow cross-origin requests only from its own UI (PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS, `*` by
default in Prefect). `api_problem()` turns a refused or missing auth into one Indonesian line
instead of a 401 traceback. The temporary server gets a random auth string of its own.

`start_temporary_server()` starts Prefect's temporary API server ourselves, in the background,
as soon as the CLI knows it will run a flow: the ~4 s it needs to start then overlap with
importing prefect and the pipeline, and the server dies with us (Linux PR_SET_PDEATHSIG) even when
we are killed with SIGKILL — Prefect's own temporary server would survive a SIGKILL as an orphan.
"""

from __future__ import annotations

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

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
AUTH_ERROR: str | None = None   # a configured auth that could not be used (Indonesian)


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
    global AUTH_ERROR
    try:
        auth = configured_auth(workspace)
    except AuthConfigError as exc:   # said by api_problem() when a server is asked
        auth, AUTH_ERROR = None, str(exc)
    if auth:
        values["PREFECT_API_AUTH_STRING"] = auth
    for key, value in values.items():
        if key not in os.environ:
            os.environ[key] = value
            applied[key] = value
    return applied


class AuthConfigError(ValueError):
    """The configured auth cannot be used; the message is Indonesian."""


def configured_auth(workspace: Path | str | None) -> str | None:
    """The basic-auth string `user:password`: PREFECT_API_AUTH_STRING, else
    PREFECT_SERVER_API_AUTH_STRING, else the file `prefect.auth_file`, else `prefect.auth_string`
    of the workspace's lkip.toml; None when nothing is configured."""
    for key in ("PREFECT_API_AUTH_STRING", "PREFECT_SERVER_API_AUTH_STRING"):
        if os.environ.get(key):
            return os.environ[key]
    from lkip.config import load_config

    try:
        cfg = load_config(workspace)
    except Exception:   # a broken lkip.toml is reported by the command itself
        return None
    path = str(cfg.get("prefect.auth_file", "") or "").strip()
    if path:
        file = Path(path) if Path(path).is_absolute() else Path(cfg.workspace) / path
        try:
            text = file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise AuthConfigError(f"berkas autentikasi Prefect {file} (prefect.auth_file) tidak dapat dibaca: "
                                  f"{exc.strerror or exc}") from None
        if ":" not in text:
            raise AuthConfigError(f"berkas autentikasi Prefect {file} harus berisi satu baris 'pengguna:sandi'")
        return text
    text = str(cfg.get("prefect.auth_string", "") or "").strip()
    if text and ":" not in text:
        raise AuthConfigError("prefect.auth_string di lkip.toml harus berbentuk 'pengguna:sandi'")
    return text or None


def server_security(workspace: Path | str, port: int) -> dict[str, str]:
    """Environment of `lkip prefect-server`: basic auth when configured, CORS limited to the
    server's own UI (or `prefect.cors_allowed_origins`). Returns what was set."""
    from lkip.config import load_config

    cfg = load_config(workspace)
    applied: dict[str, str] = {}
    auth = configured_auth(workspace)
    if auth and "PREFECT_SERVER_API_AUTH_STRING" not in os.environ:
        os.environ["PREFECT_SERVER_API_AUTH_STRING"] = applied["PREFECT_SERVER_API_AUTH_STRING"] = auth
    origins = str(cfg.get("prefect.cors_allowed_origins", "") or "").strip()
    if not origins or origins == "*":
        origins = f"http://127.0.0.1:{port},http://localhost:{port}"
    if "PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS" not in os.environ:
        os.environ["PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS"] = applied["PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS"] = origins
    return applied


def api_problem(api_url: str, timeout: float = 5.0) -> str | None:
    """None when the API at `api_url` accepts this process's credentials; else one Indonesian
    line saying what to do (a 401 used to surface as a traceback)."""
    import urllib.error
    import urllib.request

    if AUTH_ERROR:
        return AUTH_ERROR
    req = urllib.request.Request(api_url.rstrip("/") + "/admin/version")
    auth = os.environ.get("PREFECT_API_AUTH_STRING")
    if auth:
        req.add_header("Authorization", "Basic " + base64.b64encode(auth.encode("utf-8")).decode("ascii"))
    try:
        with urllib.request.urlopen(req, timeout=timeout):
            return None
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            if not auth:
                return (f"server Prefect {api_url} meminta autentikasi: isi prefect.auth_string atau "
                        "prefect.auth_file di lkip.toml (atau PREFECT_API_AUTH_STRING) dengan 'pengguna:sandi' server itu.")
            return (f"server Prefect {api_url} menolak autentikasi (pengguna:sandi salah): periksa "
                    "prefect.auth_string / prefect.auth_file di lkip.toml atau PREFECT_API_AUTH_STRING.")
        return None   # another answer: the API is there, the command reports any later error
    except OSError:
        return f"server Prefect {api_url} tidak menjawab."


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
        # its own basic auth: nobody else on the machine can create or read its runs
        self.auth = os.environ.get("PREFECT_API_AUTH_STRING") or f"lkip:{secrets.token_urlsafe(24)}"
        env["PREFECT_SERVER_API_AUTH_STRING"] = self.auth
        cmd = [
            sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
            "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on",
        ]
        # Its own log file: uvicorn's messages must not mix with the officer's progress display.
        log_path = Path(env.get("PREFECT_HOME", ".")) / "temporary-server.log"
        from lkip import prefect_db  # a new workspace starts from a migrated database (prefect_db.py)

        try:
            log_path.parent.mkdir(parents=True, exist_ok=True)
            self.db_state = prefect_db.seed(log_path.parent)
        except OSError:
            self.db_state = "existing"
        env.update(prefect_db.start_settings(log_path.parent, env))  # nothing to migrate: no checks
        from lkip import prefect_lean  # the services a run's own server does without (prefect_lean.py)

        env.update(prefect_lean.temporary_server_settings(log_path.parent, env))
        try:
            log_path.parent.mkdir(parents=True, exist_ok=True)
            self.log = open(log_path, "ab")
        except OSError:
            self.log = subprocess.DEVNULL
        kwargs: dict = {"env": env, "stdin": subprocess.DEVNULL, "stdout": self.log, "stderr": subprocess.STDOUT}
        if sys.platform.startswith("linux"):
            kwargs["preexec_fn"] = _die_with_parent
        self.log_path = log_path
        self.started = time.monotonic()
        self.process = subprocess.Popen(cmd, **kwargs)
        self._ready = False
        self._primer: Any = None

    def answers(self, timeout: float = 1.0) -> bool:
        """One look: whether the server answers /health now (it listens only once started) and
        has built its API routes (``_prime``)."""
        if self._ready:
            return True
        if self.process.poll() is not None:
            raise RuntimeError(f"Prefect temporary server exited with code {self.process.returncode}")
        if self._primer is None:
            import urllib.request

            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=timeout) as r:  # loopback only
                    if r.status != 200:
                        return False
            except OSError:
                return False
            if self.db_state == "fresh":  # keep it for the next new workspace
                from lkip import prefect_db

                prefect_db.save_template(self.log_path.parent)
            import threading

            self._primer = threading.Thread(target=self._prime, name="lkip-prime-api", daemon=True)
            self._primer.start()
        if self._primer.is_alive():
            return False
        self._ready = True
        return True

    def _prime(self) -> None:
        """One authenticated API request as soon as /health answers. FastAPI builds every route of
        Prefect's API (its pydantic models) at the first request that goes through the routers,
        0,3-0,5 CPU-s of the server: this request takes it in the server's process while this one
        goes on importing what the run needs (lkip.warmup), not on the flow's first request."""
        import urllib.request

        req = urllib.request.Request(f"{self.url}/admin/version")
        req.add_header("Authorization", "Basic " + base64.b64encode(self.auth.encode("utf-8")).decode("ascii"))
        try:
            with urllib.request.urlopen(req, timeout=30):  # loopback only
                pass
        except OSError:
            pass   # whatever it answers, the flow's own requests say what is wrong

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = self.started + timeout
        while time.monotonic() < deadline:
            if self.answers():
                return
            time.sleep(0.05)
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
    os.environ["PREFECT_API_AUTH_STRING"] = _server.auth
    os.environ["LKIP_TEMPORARY_SERVER"] = "1"
    from lkip import prefect_lean

    prefect_lean.run_settings_for_temporary_server()   # its logs in bigger batches (prefect_lean.py)
    atexit.register(_server.stop)
    return _server


def wait_server_ready() -> None:
    if _server is not None:
        _server.wait_ready()


def server_starting() -> bool:
    """Whether this process started a temporary server that does not answer yet."""
    return _server is not None and not _server.answers(timeout=0.2)


def run_settings():
    """Prefect settings around a flow run of this process (call after importing prefect).

    Prefect's own flow-run heartbeat thread is off: it sleeps in one-second steps and held the end
    of every run for up to a second. With a long-running server the flow body sends the same
    heartbeats instead, at Prefect's configured interval, from a thread that stops at once
    (lkip.heartbeat). With the temporary server none are sent: it dies with the run's process.
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings

    from lkip import heartbeat

    configured = get_current_settings().flows.heartbeat_frequency
    heartbeat.send_from_flow(None if os.environ.get("LKIP_TEMPORARY_SERVER") == "1" else configured)
    return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


def using_real_server() -> bool:
    """True when runs go to a long-running Prefect server (not our temporary one)."""
    return api_url_set() and os.environ.get("LKIP_TEMPORARY_SERVER") != "1"
