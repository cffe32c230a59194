"""Everything publishing reads, read once per run: one query per `laporan` view, split by unit.

`load_unit` (data.py) queries every view for one (tahun, SKPD): with 18 views and 45 units the
whole model was evaluated hundreds of times. `load_units` asks each view once, in the order a
unit's own query gives (`order by urutan` when the view has it, else the view's order), and
splits the rows by (tahun, kode_skpd) keeping that order; the warnings of `meta.issues` are read
once too. What each unit gets is what `load_unit` returns for it (tests/test_publish_runner.py
compares both on the bundled example), with every text cleaned for XML (safe_text.clean).
"""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from typing import Any, Iterator

import duckdb

from lkip import gc_pause

from .data import (
    KOTA,
    WARNING_VIEWS,
    Table,
    UnitData,
    _fetch,
    _peringatan,
    flatten,
    list_views,
    nama_skpd_all,
    sort_ids,
)
from .fetch_rows import fetch_view
from .safe_text import clean, clean_row, rows_clean

FEW = 8  # units: fewer are read with a WHERE on their keys (a re-drop), more by whole views

_ISSUES_SQL = (
    "select i.severity, f.source_file, i.sheet, i.excel_row, i.kolom, i.nilai, i.diharapkan, i.pesan, "
    "f.tahun as _tahun, f.kode_skpd as _kode "
    "from meta.issues i left join meta.files f on f.file_sha256 = i.file_sha256 "
    "order by f.source_file, i.sheet, i.excel_row"
)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _view_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    rows = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'laporan' order by table_name, ordinal_position"
    ).fetchall()
    out: dict[str, list[str]] = defaultdict(list)
    for view, col in rows:
        out[view].append(col)
    return out


def _issues_by_unit(con: duckdb.DuckDBPyConnection, units: list[tuple[int, str]]) -> dict[tuple[int, str], list]:
    """meta.issues for each unit, as data.load_issues selects them, from one query."""
    try:
        _, rows = _fetch(con, _ISSUES_SQL, [])
    except duckdb.Error:
        try:
            _, rows = _fetch(con, "select * from meta.issues", [])
        except duckdb.Error:
            rows = []
        return {u: [clean_row(dict(r)) for r in rows] for u in units}
    out: dict[tuple[int, str], list] = {}
    for tahun, kode in units:
        picked = []
        for r in rows:
            t, k = r["_tahun"], r["_kode"]
            if (t is None or t == tahun) and (kode == KOTA or k is None or k == kode):
                picked.append(clean_row({c: v for c, v in r.items() if c not in ("_tahun", "_kode")}))
        out[(tahun, kode)] = picked
    return out


_NOISE = r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\""   # as model._NOISE


