"""The archive path of a file is recorded in the file's own transaction (lkip.archiving.plan):
no write to the warehouse after the move, and a process killed between the commit and the move,
or right after the move, loses nothing for `lkip rebuild` (lkip.archive_manifest)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLE, ROOT, make_workspace

from lkip import drop, ingest, stage
from lkip.config import load_config

FILES = [EXAMPLE / "input" / "renja_perubahan_2020.xlsx", EXAMPLE / "input" / "lra_sd_31_desember_2020.xlsx",
         EXAMPLE / "input" / "pk_iku_2020.xlsx"]

# Stage the workspace's drop; the process kills itself (SIGKILL) on the second file's archive,
# before or after safe_fs.archive_file moved it.
KILLER = """
import os, signal, sys
from lkip import drop, ingest, safe_fs, stage
from lkip.config import load_config

cfg = load_config(sys.argv[1])
when = sys.argv[2]
prepared, _ = drop.prepare_drop(cfg, [str(p) for p in ingest.discover(cfg, settle_check=False)])
con = stage.connect(cfg)
stage.start_run(con, "killed")
real, calls = safe_fs.archive_file, []

def archive_file(*args, **kwargs):
    calls.append(args[0])
    if len(calls) == 2 and when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    out = real(*args, **kwargs)
    if len(calls) == 2 and when == "after":
        os.kill(os.getpid(), signal.SIGKILL)
    return out

safe_fs.archive_file = archive_file
drop.stage_drop(cfg, con, prepared, "killed")
"""


def _kill_during_archive(ws: Path, when: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.run([sys.executable, "-c", KILLER, str(ws), when], env=env, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == -signal.SIGKILL, p.stderr[-3000:]


def _files(cfg) -> dict[str, str | None]:
    con = stage.connect(cfg, read_only=True)
    try:
        return dict(con.execute("SELECT source_file, archived_path FROM meta.files").fetchall())
    finally:
        con.close()


def _rebuild_paths(cfg) -> tuple[list[str], list[dict]]:
    """What `lkip rebuild` would load: the warehouse set aside first, as lkip.cli.rebuild does."""
    wh = Path(cfg.warehouse)
    for p in (wh, wh.with_name(wh.name + ".wal")):
        if p.exists():
            os.replace(p, p.with_name(f"{p.name}.lama-20261207T000000"))
    return drop.rebuild_paths(cfg)


def test_archived_path_is_committed_with_the_file_and_the_archive_writes_nothing(tmp_path, monkeypatch):
    cfg = make_workspace(tmp_path, files=FILES)
    (Path(cfg.input_dir) / "bagian").mkdir()
    (Path(cfg.input_dir) / "bagian" / "rusak.xlsx").write_bytes(b"bukan berkas Excel")   # rejected
    prepared, _ = drop.prepare_drop(cfg, [str(p) for p in ingest.discover(cfg, settle_check=False)])
    con = stage.connect(cfg)
    stage.start_run(con, "r1")

    def refused(*args, **kwargs):
        raise AssertionError("an UPDATE of meta.files after the move")

    monkeypatch.setattr(stage, "set_archived_path", refused)
    staged = drop.stage_drop(cfg, con, prepared, "r1")
    con.close()
    assert sorted(r["outcome"] for r in staged.records) == ["accepted"] * 3 + ["rejected"]
    rows = _files(cfg)
    assert set(rows) == {f.name for f in FILES} | {"rusak.xlsx"}
    for out in staged.outcomes:
        assert rows[out.path.name] == str(out.archived_to) and Path(rows[out.path.name]).is_file()
    assert Path(rows["rusak.xlsx"]).relative_to(cfg.rejected_dir).parts[1:] == ("bagian", "rusak.xlsx")
    assert not list(Path(cfg.input_dir).glob("*.xlsx")) and not list(Path(cfg.input_dir).glob("bagian/*.xlsx"))


def test_a_file_left_in_input_has_no_archived_path(tmp_path):
    cfg = make_workspace(tmp_path, files=FILES[:2])
    prepared, _ = drop.prepare_drop(cfg, [str(p) for p in ingest.discover(cfg, settle_check=False)])
    lra = next(p for p in prepared if p.kind == "lra")
    os.utime(lra.path, ns=(lra.mtime_ns + 10**9, lra.mtime_ns + 10**9))    # "changed since it was read"
    con = stage.connect(cfg)
    stage.start_run(con, "r1")
    staged = drop.stage_drop(cfg, con, prepared, "r1")
    con.close()
    by_name = {r["name"]: r for r in staged.records}
    # committed (its rows count), not moved: it stays in input/ for the next run
    assert by_name[lra.path.name]["outcome"] == "accepted" and by_name[lra.path.name]["archived_to"] is None
    assert lra.path.is_file()
    rows = _files(cfg)
    assert rows[lra.path.name] is None                                   # the plan was taken back
    assert Path(rows["renja_perubahan_2020.xlsx"]).is_file()


def test_killed_right_after_the_move_rebuild_loads_the_moved_file(tmp_path):
    """No run report (the run was killed), no UPDATE after the move: the warehouse row committed
    with the file says where it went, and `lkip rebuild` loads it (not a stranger)."""
    cfg = make_workspace(tmp_path, files=FILES)
    _kill_during_archive(tmp_path, "after")
    moved = sorted(Path(cfg.processed_dir).rglob("*.xlsx"))
    assert len(moved) == 2 and len(list(Path(cfg.input_dir).glob("*.xlsx"))) == 1
    rows = _files(cfg)
    assert sorted(Path(p) for p in rows.values() if p) == moved    # committed before the move
    assert not list(Path(cfg.runs_dir).glob("*.json"))            # no run report to rely on
    paths, strangers = _rebuild_paths(cfg)
    assert strangers == [] and sorted(Path(p) for p in paths) == moved


def test_killed_between_the_commit_and_the_move_the_next_run_archives_and_records_it(tmp_path):
    cfg = make_workspace(tmp_path, files=FILES)
    _kill_during_archive(tmp_path, "before")
    left = sorted(p.name for p in Path(cfg.input_dir).glob("*.xlsx"))
    assert len(left) == 2                          # the second file: committed, not moved
    rows = _files(cfg)
    assert len(rows) == 2 and all(rows.values())   # both committed with their planned path
    # the next run: the committed file is a duplicate, moved now; its row says where it is
    cfg = load_config(tmp_path)
    prepared, _ = drop.prepare_drop(cfg, [str(p) for p in ingest.discover(cfg, settle_check=False)])
    con = stage.connect(cfg)
    stage.start_run(con, "r2")
    staged = drop.stage_drop(cfg, con, prepared, "r2")
    con.close()
    assert sorted(r["outcome"] for r in staged.records) == ["accepted", "duplicate"]
    moved = sorted(Path(cfg.processed_dir).rglob("*.xlsx"))
    assert len(moved) == 3 and not list(Path(cfg.input_dir).glob("*.xlsx"))
    rows = _files(cfg)
    assert sorted(Path(p) for p in rows.values()) == moved
    paths, strangers = _rebuild_paths(cfg)
    assert strangers == [] and sorted(Path(p) for p in paths) == moved
