"""The temporary Prefect server of `lkip run` runs without the services a run's own server does
not need (lkip.prefect_lean), and still records the flow run, every task run with its states and
the run's logs.

The last test runs a real `lkip run` with its temporary server: `make test-server` (pytest -m server).
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest

from lkip import prefect_env, prefect_lean
from lkip.publish.digest import MANIFEST

OFF = {
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
    "PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
}


def _database_with_automation(home: Path, enabled: bool) -> None:
    home.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(home / "prefect.db")
    con.execute("create table automation (name varchar, enabled boolean)")
    con.execute("insert into automation values ('lkip-run-crashed', ?)", (1 if enabled else 0,))
    con.commit()
    con.close()


def test_services_off_and_recorder_batched_for_a_new_workspace(tmp_path):
    got = prefect_lean.temporary_server_settings(tmp_path / "home", environ={})
    assert {k: got.get(k) for k in OFF} == OFF
    assert int(got["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE"]) > 1
    assert int(float(got["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL"])) >= 1


def test_what_the_user_set_wins_under_either_name(tmp_path):
    env = {"PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "true",
           "PREFECT_API_SERVICES_TRIGGERS_ENABLED": "true"}
    got = prefect_lean.temporary_server_settings(tmp_path, environ=env)
    assert "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED" not in got
    assert "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED" not in got
    assert got["PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED"] == "false"


def test_triggers_stay_on_when_the_database_holds_an_enabled_automation(tmp_path):
    _database_with_automation(tmp_path / "a", enabled=True)
    assert "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED" not in prefect_lean.temporary_server_settings(tmp_path / "a", {})
    _database_with_automation(tmp_path / "b", enabled=False)
    assert prefect_lean.temporary_server_settings(tmp_path / "b", {})["PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED"] == "false"


def test_triggers_stay_on_with_a_database_elsewhere_or_unreadable(tmp_path):
    env = {"PREFECT_SERVER_DATABASE_CONNECTION_URL": "postgresql+asyncpg://u:p@db/prefect"}
    assert "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED" not in prefect_lean.temporary_server_settings(tmp_path, env)
    (tmp_path / "prefect.db").write_bytes(b"not a database at all" * 100)
    assert prefect_lean.has_automations(tmp_path, {}) is True


def test_the_temporary_server_process_gets_them(tmp_path, monkeypatch):
    """The environment TemporaryServer starts uvicorn with (its Popen intercepted)."""
    seen: dict = {}

    class _Proc:
        returncode = None

        def poll(self):
            return None

    def popen(cmd, **kw):
        seen.update(cmd=cmd, env=kw["env"])
        return _Proc()

    _clean_env(monkeypatch)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / ".prefect"))
    monkeypatch.setenv("LKIP_PREFECT_DB_TEMPLATE", "0")
    monkeypatch.setattr(prefect_env.subprocess, "Popen", popen)
    prefect_env.TemporaryServer()
    assert {k: seen["env"].get(k) for k in OFF} == OFF
    assert seen["env"]["PREFECT__SERVER_EPHEMERAL"] == "1"


def _clean_env(monkeypatch, *names):
    for k in [k for k in os.environ if k.startswith("PREFECT_")] + list(names):
        monkeypatch.setenv(k, "x")   # recorded: restored (or removed) after the test
        monkeypatch.delenv(k)


def test_a_run_with_its_temporary_server_sends_logs_in_bigger_batches(tmp_path, monkeypatch):
    class _Proc:
        returncode = None

        def poll(self):
            return 0

    _clean_env(monkeypatch, "LKIP_TEMPORARY_SERVER")
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / ".prefect"))
    monkeypatch.setenv("LKIP_PREFECT_DB_TEMPLATE", "0")
    monkeypatch.setattr(prefect_env, "_server", None)
    monkeypatch.setattr(prefect_env.subprocess, "Popen", lambda cmd, **kw: _Proc())
    assert prefect_env.start_temporary_server() is not None
    assert float(os.environ["PREFECT_LOGGING_TO_API_BATCH_INTERVAL"]) > 2   # Prefect's default: 2 s


def test_the_users_log_batch_interval_wins():
    env = {"PREFECT_LOGGING_TO_API_BATCH_INTERVAL": "1"}
    assert prefect_lean.run_settings_for_temporary_server(env) == {}
    assert env == {"PREFECT_LOGGING_TO_API_BATCH_INTERVAL": "1"}


def test_a_long_lived_server_keeps_prefects_services(tmp_path, monkeypatch):
    """`lkip prefect-server` starts `prefect server start` with none of these settings."""
    import lkip.cli as cli
    import lkip.supervise as supervise
    from lkip import workspace_server

    seen: dict = {}
    _clean_env(monkeypatch)
    monkeypatch.setattr(supervise, "run_supervised", lambda args: seen.update(args=args, env=dict(os.environ)) or 0)
    monkeypatch.setattr(workspace_server, "record", lambda url: None)
    from typer.testing import CliRunner

    r = CliRunner().invoke(cli.app, ["prefect-server", "-w", str(tmp_path), "--port", "4299"])
    assert r.exit_code == 0, r.output
    assert "server" in seen["args"] and "start" in seen["args"]
    assert not any(k in seen["env"] for k in list(OFF) + list(prefect_lean.TEMPORARY_SERVER)
                   + list(prefect_lean.RUN_WITH_TEMPORARY_SERVER))


@pytest.mark.server
@pytest.mark.timeout(300)
def test_a_run_on_the_lean_temporary_server_records_every_task_run(tmp_path):
    from test_reliability_helpers import lkip_env, make_workspace, run_lkip, run_reports

    ws = make_workspace(tmp_path / "ws")
    r = run_lkip(["run", "-w", str(ws)], lkip_env())
    assert r.returncode == 0, r.stdout + r.stderr
    assert (ws / ".prefect" / "temporary-server.log").exists()   # the temporary server ran
    report = run_reports(ws)[-1]
    units = [p for p in (ws / "output").glob("*/*") if p.is_dir() and (p / MANIFEST).exists()]
    con = sqlite3.connect(ws / ".prefect" / "prefect.db")
    try:
        flow_runs = con.execute("select id, state_type from flow_run").fetchall()
        assert [s for _, s in flow_runs] == ["COMPLETED"]
        assert str(flow_runs[0][0]) == report["flow_run_id"]
        tasks = con.execute("select name, state_type, id from task_run").fetchall()
        names = sorted("terbitkan-<unit>" if n.startswith("terbitkan-") else re.sub(r"-[0-9a-f]{3}$", "", n)
                       for n, _, _ in tasks)   # Prefect ends a task run's default name in -<3 hex digits>
        for name in ("kunci-gudang", "temukan-berkas", "baca-validasi-semua", "muat-dan-arsipkan",
                     "bangun-model", "laporan-run"):
            assert name in names, names
        assert names.count("terbitkan-<unit>") == len(units) > 0
        assert {s for _, s, _ in tasks} == {"COMPLETED"}     # every task run with its final state
        states = con.execute("select task_run_id, group_concat(type) from task_run_state group by 1").fetchall()
        assert len(states) == len(tasks)
        assert all(sorted(t.split(",")) == ["COMPLETED", "PENDING", "RUNNING"] for _, t in states), states
        logs = [m for (m,) in con.execute("select message from log")]
        for f in report["files"]:   # the per-file log lines are all there
            assert any(Path(f["file"]).name in m for m in logs), f["file"]
        assert con.execute("select count(*) from events").fetchone()[0] == 0   # no event persister
    finally:
        con.close()
