"""How a table prints: title, column labels, multi-row headers, value kinds, row emphasis.

Shared by the workbook and the HTML page so both look like the report.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from . import memo
from .data import LINEAGE, ROMAWI, Table, UnitData
from .labels import COLUMNS, SUMMARY_KINDS, column_label, row_kind, table_short, table_title, total_word

SUMBER_ANGGARAN = "Sumber: SIMDA Keuangan (LRA, Register SP2D) dan SIENCANG (Renja/DPA Perubahan), diolah"
SUMBER_KINERJA = "Sumber: SIENCANG (Renstra, Perjanjian Kinerja/IKU) dan data dukung IKU, diolah"
SUMBER = {
    "tabel_2_1": "Sumber: SIENCANG (Renstra), diolah",
    "tabel_2_3": "Sumber: SIENCANG (Perjanjian Kinerja), diolah",
    "tabel_2_4": "Sumber: SIENCANG (Anggaran Kas DPA Perubahan), diolah",
    "tabel_2_5": "Sumber: SIENCANG (Renja/DPA Perubahan), diolah",
    "tabel_3_efisiensi": "Sumber: SIMDA Keuangan dan SIENCANG (Dukungan Anggaran IKU), diolah",
    "tabel_3_skm": "Sumber: Hasil Survei Kepuasan Masyarakat, diolah",
    "tabel_3_akip": "Sumber: Hasil Evaluasi AKIP Perangkat Daerah, diolah",
    "tabel_3_bumd": "Sumber: Penilaian Tingkat Kesehatan BUMD, diolah",
    "tabel_3_30": SUMBER_ANGGARAN,
    "tabel_3_31": SUMBER_ANGGARAN,
    "tabel_3_32": SUMBER_ANGGARAN,
    "lampiran_3": "Sumber: SIMDA Keuangan / SIENCANG (Form Realisasi Kinerja), diolah",
    "rekonsiliasi": SUMBER_ANGGARAN,
}

LABELS = COLUMNS  # the one label map lives in labels.py

HIDDEN = set(LINEAGE) | {"urutan"}
STRUCTURAL_LEVELS = {"program", "indikator_program", "kegiatan", "indikator", "rekening", "jumlah", "total",
                     "iku", "sasaran", "rata_rata", "rata-rata", "skpd", "ringkasan",
                     "unit", "opd", "bumd", "rekap"}  # a `baris` column of these only is not printed
INDENT = {"program": 0, "indikator_program": 1, "kegiatan": 1, "sub_kegiatan": 2, "indikator": 2,
          "rekening": 2, "tujuan": 0, "sasaran": 1}
TEXT_INDENT_COLS = ("uraian", "program", "kegiatan", "nama_kegiatan", "indikator", "indikator_program")
TOTAL_WORDS = {"JUMLAH", "TOTAL", "RATA-RATA", "RATA RATA", "JUMLAH/RATA-RATA", "JUMLAH SKPD", "TOTAL SKPD"}
MONEY_NAMES = {"pagu", "pagu_murni", "pagu_perubahan", "rp_realisasi", "anggaran", "sisa", "selisih", "nilai_rp"}
MONEY_PREFIXES = ("pagu", "kas_tw", "rp_tw", "anggaran", "realisasi_sd", "belanja_", "sp2d", "lra", "form_rp")


def title_of(table: Table, unit: UnitData) -> str:
    """The table's title with its report number: 'Tabel 3-30 Pagu Anggaran ... Tahun 2020'."""
    return table_title(table.id, unit.nama_skpd, unit.periode, table.base_id)


def short_title(table: Table) -> str:
    return table_short(table.id)


def sumber_of(table: Table) -> str:
    for key in (table.id, table.base_id or ""):
        if key in SUMBER:
            return SUMBER[key]
    for b in sorted(SUMBER, key=len, reverse=True):
        if table.id.startswith(b + "_"):
            return SUMBER[b]
    return SUMBER_KINERJA


def label_of(col: str, tahun: int) -> str:
    return column_label(col, tahun)


