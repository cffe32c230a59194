"""Python's cyclic garbage collector held off during work that builds many objects and little garbage.

CPython starts a collection after every 700 new container objects (tuples, dicts, lists) and, every
tenth and hundredth time, one that walks older objects too, up to the whole heap. Publishing builds
containers by the hundred thousand and keeps them: the city workbook's ~230 000 cell tuples,
snapshot.load_units's row dicts (a million and more for a 44-SKPD city). While it does, the
collector walks every object the process holds, again and again, and finds nothing to free: the
city workbook on a worker that holds the city's rows took 0,66-0,87 CPU-s with the collector on,
0,39-0,43 with it held off (bench/gc_pause_ab.py).

`paused()` turns automatic collection off for the block and back on after it, when no other thread
is still inside a paused block (a count under a lock: the switch is one per process). Objects made
meanwhile are collected as usual once it is back on (the next automatic collection sees them all);
a block holds only what one unit's publishing, or one load, leaves behind.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from typing import Iterator

_lock = threading.Lock()
_inside = 0          # paused blocks running now, in every thread
_was_enabled = True  # the collector's state when the first of them began


@contextlib.contextmanager
def paused() -> Iterator[None]:
    global _inside, _was_enabled
    with _lock:
        if _inside == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0 and _was_enabled:
                gc.enable()
