"""The flow's publish step as an officer meets it: `lkip report` republishes only what changed,
`lkip report --force` everything, and the run report says what was published."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from test_reliability_helpers import lkip_env, make_workspace, run_lkip, run_reports

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def _outputs(ws):
    root = ws / "output" / "2020"
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def _sp2d_build(ws) -> str:
    import duckdb

    con = duckdb.connect(str(ws / "output" / "lkip.duckdb"), read_only=True)
    try:
        return con.execute("SELECT cara FROM meta.model_versi WHERE objek = 'core.sp2d'").fetchone()[0]
    finally:
        con.close()


def test_report_republishes_only_changed_units_and_force_all(tmp_path, prefect_api_url):
    ws = make_workspace(tmp_path / "ws")
    env = lkip_env(api_url=prefect_api_url)
    r = run_lkip(["run", "-w", str(ws), "--no-progress"], env)
    assert r.returncode == 0, r.stdout + r.stderr
    first = run_reports(ws)[-1]["terbitkan"]
    assert first == {"unit_diterbitkan": 2, "unit_tidak_berubah": 0, "unit_gagal": []}  # 4.01.03 and kota
    before = _outputs(ws)
    assert any(k.startswith("kota/") for k in before) and any(k.startswith("4.01.03/") for k in before)

    r = run_lkip(["report", "-w", str(ws)], env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert run_reports(ws)[-1]["terbitkan"] == {"unit_diterbitkan": 0, "unit_tidak_berubah": 2, "unit_gagal": []}
    assert _outputs(ws) == before  # same bytes, same modification times
    assert _sp2d_build(ws) == "unchanged"  # lkip.model_partitions: no register row changed

    r = run_lkip(["report", "-w", str(ws), "--force"], env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert run_reports(ws)[-1]["terbitkan"]["unit_diterbitkan"] == 2
    assert _sp2d_build(ws) == "full"  # --force rebuilds the model whole too
    after = _outputs(ws)
    assert set(after) == set(before)
    assert all(after[k][1] != before[k][1] for k in after if k.endswith(".csv"))  # rewritten
    assert all(after[k][0] == before[k][0] for k in after if k.endswith(".csv"))  # to the same bytes


def test_flow_publishes_units_on_worker_processes_as_serial(tmp_path, prefect_api_url):
    """With `[publish] min_units_parallel = 2` the two units of the example go to the worker
    processes (flows.publish_step.publish_pool), each a task run `terbitkan-<folder>` of the
    flow run: the same files as the in-process publish."""
    ws = make_workspace(tmp_path / "ws")
    env = lkip_env(api_url=prefect_api_url)
    r = run_lkip(["run", "-w", str(ws), "--no-progress"], env)
    assert r.returncode == 0, r.stdout + r.stderr
    serial = _outputs(ws)
    with (ws / "lkip.toml").open("a", encoding="utf-8") as fh:
        fh.write("[publish]\nmin_units_parallel = 2\nworkers = 2\n")
    r = run_lkip(["report", "-w", str(ws), "--force"], env)
    assert r.returncode == 0, r.stdout + r.stderr
    report = run_reports(ws)[-1]
    assert report["terbitkan"] == {"unit_diterbitkan": 2, "unit_tidak_berubah": 0, "unit_gagal": []}
    parallel = _outputs(ws)
    assert set(parallel) == set(serial)
    csvs = [k for k in serial if k.endswith(".csv")]
    assert csvs and all(parallel[k][0] == serial[k][0] for k in csvs)
    assert all(parallel[k][1] != serial[k][1] for k in csvs)   # written again, by the workers

    def task_names() -> set[str]:
        body = json.dumps({"flow_runs": {"id": {"any_": [report["flow_run_id"]]}}}).encode()
        req = urllib.request.Request(f"{prefect_api_url}/task_runs/filter", data=body,
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=30) as resp:
            return {t["name"] for t in json.load(resp)}

    wanted = {"terbitkan-4.01.03", "terbitkan-kota"}
    for _ in range(60):   # task runs reach the server as events, handled a moment later
        names = task_names()
        if wanted <= names:
            break
        time.sleep(0.5)
    assert wanted <= names, names
