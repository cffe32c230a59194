"""What the workbook, the HTML page and the docx each work out from a table, worked out once per unit.

The three publishers lay out the same tables: each computed every column's kind (a pass over its
values), the rows as shown (layout.display_rows: a copy of every row) and every row's emphasis
(layout.row_style) on its own, three times for the ~250 000 cells of a city. Inside
`unit_scope()` (publish_unit, publish_workbook, publish_documents) those results are kept per
table object and handed out again; outside it nothing is kept, so a table changed between two
publishes is never laid out from a stale copy. The scope is per thread and ends with the
outermost block (the tables are not kept alive after it).
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Iterator

_local = threading.local()


@contextlib.contextmanager
def unit_scope() -> Iterator[None]:
    """Keep layout results of the tables laid out inside the block (nested blocks share one store)."""
    outer = getattr(_local, "store", None)
    if outer is None:
        _local.store = {}
    try:
        yield
    finally:
        if outer is None:
            _local.store = None


def cached(table: Any, key: Any, compute: Callable[[], Any]) -> Any:
    """compute() once per (table object, key) inside a unit_scope; every time outside one."""
    store = getattr(_local, "store", None)
    if store is None:
        return compute()
    entry = store.get(id(table))
    if entry is None or entry[0] is not table:  # the table is held, so its id is not reused meanwhile
        entry = store[id(table)] = (table, {})
    memo = entry[1]
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def active() -> bool:
    return getattr(_local, "store", None) is not None
