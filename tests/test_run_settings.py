"""Heartbeats of the flow runs `lkip run` starts (lkip.prefect_env.run_settings, lkip.heartbeat):
Prefect's own heartbeat thread is off (it held the end of every run for up to a second); against a
running server the flow body sends the same event at Prefect's interval from a thread that stops
with the body; with the temporary server (it dies with the run's process) none are sent."""

from __future__ import annotations

import threading
import uuid
from types import SimpleNamespace

from lkip import heartbeat, prefect_env


def test_prefect_heartbeats_off_and_ours_only_with_a_running_server(monkeypatch):
    from prefect.settings import get_current_settings

    default = get_current_settings().flows.heartbeat_frequency
    assert default  # Prefect's default: heartbeats on
    monkeypatch.setenv("LKIP_TEMPORARY_SERVER", "1")
    with prefect_env.run_settings():
        assert get_current_settings().flows.heartbeat_frequency is None
        assert heartbeat.interval() is None
    assert get_current_settings().flows.heartbeat_frequency == default
    monkeypatch.delenv("LKIP_TEMPORARY_SERVER")  # a running server: it may watch them
    with prefect_env.run_settings():
        assert get_current_settings().flows.heartbeat_frequency is None
        assert heartbeat.interval() == max(default, heartbeat.MINIMUM_SECONDS)
    heartbeat.send_from_flow(None)


def test_flow_heartbeats_send_prefects_event_and_stop_with_the_block():
    run = SimpleNamespace(id=uuid.uuid4(), name="merah-putih")
    sent: list[dict] = []
    first = threading.Event()

    def emit(**kw):
        sent.append(kw)
        first.set()

    with heartbeat.flow_heartbeats(run, seconds=3600, emit=emit):
        assert first.wait(30)   # the first one at once, then one per interval
        thread = next(t for t in threading.enumerate() if t.name == "lkip-heartbeat")
        assert thread.is_alive()
    # the block is over: the thread has ended (it waits on an event, not in sleep steps)
    assert not thread.is_alive()
    assert len(sent) == 1
    assert sent[0]["event"] == "prefect.flow-run.heartbeat"
    assert sent[0]["resource"]["prefect.resource.id"] == f"prefect.flow-run.{run.id}"
    assert sent[0]["resource"]["prefect.resource.name"] == "merah-putih"


def test_no_heartbeat_without_an_interval_or_a_flow_run():
    heartbeat.send_from_flow(None)
    calls: list = []
    with heartbeat.flow_heartbeats(SimpleNamespace(id=uuid.uuid4(), name="x"), seconds=None,
                                   emit=lambda **kw: calls.append(kw)):
        pass
    with heartbeat.flow_heartbeats(None, seconds=60, emit=lambda **kw: calls.append(kw)):
        pass   # outside a flow run: no FlowRunContext
    assert calls == []
    assert not any(t.name == "lkip-heartbeat" for t in threading.enumerate())
