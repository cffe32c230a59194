"""One self-contained HTML page per SKPD/city: inline CSS, charts as base64 PNG, no network."""

from __future__ import annotations

import base64
from decimal import Decimal
from pathlib import Path
from typing import Any

from .charts import Chart
from .data import Table, UnitData
from .fmt import format_angka, format_persen, write_text_atomic
from .layout import column_kind, display_columns, header_cells, indent_column, row_style, short_title, sumber_of, title_of
from .narrative import make_env


def display(value: Any, kind: str, decimals: int) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, (int, float, Decimal)):
        if kind == "pct":
            return format_persen(value)
        if kind == "money":
            return format_angka(value, decimals)
        if kind == "code":
            return str(int(value)) if float(value) == int(value) else str(value)
        return format_angka(value)
    return str(value)


def table_view(table: Table, unit: UnitData) -> dict[str, Any]:
    cols = display_columns(table)
    kinds = {c: column_kind(table, c) for c in cols}
    depth, cells = header_cells(cols, unit.tahun, unit.s_d_triwulan)
    head = [[{"text": c.text, "colspan": c.last_col - c.col + 1, "rowspan": c.last_row - c.row + 1}
             for c in cells if c.row == r] for r in range(depth)]
    ind_col = indent_column(cols)
    body = []
    for row in table.rows:
        bold, indent, role = row_style(table, row)
        tds = []
        for c in cols:
            k = kinds[c]
            cls = "num" if k.kind in ("money", "pct", "number") else "code" if k.kind == "code" else ""
            if c == ind_col and indent:
                cls += f" ind{min(indent, 3)}"
            tds.append({"text": display(row.get(c), k.kind, k.decimals), "cls": cls.strip()})
        body.append({"cls": role, "cells": tds})
    return {"id": table.id, "title": title_of(table, unit), "nav": short_title(table), "head": head,
            "body": body, "sumber": sumber_of(table), "ncols": len(cols)}


def _data_uri(png: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")


def render_html(unit: UnitData, narrative: dict[str, Any], charts: list[Chart], config: Any = None) -> str:
    env = make_env(config)
    tmpl = env.get_template("laporan.html.j2")
    return tmpl.render(
        unit=unit,
        judul=f"Laporan Kinerja Instansi Pemerintah {unit.nama_skpd} {unit.periode}",
        narasi=narrative,
        charts=[{"key": c.key, "label": c.label, "src": _data_uri(c.path)} for c in charts],
        tables=[table_view(t, unit) for t in unit.tables.values()],
        issues=unit.issues,
        format_angka=format_angka,
    )


def write_html(target: Path, unit: UnitData, narrative: dict[str, Any], charts: list[Chart], config: Any = None) -> Path:
    return write_text_atomic(target, render_html(unit, narrative, charts, config))