# ---- value kinds -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ColumnKind:
    kind: str        # text | money | pct | number | integer | code | bool
    decimals: int    # decimals shown


def _is_pct(col: str) -> bool:
    return col.endswith("_pct") or col.startswith("persen") or col == "rp_pct_tertimbang"


def column_kind(table: Table, col: str) -> ColumnKind:
    """The kind of a column's values (once per table and column inside a memo.unit_scope)."""
    return memo.cached(table, ("kind", col), lambda: _column_kind(table, col))


def _column_kind(table: Table, col: str) -> ColumnKind:
    raw = table.col(col)
    # the set of the values' types first (a city's column: ~18 000 values): most columns are all
    # Decimal or all text, decided without a Python-level test per value; a column holding any
    # other type (a subclass) takes the per-value tests, which decide the same for these
    types = set(map(type, raw))
    types.discard(type(None))
    if not types <= _PLAIN_TYPES:
        return _column_kind_per_value(table, col, raw)
    if str in types:
        if any(type(v) is str and v != "" for v in raw):
            return ColumnKind("text", 0)
        types.discard(str)  # only empty texts: as missing values
    if not types:
        return ColumnKind("text", 0)
    if types == {bool}:
        return ColumnKind("bool", 0)
    if bool in types:   # bool among numbers
        return ColumnKind("text", 0)

    def has_frac() -> bool:
        if Decimal in types:
            decimals = [v for v in raw if type(v) is Decimal]
            if any(map(operator.ne, decimals, map(Decimal.to_integral_value, decimals))):
                return True
        return float in types and any(float(v) != round(float(v)) for v in raw if type(v) is float)

    return _numeric_kind(table, col, has_frac, types == {Decimal})


_PLAIN_TYPES = frozenset((str, bool, int, float, Decimal))


def _column_kind_per_value(table: Table, col: str, raw: list[Any]) -> ColumnKind:
    values = [v for v in raw if v is not None and v != ""]
    if values and all(isinstance(v, bool) for v in values):
        return ColumnKind("bool", 0)
    numeric = values and all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in values)
    if not numeric:
        return ColumnKind("text", 0)
    return _numeric_kind(table, col, lambda: any(float(v) != round(float(v)) for v in values),
                         all(isinstance(v, Decimal) for v in values))


def _numeric_kind(table: Table, col: str, fraction: Callable[[], bool], all_decimal: bool) -> ColumnKind:
    """A numeric column's kind; `fraction()`: whether a value has a fractional part (not asked
    for a percentage, which always shows two decimals)."""
    if _is_pct(col):
        return ColumnKind("pct", 2)
    has_frac = fraction()
    money = (
        col in MONEY_NAMES or col.startswith(MONEY_PREFIXES)
        or (col == "realisasi" and "pagu" in table.columns)
        or all_decimal
    )
    if money:
        return ColumnKind("money", 2 if has_frac else 0)
    if col in ("no", "iku_no", "urutan") or col.startswith("tahun") or col.endswith("_renstra") and "tahun" in col:
        return ColumnKind("code", 0)
    return ColumnKind("number", 2 if has_frac else 0)


# ---- headers -----------------------------------------------------------------------------------

def display_columns(table: Table) -> list[str]:
    """Columns as printed: lineage hidden, structural `level` hidden, K/Rp interleaved per quarter."""
    cols = [c for c in table.columns if c not in HIDDEN]
    for c in ("level", "baris"):
        if c in cols:
            levels = {str(v).lower() for v in table.col(c) if v}
            if not levels or levels <= STRUCTURAL_LEVELS:
                cols.remove(c)
    if "skpd_asal" in cols and all(v in (None, "") for v in table.col("skpd_asal")):
        cols.remove("skpd_asal")
    k = [c for c in cols if re.fullmatch(r"k_tw\d", c)]
    rp = [c for c in cols if re.fullmatch(r"rp_tw\d", c)]
    if k and rp:
        first = min(cols.index(c) for c in k + rp)
        rest = [c for c in cols if c not in k and c not in rp]
        quarters = sorted({c[-1] for c in k + rp})
        pairs = []
        for q in quarters:
            pairs += [c for c in (f"k_tw{q}", f"rp_tw{q}") if c in cols]
        before = [c for c in rest if cols.index(c) < first]
        after = [c for c in rest if cols.index(c) > first]
        cols = before + pairs + after
    return cols


