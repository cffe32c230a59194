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

from flows.global_limit import ensure_global_limit
from lkip.config import Config


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
