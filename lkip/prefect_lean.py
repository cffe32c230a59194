"""The services the temporary Prefect server of `lkip run` does without (lkip.prefect_env).

Counted on a 44-SKPD city run (bench/prefect_cost.py, bench/results/2026-12-07-prefect-cost-s9.md):
the run sends the server ~15 API requests, ~40 batched log requests and, over one websocket, three
events per task run (Pending, Running, Completed) plus three for the flow run. Every event was
read by five consumers of the server (task-run recorder, event persister, reactive triggers,
automation actions, the events stream-out distributor), and the task-run recorder wrote each one
in its own transaction (its batch size is 1): most of the server's CPU after its start, on the
two cores the run needs.

What an officer or a data engineer sees of a run in the Prefect UI, the flow run, each task run
with its states and the run's logs, only needs the task-run recorder (task runs come from the
events in Prefect 3) and the API itself. So the temporary server runs with:

- the event persister off: the events are not kept in the `events` table (the UI's event feed;
  the task runs and their states are in their own tables); its event vacuum goes with it;
- the events stream-out off (`/events/out` websockets: nobody subscribes to a temporary server);
- triggers off (reactive and proactive triggers and automation actions) when the workspace's
  database holds no enabled automation (`lkip serve` creates `lkip-run-crashed` on its server,
  which may share that database: then they stay on);
- the task-run recorder writing its events in batches (every 2 s, and at the server's shutdown)
  instead of one transaction per event: the same rows.

And the run itself sends its logs in batches every 5 s instead of 2 s (`RUN_WITH_TEMPORARY_SERVER`,
set before Prefect is imported): each request costs the server more than the lines it carries,
nobody watches a temporary server's UI live, and Prefect sends what is left when the run ends.
The same log lines reach the server (one per file and per phase, as before).

Each setting applies only when the user has not set it (nor its PREFECT_API_ alias). The
long-lived `lkip prefect-server`, and runs against it, keep Prefect's defaults: its UI shows
events and logs live.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

TRIGGERS = "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED"
TEMPORARY_SERVER = {
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
    "PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "500",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "2",
}

RUN_WITH_TEMPORARY_SERVER = {
    "PREFECT_LOGGING_TO_API_BATCH_INTERVAL": "5",
}


def _user_set(key: str, environ) -> bool:
    return key in environ or key.replace("PREFECT_SERVER_", "PREFECT_API_", 1) in environ


def has_automations(home: Path, environ=None) -> bool:
    """Whether the server's database may hold an enabled automation: True unless it is the
    workspace's SQLite file and that file has none (a database elsewhere is not looked at)."""
    from lkip.prefect_db import DB_NAME, URL_VARS

    environ = os.environ if environ is None else environ
    if any(environ.get(v) for v in URL_VARS):
        return True
    db = Path(home) / DB_NAME
    if not db.is_file():
        return False   # a new database: created empty by the server
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return bool(con.execute("select count(*) from automation where enabled").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return True   # unreadable here: keep Prefect's default


def temporary_server_settings(home: Path, environ=None) -> dict[str, str]:
    """Environment for the temporary server (see the module's docstring); what the user set wins."""
    environ = os.environ if environ is None else environ
    out = {k: v for k, v in TEMPORARY_SERVER.items() if not _user_set(k, environ)}
    if not _user_set(TRIGGERS, environ) and not has_automations(home, environ):
        out[TRIGGERS] = "false"
    return out


def run_settings_for_temporary_server(environ=None) -> dict[str, str]:
    """Set in this process's environment (before Prefect is imported) what a run with its own
    temporary server does differently; returns what was set (what the user set wins)."""
    environ = os.environ if environ is None else environ
    applied = {k: v for k, v in RUN_WITH_TEMPORARY_SERVER.items() if k not in environ}
    environ.update(applied)
    return applied
