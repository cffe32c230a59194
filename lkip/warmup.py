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
import sys
import threading
from typing import Callable

WAREHOUSE = ("prefect.flow_engine", "prefect.task_engine", "lkip.stage")
INGEST = ("lkip.sources", "lkip.ingest", "openpyxl", "lkip.archiving")
PUBLISH = ("lkip.model", "flows.publish_step", "lkip.publish", "lkip.publish.runner")


# What publishing imports (matplotlib, python-docx, Jinja2 through lkip.publish), started in a
# thread while the model is built: DuckDB releases the GIL while it runs the model's statements,
# so these imports take the other core instead of waiting for the build (lkip.model itself is
# imported by the build at once, not here).
BACKGROUND_PUBLISH = ("lkip.publish", "lkip.publish.runner", "flows.publish_step")


def modules_for(mode: str) -> tuple[str, ...]:
    """The modules a flow run of this mode imports, in the order it needs them."""
    if mode == "report":
        return WAREHOUSE + PUBLISH
    return WAREHOUSE + INGEST + PUBLISH


def for_later_runs(mode: str = "run") -> threading.Thread:
    """`lkip watch`: everything its runs import (Prefect, the flow, the readers, publishing),
    imported in the background while it waits for the first file, so that the run an officer's
    drop starts pays no imports (~2 s of a one-file run)."""
    return in_background(("flows.pipeline", *modules_for(mode)))


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


def in_background(modules: tuple[str, ...] = BACKGROUND_PUBLISH) -> threading.Thread:
    """Import `modules` in a daemon thread (what is already imported costs nothing); the caller
    goes on. A module the caller needs meanwhile waits for that import (Python's per-module
    import lock), then is the same module object; one that fails is imported by the caller
    itself, which reports the error where it happens."""
    thread = threading.Thread(target=_warm_beside, args=(modules,), name="lkip-warmup", daemon=True)
    thread.start()
    return thread


# While the thread imports, the caller gets the GIL back within 0,5 ms instead of Python's 5 ms
# after each of its DuckDB statements (a model build is ~70 short ones, a parameter table is one
# INSERT per row): with the default interval each one waited up to 5 ms for the importing thread.
SWITCH_INTERVAL = 0.0005


def _warm_beside(modules: tuple[str, ...]) -> None:
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, SWITCH_INTERVAL))
    try:
        warm_modules(modules)
    finally:
        if sys.getswitchinterval() == min(before, SWITCH_INTERVAL):
            sys.setswitchinterval(before)


def warm_modules(modules: tuple[str, ...]) -> list[str]:
    done = []
    for name in modules:
        if name in sys.modules:
            continue
        try:
            importlib.import_module(name)
        except Exception:   # incl. a circular import met in another thread: the caller imports it
            continue
        done.append(name)
    return done
