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
