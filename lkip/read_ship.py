"""How a read worker's result comes back to the run (lkip.read_pool's process pool): its data
buffers through a memory-mapped file instead of through the pool's pipe.

A prepared register file is ~11 MB of column buffers (the frames' Arrow and numpy arrays, the raw
layer's Arrow text table) around ~30 KB of everything else. ProcessPoolExecutor pickles the result
whole (protocol 4: every buffer copied into one bytes object), writes it through a pipe 64 KB at a
time and the parent reads it back into a buffer and unpickles it, copying every buffer again: on
the city drop ~15 % of each read worker's CPU and ~100 samples of the parent's pool thread
(bench/results/2026-12-08-prepare-transport.md).

`process_pool` is that executor, whose workers (`_init_worker`) know a private directory made for
the pool (`mkdtemp`, mode 0700, under /dev/shm where it exists, else the temporary directory); a
task returns `ship(result)` (lkip.read_pool.prepare_portable). `pack` pickles the result with
protocol 5, its buffers out of band (`pickle.PickleBuffer`: the same reducers as today, pyarrow's
and numpy's, so the same objects and dtypes come back), and writes the buffers once, 64-byte
aligned, to a new file there. Only the small pickle and the file's name go through the pipe. The
parent, as its pool thread unpickles the result (`unpack`), maps the file copy-on-write
(`mmap.ACCESS_COPY`), unlinks it at once and rebuilds the object over slices of the mapping: no
copy; a write goes to the parent's private pages; a buffer read-only in the worker is handed over
read-only by pickle (a pyarrow buffer: immutable, as today); a read-only numpy array, which
protocol 5 would bring back read-only, is pickled in band as today (it comes back writable). The
mapping lives as long as the arrays using it.

No file outlives the pool: a task that fails writes none; the parent unlinks each file as it
receives it; the pool's directory is removed with the pool (with the file of a worker that died
before its result was read), at the latest when the process exits; a directory left by a process
that was killed is removed by the next pool (its name carries the dead process's id). Today's
pickling is used where this cannot be: not POSIX, no temporary directory, less free room there than
the file plus a margin (a small /dev/shm of a container stays usable for the semaphores
multiprocessing puts there), a result with no buffer (an exception, None), any error writing the
file, or in a process that is no such worker (the same function called in the parent, on threads).
"""

from __future__ import annotations

import io
import mmap
import os
import pickle
import re
import shutil
import tempfile
import weakref
from concurrent.futures import ProcessPoolExecutor
from typing import Any

ENABLED = True          # False: today's pickling (bench/prepare_transport_ab.py compares both)
PREFIX = "lkip-baca-"
ALIGN = 64              # Arrow's buffer alignment
MIN_FREE_MB = 32.0      # room left free where the files go, at least (and a tenth of it)
_STALE = re.compile(re.escape(PREFIX) + r"(\d+)-")


def _base_dirs() -> list[str]:
    return ["/dev/shm", tempfile.gettempdir()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:       # another user's process: alive
        return True
    return True


def remove_stale(base: str) -> None:
    """Remove the directories of pools whose process no longer runs (killed before its cleanup)."""
    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        m = _STALE.match(name)
        if m and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))):
            shutil.rmtree(os.path.join(base, name), ignore_errors=True)


def make_dir() -> str | None:
    """A new private directory for one pool's files (None: the mechanism is not available here)."""
    if not ENABLED or os.name != "posix":
        return None
    for base in _base_dirs():
        if not os.path.isdir(base):
            continue
        remove_stale(base)
        try:
            return tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base)
        except OSError:
            continue
    return None


def _room(directory: str, size: int) -> bool:
    try:
        st = os.statvfs(directory)
    except OSError:
        return False
    free, total = st.f_bavail * st.f_frsize, st.f_blocks * st.f_frsize
    return free - size >= max(MIN_FREE_MB * 1e6, total / 10)


class Shipment:
    """A result whose buffers are in a file: unpickled (in the parent) as the result itself."""

    def __init__(self, path: str, head: bytes, spans: list[tuple[int, int]]):
        self.path, self.head, self.spans = path, head, spans

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return unpack, (self.path, self.head, self.spans)


def _dispatch_table() -> dict[Any, Any]:
    """copyreg's, and a read-only numpy array pickled in band as by protocol 4 (protocol 5 would
    bring it back read-only; today's pickling brings it back writable)."""
    import copyreg

    import numpy as np

    def ndarray(a: Any) -> Any:
        return a.__reduce_ex__(5) if a.flags.writeable else a.__reduce__()

    return {**copyreg.dispatch_table, np.ndarray: ndarray}


def pack(obj: Any, directory: str | None) -> Any:
    """`obj` as a Shipment with its buffers written to a new file in `directory`, or `obj`
    itself (pickled as today) when that cannot be done."""
    if directory is None:
        return obj
    buffers: list[pickle.PickleBuffer] = []
    try:
        out = io.BytesIO()
        pickler = pickle.Pickler(out, protocol=5, buffer_callback=buffers.append)
        pickler.dispatch_table = _dispatch_table()
        pickler.dump(obj)
        head = out.getvalue()
        views = [b.raw() for b in buffers]      # (a buffer not contiguous: BufferError)
    except Exception:
        return obj
    if not buffers:
        return obj
    spans: list[tuple[int, int]] = []
    offset = 0
    for v in views:
        offset += -offset % ALIGN
        spans.append((offset, v.nbytes))
        offset += v.nbytes
    if not _room(directory, offset):
        return obj
    fd, path = -1, ""
    try:
        fd, path = tempfile.mkstemp(dir=directory)
        with os.fdopen(fd, "wb", buffering=0) as f:
            fd = -1
            at = 0
            for (start, n), v in zip(spans, views):
                if start > at:
                    _write(f, bytes(start - at))
                _write(f, v)
                at = start + n
    except Exception:
        if fd >= 0:
            os.close(fd)
        if path:
            try:
                os.unlink(path)
            except OSError:
                pass
        return obj
    return Shipment(path, head, spans)


def _write(f: Any, data: Any) -> None:
    view = memoryview(data).cast("B")
    while view.nbytes:
        n = f.write(view)
        view = view[n:]


def unpack(path: str, head: bytes, spans: list[tuple[int, int]]) -> Any:
    """The object a Shipment holds: its file mapped copy-on-write and unlinked at once."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            mapped: Any = mmap.mmap(f.fileno(), size, access=mmap.ACCESS_COPY) if size else bytearray()
    finally:
        os.unlink(path)
    whole = memoryview(mapped)
    # (a buffer the pickle marks read-only, pickle hands over read-only)
    return pickle.loads(head, buffers=[whole[o:o + n] for o, n in spans])


_worker_dir: str | None = None     # in a worker of `process_pool`: its pool's directory


def _init_worker(directory: str | None) -> None:
    global _worker_dir
    _worker_dir = directory


def ship(obj: Any) -> Any:
    """What a task of `process_pool` returns for `obj`: packed into its pool's directory (in any
    other process: `obj` itself)."""
    return pack(obj, _worker_dir)


def process_pool(max_workers: int, mp_context: Any) -> ProcessPoolExecutor:
    """A ProcessPoolExecutor whose workers `ship` into a new private directory, removed with the
    pool (when it is collected: at once after `with pool:` in CPython, at the latest at exit)."""
    directory = make_dir()
    pool = ProcessPoolExecutor(max_workers=max_workers, mp_context=mp_context,
                               initializer=_init_worker, initargs=(directory,))
    if directory is not None:
        weakref.finalize(pool, shutil.rmtree, directory, True)
    return pool
