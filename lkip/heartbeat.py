"""Flow-run heartbeats of `lkip run` / `lkip watch` against a long-running Prefect server.

A server that receives `prefect.flow-run.heartbeat` events can mark a run whose process died as
crashed (Prefect's "detect zombie flows" automation). Prefect's own heartbeat thread sleeps in
one-second steps and is joined when the flow ends, which held the end of every run for up to a
second (bench/results/2026-12-07-latency-profile.md). For the runs `lkip` starts in its own
process, `prefect_env.run_settings` turns Prefect's thread off and `flow_heartbeats` sends the same
event at the same interval from a thread that stops at once when the flow body ends.

With the temporary server no heartbeats are sent at all (it dies with the run's process). Flow
runs started by `lkip serve` keep Prefect's own heartbeats (this module is not involved).
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from typing import Any, Callable, Iterator

HEARTBEAT_EVENT = "prefect.flow-run.heartbeat"
MINIMUM_SECONDS = 30   # Prefect's own floor for the heartbeat interval

_interval: int | None = None


def send_from_flow(seconds: int | None) -> None:
    """Set by run_settings: the interval this process's flow bodies send heartbeats at (None: none)."""
    global _interval
    _interval = max(int(seconds), MINIMUM_SECONDS) if seconds else None


def interval() -> int | None:
    return _interval


def heartbeat_resource(flow_run: Any) -> dict[str, str]:
    """The event's resource, as Prefect's flow engine names it (related resources, the flow and
    the deployment, are attached by Prefect's events worker from the run context)."""
    from prefect import __version__

    return {"prefect.resource.id": f"prefect.flow-run.{flow_run.id}",
            "prefect.resource.name": flow_run.name or "", "prefect.version": __version__}


@contextlib.contextmanager
def flow_heartbeats(flow_run: Any = None, seconds: int | None = None,
                    emit: Callable[..., Any] | None = None) -> Iterator[None]:
    """Send a heartbeat now and every `seconds` (default: `interval()`) while the block runs;
    the thread ends as soon as the block does. Nothing without a flow run or an interval."""
    seconds = seconds if seconds is not None else _interval
    if flow_run is None:
        from prefect.context import FlowRunContext

        ctx = FlowRunContext.get()
        flow_run = ctx.flow_run if ctx else None
    if not seconds or flow_run is None:
        yield
        return
    if emit is None:
        from prefect.events import emit_event as emit
    resource = heartbeat_resource(flow_run)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                emit(event=HEARTBEAT_EVENT, resource=resource)
            except Exception:  # a missed heartbeat is not the run's failure
                pass
            if stop.wait(seconds):
                return

    # the run's context (settings, API URL, flow run) in the thread, as Prefect's own thread has it
    thread = threading.Thread(target=contextvars.copy_context().run, args=(loop,), daemon=True,
                              name="lkip-heartbeat")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=2)
