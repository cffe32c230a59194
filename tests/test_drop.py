"""lkip.drop: a drop of files through the pipeline as plain functions, the ones the flow maps over
its task runner (no Prefect here)."""

from __future__ import annotations

from pathlib import Path

from conftest import make_workspace

from lkip import drop, ingest, stage
from lkip.issues import FileIncomplete


def _paths(cfg):
    return [str(p) for p in ingest.discover(cfg, settle_check=False)]


def test_prepare_then_stage_a_drop_reporting_to_an_observer(tmp_path):
    cfg = make_workspace(tmp_path)
    events = []
    with drop.observing(lambda ev, payload: events.append((ev, payload.get("name")))) as obs:
        prepared, not_prepared = drop.prepare_drop(cfg, _paths(cfg))
        con = stage.connect(cfg)
        stage.start_run(con, "r1")
        staged = drop.stage_drop(cfg, con, prepared, "r1")
    assert not_prepared == []
    assert prepared[0].kind == "renja"       # Renja first: the others are checked against it
    assert [r["outcome"] for r in staged.records] == ["accepted"] * 5 and staged.changed
    assert set(staged.durations) == {"stage", "archive"}
    assert not list((tmp_path / "input").glob("*.xlsx"))       # archived after the commit
    assert events[0] == ("phase", "Membaca dan memvalidasi")
    assert ("phase", "Memuat ke gudang data") in events
    assert [n for ev, n in events if ev == "file" and n] == [r["name"] for r in staged.records]
    assert obs.summary is None and drop.observer().on_event is None   # the block is over
    stage.finish_run(con, "r1", "completed", {})
    # Nothing new after a clean run with its report views: no rebuild, unless asked for.
    from lkip import model

    model.build(con, cfg)
    assert not drop.needs_rebuild(con, "r2", "run", changed=False)
    assert drop.needs_rebuild(con, "r2", "run", changed=True)
    assert drop.needs_rebuild(con, "r2", "report", changed=False)
    con.close()


def test_files_that_cannot_be_prepared_are_records_not_exceptions(tmp_path):
    cfg = make_workspace(tmp_path)
    paths = _paths(cfg)

    class Failed:
        def __init__(self, exc):
            self.exc = exc

        def result(self):
            raise self.exc

    def submit(path, rel_to):
        if "pk_iku" in path:
            return Failed(FileIncomplete(path))
        if "lra" in path:
            return Failed(KeyError("bug"))
        return drop._Done(lambda: ingest.prepare(Path(path), cfg))

    prepared, records = drop.prepare_drop(cfg, paths, submit=submit, wait_any=lambda f: f[0])
    assert len(prepared) == 3
    by_outcome = {r["outcome"]: r for r in records}
    assert set(by_outcome) == {"skipped", "failed"}
    assert by_outcome["skipped"]["messages"] == ["Berkas masih disalin; diproses pada run berikutnya."]
    assert by_outcome["failed"]["messages"][0].startswith("Kesalahan tak terduga, berkas dibiarkan di input/: KeyError")


def test_a_fresh_warehouse_is_built_and_the_verdict_names_failures(tmp_path):
    cfg = make_workspace(tmp_path, files=[])
    con = stage.connect(cfg)
    stage.start_run(con, "first")
    assert drop.needs_rebuild(con, "first", "run", changed=False)   # no report views yet
    con.close()
    ok = {"outcome": "accepted", "messages": []}
    assert drop.verdict([ok], {}) == ("completed", None)
    assert drop.verdict([ok, {"outcome": "rejected", "messages": []}], {})[0] == "completed_with_rejections"
    status, error = drop.verdict([ok, {"outcome": "failed", "messages": ["Disk penuh: x"]}],
                                 {"unit_gagal": [{"pesan": "Keluaran SKPD 1.01 gagal"}]})
    assert status == "failed"
    assert error == "1 berkas gagal diproses (dibiarkan di input/ untuk run berikutnya). Disk penuh: x; " \
                    "Keluaran SKPD 1.01 gagal"
