"""Workspace confinement and poison files (issue 16, points 2, 3, 5, 6): the attacks reproduced
with the functions the flow's tasks call (discover → prepare → stage → archive), and lkip.safe_fs
directly. Every test builds its own workspace; an "outside" folder stands for site-packages."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
from pathlib import Path

import pytest

from conftest import ingest_folder
from lkip import safe_fs
from lkip.config import load_config
from xlsx_builders import build_renja


def _tree(root: Path) -> dict[str, str]:
    """Every file below root (links not followed) with its SHA-256."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            p = Path(dirpath) / f
            if not p.is_symlink():
                out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _old(path: Path) -> None:
    t = dt.datetime.now().timestamp() - 120
    os.utime(path, (t, t))


def _workspace(tmp_path: Path, good: bool = True, bad: dict[str, bytes] | None = None):
    ws = tmp_path / "ws"
    (ws / "input").mkdir(parents=True)
    if good:
        build_renja(ws / "input" / "renja_2020.xlsx")
    for name, data in (bad or {}).items():
        (ws / "input" / name).write_bytes(data)
    for p in (ws / "input").iterdir():
        if p.is_file():
            _old(p)
    return load_config(ws)


def _run(cfg):
    con, outcomes = ingest_folder(cfg)
    con.close()
    return {Path(o.path).name: o for o in outcomes}


def test_planted_rejected_date_link_writes_nothing_outside(tmp_path):
    """input/rejected/<today> -> outside: the rejected evil.pth and its report stay in input/."""
    outside = tmp_path / "site-packages"
    outside.mkdir()
    cfg = _workspace(tmp_path, bad={"evil.pth": b"import os; os.system('id')\n"})
    (cfg.rejected_dir).mkdir()
    (cfg.rejected_dir / dt.date.today().isoformat()).symlink_to(outside, target_is_directory=True)
    out = _run(cfg)
    assert os.listdir(outside) == []
    evil = out["evil.pth"]
    assert evil.outcome == "failed" and evil.archived_to is None
    assert any("tautan (symlink)" in m and str(outside) in m for m in evil.messages), evil.messages
    assert (cfg.input_dir / "evil.pth").read_bytes() == b"import os; os.system('id')\n"
    # The good file is archived as usual: one refused destination stops nothing else.
    assert out["renja_2020.xlsx"].outcome in ("accepted", "accepted_with_warnings")
    assert Path(out["renja_2020.xlsx"].archived_to).is_relative_to(cfg.processed_dir)


@pytest.mark.parametrize("link", ["processed", "processed/DATE", "rejected"])
def test_linked_archive_folders_are_refused(tmp_path, link):
    outside = tmp_path / "outside"
    outside.mkdir()
    cfg = _workspace(tmp_path, bad={"rusak.xlsx": b"not a workbook"})
    link = link.replace("DATE", dt.date.today().isoformat())
    where = cfg.input_dir / link
    where.parent.mkdir(parents=True, exist_ok=True)
    where.symlink_to(outside, target_is_directory=True)
    before = _tree(cfg.input_dir)
    out = _run(cfg)
    assert os.listdir(outside) == []
    refused = [o for o in out.values() if o.outcome == "failed"]
    assert refused and all(any("symlink" in m for m in o.messages) for o in refused)
    # Nothing lost: every input byte is still somewhere under input/.
    assert set(before.values()) <= set(_tree(cfg.input_dir).values())


def test_plain_file_named_processed_or_rejected_does_not_poison(tmp_path):
    cfg = _workspace(tmp_path, bad={"processed": b"sebuah berkas", "rejected": b"berkas lain", "x.xlsx": b"rusak"})
    out = _run(cfg)
    assert out["renja_2020.xlsx"].outcome in ("accepted", "accepted_with_warnings")
    assert out["x.xlsx"].outcome == "rejected"
    assert out["processed"].outcome == "skipped" and "bukan-folder" in out["processed"].messages[-1]
    assert cfg.processed_dir.is_dir() and cfg.rejected_dir.is_dir()
    notes = [m for o in out.values() for m in o.messages if "bukan folder" in m]
    assert notes, [o.messages for o in out.values()]
    aside = sorted(p.name for p in cfg.input_dir.iterdir() if ".bukan-folder" in p.name)
    assert aside == ["processed.bukan-folder", "rejected.bukan-folder"]
    assert (cfg.input_dir / "processed.bukan-folder").read_bytes() == b"sebuah berkas"
    # The next run takes the moved-aside files as ordinary (rejected) drops: nothing left behind.
    out2 = _run(cfg)
    assert {o.outcome for o in out2.values()} == {"rejected"}
    assert not [p for p in cfg.input_dir.iterdir() if p.is_file()]


