"""A staged table declared once: its columns, their SQL and pandas types, nullability and checks.

In the spirit of PUDL's resource metadata (``src/pudl/metadata/resources/*.py``): a ``Table`` is
data, and everything that used to repeat its columns is generated from it:

* the staging DDL (``Table.ddl``, run by ``lkip.stage.init_warehouse``);
* the typed pandera schema (``schemas.table.schema_of``): column types, nullability, ``isin``,
  bounds, ``unique``;
* the reader's column order (``Table.reader_columns``) and its empty frame (``Table.empty_frame``);
* the ``core.stg_<table>`` view (``lkip.model``) and the staged-columns section of
  ``docs/design.md`` (``Table.markdown``, compared by ``tests/test_tables.py``).

The declarations themselves live beside each other in ``lkip/tables/<source>.py``; a reader lists
the tables it fills in its ``Reader`` (``lkip.extract.reader``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

# Every staged row also carries these; the reader fills the first two, lkip.stage the rest.
READER_LINEAGE = ("sheet", "excel_row")


@dataclass(frozen=True)
class Type:
    """A column's logical type: its SQL type, the pandas dtype a frame may hold it in, the Python
    values an object column may hold (what the reader produces) and the word used in the docs."""

    name: str
    sql: str
    dtypes: tuple[str, ...]          # pandas dtype kinds/names accepted as they are ("f", "Float64" ...)
    values: tuple[type, ...]         # Python types accepted in an object column
    doc: str


def _types() -> dict[str, Type]:
    import datetime as dt
    from decimal import Decimal

    import numpy as np

    return {
        "TEXT": Type("text", "VARCHAR", ("string", "str"), (str,), "VARCHAR"),
        "INTEGER": Type("integer", "INTEGER", ("i", "u", "Int"), (int, np.integer), "INTEGER"),
        "NUMBER": Type("number", "DOUBLE", ("f", "i", "u", "Float", "Int"),
                       (float, int, np.floating, np.integer), "DOUBLE"),
        "MONEY": Type("money", "DECIMAL(18,2)", ("decimal",), (Decimal,), "DECIMAL(18,2)"),
        "DATE": Type("date", "DATE", ("date32", "M"), (dt.date,), "DATE"),
        "BOOLEAN": Type("boolean", "BOOLEAN", ("b", "boolean", "bool"), (bool, np.bool_), "BOOLEAN"),
    }


_T = _types()
TEXT, INTEGER, NUMBER, MONEY, DATE, BOOLEAN = (_T[k] for k in ("TEXT", "INTEGER", "NUMBER", "MONEY", "DATE",
                                                                "BOOLEAN"))


@dataclass(frozen=True)
class Column:
    """One staged column. ``isin``/``ge``/``le``/``unique`` become pandera checks (``unique``: no
    value twice in a file); ``nullable=False`` makes an empty cell an error; ``required=False``: the
    frame may lack the column (it stages NULL); ``type_message`` replaces the generic message of a
    value of the wrong type; ``label``: the column's name in officers' messages (``Kode Rekening``;
    the column's own name when empty), carried into the generated schema as its columns' ``title``
    (``schemas.base`` words every failure with it)."""

    name: str
    type: Type
    nullable: bool = True
    isin: tuple[Any, ...] | None = None
    ge: float | None = None
    le: float | None = None
    unique: bool = False
    required: bool = True
    doc: str = ""
    type_message: str | None = None   # the officer's message when a value has the wrong type
    label: str = ""                   # the name officers read in messages ('Kode Rekening')

    @property
    def title(self) -> str:
        """The name a message gives the column: its ``label``, else its name."""
        return self.label or self.name


@dataclass(frozen=True)
class Table:
    """A staging table: ``staging.<name>`` and the view ``core.stg_<name>``."""

    name: str
    columns: tuple[Column, ...]
    doc: str = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def reader_columns(self) -> list[str]:
        """The columns of the frame a reader returns, in order: the table's, then sheet, excel_row."""
        return self.column_names + list(READER_LINEAGE)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name}.{name}")

    def labels(self) -> dict[str, str]:
        """Column name -> its label, for the columns that declare one."""
        return {c.name: c.label for c in self.columns if c.label}

    def empty_frame(self) -> pd.DataFrame:
        """No rows, every reader column (object dtype, as a reader's own empty frame)."""
        return pd.DataFrame({c: pd.Series(dtype="object") for c in self.reader_columns})

    def ddl(self) -> str:
        """The table's own columns as SQL (``lkip.stage`` puts the lineage columns first)."""
        return ", ".join(f"{c.name} {c.type.sql}" for c in self.columns)

    def markdown(self, source: str = "") -> str:
        """The table's section of docs/design.md (``source``: who fills it; compared with the doc
        by a test)."""
        head = f"`staging.{self.name}`" + (f" ({source})" if source else "") + f" — {self.doc}"
        lines = [head, "", "| column | type | note |", "|---|---|---|"]
        for c in self.columns:
            notes = [c.doc] if c.doc else []
            if c.isin:
                notes.append("one of " + ", ".join(f"`{v}`" for v in c.isin))
            if c.ge is not None:
                notes.append(f"≥ {c.ge:g}")
            if c.le is not None:
                notes.append(f"≤ {c.le:g}")
            if not c.nullable:
                notes.append("never empty")
            if c.unique:
                notes.append("unique in a file")
            lines.append(f"| {c.name} | {c.type.doc} | {'; '.join(notes)} |")
        return "\n".join(lines)


def check_names(tables: list[Table]) -> dict[str, Table]:
    """The tables by name; two different declarations of one name are a start-up error."""
    out: dict[str, Table] = {}
    for t in tables:
        if t.name in out and out[t.name] != t:
            raise ValueError(f"staging.{t.name} is declared twice, differently")
        out[t.name] = t
    return out
