"""Each unit's digest computed in DuckDB, so that a run decides which units are up to date without
reading their rows into Python (only the units to publish are then loaded: snapshot.load_units).

`unit_digests(con, config, units)` hashes, per (tahun, kode_skpd), in a fixed order:
* the code version and the settings (digest.code_version, digest.settings_digest, as before) and
  the DuckDB version (whose `hash()` is used below);
* the unit as publishing names it: tahun, kode_skpd, nama_skpd (data.nama_skpd);
* for each `laporan` view (data.list_views order): its name, its columns with their SQL types (a
  column holds one type: 1 vs 1.0 vs DECIMAL is its type), and the rows the unit gets from it (the
  rows of its tahun and kode_skpd; a view without one of those columns gives its rows to every
  unit it matches, NULL keys to none: as load_units splits them) as a multiset: row count and two
  sums of the rows' hashes, one query per view (`GROUP BY tahun, kode_skpd`). DOUBLE values are
  hashed as their shortest text, so -0.0 and 0.0 differ as they print;
* the unit's warnings from meta.issues (as a set, as the files group them).

Rows as a multiset is exact because every view's published order is a function of its rows: each
has an `urutan` column (publishing orders by it) except `laporan.peringatan`, whose rows become
warnings, a set (tests/test_publish_plan.py holds every model view to that). A view without
`urutan` (a hand-made one) is hashed row by row in the order it gives. The manifest written with
the outputs records this digest; a unit is republished when it differs (digest.up_to_date).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

import duckdb

from .data import KOTA, WARNING_VIEWS, list_views, nama_skpd_all
from .digest import code_version, settings_digest
from .safe_text import clean

Unit = tuple[int, str]
_FLOATS = {"DOUBLE", "FLOAT", "REAL"}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _view_types(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'laporan' order by table_name, ordinal_position"
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for view, col, typ in rows:
        out[view].append((col, typ))
    return out


def _row_hash(columns: list[tuple[str, str]]) -> str:
    parts = [f"CAST({_q(c)} AS VARCHAR)" if t.upper() in _FLOATS else _q(c) for c, t in columns]
    return f"hash({', '.join(parts)})" if parts else "hash(0)"


def _sums(con: duckdb.DuckDBPyConnection, source: str, row_hash: str, keys: list[str],
          where: str = "") -> list[tuple]:
    """(keys..., n, s1, s2) per group of `keys` over `source`: the multiset of the row hashes."""
    group = ", ".join(keys)
    sql = (f"select {group + ', ' if keys else ''}count(*), sum(h::HUGEINT), sum(hash(h)::HUGEINT) "
           f"from (select {group + ', ' if keys else ''}{row_hash} as h from {source} {where}) "
           + (f"group by {group}" if keys else ""))
    return con.execute(sql).fetchall()


def _add(acc: dict[Unit, list[int]], unit: Unit, n: int, s1: Any, s2: Any) -> None:
    a = acc.setdefault(unit, [0, 0, 0])
    a[0] += int(n or 0)
    a[1] += int(s1 or 0)
    a[2] += int(s2 or 0)


def _view_sums(con: duckdb.DuckDBPyConnection, view: str, columns: list[tuple[str, str]],
               units: list[Unit], source: str | None = None) -> dict[Unit, Any]:
    names = [c for c, _ in columns]
    has_t, has_k = "tahun" in names, "kode_skpd" in names
    keys = [k for k, has in (("tahun", has_t), ("kode_skpd", has_k)) if has]
    where = " and ".join(f"{k} is not null" for k in keys)
    source = source or f"laporan.{_q(view)}"
    if "urutan" not in names and view not in WARNING_VIEWS:
        return _ordered(con, source, _row_hash(columns), keys, where, units)
    groups = _sums(con, source, _row_hash(columns), keys, f"where {where}" if where else "")
    out: dict[Unit, Any] = {}
    if has_t and has_k:
        wanted = set(units)
        for t, k, n, s1, s2 in groups:
            u = (int(t), str(k))
            if u in wanted:
                _add(out, u, n, s1, s2)
        return out
    for g in groups:
        *vals, n, s1, s2 = g
        t = int(vals.pop(0)) if has_t else None
        k = str(vals.pop(0)) if has_k else None
        for u in units:
            if (not has_t or t == u[0]) and (not has_k or k == u[1]):
                _add(out, u, n, s1, s2)
    return out


def _ordered(con: duckdb.DuckDBPyConnection, source: str, row_hash: str, keys: list[str], where: str,
             units: list[Unit]) -> dict[Unit, Any]:
    """A view with no `urutan` (none of the model's; a hand-made one): publishing keeps the view's
    own row order, so the digest does too: each row's hash, in that order, per unit."""
    cols = ", ".join([*keys, row_hash])
    rows = con.execute(f"select {cols} from {source}" + (f" where {where}" if where else "")).fetchall()
    has_t, has_k = "tahun" in keys, "kode_skpd" in keys
    seq: dict[Unit, Any] = {}
    for r in rows:
        vals = list(r)
        t = int(vals.pop(0)) if has_t else None
        k = str(vals.pop(0)) if has_k else None
        for u in units:
            if (not has_t or t == u[0]) and (not has_k or k == u[1]):
                seq.setdefault(u, hashlib.sha256()).update(f"{vals[0]}\0".encode())
    return {u: h.hexdigest() for u, h in seq.items()}


_ISSUES = (
    "(select i.severity, f.source_file, i.sheet, i.excel_row, i.kolom, i.nilai, i.diharapkan, i.pesan, "
    "f.tahun as _tahun, f.kode_skpd as _kode "
    "from meta.issues i left join meta.files f on f.file_sha256 = i.file_sha256)"
)
_ISSUE_HASH = "hash(severity, source_file, sheet, excel_row, kolom, nilai, diharapkan, pesan)"


def _issue_sums(con: duckdb.DuckDBPyConnection, units: list[Unit]) -> dict[Unit, list[int]]:
    """meta.issues as snapshot._issues_by_unit gives them to each unit, as multisets."""
    out: dict[Unit, list[int]] = {}
    try:
        groups = _sums(con, _ISSUES, _ISSUE_HASH, ["_tahun", "_kode"])
    except duckdb.Error:
        try:  # no meta.files: every unit gets every issue (as load_issues)
            cols = [r[0] for r in con.execute("select column_name from information_schema.columns "
                                              "where table_schema = 'meta' and table_name = 'issues' "
                                              "order by ordinal_position").fetchall()]
            groups = [(None, None, *g) for g in _sums(con, "meta.issues", _row_hash([(c, "") for c in cols]), [])]
        except duckdb.Error:
            groups = []
        for u in units:
            for _, _, n, s1, s2 in groups:
                _add(out, u, n, s1, s2)
        return out
    for t, k, n, s1, s2 in groups:
        for u in units:
            if (t is None or t == u[0]) and (u[1] == KOTA or k is None or k == u[1]):
                _add(out, u, n, s1, s2)
    return out


def unit_digests(con: duckdb.DuckDBPyConnection, config: Any, units: list[Unit],
                 settings: str | None = None, sources: dict[str, str] | None = None) -> dict[Unit, str]:
    """The digest of each unit in `units`, from one aggregate query per view (over `sources[view]`
    when given: snapshot.materialised's tables)."""
    units = [(int(t), str(k)) for t, k in units]
    if not units:
        return {}
    types = _view_types(con)
    head = hashlib.sha256()
    head.update(f"{code_version()}\0{settings or settings_digest(config)}\0duckdb {duckdb.__version__}\0".encode())
    parts: list[tuple[str, dict[Unit, Any]]] = []
    for v in list_views(con):
        columns = types.get(v, [])
        parts.append((repr((v, v in WARNING_VIEWS, columns)),
                      _view_sums(con, v, columns, units, (sources or {}).get(v))))
    parts.append(("meta.issues", _issue_sums(con, units)))
    out = {}
    names = nama_skpd_all(con, config, [u[1] for u in units])
    for u in units:
        h = head.copy()
        h.update(repr((u[0], u[1], clean(names[u[1]]))).encode("utf-8", "surrogatepass"))
        for label, sums in parts:
            h.update(b"\0" + label.encode("utf-8", "surrogatepass") + b"\0")
            h.update(repr(sums.get(u)).encode())
        out[u] = h.hexdigest()
    return out
