"""A source kind is one ``Reader`` object.

How to add a source kind (three things to write, nothing else to touch):

1. its **column map** ``lkip/extract/columns/<kind>.csv``: per canonical field, the header
   keywords that recognise the column (``lkip.extract.header``);
2. its **table declaration(s)**: a ``lkip.tables.base.Table`` per staged table it fills (columns,
   SQL/pandas types, nullability, checks, the label officers read in messages), e.g. in
   ``lkip/tables/<kind>.py``. The staging DDL,
   the typed pandera schema, the ``core.stg_<table>`` view and the reader's column order are
   generated from it;
3. its **reader module** ``lkip/extract/<kind>.py`` with ``matches(sheet) -> int`` (a recognition
   score, 0 = not this kind; ``lkip.extract.sheets.recognition_score`` does title + header),
   ``read(workbook) -> ReadResult`` (one frame per table, columns ``Table.reader_columns``), an
   optional ``validate(frames, meta) -> issues`` for checks across rows, and
   ``READER = Reader(...)``, listed once in ``lkip/sources.py`` (an ordinary import: a broken
   reader stops the program at start-up).

Everything that depends on the set of kinds is derived from ``lkip.sources.READERS``: detection
(``lkip.extract.detect``), the labels officers see, the staging order (``lkip.ingest``), the
validation (``lkip.sources.validate``), the staging tables (``lkip.stage``) and the core views.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from lkip.extract.base import FileMeta, ReadResult
from lkip.issues import Issue
from lkip.tables.base import Table

Frames = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Reader:
    """One source kind.

    ``kind``: the name stored in ``meta.files.kind``; ``label``: the name officers read in
    messages; ``order``: staging order (lower first: the Renja, so that SP2D and form rows can be
    checked against it); ``tables``: the staged tables it fills; ``column_map``: the map whose
    header the "closest format" hint of an unrecognised workbook uses (a name in
    ``lkip/extract/columns`` or a path; ``other_maps``: the further maps it reads, e.g. one per
    sheet kind of a workbook); ``validate``: checks beyond the tables' generated schemas
    (cross-row totals, messages that need computed values), given all frames of a file and its
    metadata. Without it, each table is checked by its generated schema
    (``schemas.table.check_tables``); a kind's own ``validate`` usually runs those schemas too.

    How a newer file replaces an older one (``lkip.replacement``): ``replaced_by`` ``"file"``
    (same kind, SKPD and year: every row), ``"period"`` (and same period end) or ``"row"`` (only
    the rows it holds); ``replacement_codes`` (staging table, code column, SQL condition of the
    rows that carry a code, the word for them): the codes whose disappearance a replacement
    warns about; ``"cumulative"``: an export of every document up to its last date, replacing
    the versions up to that date only (SIPD Realisasi Per Dokumen). ``renja_check`` (staging
    table, column label, severity[, code column]): its ``kode_kegiatan`` (or the code column
    named) must be a kegiatan of the Renja/DPA of the same SKPD and year (``lkip.ingest``).
    ``replacement_rows`` (column, value): the rows of a new file's frame that carry those codes,
    when not every row with a code does (the Renja: only its kegiatan rows); the frame-side twin
    of ``replacement_codes``' SQL condition ``<column> = '<value>'`` (a test holds them equal).
    ``templates``: the words of its blank input templates (``lkip template <word>``, written by
    ``lkip.extract.templates.write_template``).
    """

    kind: str
    label: str
    order: int
    tables: tuple[Table, ...]
    matches: Callable[[Any], int]
    read: Callable[[Any], ReadResult]
    column_map: str | Path
    validate: Callable[[Frames, FileMeta], list[Issue]] | None = None
    other_maps: tuple[str | Path, ...] = ()
    replaced_by: str = "file"
    replacement_codes: tuple[str, str, str, str] | None = None
    renja_check: tuple[str, ...] | None = None
    replacement_rows: tuple[str, str] | None = None
    templates: tuple[str, ...] = ()
    # True: ``read(workbook, config=...)`` gets the run's configuration (lkip.config.Config or
    # None), for a kind whose rules are configuration (SIPD documents: [[sipd.dokumen]]).
    reads_config: bool = False

    @property
    def column_maps(self) -> list[str | Path]:
        """Every column map the kind reads (``column_map`` and ``other_maps``), by name: the
        header positions that name an issue's cell (lkip.cells) are found with them."""
        maps = {self.column_map, *self.other_maps}
        return sorted(maps, key=lambda m: m.stem if isinstance(m, Path) else m)

    @property
    def table_names(self) -> list[str]:
        return [t.name for t in self.tables]

    @property
    def KIND(self) -> str:  # noqa: N802 - the reader modules' constant, for callers that used the module
        return self.kind
