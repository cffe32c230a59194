"""Task arguments Prefect does not walk: `quote` around the values the flow hands its tasks.

Before a task runs, Prefect visits every parameter recursively, twice (to resolve futures and to
record task inputs): on a prepared file (its rows, its issues), a publish job or the config that
is ~0,05 s per task run, ~0,7 s of the bundled example's run (bench/results/
2026-12-07-latency-profile.md). These arguments are plain values, never futures; wrapped in
`prefect.utilities.annotations.quote`, the task receives them unwrapped, on the flow's thread, the
thread pool and the process pool alike. prefect_dask's runner hands the wrapper itself to the
task instead: with it, arguments go unwrapped as before.
"""

from __future__ import annotations

from typing import Any, Callable

from prefect.utilities.annotations import quote


def _dask(runner: Any) -> bool:
    return runner is not None and type(runner).__module__.split(".")[0] == "prefect_dask"


def opaque(value: Any, runner: Any = None) -> Any:
    """`value` hidden from Prefect's parameter walk (as is, for a Dask runner)."""
    return value if _dask(runner) else quote(value)


def opaque_args(task_fn: Callable[..., Any]) -> Callable[..., Any]:
    """Call the task (in this thread) with every argument hidden from the walk."""
    def call(*args: Any, **kwargs: Any) -> Any:
        return task_fn(*(quote(a) for a in args), **{k: quote(v) for k, v in kwargs.items()})

    return call
