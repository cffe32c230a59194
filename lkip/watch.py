"""Drop trigger: start a run when new files in input/ have stopped changing.

watchfiles only wakes us up; the decision is made on a scan of input/ (without processed/ and
rejected/): a file is *new* when its (size, mtime) differs from what the last run saw. A run
starts once there is at least one new file and nothing has changed for `stable_seconds`, so a
burst of 30 files makes one run and a file still being copied is never read half-written. A file
dropped during a run is not in the snapshot taken at the start of that run, so the next loop
sees it as new and starts the next run. Files a run leaves in place (a file the pipeline could
not process) do not trigger again until they change.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload", ".partial", ".swp")


def _ignored(rel: Path) -> bool:
    if rel.parts and rel.parts[0] in ("processed", "rejected"):
        return True
    name = rel.name
    return name.startswith((".", "~$")) or name.endswith(IGNORED_SUFFIXES)


def snapshot(input_dir: Path) -> dict[str, tuple[int, int]]:
    """{path: (size, mtime_ns)} of candidate files under input_dir."""
    out: dict[str, tuple[int, int]] = {}
    root = Path(input_dir)
    if not root.is_dir():
        return out
    for p in root.rglob("*"):
        try:
            rel = p.relative_to(root)
            if _ignored(rel) or not p.is_file():
                continue
            st = p.stat()
        except OSError:
            continue
        out[str(p)] = (st.st_size, st.st_mtime_ns)
    return out


class Debouncer:
    """Pure decision logic, tested without a file system watcher."""

    def __init__(self, stable_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.stable_seconds = stable_seconds
        self.clock = clock
        self.seen: dict[str, tuple[int, int]] = {}   # state as of the last run's start
        self.pending: dict[str, tuple[int, int]] = {}
        self.last_change = clock()

    def observe(self, snap: dict[str, tuple[int, int]]) -> None:
        pending = {p: sig for p, sig in snap.items() if self.seen.get(p) != sig}
        if pending != self.pending:
            self.pending = pending
            self.last_change = self.clock()

    def due(self) -> bool:
        return bool(self.pending) and self.clock() - self.last_change >= self.stable_seconds

    def started_run(self, snap: dict[str, tuple[int, int]]) -> None:
        """A run starts with this snapshot: everything in it counts as seen."""
        self.seen = dict(snap)
        self.pending = {}
        self.last_change = self.clock()


def _wait_for_lock(cfg, stop: threading.Event, log: Callable[[str], None]) -> bool:
    """While another run (e.g. the nightly one) holds the warehouse, wait instead of failing."""
    from lkip.lock import read_holder, run_lock

    said = False
    while not stop.is_set():
        probe = run_lock(cfg.output_dir, "watch-probe")
        if probe.try_acquire():
            probe.release()
            return True
        if not said:
            holder = read_holder(probe.path) or {}
            log(f"Menunggu run {holder.get('run_id', '?')} (pid {holder.get('pid', '?')}) selesai")
            said = True
        stop.wait(2.0)
    return False


def watch_and_run(
    cfg,
    run: Callable[[], int],
    stable_seconds: float,
    max_runs: int | None = None,
    log: Callable[[str], None] = print,
    stop_event: threading.Event | None = None,
    tick_ms: int = 500,
) -> int:
    """Watch cfg.input_dir until interrupted (or max_runs runs); returns the number of runs."""
    import watchfiles

    input_dir = Path(cfg.input_dir)
    input_dir.mkdir(parents=True, exist_ok=True)
    deb = Debouncer(stable_seconds)
    runs = 0
    failures = 0
    root = input_dir.resolve()

    def keep(change, path: str) -> bool:
        try:
            rel = Path(path).resolve().relative_to(root)
        except ValueError:
            return False
        return not _ignored(rel)

    stop = stop_event or threading.Event()
    deb.observe(snapshot(input_dir))
    for _changes in watchfiles.watch(
        input_dir, watch_filter=keep, debounce=min(tick_ms, 1600), step=50, rust_timeout=tick_ms,
        yield_on_timeout=True, stop_event=stop, recursive=True, raise_interrupt=False,
    ):
        deb.observe(snapshot(input_dir))
        if not deb.due():
            continue
        snap = snapshot(input_dir)
        deb.observe(snap)
        if not deb.due():  # something moved between the two scans
            continue
        names = ", ".join(sorted(Path(p).name for p in deb.pending)[:5])
        log(f"Berkas baru stabil ({len(deb.pending)}): {names} — menjalankan pipeline")
        if not _wait_for_lock(cfg, stop, log):
            break
        deb.started_run(snap)
        code = run()
        runs += 1
        log(f"Run selesai dengan status {code}")
        if code not in (0, 3):  # 3: completed, the rejected files are already in rejected/
            # e.g. the lock was busy: let the same files trigger again, backing off; after a few
            # failures leave them to the nightly run rather than loop.
            failures += 1
            if failures <= 3:
                deb.seen = {}
                stop.wait(min(300.0, max(stable_seconds, 2.0) * 2 ** failures))
        else:
            failures = 0
        if max_runs is not None and runs >= max_runs:
            break
    return runs
