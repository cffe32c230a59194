"""lkip.gc_pause: the collector off inside paused blocks (of any thread), back as it was after the
last one; publishing runs every unit and part inside one."""

from __future__ import annotations

import gc
import threading

import pytest

from lkip import gc_pause


@pytest.fixture(autouse=True)
def _collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_off_inside_back_on_after():
    with gc_pause.paused():
        assert not gc.isenabled()
        with gc_pause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_back_on_only_when_the_last_thread_leaves():
    inside, leave = threading.Event(), threading.Event()

    def other():
        with gc_pause.paused():
            inside.set()
            leave.wait(10)

    t = threading.Thread(target=other)
    t.start()
    assert inside.wait(10)
    with gc_pause.paused():
        pass
    assert not gc.isenabled()       # the other thread is still inside
    leave.set()
    t.join(10)
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off():
    gc.disable()
    with gc_pause.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_back_on_after_an_exception():
    with pytest.raises(ValueError):
        with gc_pause.paused():
            raise ValueError("x")
    assert gc.isenabled()


def test_units_and_parts_are_published_with_the_collector_off(monkeypatch, tmp_path):
    from lkip.publish import runner
    from lkip.publish.data import UnitData

    seen = []

    def fake(*a, **k):
        seen.append(gc.isenabled())
        return []

    import lkip.publish as pub

    monkeypatch.setattr(pub, "publish_unit", fake)
    monkeypatch.setattr(pub, "publish_workbook", fake)
    job = runner.UnitJob(UnitData(2020, "4.01.01", "SKPD", 4, {}, []), "digest")
    runner.unit_folder(tmp_path, job.unit).mkdir(parents=True)
    assert runner.run_job(job, tmp_path, None).error is None
    assert runner.run_part(job, "workbook", str(tmp_path), None, []).error is None
    assert seen == [False, False] and gc.isenabled()
