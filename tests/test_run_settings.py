"""Flow runs on the temporary Prefect server send no heartbeats (lkip.prefect_env.run_settings):
the server dies with the run's process, and the heartbeat thread held the end of every run."""

from __future__ import annotations

from lkip import prefect_env


def test_no_heartbeats_with_the_temporary_server_only(monkeypatch):
    from prefect.settings import get_current_settings

    default = get_current_settings().flows.heartbeat_frequency
    assert default  # Prefect's default: heartbeats on
    monkeypatch.setenv("LKIP_TEMPORARY_SERVER", "1")
    with prefect_env.run_settings():
        assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().flows.heartbeat_frequency == default
    monkeypatch.delenv("LKIP_TEMPORARY_SERVER")  # a running server: it may watch them
    with prefect_env.run_settings():
        assert get_current_settings().flows.heartbeat_frequency == default
