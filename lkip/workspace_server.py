"""Find the workspace's own running `lkip prefect-server`, so `lkip run`/`watch` use it.

Starting Prefect's temporary server costs several seconds of every `lkip run` (a uvicorn process,
its database migrations, the API app). When the office already runs `lkip prefect-server` for this
workspace, a run talks to it instead: the run also appears in that server's UI.

`lkip prefect-server` records `{"url", "pid"}` in `<PREFECT_HOME>/lkip-server.json` before it starts
the server as its child (lkip.supervise: the child dies with it, so the recorded pid is alive
exactly as long as the server can be). `adopt()` uses that server when PREFECT_API_URL
is not set, the recorded process is alive and its `/health` answers within 2 s (a closed port
answers at once; only a server that is up but busy, e.g. on a loaded machine, takes that long);
otherwise nothing changes and the run starts the temporary server as before. Only this
workspace's record is read: a server of another workspace on the same machine is never used.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

FILE_NAME = "lkip-server.json"


def record_path(prefect_home: str | Path | None = None) -> Path | None:
    home = prefect_home or os.environ.get("PREFECT_HOME")
    return Path(home) / FILE_NAME if home else None


def record(url: str, pid: int | None = None, prefect_home: str | Path | None = None) -> Path | None:
    """Write the record (the caller is about to exec the server)."""
    path = record_path(prefect_home)
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"url": url, "pid": pid or os.getpid()}), encoding="utf-8")
    os.replace(tmp, path)
    return path


def _alive(pid: int) -> bool:
    from lkip.lock import pid_alive

    return pid_alive(pid)


def _healthy(url: str, timeout: float) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url.rstrip("/") + "/health", timeout=timeout) as r:  # loopback
            return r.status == 200
    except (OSError, ValueError):
        return False


def running_server(prefect_home: str | Path | None = None, timeout: float = 2.0) -> str | None:
    """The API URL of this workspace's running `lkip prefect-server`, or None."""
    path = record_path(prefect_home)
    if path is None or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        url, pid = str(data["url"]), int(data["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not url.startswith(("http://127.0.0.1:", "http://localhost:")) or not _alive(pid):
        return None
    return url if _healthy(url, timeout) else None


def adopt(prefect_home: str | Path | None = None) -> str | None:
    """Point PREFECT_API_URL at the workspace's server when it runs and nothing else is set."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    url = running_server(prefect_home)
    if url:
        os.environ["PREFECT_API_URL"] = url
    return url