def header_path(col: str, tahun: int, s_d_triwulan: int | None) -> tuple[str, ...]:
    m = re.fullmatch(r"(k|rp)_tw(\d)", col)
    if m:
        return ("Realisasi Kinerja dan Anggaran", f"Triwulan {ROMAWI.get(int(m[2]), m[2])}",
                "K" if m[1] == "k" else "Rp")
    if col in ("k_realisasi", "rp_realisasi"):
        head = "Realisasi" if not s_d_triwulan or s_d_triwulan >= 4 else \
            f"Realisasi s.d. Triwulan {ROMAWI.get(s_d_triwulan, s_d_triwulan)}"
        return (head, LABELS[col])
    if col in ("capaian_k_pct", "capaian_rp_pct"):
        return ("Capaian (%)", LABELS[col])
    m = re.fullmatch(r"kas_tw(\d)", col)
    if m:
        return ("Rencana Anggaran Kas (Rp)", f"Triwulan {ROMAWI.get(int(m[1]), m[1])}")
    m = re.fullmatch(r"target_tw(\d)", col)
    if m:
        return ("Target Triwulan", ROMAWI.get(int(m[1]), m[1]))
    m = re.fullmatch(r"(\w+?)_(\d{4})", col)
    if m:
        return (label_of(m[1], tahun), m[2])
    return (label_of(col, tahun),)


@dataclass
class HeaderCell:
    row: int
    col: int
    last_row: int
    last_col: int
    text: str


def header_cells(cols: list[str], tahun: int, s_d_triwulan: int | None) -> tuple[int, list[HeaderCell]]:
    """Merged header cells (0-based, relative to the header block) and the header's height."""
    paths = [header_path(c, tahun, s_d_triwulan) for c in cols]
    depth = max((len(p) for p in paths), default=1)
    cells: list[HeaderCell] = []

    def walk(level: int, start: int, end: int) -> None:
        i = start
        while i < end:
            p = paths[i]
            if len(p) == level + 1:  # leaf: spans down to the bottom row
                cells.append(HeaderCell(level, i, depth - 1, i, p[level]))
                i += 1
                continue
            j = i + 1
            while j < end and len(paths[j]) > level + 1 and paths[j][: level + 1] == p[: level + 1]:
                j += 1
            cells.append(HeaderCell(level, i, level, j - 1, p[level]))
            walk(level + 1, i, j)
            i = j

    walk(0, 0, len(cols))
    return depth, cells


# ---- row emphasis ------------------------------------------------------------------------------

def row_style(table: Table, row: dict[str, Any]) -> tuple[bool, int, str]:
    """(bold, indent, role) of a row; role is 'total', 'program' or '' (inside a memo.unit_scope
    worked out for all the table's rows at once, the first time one is asked: the rows are held by
    their table, so a row's id stands for it meanwhile)."""
    if not memo.active():
        return _row_style(table, row)
    got = memo.cached(table, "styles", lambda: {id(r): _row_style(table, r) for r in table.rows}).get(id(row))
    return got if got is not None else _row_style(table, row)


def row_style_alone(table: Table, row: dict[str, Any]) -> tuple[bool, int, str]:
    """row_style of one row, without working out every row of the table (row_cache renders only
    the rows it has not kept)."""
    return _row_style(table, row)


_TOTAL_LEVELS = frozenset(("jumlah", "total", "rata_rata", "rata-rata", "rekap"))
_TOTAL_TEXT_COLS = ("uraian", "program", "kode", "indikator", "sasaran", "nama", "unit", "perangkat_daerah")


def _row_style(table: Table, row: dict[str, Any]) -> tuple[bool, int, str]:
    level = str(row.get("level") or row.get("baris") or "").lower()
    if level in _TOTAL_LEVELS or _says_total(row):
        return True, 0, "total"
    if level in CHILD_LEVELS and _has_children(table, level):  # a plain list of programs is not emphasised
        return True, 0, "program"
    return False, INDENT.get(level, 0), ""