def test_very_long_rejected_name_is_shortened(tmp_path):
    long_name = ("laporan_realisasi_" + "sangat_panjang_" * 14)[:226] + ".xlsx"
    assert len(long_name.encode()) > 230 - 5
    cfg = _workspace(tmp_path, bad={long_name: b"bukan workbook"})
    out = _run(cfg)
    o = out[long_name]
    assert o.outcome == "rejected", o.messages
    dest = Path(o.archived_to)
    assert dest.suffix == ".xlsx" and len(dest.name.encode()) <= safe_fs.MAX_NAME_BYTES
    assert dest.read_bytes() == b"bukan workbook"
    assert Path(str(dest) + ".errors.txt").is_file() and Path(str(dest) + ".errors.xlsx").is_file()
    # Not poisoned: a second run with another long name of the same prefix is fine too.
    other = long_name[:-6] + "Z.xlsx"
    (cfg.input_dir / other).write_bytes(b"juga bukan workbook")
    _old(cfg.input_dir / other)
    o2 = _run(cfg)[other]
    assert o2.outcome == "rejected" and Path(o2.archived_to) != dest


def test_shorten_name_keeps_extension_and_uniqueness():
    a = "é" * 150 + "a.xlsx"
    b = "é" * 150 + "b.xlsx"
    sa, sb = safe_fs.shorten_name(a), safe_fs.shorten_name(b)
    assert sa != sb and sa.endswith(".xlsx") and sb.endswith(".xlsx")
    assert len(sa.encode()) <= safe_fs.MAX_NAME_BYTES
    sa.encode("utf-8")  # no split character
    assert safe_fs.shorten_name("pendek.xlsx") == "pendek.xlsx"


def test_crafted_pair_of_names_never_destroys_bytes(tmp_path):
    """processed/<date>/a.xlsx and a.<hash8>.xlsx both hold other bytes: the input is kept."""
    cfg = _workspace(tmp_path)
    data = (cfg.input_dir / "renja_2020.xlsx").read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    day = cfg.processed_dir / dt.date.today().isoformat()
    day.mkdir(parents=True)
    (day / "renja_2020.xlsx").write_bytes(b"umpan pertama")
    (day / f"renja_2020.{sha[:8]}.xlsx").write_bytes(b"umpan kedua")
    out = _run(cfg)["renja_2020.xlsx"]
    dest = Path(out.archived_to)
    assert dest.read_bytes() == data and dest.name == f"renja_2020.{sha[:8]}-2.xlsx"
    assert (day / "renja_2020.xlsx").read_bytes() == b"umpan pertama"
    assert (day / f"renja_2020.{sha[:8]}.xlsx").read_bytes() == b"umpan kedua"


def test_same_bytes_already_archived_drop_the_copy(tmp_path):
    """A crash after the move: the copy in input/ goes only because its bytes are archived."""
    cfg = _workspace(tmp_path)
    data = (cfg.input_dir / "renja_2020.xlsx").read_bytes()
    day = cfg.processed_dir / dt.date.today().isoformat()
    day.mkdir(parents=True)
    (day / "renja_2020.xlsx").write_bytes(data)
    out = _run(cfg)["renja_2020.xlsx"]
    assert Path(out.archived_to) == day / "renja_2020.xlsx"
    assert not (cfg.input_dir / "renja_2020.xlsx").exists()
    assert [p.name for p in day.iterdir()] == ["renja_2020.xlsx"]


def test_file_open_for_writing_is_not_moved(tmp_path):
    """A stalled copy keeps the file open: it is read (and rejected as half a file) but not moved."""
    cfg = _workspace(tmp_path, good=False)
    path = cfg.input_dir / "masih_disalin.xlsx"
    with open(path, "wb") as writer:
        writer.write(b"PK\x03\x04 separuh berkas")
        writer.flush()
        _old(path)
        out = _run(cfg)["masih_disalin.xlsx"]
        assert out.outcome == "skipped" and out.archived_to is None
        assert any("dibuka untuk ditulis" in m for m in out.messages), out.messages
        assert path.exists() and not cfg.rejected_dir.exists()


