"""While the temporary Prefect server starts, `lkip run` imports what its run will need
(lkip.warmup), and stops as soon as the server answers."""

from __future__ import annotations

import sys

from lkip import warmup


def test_report_runs_import_no_reader_and_every_mode_the_warehouse_first():
    for mode in ("run", "rebuild", "report"):
        mods = warmup.modules_for(mode)
        assert mods[: len(warmup.WAREHOUSE)] == warmup.WAREHOUSE
        assert set(warmup.PUBLISH) <= set(mods)
    assert not set(warmup.INGEST) & set(warmup.modules_for("report"))
    assert set(warmup.INGEST) <= set(warmup.modules_for("run"))


def test_stops_when_the_server_answers(monkeypatch):
    imported = []
    monkeypatch.setattr(warmup.importlib, "import_module", lambda name: imported.append(name))
    assert warmup.warm("run", ready=lambda: True) == [] and imported == []
    answers = iter([False, False, True])
    done = warmup.warm("run", ready=lambda: next(answers))
    assert done == imported == list(warmup.modules_for("run")[:2])


def test_a_module_that_fails_to_import_is_left_to_the_run(monkeypatch):
    def fake(name):
        if name == "lkip.stage":
            raise ImportError("broken")
        return sys.modules.get(name)

    monkeypatch.setattr(warmup.importlib, "import_module", fake)
    done = warmup.warm("report")
    assert "lkip.stage" not in done and "lkip.model" in done


def test_publishing_imports_in_a_thread_the_caller_goes_on(monkeypatch):
    import threading

    started, release, imported = threading.Event(), threading.Event(), []

    def slow(name):
        started.set()
        release.wait(10)
        imported.append((name, threading.current_thread().name))

    monkeypatch.setattr(warmup.importlib, "import_module", slow)
    monkeypatch.setitem(sys.modules, "lkip_mainan_sudah", object())
    before = sys.getswitchinterval()
    thread = warmup.in_background(("lkip_mainan", "lkip_mainan_sudah"))
    assert started.wait(10) and thread.is_alive()   # the caller is not held by the import
    assert sys.getswitchinterval() <= warmup.SWITCH_INTERVAL   # the caller gets the GIL back soon
    release.set()
    thread.join(10)
    assert imported == [("lkip_mainan", "lkip-warmup")]   # what is already imported is skipped
    assert sys.getswitchinterval() == before


def test_a_failing_background_import_is_left_to_the_caller(monkeypatch):
    def fake(name):
        if name == "lkip_mainan":
            raise RuntimeError("deadlock detected by _ModuleLock('lkip_mainan')")
        return None

    monkeypatch.setattr(warmup.importlib, "import_module", fake)
    assert warmup.warm_modules(("lkip_mainan", "lkip_mainan.runner")) == ["lkip_mainan.runner"]


def test_lkip_watch_imports_what_its_runs_need_while_it_waits():
    """`lkip watch` warms up in the background: after it, the flow and every module a run
    imports are loaded (checked in a fresh interpreter, where none of them was)."""
    import subprocess

    code = (
        "import sys\n"
        "from lkip import warmup\n"
        "assert 'flows.pipeline' not in sys.modules and 'prefect' not in sys.modules\n"
        "t = warmup.for_later_runs('run')\n"
        "t.join(120)\n"
        "missing = [m for m in ('flows.pipeline', *warmup.modules_for('run')) if m not in sys.modules]\n"
        "assert not missing, missing\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


def test_lkip_watch_starts_the_warm_up(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    import lkip.watch
    from lkip.cli import app

    calls = []
    monkeypatch.setattr(warmup, "for_later_runs", lambda mode="run": calls.append(mode))
    monkeypatch.setattr(lkip.watch, "watch_and_run", lambda *a, **k: 0)
    res = CliRunner().invoke(app, ["watch", "--workspace", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert calls == ["run"]
    from lkip.publish import standby

    assert not standby.enabled()  # the publish worker watch kept ends with it
