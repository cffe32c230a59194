"""The flow's publish step as an officer meets it: `lkip report` republishes only what changed,
`lkip report --force` everything, and the run report says what was published."""

from __future__ import annotations

import pytest

from test_reliability_helpers import lkip_env, make_workspace, run_lkip, run_reports

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def _outputs(ws):
    root = ws / "output" / "2020"
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


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

    r = run_lkip(["report", "-w", str(ws), "--force"], env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert run_reports(ws)[-1]["terbitkan"]["unit_diterbitkan"] == 2
    after = _outputs(ws)
    assert set(after) == set(before)
    assert all(after[k][1] != before[k][1] for k in after if k.endswith(".csv"))  # rewritten
    assert all(after[k][0] == before[k][0] for k in after if k.endswith(".csv"))  # to the same bytes
