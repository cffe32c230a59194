"""The Prefect global concurrency limit `lkip-warehouse` (1 slot): runs of the flow take it around
their warehouse work when they go to a real server (flows.pipeline._warehouse_slot); `lkip serve`
creates it (flows.serve)."""

from __future__ import annotations

GLOBAL_LIMIT = "lkip-warehouse"


def ensure_global_limit(limit: int = 1) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(GLOBAL_LIMIT)
        except ObjectNotFound:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=GLOBAL_LIMIT, limit=limit))


def global_limit_exists() -> bool | None:
    """Whether the server has the `lkip-warehouse` limit (`lkip serve` creates it); None when it
    cannot tell. A GET: asking for a slot of a limit that does not exist is a write that a busy
    server (its SQLite database) answered with 503, and Prefect's client retried it ~2 s later."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    try:
        with get_client(sync_client=True) as client:
            client.read_global_concurrency_limit_by_name(GLOBAL_LIMIT)
        return True
    except ObjectNotFound:
        return False
    except Exception:
        return None
