"""Serve `lkip_run` as a scheduled Prefect deployment (needs a real Prefect server).

The temporary server Prefect starts on demand cannot run schedules, hence `lkip prefect-server`
(or PREFECT_API_URL). Everything that writes the warehouse is limited to one at a time twice
over: the deployment's own concurrency limit (1) and the global concurrency limit
`lkip-warehouse` (1 slot) taken inside the flow; the file lock in lkip.lock covers runs that do
not go through this server at all (`lkip run` from a shell).

Anyone who reaches the API can create a flow run of this deployment: the process records its
folders (lkip.api_guard.mark_served) and refuses a run asking for others; the server itself
should require basic auth (`prefect.auth_string`, see SECURITY.md).
"""

from __future__ import annotations

from typing import Any

from lkip.config import Config

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


def deployment_parameters(cfg: Config) -> dict[str, Any]:
    return {
        "workspace": str(cfg.workspace),
        "input_dir": str(cfg.input_dir),
        "output_dir": str(cfg.output_dir),
    }


def serve_deployment(cfg: Config, name: str, cron: str, timezone: str) -> None:
    from prefect import serve
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.pipeline import lkip_run
    from lkip.api_guard import mark_served

    mark_served(cfg)   # every flow run this process executes is held to these folders
    ensure_global_limit()
    deployment = lkip_run.to_deployment(
        name=name,
        schedule=Cron(cron, timezone=timezone),
        parameters=deployment_parameters(cfg),
        concurrency_limit=1,
        description="Run LKIP malam: berkas baru di input/ → gudang data → keluaran.",
        tags=["lkip"],
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    serve(deployment, pause_on_shutdown=False, limit=1)
