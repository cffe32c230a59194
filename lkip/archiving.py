"""Archive a file after its commit: move it byte for byte to processed/<date>/ or
rejected/<date>/ (with its error report), through :mod:`lkip.safe_fs` only. The last step of one
file's path (``lkip.drop.stage_drop`` calls it after ``lkip.ingest.stage``)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import duckdb

from lkip import stage as stage_mod
from lkip.error_report import write_error_report
from lkip.ingest import DUPLICATE, REJECTED, VERDICT_ID, FileOutcome, Prepared



def _target(prepared: Prepared, outcome: str, cfg: Any) -> tuple[Path, Path]:
    """(processed/ or rejected/, the file's path below its date folder: its path in input/)."""
    top = Path(cfg.rejected_dir if outcome == REJECTED else cfg.processed_dir)
    rel = Path(prepared.rel_path)
    if rel.is_absolute() or ".." in rel.parts:
        rel = Path(rel.name)
    return top, rel


def plan(prepared: Prepared, outcome: str, cfg: Any) -> str | None:
    """Where :func:`archive` will move the file once its transaction commits (``outcome``: the
    verdict staging gives it), for ``meta.files.archived_path`` in that same transaction: a crash
    between the commit and the move then loses nothing (the hash is in the manifest of
    ``lkip rebuild``, lkip.archive_manifest; the next run finds the file a duplicate and moves it).
    Creates, moves and writes nothing; None when it cannot tell (``archive`` records where the
    file went, or clears the plan when it stayed)."""
    from lkip import safe_fs

    if os.path.isdir(prepared.path) and not os.path.islink(prepared.path):
        return None
    top, rel = _target(prepared, outcome, cfg)
    today = dt.date.today().isoformat()
    try:
        with safe_fs.open_dir(top.parent, (top.name, today, *rel.parent.parts), create=False,
                              move_aside=False) as folder:
            return str(folder.path / safe_fs.pick_name(folder, rel.name, prepared.sha256))
    except FileNotFoundError:   # the date folder is not there yet: the name is free
        return str(top.parent / top.name / today / rel)
    except Exception:
        return None


def _planned_day(planned: str | None, top: Path) -> str | None:
    """The date folder of a planned path under ``top`` (the archive keeps the planned day, also
    when midnight passed since the commit)."""
    if not planned:
        return None
    try:
        day = Path(planned).relative_to(top).parts[0]
        dt.date.fromisoformat(day)
    except (ValueError, IndexError):
        return None
    return day


def archive(prepared: Prepared, outcome: FileOutcome, cfg: Any, con: duckdb.DuckDBPyConnection | None = None,
            planned: str | None = None) -> FileOutcome:
    """Move the file byte for byte to processed/<date>/ or rejected/<date>/ (+ error report).

    Every folder is reached and every file moved through ``lkip.safe_fs``: never through a link,
    never outside input/, never over other bytes. A file that changed or is still open for writing
    since it was read stays in input/ (outcome 'skipped'); a refused destination or a full disk
    leaves it there too (outcome 'failed', the Indonesian reason in its messages).

    ``planned``: the path :func:`plan` gave, already in the file's meta.files row (committed with
    its rows); the row is updated only when the file went elsewhere or stayed in input/."""
    kept = _archive(prepared, outcome, cfg, planned)
    if con is None:
        return kept
    dest = str(kept.archived_to) if kept.archived_to is not None else None
    if kept.outcome == DUPLICATE:
        if dest is not None:
            _record_duplicate(con, prepared.sha256, dest)
    elif dest != planned:
        stage_mod.set_archived_path(con, prepared.sha256, dest)
    return kept


def _record_duplicate(con: duckdb.DuckDBPyConnection, sha256: str, dest: str) -> None:
    """A file staged before (same bytes): its row keeps the path of its first archived copy,
    unless that copy is not there (a crash between the commit and the move, or a file left in
    input/ then): the row gets this one."""
    row = con.execute("SELECT archived_path FROM meta.files WHERE file_sha256 = ?", [sha256]).fetchone()
    if row is not None and (row[0] is None or not os.path.isfile(row[0])):
        stage_mod.set_archived_path(con, sha256, dest)


def _archive(prepared: Prepared, outcome: FileOutcome, cfg: Any, planned: str | None = None) -> FileOutcome:
    from lkip import safe_fs

    top, rel = _target(prepared, outcome.outcome, cfg)
    today = _planned_day(planned, top) or dt.date.today().isoformat()
    if os.path.isdir(prepared.path) and not os.path.islink(prepared.path):  # it blocked the archive folder
        outcome.outcome, outcome.archived_to = "skipped", None
        outcome.messages.append(f"Berkas bernama {prepared.path.name!r} menghalangi folder arsip dan sudah "
                                f"dipindahkan ke {prepared.path.name}.bukan-folder; diperiksa lagi pada run berikutnya.")
        return outcome
    busy = still_changing(prepared)
    if busy:  # a rejection may only mean "half copied": decided again on the next run
        if outcome.outcome == REJECTED:
            outcome.outcome = "skipped"
        outcome.archived_to = None
        outcome.messages.append(busy)
        return outcome
    try:
        safe_fs.check_source(prepared.path, cfg.input_dir)
        with safe_fs.open_dir(top.parent, (top.name, today, *rel.parent.parts)) as folder:
            outcome.messages.extend(folder.notes)
            name = safe_fs.pick_name(folder, rel.name, prepared.sha256)
            if outcome.outcome == REJECTED:
                outcome.report = write_error_report(folder.path / name, prepared.path.name,
                                                    outcome.issues or prepared.issues,
                                                    VERDICT_ID[REJECTED], directory=folder)[1]
            if os.path.lexists(prepared.path):
                name, _moved = safe_fs.archive_file(prepared.path, folder, name, prepared.sha256,
                                                    src_root=cfg.input_dir)
            dest = folder.path / name
    except (safe_fs.UnsafePath, safe_fs.DiskFull, OSError) as exc:
        reason = getattr(exc, "message", None) or (
            safe_fs.disk_full_message(exc, top) if safe_fs.is_disk_full(exc) else f"{type(exc).__name__}: {exc}")
        outcome.outcome, outcome.archived_to = "failed", None
        outcome.messages.append(f"Berkas tidak dapat diarsipkan dan dibiarkan di input/: {reason}")
        return outcome
    outcome.archived_to = dest
    return outcome


def still_changing(prepared: Prepared) -> str | None:
    """Why the file must not be moved now (grown or rewritten since it was read, or open for
    writing by another process, e.g. a stalled copy), else None."""
    from lkip import safe_fs

    try:
        st = os.lstat(prepared.path)
    except FileNotFoundError:
        return None
    if prepared.mtime_ns is not None and (st.st_size, st.st_mtime_ns) != (prepared.size, prepared.mtime_ns):
        return ("Berkas berubah sejak dibaca (ukuran atau waktu ubah berbeda; masih disalin?): "
                "tidak dipindahkan, diperiksa lagi pada run berikutnya.")
    pid = safe_fs.open_for_writing(prepared.path, not_before=prepared.read_at)
    if pid is not None:
        return (f"Berkas masih dibuka untuk ditulis oleh proses {pid} (penyalinan belum selesai?): "
                "tidak dipindahkan, diperiksa lagi pada run berikutnya.")
    return None


def free_name(dest: Path, sha256: str) -> Path:
    """processed/<date>/<name>, or the first ``<stem>.<hash8>[-n]<ext>`` that is free or already
    holds these bytes (never a name holding other bytes). Kept for callers; archive uses safe_fs."""
    from lkip import safe_fs

    with safe_fs.open_dir(dest.parent, create=False) as folder:
        return dest.parent / safe_fs.pick_name(folder, dest.name, sha256)
