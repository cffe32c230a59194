"""One self-contained HTML page per SKPD/city: inline CSS, charts as base64 PNG, no network."""

from __future__ import annotations

import base64
from decimal import Decimal
from pathlib import Path
from typing import Any

from .charts import Chart
from .data import Table, UnitData
from lkip.fmt import format_angka, format_persen, write_text_atomic
from .labels import issue_for_reader, judul_laporan
from .layout import (
    column_kind,
    display_columns,
    header_cells,
    indent_column,
    pct_sign,
    row_style_alone,
    short_title,
    shown_row,
    shown_text_columns,
    style_columns,
    sumber_of,
    table_levels,
    title_of,
)
from .html_rows import BodyRows, Cells, body_html, row_html
from . import memo, row_cache
from .narrative import make_env


def display(value: Any, kind: str, decimals: int, sign: bool = True) -> str:
    """A cell as text; a percentage without ' %' when `sign` is False (its header says (%))."""
    if value is None or value == "":
        return ""
    if type(value) is str:  # most cells: as the last line gives it, without the checks between
        return value
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, (int, float, Decimal)):
        if kind == "pct":
            return format_persen(value) if sign else format_angka(value, 2)
        if kind == "money":
            return format_angka(value, decimals)
        if kind == "code":
            return str(int(value)) if float(value) == int(value) else str(value)
        return format_angka(value)
    return str(value)


def table_rows(table: Table, unit: UnitData, columns: list[str] | None = None) -> dict[str, Any]:
    """Title, merged header rows and the body as (row class, [(text, class) per cell]) per row;
    `columns` picks (and orders) a subset. Inside a memo.unit_scope the page and the docx share one
    (each gets its own dict; the rows, which they only read, are the same lists)."""
    key = ("table_rows", None if columns is None else tuple(columns), unit.tahun, unit.s_d_triwulan,
           unit.kode_skpd, unit.nama_skpd)
    return dict(memo.cached(table, key, lambda: _table_rows(table, unit, columns)))


def _table_rows(table: Table, unit: UnitData, columns: list[str] | None) -> dict[str, Any]:
    cols = display_columns(table)
    if columns is not None:
        cols = [c for c in columns if c in cols] or cols
    kinds = {c: column_kind(table, c) for c in cols}
    depth, cells = header_cells(cols, unit.tahun, unit.s_d_triwulan)
    head = [[{"text": c.text, "colspan": c.last_col - c.col + 1, "rowspan": c.last_row - c.row + 1}
             for c in cells if c.row == r] for r in range(depth)]
    ind_col = indent_column(cols)
    spec = []  # per column: (name, kind, decimals, sign, class, class of an indented cell by level)
    for c in cols:
        k = kinds[c]
        cls = "num" if k.kind in ("money", "pct", "number") else "code" if k.kind == "code" else ""
        ind = {i: f"{cls} ind{min(i, 3)}".strip() for i in range(1, 4)} if c == ind_col else None
        spec.append((c, k.kind, k.decimals, pct_sign(c, unit.tahun, unit.s_d_triwulan), cls, ind))
    text_cols = shown_text_columns(cols, kinds)

    def render(row: dict[str, Any]) -> tuple[str, Cells, str]:
        shown = shown_row(row, cols, text_cols)
        _bold, indent, role = row_style_alone(table, row)
        tds = []
        for c, kind, decimals, sign, cls, ind in spec:
            if ind is not None and indent:
                cls = ind[min(indent, 3)]
            tds.append((display(shown.get(c), kind, decimals, sign), cls))
        return role, tds, row_html(role, tds)

    # Each row is a function of its printed and emphasis columns given `spec` and the table's
    # levels: kept between the publishes of one process (row_cache.py; a re-drop's city page)
    keycols = tuple(dict.fromkeys([*cols, *style_columns(table)]))
    spec_key = (tuple(s[:4] for s in spec), ind_col, table_levels(table))
    slot = (unit.tahun, unit.kode_skpd, table.id, None if columns is None else tuple(columns))
    rendered = row_cache.HTML_ROWS.rows(slot, spec_key, keycols, table.rows, render)
    return {"id": table.id, "title": title_of(table, unit), "nav": short_title(table), "head": head,
            "rows": [(role, tds) for role, tds, _ in rendered], "rows_html": [h for _, _, h in rendered],
            "sumber": sumber_of(table), "ncols": len(cols)}


def table_view(table: Table, unit: UnitData, columns: list[str] | None = None) -> dict[str, Any]:
    """Title, merged header rows and formatted body of a table; `columns` picks (and orders) a subset."""
    view = table_rows(table, unit, columns)
    view.pop("rows_html")
    view["body"] = list(BodyRows(view.pop("rows")))
    return view


def page_table(table: Table, unit: UnitData) -> dict[str, Any]:
    """A table as the page template receives it: `body_html` (the rows, escaped: html_rows.py) and
    `body` (the same rows as dicts, made only when a template loops over them)."""
    view = table_rows(table, unit)
    rows = view.pop("rows")
    view["body"] = BodyRows(rows)
    view["body_html"] = body_html(view.pop("rows_html"), view["ncols"])
    return view


def _data_uri(png: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")


def render_html(unit: UnitData, narrative: dict[str, Any], charts: list[Chart], config: Any = None) -> str:
    env = make_env(config)
    tmpl = env.get_template("laporan.html.j2")
    return tmpl.render(
        unit=unit,
        judul=judul_laporan(unit.nama_skpd, unit.periode),
        narasi=narrative,
        charts=[{"key": c.key, "label": c.label, "src": _data_uri(c.path)} for c in charts],
        tables=[page_table(t, unit) for t in unit.tables.values()],
        issues=[issue_for_reader(i) for i in unit.issues],
        format_angka=format_angka,
    )


def write_html(target: Path, unit: UnitData, narrative: dict[str, Any], charts: list[Chart], config: Any = None) -> Path:
    return write_text_atomic(target, render_html(unit, narrative, charts, config))
