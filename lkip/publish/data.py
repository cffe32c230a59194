"""Read the `laporan` views of one (tahun, SKPD) into plain Python tables.

The views are written by another module and may carry nested values (DuckDB STRUCT / MAP / LIST,
or JSON text): a dict column becomes one column per key (`realisasi_lalu` ->
`realisasi_lalu_2018`, ...); a list-of-records column becomes its own table `<id>_<column>` keyed
by the parent's `no` / `kode`. Whatever columns a view has are published.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import repeat
from typing import Any

import duckdb

from .fetch_rows import fetch_dicts
from .safe_text import file_stem

LINEAGE = ("tahun", "kode_skpd", "s_d_triwulan")
KOTA = "KOTA"

# Order of the report (docs/reports.md); views not listed follow, derived ids after their base.
TABLE_ORDER = [
    "tabel_2_1", "tabel_2_3", "tabel_2_4", "tabel_2_5",
    "tabel_3_1", "tabel_3_efisiensi", "tabel_3_program_ind", "tabel_3_renstra",
    "tabel_3_skm", "tabel_3_akip", "tabel_3_bumd",
    "tabel_3_30", "tabel_3_31", "tabel_3_32", "tabel_4_1",
    "lampiran_3", "rekonsiliasi",
]

ROMAWI = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass
class Table:
    id: str
    columns: list[str]
    rows: list[dict[str, Any]]
    base_id: str | None = None  # the view this table was split from, if any

    def col(self, name: str) -> list[Any]:
        return list(map(dict.get, self.rows, repeat(name)))

    def has(self, *names: str) -> bool:
        return all(n in self.columns for n in names)


def folder_name(kode_skpd: str) -> str:
    """A unit's folder under output/<tahun>/: `kota`, or the SKPD code made a safe name."""
    return "kota" if kode_skpd == KOTA else file_stem(kode_skpd)


@dataclass
class UnitData:
    tahun: int
    kode_skpd: str
    nama_skpd: str
    s_d_triwulan: int | None
    tables: dict[str, Table] = field(default_factory=dict)
    issues: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_kota(self) -> bool:
        return self.kode_skpd == KOTA

    @property
    def folder(self) -> str:
        return folder_name(self.kode_skpd)

    @property
    def periode(self) -> str:
        """'Tahun 2020', or 's.d. Triwulan II Tahun 2020' for an incomplete year."""
        if self.s_d_triwulan and self.s_d_triwulan < 4:
            return f"s.d. Triwulan {ROMAWI.get(self.s_d_triwulan, self.s_d_triwulan)} Tahun {self.tahun}"
        return f"Tahun {self.tahun}"

    def get(self, table_id: str) -> Table | None:
        t = self.tables.get(table_id)
        return t if t is not None and t.rows else None


def _order_key(table_id: str) -> tuple[int, str]:
    best = -1
    for i, base in enumerate(TABLE_ORDER):
        if table_id == base or table_id.startswith(base + "_"):
            if best < 0 or len(base) > len(TABLE_ORDER[best]):
                best = i
    return (best if best >= 0 else len(TABLE_ORDER), table_id)


def sort_ids(ids: list[str]) -> list[str]:
    return sorted(ids, key=_order_key)


def list_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'laporan'"
    ).fetchall()
    return sort_ids([r[0] for r in rows])


def _columns(con: duckdb.DuckDBPyConnection, view: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'laporan' and table_name = ? order by ordinal_position",
        [view],
    ).fetchall()
    return [r[0] for r in rows]


def list_units(
    con: duckdb.DuckDBPyConnection, tahun: int | None = None, kode_skpd: str | None = None
) -> list[tuple[int, str]]:
    """(tahun, kode_skpd) pairs of laporan.lampiran_3 (every view when it is absent)."""
    views = list_views(con)
    sources = ["lampiran_3"] if "lampiran_3" in views else views
    pairs: set[tuple[int, str]] = set()
    for v in sources:
        cols = _columns(con, v)
        if "tahun" not in cols or "kode_skpd" not in cols:
            continue
        for t, k in con.execute(f'select distinct tahun, kode_skpd from laporan."{v}"').fetchall():
            if t is None or k is None:
                continue
            if tahun is not None and int(t) != int(tahun):
                continue
            if kode_skpd is not None and str(k) != str(kode_skpd):
                continue
            pairs.add((int(t), str(k)))
    # SKPD in code order, the city last within a year
    return sorted(pairs, key=lambda p: (p[0], p[1] == KOTA, p[1]))


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[" and value[-1:] in "}]":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _is_record_list(values: list[Any]) -> bool:
    seen = [v for v in values if v is not None]
    return bool(seen) and all(
        isinstance(v, list) and all(isinstance(x, dict) for x in v) for v in seen
    )


