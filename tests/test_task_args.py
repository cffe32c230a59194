"""Task arguments reach Prefect quoted (no recursive walk before each task run) and the tasks
receive the plain values, in the flow's thread and on the thread pool; a Dask runner gets them
unquoted (flows.task_args). The process pool (publishing's runner) and Dask: the flow tests
(tests/test_flow.py, tests/test_dask_runner.py)."""

from __future__ import annotations

from prefect import flow, task
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows.task_args import opaque, opaque_args


@task(persist_result=False)
def what(x, y=None):
    return type(x).__name__, x, y


@flow(persist_result=False)
def _flow():
    here = opaque_args(what)({"a": [1, 2]}, y=[3])
    with ThreadPoolTaskRunner(max_workers=2) as tr:
        threads = tr.submit(what, parameters={"x": opaque([4], tr), "y": 5}).result()
    return here, threads


def test_tasks_receive_the_plain_values(prefect_api_url):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: prefect_api_url}):
        here, threads = _flow()
    assert here == ("dict", {"a": [1, 2]}, [3])
    assert threads == ("list", [4], 5)


def test_quoted_except_for_dask():
    class DaskTaskRunner:  # what prefect_dask's runner looks like to opaque()
        pass

    DaskTaskRunner.__module__ = "prefect_dask.task_runners"
    assert isinstance(opaque([1]), quote)
    assert isinstance(opaque([1], ThreadPoolTaskRunner()), quote)
    assert opaque([1], DaskTaskRunner()) == [1] and not isinstance(opaque([1], DaskTaskRunner()), quote)
