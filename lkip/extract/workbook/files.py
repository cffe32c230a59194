"""The file on disk: its SHA-256, and whether a copy into the drop folder has settled."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from lkip.extract.workbook.limits import READ_CHUNK


def sha256_of(path: Path | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(READ_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def file_is_settled(path: Path | str, stable_seconds: float) -> bool:
    """True when the file's size and modification time have not changed for ``stable_seconds``.

    The last change is the later of mtime and ctime: copy tools may stamp the source's old mtime
    on the copy, but they cannot backdate ctime. When the last change is old enough the answer is
    immediate; otherwise this waits the remaining time once and compares again.
    """
    path = Path(path)

    def snap() -> tuple[int, float, float] | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return st.st_size, st.st_mtime, max(st.st_mtime, st.st_ctime)

    first = snap()
    if first is None:
        return False
    age = time.time() - first[2]
    if age >= stable_seconds:
        return True
    time.sleep(max(0.0, min(stable_seconds - age, stable_seconds)) + 0.01)
    second = snap()
    if second is None or second != first:
        return False
    return time.time() - second[2] >= stable_seconds
