"""The cell of an issue as Excel names it (``H12``), beside its sheet, row and column title.

Readers report a problem with the column's printed title (or a canonical name such as
``Kode Kegiatan``), not its position. ``sheet_labels`` records, once per file while the workbook
is open, where each header title stands in each sheet (a plain, picklable dict: the stage that
adds the checks against the warehouse has no workbook); ``locate`` gives each issue with a sheet,
a row and a known column its ``sel``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Iterable

from lkip.extract.workbook.refs import col_letters
from lkip.issues import Issue

HEAD_ROWS = 40            # the header is in the first 30 rows; a two-row header needs one more
LETTERS = re.compile(r"^[A-Z]{1,3}$")




def _maps_of(kind: str | None) -> list[Any]:
    """The column maps of a kind (its Reader's, lkip.sources)."""
    from lkip import sources

    reader = sources.reader(kind)
    return reader.column_maps if reader is not None else []


def sheet_labels(wb: Any, kind: str | None, sheet_names: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Per sheet: ``labels`` (normalised header title -> the 0-based columns it stands in, single
    and two-row headers of the first rows), ``fields`` (a field of the kind's column maps -> its
    column, the header found as the readers find it) and ``printed`` (that column -> its title as
    printed, a two-row header's group and sub-label together)."""
    from lkip.extract.header import _header_options, find_header, load_column_map, normalize_header
    from lkip.extract.sheets import head_grid

    wanted = {n for n in sheet_names if n}
    maps = [load_column_map(m) for m in _maps_of(kind)]
    out: dict[str, dict[str, Any]] = {}
    for sheet in getattr(wb, "sheets", []):
        if sheet.name not in wanted:
            continue
        try:
            rows = head_grid(sheet, HEAD_ROWS)
        except Exception:   # a sheet that cannot be read again: no cell names, the issues stay
            continue
        labels: dict[str, set[int]] = {}
        for i, row in enumerate(rows):
            # the row's printed texts alone and combined with the next row: the header search
            # made them already (remembered per pair of rows)
            for _n, _texts, printed_texts in _header_options(row, rows[i + 1] if i + 1 < len(rows) else None):
                for j, t in enumerate(printed_texts):
                    if t:
                        labels.setdefault(normalize_header(t), set()).add(j)
        fields: dict[str, int] = {}
        printed: dict[int, str] = {}
        for cmap in maps:
            header = find_header(rows, cmap)
            if header is not None:
                for f, j in header.columns.items():
                    fields.setdefault(f, j)
                    if j < len(header.printed) and header.printed[j]:
                        printed.setdefault(j, header.printed[j])
        out[sheet.name] = {"labels": {k: sorted(v) for k, v in labels.items()}, "fields": fields,
                           "printed": printed}
    return out


def _column(kolom: str, where: dict[str, Any], schema_fields: dict[str, list[str]] | None = None) -> int | None:
    from lkip.extract.header import normalize_header

    norm = normalize_header(kolom)
    cols = where["labels"].get(norm, [])
    if len(cols) == 1:
        return cols[0]
    fields = _schema_fields() if schema_fields is None else schema_fields
    for name in (norm.replace(" ", "_"), *fields.get(kolom, ())):   # a canonical name: 'Kode Kegiatan'
        if name and where["fields"].get(name) is not None:
            return where["fields"][name]
    return None


def _schema_fields() -> dict[str, list[str]]:
    """The column labels of schema messages (each declared column's ``label``, lkip.tables) -> their
    fields ('Kode Rekening': the Renja's and LRA's ``kode``, the register's ``kode_rekening``)."""
    from lkip import sources

    out: dict[str, list[str]] = {}
    for table in sources.tables().values():
        for name, label in table.labels().items():
            if name not in out.setdefault(label, []):
                out[label].append(name)
    return out


def _as_printed(kolom: str, col: int, where: dict[str, Any]) -> str:
    """The column's title as printed in the officer's file (``Pagu Sebelum Perubahan`` for the
    canonical ``Pagu Murni``, ``ANGGARAN`` for ``Anggaran``) when it is one of the kind's columns,
    else ``kolom`` as given."""
    return where.get("printed", {}).get(col) or kolom


def locate(issues: list[Issue], headers: dict[str, dict[str, Any]] | None) -> list[Issue]:
    """The issues, each with a sheet, a row and a column placed given its ``sel`` (``H12``)."""
    out = []
    schema_fields: dict[str, list[str]] | None = None
    for issue in issues:
        if issue.sel is None and issue.sheet and issue.excel_row and issue.kolom:
            col: int | None = None
            where = (headers or {}).get(issue.sheet)
            if where is not None:
                if schema_fields is None:
                    schema_fields = _schema_fields()
                col = _column(issue.kolom, where, schema_fields)
            if col is not None:
                issue = replace(issue, sel=f"{col_letters(col + 1)}{issue.excel_row}",
                                kolom=_as_printed(issue.kolom, col, where))
            elif LETTERS.match(issue.kolom):      # the column given as letters (a formula cell)
                issue = replace(issue, sel=f"{issue.kolom}{issue.excel_row}")
        out.append(issue)
    return out


def name_cells(prepared: Any, wb: Any) -> None:
    """Each issue of a prepared file (``ingest.Prepared``) with its cell; the header positions of
    the sheets it names or stages kept in ``prepared.headers`` for the checks made later."""
    if wb is None:
        return
    sheets = {i.sheet for i in prepared.issues if i.sheet}
    for df in prepared.tables.values():
        if df is not None and "sheet" in df.columns and not df.empty:
            sheets.update(str(s) for s in df["sheet"].dropna().unique().tolist())
    try:
        prepared.headers.update(sheet_labels(wb, prepared.kind, sheets - prepared.headers.keys()))
    except Exception:   # naming cells is a help for the officer, never a reason to fail the file
        pass
    prepared.issues = locate(prepared.issues, prepared.headers)
