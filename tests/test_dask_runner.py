"""Scale out on an existing engine: the flow prepares files on a Dask cluster (prefect-dask) and
gets the same tables as with the default thread runner. The cluster is a real
distributed.LocalCluster on loopback, started by the test."""

from __future__ import annotations

import pytest

from test_reliability_helpers import lkip_env, make_workspace, run_lkip, warehouse_digest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]


def test_flow_on_a_dask_localcluster_gives_the_same_tables(tmp_path, prefect_api_url, example_run):
    from distributed import Client, LocalCluster

    env = lkip_env(api_url=prefect_api_url)
    # The default thread runner's tables: `example_run`, the same example run on the same server
    # with the default settings (tests/conftest.py, shared with the reliability tests).

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        dask_ws = make_workspace(
            tmp_path / "dask",
            f'[runner]\nkind = "dask"\ndask_address = "{cluster.scheduler_address}"\n',
        )
        r = run_lkip(["run", "-w", str(dask_ws)], env)
        assert r.returncode == 0, r.stdout + r.stderr
        # The parsing really ran on the cluster: its scheduler saw the prepare tasks.
        prefixes = client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.task_prefixes))
        assert any("prepare" in p for p in prefixes), prefixes

    assert warehouse_digest(dask_ws) == example_run["digest"]