def _map_to_dict(value: Any) -> Any:
    # DuckDB MAP comes back as {'key': [...], 'value': [...]} in older versions
    if isinstance(value, dict) and set(value) == {"key", "value"} and isinstance(value["key"], list):
        return dict(zip(value["key"], value["value"]))
    return value


_TEXT = {str, type(None)}
_OPEN, _CLOSE = ("{", "["), ("}", "]")


def flatten(table: Table, plain: frozenset[str] = frozenset()) -> list[Table]:
    """Split nested columns: dicts -> `<col>_<key>` columns, record lists -> child tables.
    `plain`: columns every row has, known to hold no JSON text and no nested value
    (fetch_rows.fetch_view): not looked at again."""
    rows = [dict(r) for r in table.rows]
    nested: set[str] = set()  # columns holding a dict or a list (after JSON text is read)
    for c in table.columns:
        if c in plain:
            continue
        values = [r.get(c) for r in rows]
        kinds = set(map(type, values))
        if kinds <= _TEXT and not any(v[:1] in _OPEN and v[-1:] in _CLOSE for v in values if v is not None):
            kinds = set()  # plain text: no JSON to read
        if not any(issubclass(t, (str, dict, list)) for t in kinds):  # numbers, dates: nothing to read
            if type(None) in kinds or not kinds:
                for r in rows:
                    r.setdefault(c, None)
            continue
        for r in rows:
            v = r.get(c)
            if isinstance(v, (str, dict)):  # _maybe_json / _map_to_dict change nothing else
                v = r[c] = _map_to_dict(_maybe_json(v))
                if isinstance(v, (dict, list)):
                    nested.add(c)
            elif v is None:
                r[c] = None
            elif isinstance(v, list):
                nested.add(c)
    columns: list[str] = []
    children: list[Table] = []
    parent_keys = [k for k in ("no", "iku_no", "kode") if k in table.columns][:1]
    for c in table.columns:
        if c not in nested:  # plain values: kept as they are
            columns.append(c)
            continue
        values = [r.get(c) for r in rows]
        if any(isinstance(v, dict) for v in values):
            keys: list[str] = []
            for v in values:
                if isinstance(v, dict):
                    keys.extend(str(k) for k in v if str(k) not in keys)
            keys = sorted(keys)
            for r in rows:
                v = r.pop(c, None)
                v = {str(k): x for k, x in v.items()} if isinstance(v, dict) else {}
                for k in keys:
                    r[f"{c}_{k}"] = v.get(k)
            columns.extend(f"{c}_{k}" for k in keys)
        elif _is_record_list(values):
            child_cols = list(parent_keys) + [x for x in LINEAGE if x in table.columns]
            child_rows = []
            for r in rows:
                for item in r.pop(c, None) or []:
                    row = {k: r.get(k) for k in child_cols}
                    for k, x in item.items():
                        if k not in child_cols:
                            child_cols.append(k)
                        row[k] = x
                    child_rows.append(row)
            children.append(Table(f"{table.id}_{c}", child_cols, child_rows, base_id=table.id))
        else:
            for r in rows:
                if isinstance(r.get(c), list):
                    r[c] = "; ".join("" if x is None else str(x) for x in r[c])
            columns.append(c)
    main = Table(table.id, columns, rows, base_id=table.base_id)
    out = [main]
    for child in children:
        out.extend(flatten(child))
    return out


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> tuple[list[str], list[dict]]:
    return fetch_dicts(con, sql, params)


# (name column, code column) of core.skpd, tried in this order: the warehouse knows the name from
# the title blocks of the files
_NAMA_COLUMNS = (("nama_skpd", "kode_skpd"), ("nama_skpd", "kode"), ("nama", "kode_skpd"))


def nama_skpd(con: duckdb.DuckDBPyConnection, kode: str, config: Any, tahun: int) -> str:
    return nama_skpd_all(con, config, [kode])[kode]


