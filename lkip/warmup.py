"""Import the modules a flow run needs while the temporary Prefect server is still starting.

The temporary server takes 3-4 s to answer (its own imports of Prefect's server, FastAPI,
SQLAlchemy); `lkip run` imports Prefect and the flow in ~1,5 s meanwhile and then waits. The flow
itself imports its heavy modules on first use (DuckDB and pandas for the warehouse, pandera and the
readers for the files, matplotlib, python-docx and Jinja2 for publishing): ~1,5 s more inside the
run. `warm(mode, ready)` imports them during that wait instead, one after the other, and stops as
soon as `ready()` says the server answers (what is left is imported by the run when it needs it,
as before). Only the modules the run's mode can use: `report` reads no input file.
"""

from __future__ import annotations

import importlib
from typing import Callable

WAREHOUSE = ("prefect.flow_engine", "prefect.task_engine", "lkip.stage")
INGEST = ("lkip.sources", "lkip.ingest", "openpyxl", "lkip.archiving")
PUBLISH = ("lkip.model", "flows.publish_step", "lkip.publish", "lkip.publish.runner")


def modules_for(mode: str) -> tuple[str, ...]:
    """The modules a flow run of this mode imports, in the order it needs them."""
    if mode == "report":
        return WAREHOUSE + PUBLISH
    return WAREHOUSE + INGEST + PUBLISH


def warm(mode: str, ready: Callable[[], bool] = lambda: False) -> list[str]:
    """Import the run's modules until `ready()`; returns those imported. An import that fails is
    left to the run itself (which reports it where it happens)."""
    done = []
    for name in modules_for(mode):
        if ready():
            break
        try:
            importlib.import_module(name)
        except Exception:
            continue
        done.append(name)
    return done
