"""Which files of the input folder a run takes: `discover(cfg)`, in a stable order, without those
still being copied. Its own module, free of the readers and of DuckDB, so that `lkip run` can
look at its drop (lkip.read_pool.EarlyRead) before importing them; lkip.ingest re-exports it."""

from __future__ import annotations

import os
import re
import time
import zipfile
from pathlib import Path
from typing import Any

SKIP_DIRS = {"processed", "rejected"}
SKIP_NAME = re.compile(r"(^~\$|^\.|\.tmp$|\.part$|\.crdownload$|\.errors\.(xlsx|txt)$)", re.I)


def discover(cfg: Any, settle_check: bool = True) -> list[Path]:
    """Input files to process now, in a stable order; files still being copied are left alone."""
    root = Path(cfg.input_dir)
    if not root.is_dir():
        return []
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root)
        if rel == Path(".") :
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        else:
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if SKIP_NAME.search(name):
                continue
            p = Path(dirpath) / name
            if p.is_file() and not p.is_symlink():
                found.append(p)
    found.sort()
    if settle_check:
        found = [p for p in found if not still_being_copied(p, float(cfg.get("watch.stable_seconds", 5)))]
    return found


def still_being_copied(path: Path, stable_seconds: float, probe_seconds: float = 0.5) -> bool:
    """A file whose size is still changing, or a recent zip without its end record, is incomplete."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return True
    age = time.time() - st.st_mtime
    if age >= stable_seconds:
        return False
    time.sleep(probe_seconds)
    try:
        st2 = path.stat()
    except FileNotFoundError:
        return True
    if (st2.st_size, st2.st_mtime_ns) != (st.st_size, st.st_mtime_ns):
        return True
    # Size stable for a moment but written seconds ago: a zip that lacks its central directory is
    # most likely a copy in progress, not a broken file; the next run decides.
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        with path.open("rb") as fh:
            head = fh.read(4)
        if head.startswith(b"PK") and not zipfile.is_zipfile(path):
            return True
    return False
