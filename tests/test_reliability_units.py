"""Fast checks of the parts the reliability suite relies on: the run lock and the watch debouncer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from lkip.lock import LockBusy, read_holder, run_lock
from lkip.runreport import atomic_write_text
from lkip.watch import Debouncer, snapshot

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from lkip.lock import run_lock
    lock = run_lock(Path(sys.argv[1]), "run-holder")
    lock.acquire(0)
    print("held", flush=True)
    time.sleep(60)
    """
)


def _holder(tmp_path: Path) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "held"
    return p


def test_lock_names_holder_and_is_released_by_sigkill(tmp_path):
    p = _holder(tmp_path)
    try:
        t = time.monotonic()
        with pytest.raises(LockBusy) as ei:
            run_lock(tmp_path, "second").acquire(wait_seconds=1.0)
        assert 0.9 <= time.monotonic() - t < 5
        msg = ei.value.message()
        assert "run-holder" in msg and str(p.pid) in msg
        assert "sedang dipakai" in msg and "locked by" in msg
        assert read_holder(ei.value.path)["pid"] == p.pid
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()
    # The OS released the flock with the process: no stale lock to clean up by hand.
    lock = run_lock(tmp_path, "third").acquire(0)
    assert read_holder(lock.path)["run_id"] == "third"
    lock.release()


def test_second_run_waits_for_the_first(tmp_path):
    p = _holder(tmp_path)
    try:
        threading_kill = subprocess.Popen(
            [sys.executable, "-c", f"import os,time,signal; time.sleep(1.0); os.kill({p.pid}, signal.SIGKILL)"]
        )
        t = time.monotonic()
        lock = run_lock(tmp_path, "waiter").acquire(wait_seconds=20)
        assert 0.8 < time.monotonic() - t < 10
        lock.release()
        threading_kill.wait()
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()


TRY = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from lkip.lock import LockBusy, run_lock
    try:
        run_lock(Path(sys.argv[1]), "other").acquire(0)
        print("got")
    except LockBusy:
        print("busy")
    """
)


def _other_process_gets(tmp_path: Path) -> bool:
    out = subprocess.run([sys.executable, "-c", TRY, str(tmp_path)], capture_output=True, text=True, timeout=30)
    return out.stdout.strip() == "got"


def test_lock_reentrant_in_one_process(tmp_path):
    outer = run_lock(tmp_path, "cli").acquire(0)
    inner = run_lock(tmp_path, "flow").acquire(0)  # the flow inside the CLI's process shares it
    inner.release()
    assert not _other_process_gets(tmp_path)  # still held by the outer owner
    outer.release()
    assert _other_process_gets(tmp_path)


def test_atomic_write_leaves_no_partial_file(tmp_path):
    target = tmp_path / "runs" / "r.json"
    atomic_write_text(target, '{"a": 1}')
    assert target.read_text() == '{"a": 1}'
    assert [p.name for p in target.parent.iterdir()] == ["r.json"]


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_debouncer_burst_makes_one_run():
    clock = Clock()
    deb = Debouncer(stable_seconds=2, clock=clock)
    snap: dict[str, tuple[int, int]] = {}
    for i in range(30):  # 30 files landing 0.1 s apart
        snap[f"/in/f{i}.xlsx"] = (100, i)
        deb.observe(dict(snap))
        clock.t += 0.1
        assert not deb.due()
    clock.t += 1.0
    deb.observe(dict(snap))
    assert not deb.due()
    clock.t += 1.1
    deb.observe(dict(snap))
    assert deb.due() and len(deb.pending) == 30
    deb.started_run(dict(snap))
    clock.t += 10
    deb.observe(dict(snap))
    assert not deb.due()


def test_debouncer_waits_for_a_growing_file_and_sees_drops_during_a_run():
    clock = Clock()
    deb = Debouncer(stable_seconds=2, clock=clock)
    for size in range(1, 10):  # a slow copy: size changes every second
        deb.observe({"/in/a.xlsx": (size * 1000, size)})
        clock.t += 1.0
        assert not deb.due()
    clock.t += 2.5
    deb.observe({"/in/a.xlsx": (9000, 9)})
    assert deb.due()
    deb.started_run({"/in/a.xlsx": (9000, 9)})
    # b arrives while the run goes on; a is moved away by the run
    clock.t += 1
    deb.observe({"/in/b.xlsx": (5, 1)})
    clock.t += 3
    deb.observe({"/in/b.xlsx": (5, 1)})
    assert deb.due() and list(deb.pending) == ["/in/b.xlsx"]


def test_snapshot_ignores_archive_and_temp_files(tmp_path):
    (tmp_path / "processed" / "2020-01-01").mkdir(parents=True)
    (tmp_path / "rejected").mkdir()
    (tmp_path / "processed" / "2020-01-01" / "a.xlsx").write_bytes(b"x")
    (tmp_path / "rejected" / "b.xlsx").write_bytes(b"x")
    (tmp_path / "~$lock.xlsx").write_bytes(b"x")
    (tmp_path / "c.xlsx.part").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.xlsx").write_bytes(b"xy")
    assert list(snapshot(tmp_path)) == [str(tmp_path / "sub" / "d.xlsx")]


def test_prefect_env_sets_workspace_home_and_telemetry_off(tmp_path):
    code = textwrap.dedent(
        """
        import os, sys, json
        from lkip import prefect_env
        prefect_env.configure(sys.argv[1])
        import prefect
        from prefect.settings import get_current_settings
        s = get_current_settings()
        print(json.dumps({"home": str(s.home), "analytics": s.server.analytics_enabled,
                          "dnt": os.environ.get("DO_NOT_TRACK"), "persist": s.results.persist_by_default}))
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_") and k != "DO_NOT_TRACK"}
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], env=env, capture_output=True,
                         text=True, timeout=60, check=True).stdout
    import json

    got = json.loads(out.strip().splitlines()[-1])
    assert got["home"] == str((tmp_path / ".prefect").resolve())
    assert got["analytics"] is False and got["dnt"] == "1" and got["persist"] is False
