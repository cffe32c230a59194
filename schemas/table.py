"""The typed pandera schema of a staged table, generated from its declaration (lkip.tables).

Each column gets a type check (the values a reader may hold for its logical type: Python objects
in an object column, or a pandas/Arrow dtype of that type), its nullability, ``isin``/bounds and
``unique``; ``sheet`` and ``excel_row`` are checked on every table. A kind adds its own checks
(``checks``: per column, ``frame_checks``: on the whole frame) where a message needs more than the
generic one. A column's ``label`` (the name officers read) becomes its ``title``, with which
``schemas.base`` words every failure of the column.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from lkip.issues import ERROR, Issue
from lkip.tables.base import INTEGER, TEXT, Column, Table, Type
from schemas.base import run_schema

LINEAGE = (Column("sheet", TEXT, nullable=False), Column("excel_row", INTEGER, nullable=False))


def _tag(dtype: Any) -> str:
    """A dtype as the tags of ``Type.dtypes``: numpy kind letters, 'Int'/'Float'/'boolean' for
    pandas' nullable dtypes, 'string', 'decimal', 'date32' for text and Arrow types, 'O' else."""
    if isinstance(dtype, pd.ArrowDtype):
        arrow, t = pyarrow, dtype.pyarrow_dtype
        for test, tag in ((arrow.types.is_string, "string"), (arrow.types.is_large_string, "string"),
                          (arrow.types.is_decimal, "decimal"), (arrow.types.is_date, "date32"),
                          (arrow.types.is_integer, "i"), (arrow.types.is_floating, "f"),
                          (arrow.types.is_boolean, "b")):
            if test(t):
                return tag
        return "O"
    if isinstance(dtype, pd.StringDtype):
        return "string"
    name = str(dtype)
    for prefix in ("Int", "UInt", "Float", "boolean"):
        if name.startswith(prefix):
            return "Int" if prefix == "UInt" else prefix
    return getattr(dtype, "kind", "O")


def _type_check(t: Type, message: str | None = None) -> pa.Check:
    def ok(s: pd.Series) -> Any:
        dtype = s.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            cats = dtype.categories
            return True if len(cats) == 0 else bool(np.all(ok(pd.Series(cats))))
        tag = _tag(dtype)
        if tag in t.dtypes:
            if t is INTEGER and tag in ("f", "Float"):
                return (s % 1 == 0).astype(bool)     # whole numbers in a float column (NaN for NULL)
            return True
        if tag == "O":
            values = t.values
            return s.map(lambda v: isinstance(v, values)).astype(bool)
        return pd.Series(False, index=s.index)       # a column of another type: every value told
    name = message or f"type({t.name})"
    return pa.Check(ok, name=name, error=name)


def not_repeated(s: pd.Series) -> pd.Series:
    """False on every cell whose value occurs more than once (a null too, as pandas counts it).

    The check of ``Column(unique=True)``: pandera's own ``unique=`` hashes every value (some 40
    times slower on a register of a million SP2D); a column of text in strictly increasing order
    (a register listed by number) repeats nothing, which one comparison of neighbours shows."""
    if len(s) > 1 and s.dtype != object and not s.hasnans:
        arr = None
        if isinstance(s.dtype, pd.ArrowDtype) and pyarrow.types.is_string(s.dtype.pyarrow_dtype):
            arr = s.array.__arrow_array__()
        elif isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
            arr = s.array.__arrow_array__()
        if arr is not None:
            n = len(arr)
            if pc.all(pc.less(arr.slice(0, n - 1), arr.slice(1))).as_py():
                return pd.Series(np.ones(n, dtype=bool), index=s.index, copy=False)
    return ~s.duplicated(keep=False)


# Named as pandera names its own uniqueness check, so that schemas.base words it the same way.
UNIQUE = pa.Check(not_repeated, name="field_uniqueness", error="field_uniqueness")


def _column(c: Column, extra: Iterable[pa.Check]) -> pa.Column:
    checks = [_type_check(c.type, c.type_message)]
    if c.unique:
        checks.append(UNIQUE)
    if c.isin is not None:
        checks.append(pa.Check.isin(list(c.isin)))
    if c.ge is not None:
        checks.append(pa.Check.ge(c.ge))
    if c.le is not None:
        checks.append(pa.Check.le(c.le))
    checks.extend(extra)
    return pa.Column(None, checks=checks, nullable=c.nullable, required=c.required, name=c.name,
                     title=c.label or None)      # the name messages give it (schemas.base)


def build_schema(table: Table, checks: dict[str, list[pa.Check]] | None = None,
                 frame_checks: Iterable[pa.Check] = ()) -> pa.DataFrameSchema:
    """The table's schema; ``checks``/``frame_checks``: a kind's own checks, added to it."""
    checks = checks or {}
    unknown = set(checks) - set(table.column_names)
    if unknown:
        raise KeyError(f"checks for columns staging.{table.name} does not declare: {sorted(unknown)}")
    columns = {c.name: _column(c, checks.get(c.name, ())) for c in (*table.columns, *LINEAGE)}
    return pa.DataFrameSchema(columns, checks=list(frame_checks), strict=False, coerce=False,
                              name=f"staging.{table.name}")


@lru_cache(maxsize=None)
def schema_of(table: Table) -> pa.DataFrameSchema:
    """The generated schema of a table, built once."""
    return build_schema(table)


def check_tables(tables: Iterable[Table], frames: dict[str, pd.DataFrame], file: str | None = None,
                 severity: str = ERROR) -> list[Issue]:
    """Every frame of ``frames`` that one of ``tables`` declares, against its generated schema."""
    issues: list[Issue] = []
    for table in tables:
        df = frames.get(table.name)
        if df is not None and not df.empty:
            issues.extend(run_schema(schema_of(table), df, severity=severity, file=file))
    return issues