def nama_skpd_all(con: duckdb.DuckDBPyConnection, config: Any, kodes: list[str]) -> dict[str, str]:
    """The name publishing gives each SKPD code: the city's and `[skpd]` names from the
    configuration, else the first name core.skpd holds for it (one query per column pair for all
    the codes, instead of one per code), else `SKPD <kode>`."""
    out: dict[str, str] = {}
    rest: list[str] = []
    names = config.get("skpd", {}) or {}
    for kode in dict.fromkeys(kodes):
        if kode == KOTA:
            out[kode] = str(config.get("publish.nama_kota", None) or "Pemerintah Kota")
        elif isinstance(names, dict) and names.get(kode):
            out[kode] = _tidy_name(str(names[kode]))
        else:
            rest.append(kode)
    for name_col, code_col in _NAMA_COLUMNS:
        if not rest:
            break
        try:
            rows = con.execute(f"select {code_col}, {name_col} from core.skpd where {code_col} in "
                               f"(select unnest(?)) and {name_col} is not null", [rest]).fetchall()
        except duckdb.Error:
            continue
        first: dict[Any, Any] = {}
        for code, name in rows:  # what `... where code = ? limit 1` gives: the first in the table
            first.setdefault(code, name)
        still = []
        for kode in rest:
            name = first.get(kode)
            if name:
                out[kode] = _tidy_name(str(name))
            else:
                still.append(kode)
        rest = still
    for kode in rest:
        out[kode] = f"SKPD {kode}"
    return out


def _tidy_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip()
    return name.title() if name.isupper() else name


WARNING_VIEWS = {"peringatan"}


def _peringatan(view: str, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "severity": row.get("severity") or "warning",
        "source_file": row.get("source_file") or f"laporan.{view}",
        "sheet": row.get("tabel") or row.get("sheet"),
        "excel_row": row.get("excel_row"),
        "kolom": row.get("kode") or row.get("kolom"),
        "nilai": row.get("indikator") or row.get("nilai"),
        "diharapkan": row.get("diharapkan"),
        "pesan": row.get("pesan"),
    }


def load_issues(con: duckdb.DuckDBPyConnection, tahun: int, kode: str) -> list[dict[str, Any]]:
    """Warnings of the files behind this SKPD/year from meta.issues (empty when there is none)."""
    base = (
        "select i.severity, f.source_file, i.sheet, i.excel_row, i.kolom, i.nilai, i.diharapkan, i.pesan "
        "from meta.issues i left join meta.files f on f.file_sha256 = i.file_sha256 "
        "where (f.tahun = ? or f.tahun is null) and (? or f.kode_skpd = ? or f.kode_skpd is null) "
        "order by f.source_file, i.sheet, i.excel_row"
    )
    try:
        _, rows = _fetch(con, base, [tahun, kode == KOTA, kode])
        return rows
    except duckdb.Error:
        pass
    try:
        _, rows = _fetch(con, "select * from meta.issues", [])
        return rows
    except duckdb.Error:
        return []


def load_unit(
    con: duckdb.DuckDBPyConnection, tahun: int, kode: str, config: Any, views: list[str] | None = None
) -> UnitData:
    views = list_views(con) if views is None else views
    tables: dict[str, Table] = {}
    issues: list[dict[str, Any]] = load_issues(con, tahun, kode)
    sdt: list[int] = []
    for v in views:
        cols = _columns(con, v)
        where, params = [], []
        if "tahun" in cols:
            where.append("tahun = ?")
            params.append(tahun)
        if "kode_skpd" in cols:
            where.append("kode_skpd = ?")
            params.append(kode)
        sql = f'select * from laporan."{v}"' + (" where " + " and ".join(where) if where else "")
        if "urutan" in cols:  # a view's own order column; a view without ORDER BY has no order
            sql += " order by urutan"
        cols, rows = _fetch(con, sql, params)
        if v in WARNING_VIEWS:  # warnings computed by the model go to the Validasi sheet
            issues.extend(_peringatan(v, r) for r in rows)
            continue
        if "s_d_triwulan" in cols:
            marks = {r["s_d_triwulan"] for r in rows if r.get("s_d_triwulan") is not None}
            if len(marks) > 1:  # several cut-offs in one view: publish the latest
                rows = [r for r in rows if r.get("s_d_triwulan") in (None, max(marks))]
            sdt.extend(int(m) for m in marks)
        for t in flatten(Table(v, cols, rows)):
            tables[t.id] = t
    ordered = {k: tables[k] for k in sort_ids(list(tables))}
    return UnitData(
        tahun=tahun,
        kode_skpd=kode,
        nama_skpd=nama_skpd(con, kode, config, tahun),
        s_d_triwulan=max(sdt) if sdt else None,
        tables=ordered,
        issues=issues,
    )


def num(value: Any) -> float | None:
    """A number for arithmetic/plots (Decimal money included); None for blanks and text."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        f = float(value)
        return None if f != f else f
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return None
