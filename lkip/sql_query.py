"""`lkip sql "..."`: one read-only query on the warehouse, printed as a table or CSV.

The README's examples then need no DuckDB CLI. The connection is read-only and has no external
access (no reading or writing other files, no extensions), so a query can only look.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO


class QueryError(RuntimeError):
    pass


def run_query(warehouse: Path, query: str) -> tuple[list[str], list[tuple]]:
    import duckdb

    if not Path(warehouse).is_file():
        raise QueryError(f"gudang data {warehouse} tidak ada: jalankan dulu `lkip run`. / No warehouse yet.")
    try:
        con = duckdb.connect(str(warehouse), read_only=True, config={"enable_external_access": False})
    except duckdb.Error as exc:
        raise QueryError(f"gudang data {warehouse} tidak dapat dibuka (sedang dipakai run lain?): {exc}") from exc
    try:
        cur = con.execute(query)
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()
    except duckdb.Error as exc:
        raise QueryError(f"kueri SQL gagal: {exc}") from exc
    finally:
        con.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def write_csv(out: TextIO, columns: list[str], rows: list[tuple], sep: str = ",") -> None:
    w = csv.writer(out, delimiter=sep, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([_text(v) for v in row])


def write_table(console: Any, columns: list[str], rows: list[tuple], max_rows: int = 200) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_lines=False)
    for c in columns:
        table.add_column(escape(c), overflow="fold")
    for row in rows[:max_rows]:
        table.add_row(*[escape(_text(v)) for v in row])
    console.print(table)
    more = len(rows) - max_rows
    console.print(f"{len(rows)} baris" + (f" ({more} tidak ditampilkan; pakai --csv untuk semua)" if more > 0 else ""))
