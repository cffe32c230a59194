"""`lkip run` end to end as an officer runs it: a real process, no Prefect server configured
(the pipeline starts a temporary one whose state stays in <workspace>/.prefect)."""

from __future__ import annotations

import json
import os
import time

import pytest

from test_reliability_helpers import (
    assert_files_conserved,
    input_inventory,
    lkip_env,
    make_workspace,
    run_lkip,
    run_reports,
    warehouse_digest,
)

pytestmark = pytest.mark.timeout(400)


@pytest.mark.slow
def test_run_example_then_rerun_is_a_noop(tmp_path):
    ws = make_workspace(tmp_path / "ws")
    original = input_inventory(ws)
    env = lkip_env()  # no PREFECT_API_URL: temporary server
    t = time.monotonic()
    r = run_lkip(["run", "-w", str(ws)], env)
    first_seconds = time.monotonic() - t
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "Traceback" not in out
    assert "diterima" in r.stdout

    reports = run_reports(ws)
    assert len(reports) == 1
    rep = reports[0]
    assert rep["status"] == "completed" and rep["files_seen"] == 5
    assert rep["files_by_outcome"] == {"accepted": 5}
    assert rep["rows_staged"] > 0 and rep["flow_run_id"]
    for stage in ("discover", "prepare", "stage", "archive", "model", "publish", "total"):
        assert stage in rep["durations_seconds"]

    import duckdb

    con = duckdb.connect(str(ws / "output" / "lkip.duckdb"), read_only=True)
    assert con.execute("select count(*) from laporan.lampiran_3").fetchone()[0] > 0
    runs = con.execute("select run_id, status from meta.runs").fetchall()
    con.close()
    assert runs == [(rep["run_id"], "completed")]
    # Prefect kept its state under the workspace, not in ~/.prefect
    assert (ws / ".prefect").is_dir() and any((ws / ".prefect").glob("prefect.db*"))
    assert not any((ws / "input").glob("*.xlsx"))
    assert_files_conserved(ws, original)
    before = warehouse_digest(ws)

    t = time.monotonic()
    r = run_lkip(["run", "-w", str(ws)], env)
    second_seconds = time.monotonic() - t
    assert r.returncode == 0, r.stdout + r.stderr
    rep2 = run_reports(ws)[-1]
    assert rep2["files_seen"] == 0 and rep2["status"] == "completed"
    assert "model" not in rep2["durations_seconds"]  # nothing new: no rebuild of tables or outputs
    assert warehouse_digest(ws) == before
    assert_files_conserved(ws, original)
    print(f"flow: first run {first_seconds:.1f} s, no-op rerun {second_seconds:.1f} s")


def test_task_runner_follows_config(tmp_path):
    from lkip import prefect_env

    prefect_env.configure(tmp_path)
    from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

    from flows.pipeline import make_task_runner
    from lkip.config import load_config

    assert isinstance(make_task_runner(load_config(tmp_path)), ThreadPoolTaskRunner)
    cfg = load_config(tmp_path, overrides={"runner": {"kind": "processes", "max_workers": 2}})
    assert isinstance(make_task_runner(cfg), ProcessPoolTaskRunner)
    cfg = load_config(tmp_path, overrides={"runner": {"kind": "dask", "dask_address": "tcp://127.0.0.1:8786"}})
    runner = make_task_runner(cfg)
    assert type(runner).__name__ == "DaskTaskRunner"


def test_archived_order_for_rebuild(tmp_path):
    from flows.pipeline import archived_files
    from lkip.config import load_config

    cfg = load_config(tmp_path)
    for day, name in (("2021-01-02", "b.xlsx"), ("2021-01-01", "z.xlsx"), ("2021-01-02", "a.xlsx")):
        d = cfg.processed_dir / day
        d.mkdir(parents=True, exist_ok=True)
        (d / name).write_bytes(name.encode())
        time.sleep(0.01)
    (cfg.processed_dir / "2021-01-02" / "x.xlsx.errors.txt").write_text("x")
    names = [os.path.relpath(p, cfg.processed_dir) for p in archived_files(cfg)]
    assert names == ["2021-01-01/z.xlsx", "2021-01-02/b.xlsx", "2021-01-02/a.xlsx"]


def test_run_report_is_json(tmp_path):
    from lkip import runreport

    rep = runreport.build_report("r1", runreport.now_iso(), "completed",
                                 [runreport.outcome_record({"path": "/x/a.xlsx", "outcome": "rejected", "n_errors": 2,
                                                            "messages": ["Baris 14, kolom Nilai: 'satu juta' bukan angka"]})],
                                 {"total": 1.0}, 3)
    path = runreport.write_report(tmp_path, rep)
    back = json.loads(path.read_text(encoding="utf-8"))
    assert back["files_by_outcome"] == {"rejected": 1} and back["reconciliation_differences"] == 3
