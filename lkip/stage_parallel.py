"""Staging a drop on two connections at once, in an order that gives the serial result.

What staging a file reads of the files staged before it is always about the same SKPD and year:
the Renja its SP2D and form codes are checked against (`stage.kegiatan_in_renja`), the earlier
versions it replaces (`replacement`, keyed by kind, SKPD, year and period), a file of the same bytes
(`staged_file`), and `staged_at`, which orders versions of one key (`core.file_aktif`). So the
files of one (kode_skpd, tahun) are staged one after the other in staging order
(`ingest.sort_for_staging`), by one worker, while another worker stages another SKPD's files. A
file of several SKPD (`FileMeta.bagian`, lkip.skpd_parts) touches all of theirs: it is staged
alone, after every file before it and before every file after it (a barrier); so is a file of
no known kind (the last in staging order: a plain file named `processed` is moved aside by the
first archive into processed/, which must come first, as in serial staging).

Each file is still one transaction of its own (its worker's cursor of the run's connection):
DuckDB lets transactions append to the same tables and update different rows of meta.files at
once; two workers never touch the same rows, since those belong to one SKPD and year.

On the 44-SKPD city drop the staging of one file is ~75 % DuckDB work (inserts, commit), during
which the GIL is free: a second worker uses the core that serial staging left idle
(bench/stage_ab.py --stage-workers).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Hashable

ALONE = object()


def group_key(prep: Any) -> Hashable:
    """The SKPD and year a file's staging depends on, or ALONE: a file of several SKPD, and a file
    of no known kind (staged last anyway: whatever sits in input/, also a plain file named like
    an archive folder, which the first archive into that folder moves aside)."""
    meta = getattr(prep, "meta", None)
    if getattr(prep, "kind", None) is None or (meta is not None and getattr(meta, "bagian", None)):
        return ALONE
    return (getattr(meta, "kode_skpd", None), getattr(meta, "tahun", None))


def segments(keys: list[Hashable]) -> list[list[list[int]]]:
    """The positions 0..n-1 cut at each ALONE: each segment a list of groups (positions in
    order, one group per key, groups in the order of their first file); an ALONE file is a
    segment of its own with one group."""
    out: list[list[list[int]]] = []
    groups: dict[Hashable, list[int]] = {}
    for i, key in enumerate(keys):
        if key is ALONE:
            if groups:
                out.append(list(groups.values()))
                groups = {}
            out.append([[i]])
        else:
            groups.setdefault(key, []).append(i)
    if groups:
        out.append(list(groups.values()))
    return out


def worth_it(keys: list[Hashable], workers: int) -> bool:
    """Several workers and at least two groups side by side somewhere."""
    return workers > 1 and any(len(seg) > 1 for seg in segments(keys))


def run_groups(n: int, keys: list[Hashable], workers: int, con: Any,
               stage_one: Callable[[int, Any], Any]) -> list[tuple[str, Any]]:
    """``stage_one(i, cursor)`` for every position, each group in order on one worker with its
    own cursor of ``con``, segment after segment. Returns, per position, ("ok", result),
    ("error", exception) or ("skipped", None): after the first failure no worker starts another
    file (those already going finish), as serial staging stops at the failing file."""
    results: list[tuple[str, Any]] = [("skipped", None)] * n
    stop = threading.Event()
    local = threading.local()
    cursors: list[Any] = []
    lock = threading.Lock()

    def cursor() -> Any:
        cur = getattr(local, "cursor", None)
        if cur is None:
            from lkip.stage import use_warehouse

            with lock:   # `con` itself is asked which database it uses: one thread at a time
                cur = local.cursor = use_warehouse(con.cursor(), con)
                cursors.append(cur)
        return cur

    def run_group(group: list[int]) -> None:
        for i in group:
            if stop.is_set():
                return
            try:
                results[i] = ("ok", stage_one(i, cursor()))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, in staging order
                results[i] = ("error", exc)
                stop.set()
                return

    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lkip-muat") as pool:
            for seg in segments(keys):
                if stop.is_set():
                    break
                if len(seg) == 1:      # one group (or a file of several SKPD): here, on con itself
                    for i in seg[0]:
                        if stop.is_set():
                            break
                        try:
                            results[i] = ("ok", stage_one(i, con))
                        except BaseException as exc:  # noqa: BLE001
                            results[i] = ("error", exc)
                            stop.set()
                    continue
                for fut in [pool.submit(run_group, g) for g in seg]:
                    fut.result()
    finally:
        for cur in cursors:
            try:
                cur.close()
            except Exception:
                pass
    return results
