"""The flow stages and archives a drop in ONE task run (`muat-dan-arsipkan`), not two per file:
each file still has its log line (under that task run) and its progress event, and a file whose
staging raises names itself before the run fails (flows/pipeline.py, lkip.drop.stage_drop)."""

from __future__ import annotations

import json
import logging
import re
import time
import urllib.request

import pytest

from conftest import EXAMPLE, make_workspace

from lkip import drop, ingest, stage


def _post(url: str, body: dict) -> list[dict]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"},
                                 method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)


@pytest.mark.slow
def test_stage_and_archive_is_one_task_run_with_a_log_line_per_file(tmp_path, prefect_api_url):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows import pipeline

    make_workspace(tmp_path)
    names = sorted(p.name for p in (EXAMPLE / "input").glob("*.xlsx"))
    events: list[tuple[str, str | None]] = []
    with temporary_settings(updates={PREFECT_API_URL: prefect_api_url}), \
            drop.observing(lambda ev, payload: events.append((ev, payload.get("name")))):
        report = pipeline.lkip_run(workspace=str(tmp_path), run_id="satu-task")
    assert report["status"] == "completed" and report["files_by_outcome"] == {"accepted": 5}
    # the progress of the caller still hears of each file staged, from inside the task
    assert sorted(n for ev, n in events if ev == "file" and n) == names

    runs: list[dict] = []
    for _ in range(60):     # task runs reach the server as events, handled a moment later
        runs = _post(f"{prefect_api_url}/task_runs/filter",
                     {"flow_runs": {"id": {"any_": [report["flow_run_id"]]}}})
        if any(r["name"].startswith("muat-dan-arsipkan") for r in runs):
            break
        time.sleep(0.5)
    task_names = [r["name"] for r in runs]
    staging = [r for r in runs if r["name"].startswith("muat-dan-arsipkan")]
    assert len(staging) == 1, task_names
    assert not [n for n in task_names if re.fullmatch(r"(muat|arsipkan)-[0-9a-f]+", n)], task_names
    # prepare: one task run for the drop on the thread runner (lkip reads the files on its own threads)
    assert [n for n in task_names if n.startswith("baca-validasi")] == ["baca-validasi-semua"], task_names

    lines: list[str] = []
    for _ in range(60):
        logs = _post(f"{prefect_api_url}/logs/filter", {"logs": {"task_run_id": {"any_": [staging[0]["id"]]}}})
        lines = [entry["message"] for entry in logs]
        if all(any(line.startswith(f"{n}: accepted") for line in lines) for n in names):
            break
        time.sleep(0.5)
    for n in names:
        assert any(line.startswith(f"{n}: accepted") for line in lines), (n, lines)


def test_a_file_whose_staging_raises_names_itself(tmp_path, caplog):
    cfg = make_workspace(tmp_path)
    prepared, _ = drop.prepare_drop(cfg, [str(p) for p in ingest.discover(cfg, settle_check=False)])
    con = stage.connect(cfg)
    stage.start_run(con, "r1")
    bad = prepared[1].path.name

    def staging(prep, run_id, c, cn):
        if prep.path.name == bad:
            raise RuntimeError("disk hilang")
        return ingest.stage(cn, prep, run_id, c)

    logger = logging.getLogger("test.stage_task")
    with caplog.at_level(logging.INFO, logger="test.stage_task"), pytest.raises(RuntimeError):
        drop.stage_drop(cfg, con, prepared, "r1", stage=staging, logger=logger)
    con.close()
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == [f"{bad}: gagal dimuat ke gudang data (RuntimeError: disk hilang)"]
    # the file before it was staged and logged; the failed one stays in input/
    assert any(r.getMessage().startswith(f"{prepared[0].path.name}: accepted") for r in caplog.records)
    assert prepared[1].path.is_file()