def _view_selects(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The SELECT of each `laporan` view, as DuckDB keeps it (`CREATE VIEW laporan.v AS ...`);
    a view whose text is not of that form (a column list, another spelling) is left out."""
    try:
        rows = con.execute("select view_name, sql from duckdb_views() "
                           "where schema_name = 'laporan' and not temporary").fetchall()
    except duckdb.Error:
        return {}
    out = {}
    for name, sql in rows:
        head = re.match(r"\s*CREATE\s+VIEW\s+laporan\." + re.escape(name) + r"\s+AS\s+", sql or "", re.I)
        if head:
            out[name] = sql[head.end():].rstrip().rstrip(";")
    return out


def _reading_tables(select: str, done: dict[str, str]) -> str | None:
    """`select` with its references to views already materialised (`laporan.<view>`, outside
    comments and string literals) reading their tables instead; None when it has none."""
    if not done:
        return None
    names = "|".join(re.escape(v) for v in sorted(done, key=len, reverse=True))
    ref = re.compile(rf"{_NOISE}|(?<![\w.\"])laporan\.({names})(?![\w\"])", re.S | re.I)
    hits = 0

    def swap(m: re.Match) -> str:
        nonlocal hits
        if m.group(1) is None:
            return m.group(0)
        hits += 1
        return done[m.group(1).lower()] if m.group(1).lower() in done else done[m.group(1)]

    out = ref.sub(swap, select)
    return out if hits else None


@contextlib.contextmanager
def materialised(con: duckdb.DuckDBPyConnection) -> Iterator[dict[str, str]]:
    """Every `laporan` view evaluated once into a temporary table of this connection (allowed on
    a read-only one), {view: table}, dropped on exit: the plan hashes them (plan_digest) and then
    reads the units to publish from them, instead of evaluating each view twice.

    A view reading another view (laporan.peringatan reads laporan.rekonsiliasi, the costliest)
    comes after it and reads its table: the same rows, without evaluating that view again."""
    tables: dict[str, str] = {}
    selects = _view_selects(con)
    views = list_views(con)
    # views other views read first (their order otherwise kept)
    read = {v for v in views for s in selects.values() if re.search(rf"\blaporan\.{re.escape(v)}\b", s, re.I)}
    try:
        for i, v in enumerate(sorted(views, key=lambda x: x not in read)):
            name = f"lkip_terbit_{i}"
            body = _reading_tables(selects[v], tables) if v in selects else None
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS "
                        + (body if body is not None else f'SELECT * FROM laporan."{v}"'))
            tables[v] = f"temp.main.{name}"
        yield tables
    finally:
        for name in tables.values():
            con.execute(f"DROP TABLE IF EXISTS {name}")


def load_units(
    con: duckdb.DuckDBPyConnection, config: Any, units: list[tuple[int, str]],
    sources: dict[str, str] | None = None,
) -> list[UnitData]:
    """The UnitData of every (tahun, kode_skpd) in `units`, each view queried once (from
    `sources[view]` when given: `materialised`'s tables). Its rows are kept: the collector is
    held off meanwhile (lkip.gc_pause)."""
    with gc_pause.paused():
        return _load_units(con, config, units, sources)


def _load_units(con: duckdb.DuckDBPyConnection, config: Any, units: list[tuple[int, str]],
                sources: dict[str, str] | None) -> list[UnitData]:
    views = list_views(con)
    sources = sources or {}
    columns = _view_columns(con)
    wanted = set(units)
    tables: dict[tuple[int, str], dict[str, Table]] = {u: {} for u in units}
    issues = _issues_by_unit(con, units)
    sdt: dict[tuple[int, str], list[int]] = {u: [] for u in units}
    for v in views:
        cols = columns.get(v, [])
        sql = f"select * from {sources.get(v) or f'laporan.{_quote(v)}'}"
        params: list[Any] = []
        if "tahun" in cols and "kode_skpd" in cols and 0 < len(wanted) < FEW:
            # a few units (a re-drop): only their rows leave DuckDB; the split below stays exact
            years, codes = sorted({int(u[0]) for u in wanted}), sorted({str(u[1]) for u in wanted})
            sql += (f" where tahun in ({', '.join('?' * len(years))})"
                    f" and kode_skpd in ({', '.join('?' * len(codes))})")
            params = [*years, *codes]
        if "urutan" in cols:
            sql += " order by urutan"
        cols, rows, tidy, plain = fetch_view(con, sql, params)
        if tidy is None:
            tidy = rows_clean(rows)  # nearly always: no row to clean
        has_t, has_k = "tahun" in cols, "kode_skpd" in cols
        parts: dict[tuple[int, str], list[dict]] = {u: [] for u in units}
        for r in rows:
            t, k = r.get("tahun"), r.get("kode_skpd")
            if (has_t and t is None) or (has_k and k is None):
                continue  # `tahun = ?` never matches a NULL
            if has_t and has_k:
                key = (int(t), str(k))
                if key in wanted:
                    parts[key].append(r)
                continue
            for u in units:  # a view without one of the keys applies to every unit it matches
                if (not has_t or int(t) == u[0]) and (not has_k or str(k) == u[1]):
                    parts[u].append(dict(r))
        for u in units:
            unit_rows = parts[u] if tidy else [clean_row(r) for r in parts[u]]
            if v in WARNING_VIEWS:
                issues[u].extend(_peringatan(v, r) for r in unit_rows)
                continue
            if "s_d_triwulan" in cols:
                marks = {r["s_d_triwulan"] for r in unit_rows if r.get("s_d_triwulan") is not None}
                if len(marks) > 1:
                    unit_rows = [r for r in unit_rows if r.get("s_d_triwulan") in (None, max(marks))]
                sdt[u].extend(int(m) for m in marks)
            for t in flatten(Table(v, list(cols), unit_rows), plain):
                tables[u][t.id] = t
    out = []
    names = nama_skpd_all(con, config, [u[1] for u in units])
    for u in units:
        tahun, kode = u
        out.append(UnitData(
            tahun=tahun,
            kode_skpd=kode,
            nama_skpd=clean(names[kode]),
            s_d_triwulan=max(sdt[u]) if sdt[u] else None,
            tables={k: tables[u][k] for k in sort_ids(list(tables[u]))},
            issues=issues[u],
        ))
    return out
