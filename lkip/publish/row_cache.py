"""Rendered table rows kept between the publishes of one long-lived process (issue 13).

After one SKPD re-drops a file, the city's page is written again with every SKPD's
reconciliation rows (~18 000 rows, ~230 000 cells in a 44-SKPD city), of which only that SKPD's
changed: formatting and escaping all of them was ~0,5 CPU-s of a ~3,6 s re-drop inside
`lkip watch`, on the process that also plans and writes the other parts.

The same holds for the city's CSV of those rows (~0,17 CPU-s; its running number `urutan` is
written apart). `RowCache.rows` renders each row through `render` once and keeps the results of
a table's last render (per slot: unit and table, or the CSV's path); the next render of that slot
takes a row's result from there when

- the `spec` is equal: everything the rendering depends on besides the row itself (column kinds
  and decimals, which depend on every row of the table; signs; the table's levels, which decide a
  row's emphasis), and
- the row's values in `keycols` (every column the rendering reads; a hidden running number such
  as `urutan` is not one, so rows after a re-dropped SKPD's block still match) are equal, value
  and type (1, 1.0, True and Decimal(1) are equal keys in Python but print differently).

A slot keeps only the rows of its last render (an SKPD that disappears keeps its entry until the
process ends or the cap clears everything). A short-lived `lkip run` never renders a slot twice:
the cache costs it one dict entry per row. Rendering is a pure function of (spec, row), so a
result taken from the cache is the text a fresh render writes (tests/test_row_cache.py).
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Hashable, Iterable, Sequence

MAX_ROWS = 100_000  # every slot's rows together (a 44-SKPD city: ~40 000); past it the cache starts again empty


class RowCache:
    def __init__(self, max_rows: int = MAX_ROWS) -> None:
        self.max_rows = max_rows
        self._slots: dict[Hashable, tuple[Hashable, dict[tuple, Any]]] = {}
        self._lock = threading.Lock()
        self.hits = 0      # rows taken from an earlier render (tests, bench)
        self.misses = 0

    def rows(self, slot: Hashable, spec: Hashable, keycols: Sequence[str],
             rows: Iterable[dict[str, Any]], render: Callable[[dict[str, Any]], Any]) -> list[Any]:
        """render(row) for every row, in order; a row's result reused from the slot's last render
        when `spec` and the row's `keycols` values (and their types) are the same."""
        with self._lock:
            kept = self._slots.get(slot)
        old = kept[1] if kept is not None and kept[0] == spec else {}
        new: dict[tuple, Any] = {}
        out: list[Any] = []
        hits = 0
        for row in rows:
            values = tuple(map(row.get, keycols))
            key = (values, tuple(map(type, values)))
            got = new.get(key)
            if got is None:
                got = old.get(key)
                if got is None:
                    got = render(row)
                else:
                    hits += 1
                new[key] = got
            else:
                hits += 1
            out.append(got)
        with self._lock:
            self.hits += hits
            self.misses += len(out) - hits
            if sum(len(v[1]) for v in self._slots.values()) + len(new) > self.max_rows:
                self._slots.clear()
            self._slots[slot] = (spec, new)
        return out

    def clear(self) -> None:
        with self._lock:
            self._slots.clear()
            self.hits = self.misses = 0


HTML_ROWS = RowCache()  # the page's body rows (lkip.publish.html)
CSV_ROWS = RowCache()   # a CSV's rows, their running number aside (lkip.publish.csv_out)