def test_file_changed_since_read_is_not_moved(tmp_path):
    from lkip import archiving, ingest, stage

    cfg = _workspace(tmp_path, good=False, bad={"tumbuh.xlsx": b"awal"})
    con = stage.connect(cfg)
    prep = ingest.prepare(cfg.input_dir / "tumbuh.xlsx", cfg)
    outcome = ingest.stage(con, prep, "r1", cfg)
    with open(cfg.input_dir / "tumbuh.xlsx", "ab") as f:
        f.write(b" dan sisanya")
    outcome = archiving.archive(prep, outcome, cfg, con)
    con.close()
    assert outcome.outcome == "skipped" and "berubah sejak dibaca" in outcome.messages[-1]
    assert (cfg.input_dir / "tumbuh.xlsx").read_bytes() == b"awal dan sisanya"


def test_open_for_writing_sees_only_writers(tmp_path):
    p = tmp_path / "a.bin"
    p.write_bytes(b"x")
    import time

    with open(p, "rb"):
        assert safe_fs.open_for_writing(p) is None
    with open(p, "ab"):
        assert safe_fs.open_for_writing(p, not_before=time.time()) == os.getpid()
        assert safe_fs.open_for_writing(p) == os.getpid()  # the same scan serves the next files


def test_disk_full_on_archive_is_one_indonesian_message(tmp_path, monkeypatch):
    cfg = _workspace(tmp_path, good=False, bad={"rusak.xlsx": b"rusak"})
    real_write = os.write

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safe_fs.os, "write", full)
    out = _run(cfg)["rusak.xlsx"]
    monkeypatch.setattr(safe_fs.os, "write", real_write)
    assert out.outcome == "failed"
    msg = out.messages[-1]
    assert "Disk penuh" in msg and "kosong" in msg and "dibutuhkan" in msg and "No space" not in msg
    assert (cfg.input_dir / "rusak.xlsx").exists()
    assert not [p for p in cfg.rejected_dir.rglob("*") if p.is_file()]


def test_disk_full_message_names_disk_and_need(tmp_path):
    exc = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x"))
    msg = safe_fs.disk_full_message(exc, tmp_path, 5 * 1024 * 1024)
    assert msg.startswith("Disk penuh: disk /") and "5,0 MB" in msg
    assert safe_fs.is_disk_full(RuntimeError("IO Error: No space left on device"))
    assert not safe_fs.is_disk_full(OSError(errno.EACCES, "denied"))


def test_open_dir_refuses_dotdot_and_links(tmp_path):
    (tmp_path / "root").mkdir()
    with pytest.raises(safe_fs.UnsafePath):
        safe_fs.open_dir(tmp_path / "root", ("..", "x"))
    (tmp_path / "root" / "l").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(safe_fs.UnsafePath, match="symlink"):
        safe_fs.open_dir(tmp_path / "root", ("l", "x"))
    assert not (tmp_path / "x").exists()


def test_error_report_never_written_through_a_planted_link(tmp_path):
    """A planted <name>.errors.txt link is replaced, its target untouched."""
    from lkip.error_report import write_error_report
    from lkip.issues import error

    target = tmp_path / "korban.txt"
    target.write_text("asli")
    folder = tmp_path / "arsip"
    folder.mkdir()
    (folder / "a.xlsx.errors.txt").symlink_to(target)
    write_error_report(folder / "a.xlsx", "a.xlsx", [error("salah")], "DITOLAK")
    assert target.read_text() == "asli"
    assert not (folder / "a.xlsx.errors.txt").is_symlink()


def test_publish_refuses_a_linked_output_folder(tmp_path):
    """output/<tahun> replaced by a link to an outside folder: nothing is published there."""
    import duckdb

    from fixtures_publish import KODE, TAHUN, build_warehouse
    from lkip.publish import PublishError, publish_all

    (tmp_path / "wh").mkdir()
    wh = build_warehouse(tmp_path / "wh" / "lkip.duckdb")
    cfg = load_config(tmp_path / "ws", overrides={"skpd": {KODE: "SEKRETARIAT DAERAH"}})
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "ws" / "output"
    out.mkdir(parents=True)
    (out / str(TAHUN)).symlink_to(outside, target_is_directory=True)
    con = duckdb.connect(str(wh), read_only=True)
    try:
        # Every unit is refused (each names the link); publish_all reports them together.
        with pytest.raises(PublishError, match="symlink") as refused:
            publish_all(con, out, cfg)
        assert "UnsafePath" in str(refused.value)
    finally:
        con.close()
    assert os.listdir(outside) == []


def test_run_report_not_written_through_a_linked_runs_folder(tmp_path):
    from lkip import runreport

    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "runs").symlink_to(outside, target_is_directory=True)
    rep = runreport.build_report("r1", runreport.now_iso(), "completed", [], {"total": 1.0})
    with pytest.raises(safe_fs.UnsafePath):
        runreport.write_report(tmp_path / "output" / "runs", rep)
    assert os.listdir(outside) == []


