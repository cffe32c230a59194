"""The source kinds: every ``Reader`` (lkip.extract.reader), listed once, by ordinary imports.

A reader that cannot be imported stops the program here, at start-up, not silently at the first
file. Everything that depends on the set of kinds asks this module: detection
(``lkip.extract.detect``), labels, the staging order (``lkip.ingest``), validation (``validate``
below, the one entry ``lkip.ingest`` calls), the staging tables (``lkip.stage``) and the
``core.stg_<table>`` views (``lkip.model``). To add a kind, see ``lkip/extract/reader.py``.

The order of ``READERS`` breaks ties in detection (equal recognition scores: the earlier wins).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from lkip.extract import lra, pk_iku, realisasi_dokumen, realisasi_fisik, register_sp2d, renja
from lkip.extract.base import ReadResult
from lkip.extract.reader import Reader
from lkip.issues import Issue
from lkip.tables.base import Table, check_names

READERS: tuple[Reader, ...] = (renja.READER, lra.READER, register_sp2d.READER, realisasi_fisik.READER,
                               pk_iku.READER, realisasi_dokumen.READER)


def readers() -> tuple[Reader, ...]:
    """Every reader, in detection order (read at each call: a test may add a toy kind)."""
    kinds = [r.kind for r in READERS]
    if len(set(kinds)) != len(kinds):
        raise ValueError(f"a source kind is listed twice: {kinds}")
    return READERS


def reader(kind: str | None) -> Reader | None:
    for r in readers():
        if r.kind == kind:
            return r
    return None


def labels() -> dict[str, str]:
    """kind -> the name officers read ('Renja/DPA', 'LRA', ...)."""
    return {r.kind: r.label for r in readers()}


def staging_order() -> dict[str | None, int]:
    """kind -> staging order (the Renja first); an unrecognised file (None) last."""
    order: dict[str | None, int] = {r.kind: r.order for r in readers()}
    order[None] = max(order.values(), default=0) + 5
    return order


def tables() -> dict[str, Table]:
    """Every staged table, by name, in reader order (a name declared twice must be one table)."""
    return check_names([t for r in readers() for t in r.tables])


def validate(kind: str | None, frames: dict[str, pd.DataFrame], meta: Any = None) -> list[Issue]:
    """The one validation entry: the kind's checks of a file's frames (its schemas, typed and
    generated from the table declarations, and its cross-row checks), every failure an Issue."""
    r = reader(kind)
    if r is None:
        return []
    if r.validate is not None:
        return r.validate(frames, meta)
    from schemas.table import check_tables

    return check_tables(r.tables, frames)


def read_checked(r: Reader, workbook: Any) -> ReadResult:
    """``r.read`` then ``validate``, the issues of both in one result (what ``lkip.ingest.prepare``
    does before its warehouse checks, without naming cells): for tests and tools."""
    result = r.read(workbook)
    result.issues.extend(validate(r.kind, result.tables, result.meta))
    return result
