"""Which files of ``input/processed/`` the pipeline archived itself (``lkip rebuild`` loads only those).

Anyone who can write to ``input/`` can also plant a workbook directly in ``input/processed/``;
``rebuild`` must not load it. The manifest is the set of SHA-256 the pipeline recorded when it
archived a file: ``meta.files.archived_path`` in the warehouse (the current one, and the ones
``lkip rebuild`` set aside as ``lkip.duckdb.lama-<time>``, read with their write-ahead log), and
every run report in ``output/runs/`` (a copy outside the warehouse, for when the warehouse is
lost). Both live in ``output/``, which officers do not write to.

Files found in ``processed/`` but in no manifest are strangers: reported, not loaded. With no
manifest source at all (``output/`` wiped, a migration) every file is loaded, with a warning;
``rebuild.load_unlisted = true`` in lkip.toml loads strangers too.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
LOADED = ("accepted", "accepted_with_warnings", "duplicate")


def _from_warehouse(db: Path, wal: Path | None) -> set[str]:
    """meta.files hashes with an archived path; opened read-only through hard links in a scratch
    folder so that the set-aside write-ahead log is replayed and nothing is changed."""
    import duckdb

    with tempfile.TemporaryDirectory(prefix=".manifest-", dir=db.parent) as tmp:
        target = Path(tmp) / "w.duckdb"
        try:
            os.link(db, target)
            if wal is not None and wal.is_file():
                os.link(wal, Path(tmp) / "w.duckdb.wal")
        except OSError:
            return set()
        try:
            con = duckdb.connect(str(target), read_only=True)
        except Exception:
            return set()
        try:
            rows = con.execute("SELECT file_sha256 FROM meta.files WHERE archived_path IS NOT NULL").fetchall()
        except Exception:
            rows = []
        finally:
            con.close()
    return {r[0] for r in rows if r[0]}


def _from_reports(runs_dir: Path) -> tuple[set[str], int]:
    found: set[str] = set()
    n = 0
    for path in sorted(Path(runs_dir).glob("*.json")) if Path(runs_dir).is_dir() else []:
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        n += 1
        for rec in report.get("files") or []:
            if isinstance(rec, dict) and rec.get("outcome") in LOADED and rec.get("sha256"):
                found.add(str(rec["sha256"]))
    return found, n


def listed_hashes(cfg: Any, include_current: bool = False) -> set[str] | None:
    """The manifest, or None when there is no source to read it from."""
    out_dir = Path(cfg.output_dir)
    hashes, n_reports = _from_reports(cfg.runs_dir)
    sources = n_reports
    dbs: list[tuple[Path, Path | None]] = []
    if include_current and Path(cfg.warehouse).is_file():
        dbs.append((Path(cfg.warehouse), None))
    if out_dir.is_dir():
        for p in sorted(out_dir.glob("lkip.duckdb.lama-*"), reverse=True):
            stamp = p.name.rsplit("lama-", 1)[1]
            dbs.append((p, out_dir / f"lkip.duckdb.wal.lama-{stamp}"))
    for db, wal in dbs:
        got = _from_warehouse(db, wal)
        sources += bool(got)
        hashes |= got
    return hashes if sources else None


def split_listed(cfg: Any, paths: list[str], include_current: bool = False) -> tuple[list[str], list[dict[str, Any]]]:
    """(paths to load, records of the strangers left out) for a rebuild."""
    from lkip.console_safe import inert
    from lkip.extract.workbook import sha256_of

    if not paths:
        return [], []
    manifest = listed_hashes(cfg, include_current=include_current)
    if manifest is None:
        log.warning("Tidak ada manifest arsip (laporan run / gudang data lama): semua berkas di processed/ dimuat")
        return paths, []
    if cfg.get("rebuild.load_unlisted", False):
        return paths, []
    keep: list[str] = []
    strangers: list[dict[str, Any]] = []
    for p in paths:
        try:
            digest = sha256_of(p)
        except OSError:
            digest = None
        if digest in manifest:
            keep.append(p)
            continue
        log.warning("Tidak dimuat (tidak ada di manifest arsip): %s", inert(p))
        strangers.append({
            "path": p, "sha256": digest, "outcome": "skipped",
            "messages": [
                "Berkas ada di input/processed/ tetapi tidak pernah diarsipkan oleh pipeline (tidak ada di "
                "manifest arsip): tidak dimuat. Jika berkas ini sah, letakkan di input/ agar diperiksa seperti "
                "berkas baru, atau set rebuild.load_unlisted = true di lkip.toml."
            ],
        })
    return keep, strangers