def test_rebuild_loads_only_files_in_the_archive_manifest(tmp_path):
    """A workbook planted directly in processed/ is a stranger: listed, not loaded."""
    import json

    from flows.pipeline import archived_files
    from lkip.archive_manifest import split_listed

    cfg = _workspace(tmp_path)
    out = _run(cfg)["renja_2020.xlsx"]
    planted = Path(out.archived_to).with_name("planted.xlsx")
    build_renja(planted, title=["RENJA PERUBAHAN", "TAHUN ANGGARAN 2020",
                                "Perangkat Daerah : 4.01.03 - SEKRETARIAT DAERAH", "disusupkan"])
    paths = archived_files(cfg)
    assert len(paths) == 2
    # No manifest source at all (output/ has only the warehouse, read only when asked): everything.
    keep, strangers = split_listed(cfg, paths)
    assert keep == paths and strangers == []
    # The warehouse set aside by `lkip rebuild` (with its write-ahead log) is the manifest.
    stamp = "20261207T000000"
    for p in (cfg.warehouse, cfg.warehouse.with_name("lkip.duckdb.wal")):
        if p.exists():
            os.replace(p, p.with_name(f"{p.name}.lama-{stamp}"))
    keep, strangers = split_listed(cfg, paths)
    assert keep == [str(out.archived_to)]
    assert [s["path"] for s in strangers] == [str(planted)] and strangers[0]["outcome"] == "skipped"
    assert "manifest arsip" in strangers[0]["messages"][0]
    # Warehouse lost too: the run reports in output/runs/ are the copy of the manifest.
    for p in cfg.output_dir.glob("*.lama-*"):
        p.unlink()
    cfg.runs_dir.mkdir(parents=True)
    (cfg.runs_dir / "r1.json").write_text(json.dumps({"files": [
        {"sha256": out.sha256, "outcome": "accepted"}, {"sha256": "0" * 64, "outcome": "rejected"}]}))
    keep, strangers = split_listed(cfg, paths)
    assert keep == [str(out.archived_to)] and len(strangers) == 1
    cfg.data["rebuild"] = {"load_unlisted": True}
    assert split_listed(cfg, paths)[0] == paths


def test_rebuild_never_reads_through_links_in_processed(tmp_path):
    from flows.pipeline import archived_files

    cfg = load_config(tmp_path / "ws")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "rahasia.xlsx").write_bytes(b"x")
    day = cfg.processed_dir / "2020-01-01"
    day.mkdir(parents=True)
    (day / "asli.xlsx").write_bytes(b"y")
    (day / "tautan.xlsx").symlink_to(outside / "rahasia.xlsx")
    (cfg.processed_dir / "2020-01-02").symlink_to(outside, target_is_directory=True)
    assert archived_files(cfg) == [str(day / "asli.xlsx")]


def test_validate_disk_full_is_one_indonesian_message(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from lkip import cli, ingest

    f = tmp_path / "a.xlsx"
    f.write_bytes(b"x")

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "a.xlsx.errors.xlsx"))

    monkeypatch.setattr(ingest, "validate_files", full)
    r = CliRunner().invoke(cli.app, ["validate", str(f)])
    assert r.exit_code == 1
    out = r.output + (r.stderr if r.stderr_bytes is not None else "")
    assert "Disk penuh: disk /" in out and "No space" not in out and "Traceback" not in out, out


def test_source_folder_swapped_for_a_link_is_not_unlinked_through(tmp_path):
    """input/sub/ replaced by a link after the file was read: nothing outside is moved or deleted."""
    from lkip import archiving, ingest, stage

    cfg = _workspace(tmp_path, good=False)
    sub = cfg.input_dir / "sub"
    sub.mkdir()
    (sub / "a.xlsx").write_bytes(b"rusak")
    _old(sub / "a.xlsx")
    con = stage.connect(cfg)
    prep = ingest.prepare(sub / "a.xlsx", cfg)
    outcome = ingest.stage(con, prep, "r1", cfg)
    outside = tmp_path / "outside"
    outside.mkdir()
    os.replace(sub / "a.xlsx", outside / "a.xlsx")
    sub.rmdir()
    sub.symlink_to(outside, target_is_directory=True)
    outcome = archiving.archive(prep, outcome, cfg, con)
    con.close()
    assert outcome.outcome == "failed" and "di luar" in outcome.messages[-1]
    assert (outside / "a.xlsx").read_bytes() == b"rusak" and os.listdir(outside) == ["a.xlsx"]
    assert not cfg.rejected_dir.exists()
