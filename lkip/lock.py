"""One run at a time: an OS-level lock on `<output>/.lkip.lock`.

The lock is an advisory `flock` (Linux/macOS) or `msvcrt.locking` (Windows) on a small file
that also holds who owns it (pid, host, run id, start time). The operating system releases the
lock when the holding process dies, however it dies (SIGKILL included), so a stale lock never
needs a human: the holder text left behind is simply overwritten by the next owner.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

LOCK_NAME = ".lkip.lock"

# Locks held by this process, by resolved lock path. flock conflicts between two open file
# descriptions even inside one process, so a second acquire from the same process (the CLI took
# the lock, then the flow asks for it) must reuse the first one instead of waiting on itself.
_HELD: dict[str, "RunLock"] = {}


class LockBusy(RuntimeError):
    """Another run holds the warehouse lock."""

    def __init__(self, path: Path, holder: dict | None, waited: float):
        self.path = path
        self.holder = holder or {}
        self.waited = waited
        super().__init__(self.message())

    def message(self) -> str:
        h = self.holder
        who = (
            f"run {h.get('run_id', '?')} (pid {h.get('pid', '?')} di {h.get('host', '?')}, "
            f"mulai {h.get('started_at', '?')})"
            if h
            else "proses lain"
        )
        who_en = (
            f"run {h.get('run_id', '?')} (pid {h.get('pid', '?')} on {h.get('host', '?')}, "
            f"started {h.get('started_at', '?')})"
            if h
            else "another process"
        )
        return (
            f"Gudang data sedang dipakai oleh {who}; sudah menunggu {self.waited:.0f} detik. "
            f"Coba lagi setelah run itu selesai.\n"
            f"The warehouse is locked by {who_en}; waited {self.waited:.0f} s."
        )


def lock_path(output_dir: Path) -> Path:
    return Path(output_dir) / LOCK_NAME


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _unlock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def read_holder(path: Path) -> dict | None:
    """Holder info as written by the current (or last) owner; None when unreadable."""
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
        # On Windows the first byte is the locked region; the JSON follows it.
        text = text[text.find("{"):] if "{" in text else ""
        return json.loads(text) if text else None
    except (OSError, ValueError):
        return None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


@dataclass
class RunLock:
    path: Path
    run_id: str
    fd: int | None = None
    depth: int = 0

    @property
    def held(self) -> bool:
        return self.fd is not None

    def try_acquire(self) -> bool:
        key = str(self.path.resolve())
        mine = _HELD.get(key)
        if mine is not None and mine is not self:
            # Already held by this process (e.g. the CLI before the flow): share it.
            mine.depth += 1
            self.fd, self.depth = mine.fd, -1
            return True
        if self.fd is not None:
            self.depth += 1
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            os.close(fd)
            return False
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "run_id": self.run_id,
            "started_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, (" " if sys.platform == "win32" else "").encode() + json.dumps(info).encode())
        os.fsync(fd)
        self.fd, self.depth = fd, 1
        _HELD[key] = self
        return True

    def acquire(self, wait_seconds: float = 0.0, poll: float = 0.25) -> "RunLock":
        """Take the lock, waiting up to `wait_seconds`; raise LockBusy otherwise."""
        start = time.monotonic()
        while True:
            if self.try_acquire():
                return self
            waited = time.monotonic() - start
            if waited >= wait_seconds:
                raise LockBusy(self.path, read_holder(self.path), waited)
            time.sleep(min(poll, max(0.0, wait_seconds - waited)))

    def release(self) -> None:
        if self.fd is None:
            return
        key = str(self.path.resolve())
        if self.depth == -1:  # a shared handle: the owner releases
            owner = _HELD.get(key)
            if owner is not None:
                owner.depth -= 1
            self.fd = None
            return
        self.depth -= 1
        if self.depth > 0:
            return
        fd, self.fd = self.fd, None
        _HELD.pop(key, None)
        try:
            # Leave the holder text for post-mortems but mark it released.
            os.ftruncate(fd, 0)
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> "RunLock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def run_lock(output_dir: Path, run_id: str) -> RunLock:
    return RunLock(lock_path(output_dir), run_id)


def held_here(output_dir: Path) -> bool:
    """True when this process already holds the lock of this output dir."""
    return str(lock_path(output_dir).resolve()) in _HELD
