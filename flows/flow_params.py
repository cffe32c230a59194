"""The flow run's parameters as Prefect sends them to its API, without FastAPI in the client.

Prefect serialises a flow run's parameters with FastAPI's ``jsonable_encoder``: the first flow
run of a process imports ``fastapi`` for it (its applications, routing and OpenAPI models,
0,2-0,35 s of `lkip run`, nothing else of the run uses FastAPI). The parameters of ``lkip_run``
are paths, numbers, flags and None, which that encoder hands back as they are:
``plain_parameters(flow)`` gives them as they are, and any other value to Prefect's own encoder.
"""

from __future__ import annotations

from typing import Any, Callable

PLAIN = (str, int, float, bool, type(None))


def plain_parameters(flow: Any) -> Any:
    """`flow` with a ``serialize_parameters`` that skips the encoder for plain JSON values."""
    prefect_own: Callable[[dict[str, Any]], dict[str, Any]] = flow.serialize_parameters

    def serialize_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
        if all(type(v) in PLAIN for v in parameters.values()):
            return dict(parameters)
        return prefect_own(parameters)

    flow.serialize_parameters = serialize_parameters
    return flow