def _says_total(row: dict[str, Any]) -> bool:
    """Whether a text column of the row says JUMLAH, TOTAL, RATA-RATA … (an empty one says nothing)."""
    get = row.get
    for c in _TOTAL_TEXT_COLS:
        v = get(c)
        if v and str(v).strip().upper() in TOTAL_WORDS:
            return True
    return False


# rows that head others when the table has those others: a program its kegiatan, an IKU its kegiatan
CHILD_LEVELS = {"program": {"kegiatan", "sub_kegiatan", "indikator", "indikator_program", "rekening"},
                "iku": {"kegiatan"}}


def _has_children(table: Table, level: str) -> bool:
    """Whether the table has rows of the levels below `level`; computed once per table."""
    levels = table.__dict__.get("_levels")
    if levels is None:
        levels = {str(r.get("level") or r.get("baris") or "").lower() for r in table.rows}
        table.__dict__["_levels"] = levels
    return bool(levels & CHILD_LEVELS[level])


def indent_column(cols: list[str]) -> str | None:
    for c in TEXT_INDENT_COLS:
        if c in cols:
            return c
    return None


# ---- what a reader sees in the cells -----------------------------------------------------------

def pct_sign(col: str, tahun: int, s_d_triwulan: int | None) -> bool:
    """Whether a percentage cell prints its own ' %': not when its header already says (%)."""
    return not any("%" in part for part in header_path(col, tahun, s_d_triwulan))


def display_rows(table: Table, cols: list[str], kinds: dict[str, ColumnKind]) -> list[tuple[dict, dict]]:
    """(row as stored, row as shown) per row: one total word (JUMLAH), readable row kinds in a printed
    `level`/`baris` column, and a summary row (rata-rata, rekap) labelled in its first empty text column.
    Numbers are never touched. Inside a memo.unit_scope the same list is handed to every publisher
    of the unit (they only read it)."""
    key = ("rows", tuple(cols), tuple(kinds[c] for c in cols))
    return memo.cached(table, key, lambda: _display_rows(table, cols, kinds))


def _display_rows(table: Table, cols: list[str], kinds: dict[str, ColumnKind]) -> list[tuple[dict, dict]]:
    text_cols = shown_text_columns(cols, kinds)
    return [(row, shown_row(row, cols, text_cols)) for row in table.rows]


def shown_text_columns(cols: list[str], kinds: dict[str, ColumnKind]) -> list[str]:
    """The printed text columns a summary row's label may go in (shown_row's `text_cols`)."""
    return [c for c in cols if kinds[c].kind == "text" and c not in ("level", "baris")]


def shown_row(row: dict[str, Any], cols: list[str], text_cols: list[str]) -> dict[str, Any]:
    """One row as shown (display_rows): a function of the row alone, given the printed columns."""
    shown = dict(row)
    for c in cols:
        v = shown.get(c)
        if c in ("level", "baris") and v not in (None, ""):
            shown[c] = row_kind(v)
        elif isinstance(v, str):
            shown[c] = total_word(v)
    kind = str(row.get("level") or row.get("baris") or "").lower()
    label = SUMMARY_KINDS.get(kind)
    if label and text_cols:
        said = {str(shown.get(c) or "").strip().upper() for c in text_cols}
        if not said & (TOTAL_WORDS | {label.upper()}):
            for c in text_cols:
                if shown.get(c) in (None, ""):
                    shown[c] = label
                    break
    return shown


def style_columns(table: Table) -> tuple[str, ...]:
    """The columns a row's emphasis (row_style) reads, besides the table's levels."""
    return tuple(c for c in ("level", "baris", *_TOTAL_TEXT_COLS) if c in table.columns)


def table_levels(table: Table) -> frozenset[str]:
    """Every row level of the table: with a row's own columns, all its emphasis depends on."""
    _has_children(table, "program")  # fills the table's level set
    return frozenset(table.__dict__["_levels"])
