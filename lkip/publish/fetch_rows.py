"""A query's rows as Python dicts, as `cursor.fetchall()` gives them, at a third of its cost.

Publishing reads every `laporan` view into Python rows (snapshot.load_units, data.load_unit):
after a re-drop, the city unit alone is ~18 000 reconciliation rows of nine DECIMAL columns, and
DuckDB's `fetchall` builds each Decimal on its own (0,26 s for those rows). Here the result comes
as Arrow (one copy, in C++), each column becomes a Python list at once (`to_pylist`; a DECIMAL
column as its text, which `Decimal()` reads back to the same value and exponent: Arrow prints
`46783014047.00` for DECIMAL(18,2) as DuckDB does), and the rows are zipped from the columns
(0,08 s for the same rows).

Only columns whose Python value is the same either way take this path: VARCHAR, BOOLEAN, the
signed integers, DOUBLE, DATE and DECIMAL. A query with any other column type (HUGEINT, which
Arrow turns into a decimal; LIST, STRUCT, MAP, JSON, TIMESTAMP, ...) is fetched by `fetchall` as
before. tests/test_fetch_rows.py compares both paths value by value, types included.

`fetch_view` also tells, from the Arrow columns (in C++), what publishing otherwise learnt by
looking at every value in Python (snapshot.load_units): whether any text needs
safe_text.clean_row (a character XML cannot hold, or an `_x` escape: safe_text.rows_clean), and
which columns hold no JSON text to read (data.flatten's test: a text starting with `{`/`[` and
ending with `}`/`]`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import duckdb

# safe_text._ILLEGAL and the `_x` of an escape, in RE2 (text from DuckDB is valid UTF-8: no surrogate)
_UNCLEAN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]|_x"
_SAME = {"VARCHAR", "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "DOUBLE", "DATE"}
_DECIMAL = re.compile(r"DECIMAL\(\d+,\s*\d+\)")


def _kind(duck_type: str) -> str | None:
    """'same' (to_pylist gives fetchall's value), 'decimal' (through its text), None (fetchall)."""
    if duck_type in _SAME:
        return "same"
    if _DECIMAL.fullmatch(duck_type):
        return "decimal"
    return None


def _decimals(column: Any) -> list[Any]:
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.cast(column, pa.string()).to_pylist()
    return [None if s is None else Decimal(s) for s in text]


def _read(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None
          ) -> tuple[list[str], list[str], Any, list[dict[str, Any]] | None]:
    """(columns, DuckDB types, the Arrow table, None), or, when a column's type is not one this
    module converts, (columns, types, None, the rows by `fetchall`)."""
    rel = con.sql(sql, params=params or None)
    columns = list(rel.columns)
    types = [str(t) for t in rel.types]
    if any(_kind(t) is None for t in types):
        return columns, types, None, [dict(zip(columns, row)) for row in rel.fetchall()]
    return columns, types, rel.to_arrow_table(), None


def _column_values(table: Any, types: list[str]) -> list[list[Any]]:
    return [_decimals(table.column(i)) if _kind(t) == "decimal" else table.column(i).to_pylist()
            for i, t in enumerate(types)]


def fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
                ) -> tuple[list[str], list[dict[str, Any]]]:
    """(column names, one dict per row) of a SELECT, equal to zipping `fetchall`'s tuples."""
    columns, types, table, rows = _read(con, sql, params)
    if rows is None:
        rows = [dict(zip(columns, row)) for row in zip(*_column_values(table, types))]
    return columns, rows


def _any(mask: Any) -> bool:
    import pyarrow.compute as pc

    return bool(pc.any(mask).as_py())


def fetch_view(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
               ) -> tuple[list[str], list[dict[str, Any]], bool | None, frozenset[str]]:
    """`fetch_dicts`, and: whether every text is clean (safe_text.rows_clean; None when not
    known: the fetchall path), and the columns data.flatten need not look at (no JSON text, no
    nested value)."""
    import pyarrow.compute as pc

    columns, types, table, rows = _read(con, sql, params)
    if rows is not None:
        return columns, rows, None, frozenset()
    plain, tidy = set(), True
    for i, (name, typ) in enumerate(zip(columns, types)):
        if typ != "VARCHAR":
            plain.add(name)
            continue
        col = table.column(i)
        if tidy and _any(pc.match_substring_regex(col, _UNCLEAN)):
            tidy = False
        looks_json = pc.and_(pc.or_(pc.starts_with(col, "{"), pc.starts_with(col, "[")),
                             pc.or_(pc.ends_with(col, "}"), pc.ends_with(col, "]")))
        if not _any(looks_json):
            plain.add(name)
    rows = [dict(zip(columns, row)) for row in zip(*_column_values(table, types))]
    if not tidy:  # cleaning can make a text look like JSON ('{a}\x07' -> '{a}'): texts are looked at
        plain = {c for c, t in zip(columns, types) if t != "VARCHAR"}
    return columns, rows, tidy, frozenset(plain)
