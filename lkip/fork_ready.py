"""Imported last by the read and publish workers' fork server (lkip.read_pool.PRELOAD): what the
server imported is moved out of the garbage collector's reach (`gc.freeze`), as Python's
documentation advises before forking. A forked worker otherwise traverses the server's whole
heap (pandas, pandera, the readers, matplotlib, python-docx...) at every full collection, and
writes to those shared pages as it does, each write copying a page: the forked publish workers
spent more CPU than spawned ones (bench/results/2026-12-07-publish-fork.md)."""

import gc

gc.freeze()
