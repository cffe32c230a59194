"""SIPD Penatausahaan "Laporan Realisasi Per Dokumen" (docs/sipd.md 6b).

One row per document x sub kegiatan x rekening. Recognised by its title (`LAPORAN REALISASI PER
DOKUMEN`) or by its header (`Jenis Dokumen`, `Nilai Realisasi`, `Kode Sub Kegiatan`...); columns
from ``columns/realisasi_dokumen.csv``. Every row is staged as printed (codes as text, money exact,
dates parsed from `7 Januari 2024` / Excel dates); which rows count, with which sign and date, is
the configured rule (:mod:`lkip.sipd_rules`) applied by the model (`core.dokumen_dihitung`). The
reader uses the same rule to reject a file with a Jenis Dokumen x Jenis Transaksi the rule does not
know, a counted row without sub kegiatan or without the date that dates it, and any date outside
the year. The file is cumulative: ``periode_akhir`` (its latest date) is the replacement key.
A city-wide file (no SKPD in the title, several in its Kode SKPD column) gets each row's SKPD in
the frame's ``kode_skpd`` column and each SKPD's own metadata in ``meta.bagian``
(:mod:`lkip.extract.dokumen_skpd`); it is staged as one part per SKPD (:mod:`lkip.skpd_parts`).

Conversion is per column with a cache of distinct texts (dates and codes repeat), one pass over
the grid.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from decimal import Decimal
from typing import Any, Callable

import numpy as np
import pandas as pd

from lkip import sipd_rules
from lkip.extract import dokumen_skpd, realisasi_dokumen_fast
from lkip.extract.base import FileMeta, ReadResult
from lkip.extract.common import (
    cell_error,
    check_jumlah_row,
    convert_column,
    no_header_issue,
    printed_label,
    text_or_none,
)
from lkip.extract.header import iter_data_rows, read_title_meta
from lkip.extract.parse import ParseError, normalize_code, parse_date, to_money
from lkip.extract.reader import Reader
from lkip.extract.register_rules import year_from_dates
from lkip.extract.sheets import chosen_sheets, head_grid, locate_table, recognition_score, visible_sheets
from lkip.extract.skpd import column_codes, resolve_skpd
from lkip.issues import ERROR, Issue, error, warning
from lkip.tables.realisasi_dokumen import REALISASI_DOKUMEN

KIND = "realisasi_dokumen"
TABLE = "realisasi_dokumen"
TITLE = re.compile(r"LAPORAN\s+REALISASI\s+PER\s+DOKUMEN")
CODES = ("kode_sub_skpd", "kode_program", "kode_kegiatan", "kode_sub_kegiatan", "kode_rekening")
TEXTS = ("nama_sub_skpd", "nama_sub_kegiatan", "nama_rekening", "nomor_dokumen", "keterangan",
         "nomor_sp2d", "nomor_spp", "nomor_spm")
DATES = ("tanggal_dokumen", "tanggal_sp2d", "tanggal_transfer")
MONEY = ("nilai_realisasi", "nilai_setoran", "nilai_sp2d")
COLUMNS = REALISASI_DOKUMEN.reader_columns
KEY_FIELDS = ("nomor_dokumen", "kode_sub_kegiatan", "jenis_dokumen")
LABEL_FIELDS = ("kode_skpd", "nama_skpd", "kode_program", "nomor_dokumen")
FIELD_LABEL = {"jenis_dokumen": "Jenis Dokumen", "jenis_transaksi": "Jenis Transaksi",
               "kode_sub_kegiatan": "Kode Sub Kegiatan", "tanggal_dokumen": "Tanggal Dokumen",
               "tanggal_sp2d": "Tanggal SP2D", "tanggal_transfer": "Tanggal Transfer",
               "nilai_realisasi": "Nilai Realisasi", "nilai_setoran": "Nilai Setoran", "nilai_sp2d": "Nilai SP2D"}


def matches(sheet: Any) -> int:
    # Its header half-fits the SIMDA register's map (Nomor/Tanggal/Nilai SP2D, Jenis ...): the
    # documents' own columns score far higher.
    return recognition_score(head_grid(sheet), TITLE, KIND,
                             header_needs={"jenis_dokumen", "nilai_realisasi", "nilai_setoran"})


def _empty_frame() -> pd.DataFrame:
    return REALISASI_DOKUMEN.empty_frame()


def read(workbook: Any, rules: list[sipd_rules.Rule] | None = None, config: Any = None) -> ReadResult:
    sheets = visible_sheets(workbook)
    if not sheets:
        return ReadResult(KIND, FileMeta(), {TABLE: _empty_frame()},
                          [error("Workbook tidak memiliki sheet yang terlihat")])
    rules = rules if rules is not None else sipd_rules.load_rules(config)
    sheet = chosen_sheets(workbook, matches)[0]
    return read_sheet(sheet, rules)


def read_sheet(sheet: Any, rules: list[sipd_rules.Rule]) -> ReadResult:
    if getattr(sheet, "n_rows_hint", 0) >= realisasi_dokumen_fast.FAST_MIN_ROWS and hasattr(sheet, "strings"):
        fast = realisasi_dokumen_fast.read_fast(sheet, KIND, rules, sys.modules[__name__])
        if fast is not None:
            return fast
    name = sheet.name
    rows, header, lines = locate_table(sheet, KIND)
    meta = read_title_meta(lines)
    if header is None:
        return ReadResult(KIND, meta, {TABLE: _empty_frame()},
                          [no_header_issue(name, rows, KIND, "Laporan Realisasi Per Dokumen")])
    issues: list[Issue] = []
    cols = header.columns
    lbl = {f: printed_label(header, f, FIELD_LABEL.get(f, f)) for f in cols}
    excel_rows: list[int] = []
    vals: dict[str, list[Any]] = {f: [] for f in cols}
    totals = []
    for dr in iter_data_rows(rows, header, text_fields={"keterangan", "nama_sub_kegiatan", "nama_rekening"},
                             key_fields=KEY_FIELDS, label_fields=LABEL_FIELDS):
        if dr.is_total:
            totals.append(dr)
            continue
        excel_rows.append(dr.excel_row)
        for f in cols:
            vals[f].append(dr.values[f])
    n = len(excel_rows)
    col = _Columns(name, vals, excel_rows, lbl, issues, n)
    data: dict[str, list[Any]] = {}
    for f in CODES:
        data[f] = col.convert(f, normalize_code, (), None, "kode (mis. '1.02.02.2.02.0033')")
    for f in TEXTS:
        data[f] = [text_or_none(v) for v in vals[f]] if f in vals else [None] * n
    for f in MONEY:
        data[f] = col.convert(f, to_money, (int, float, Decimal), to_money, "angka rupiah")
    for f in DATES:
        data[f] = col.convert(f, parse_date, (dt.date,), parse_date, "tanggal (mis. '7 Januari 2024')")
    data["jenis_dokumen"] = [sipd_rules.normalise_jenis(v) for v in vals.get("jenis_dokumen", [None] * n)]
    data["jenis_transaksi"] = [sipd_rules.normalise_jenis(v) for v in vals.get("jenis_transaksi", [None] * n)]

    year_from_dates(meta, [d for d in data["tanggal_dokumen"] if d is not None], name, issues)
    _check_rows(name, data, vals, excel_rows, lbl, rules, meta.tahun, issues)
    in_column = column_codes(vals.get("kode_skpd", []))
    several = dokumen_skpd.several(meta, in_column)      # a city-wide file: one part per SKPD
    if not several:
        if meta.kode_skpd is None and len(in_column) == 1:
            meta.kode_skpd = next(iter(in_column))      # SIPD prints it in its Kode SKPD column, not the title
        unit_from_numbers(meta, in_column, set(data["nomor_dokumen"]), name, issues)
        resolve_skpd(meta, [], in_column, name, issues,
                     lbl.get("kode_sub_kegiatan", "Kode Sub Kegiatan"), lbl.get("kode_skpd", "Kode SKPD"))
    dates = [d for f in DATES for d in data[f] if d is not None and (meta.tahun is None or d.year == meta.tahun)]
    if dates:
        meta.periode_akhir = max(dates)
        meta.periode_awal = dt.date(meta.periode_akhir.year, 1, 1)
        meta.s_d_triwulan = (meta.periode_akhir.month - 1) // 3 + 1
    row_skpd = periode = None
    if several:
        latest = dokumen_skpd.latest_in_year([np.array(data[f], dtype="datetime64[D]") for f in DATES], meta.tahun)
        row_skpd, periode = dokumen_skpd.split_rows(
            meta, pd.Series(vals["kode_skpd"], dtype=object), pd.Series(data["kode_sub_skpd"], dtype=object), latest,
            name, np.array(excel_rows, dtype=np.int64), lbl.get("kode_skpd", "Kode SKPD"), issues)
    records = [{f: data[f][i] for f in MONEY} for i in range(n)]
    for dr in totals:
        check_jumlah_row(name, header, dr, records, ["nilai_realisasi", "nilai_setoran"], "dokumen", issues)
    df = pd.DataFrame({
        "urutan": pd.array(range(1, n + 1), dtype="Int64"),
        **{f: pd.Series(data[f], dtype="object") for f in (*CODES, *TEXTS, "jenis_dokumen", "jenis_transaksi",
                                                           *DATES, *MONEY)},
        "periode_akhir": pd.Series([meta.periode_akhir] * n if periode is None else periode.astype(object), dtype="object"),
        "sheet": pd.Series([name] * n, dtype="object"),
        "excel_row": pd.array(excel_rows, dtype="Int64"),
    }, columns=COLUMNS)
    with_skpd_and_rows(df, row_skpd, name, header, issues)
    if row_skpd is not None:
        dokumen_skpd.sub_units_per_skpd(meta, row_skpd, pd.Series(data["kode_sub_skpd"], dtype=object), np.array(excel_rows), name,
                                        lbl.get("kode_sub_skpd", "Kode Sub SKPD"), issues, sub_units)
    else:
        sub_units(meta, set(data["kode_sub_skpd"]), name, lbl.get("kode_sub_skpd", "Kode Sub SKPD"), issues)
    issues.sort(key=lambda x: (x.excel_row or 0))
    return ReadResult(KIND, meta, {TABLE: df}, issues)


_UNIT = re.compile(r"(?<![\d.])(\d+(?:\.\d+){7})(?![\d.])")   # an eight-segment unit code inside a number


def unit_from_numbers(meta: FileMeta, in_column: set[str], numbers: set[Any], sheet: str, issues: list[Issue]) -> None:
    """No SKPD in the title nor a Kode SKPD column: the unit code SIPD prints inside every document
    number (`72.71/TBP/000140/1.02.0.00.0.00.01.0000/12/2024`), when they all name the same one."""
    if meta.kode_skpd is not None or in_column:
        return
    units = {m.group(1) for v in numbers if isinstance(v, str) for m in [_UNIT.search(v)] if m}
    if len(units) == 1:
        meta.kode_skpd = next(iter(units))
        issues.append(warning(f"Kode Perangkat Daerah tidak ada di judul maupun kolom Kode SKPD; dipakai "
                              f"{meta.kode_skpd} dari Nomor Dokumen", sheet=sheet, nilai=meta.kode_skpd,
                              diharapkan="kolom Kode SKPD"))


def with_skpd_and_rows(df: pd.DataFrame, row_skpd: Any, name: str, header: Any, issues: list[Issue]) -> None:
    """The last steps of both readers on the frame they built: each row's SKPD (a city-wide file)
    as its own column, and an error when the sheet has no document row."""
    if row_skpd is not None:
        df[dokumen_skpd.ROW_COLUMN] = row_skpd.to_numpy()
    if len(df) == 0:
        issues.append(error("Laporan Realisasi Per Dokumen tidak berisi baris dokumen", sheet=name,
                            excel_row=header.excel_row + 1, diharapkan="minimal satu baris di bawah judul kolom"))


def sub_units(meta: FileMeta, codes: set[Any], sheet: str, kolom: str, issues: list[Issue]) -> None:
    """Sub units (UPTD, Puskesmas as BLUD) other than the SKPD itself: their documents count for
    the SKPD (docs/sipd.md 3); said once, so the officer knows they are consolidated."""
    others = sorted(c for c in codes if isinstance(c, str) and c and c != meta.kode_skpd)
    if others and meta.kode_skpd:
        issues.append(warning(
            f"Dokumen dari {len(others)} sub unit selain {meta.kode_skpd} ({', '.join(others[:5])}"
            f"{', …' if len(others) > 5 else ''}) dihitung sebagai realisasi Perangkat Daerah {meta.kode_skpd}",
            sheet=sheet, kolom=kolom, nilai=others[0], diharapkan=f"Kode Sub SKPD {meta.kode_skpd}"))


class _Columns:
    """Per-column conversion with each failing cell reported (file, sheet, row, column, value)."""

    def __init__(self, sheet: str, vals: dict[str, list[Any]], rows: list[int], lbl: dict[str, str],
                 issues: list[Issue], n: int) -> None:
        self.sheet, self.vals, self.rows, self.lbl, self.issues, self.n = sheet, vals, rows, lbl, issues, n

    def convert(self, f: str, fn: Callable[[Any], Any], fast: tuple[type, ...], fast_fn: Any, expected: str) -> list[Any]:
        if f not in self.vals:
            return [None] * self.n

        def on_error(row: int, value: Any, exc: ParseError) -> None:
            self.issues.append(cell_error(self.sheet, row, self.lbl.get(f, f), value, exc.expected or expected,
                                          f"{FIELD_LABEL.get(f, f)} {value!r} bukan {exc.expected or expected}"))
        return convert_column(self.vals[f], self.rows, fn, fast, fast_fn, on_error)


def _check_rows(sheet: str, data: dict[str, list[Any]], vals: dict[str, list[Any]], rows: list[int],
                lbl: dict[str, str], rules: list[sipd_rules.Rule], tahun: int | None, issues: list[Issue]) -> None:
    """The rule knows every row's jenis; a counted row has its sub kegiatan and its date; every date
    lies in the year."""
    known = sipd_rules.known_combinations(rules)
    cache: dict[tuple[Any, Any], sipd_rules.Rule | None] = {}
    for i, row in enumerate(rows):
        key = (data["jenis_dokumen"][i], data["jenis_transaksi"][i])
        if key not in cache:
            cache[key] = sipd_rules.classify(rules, *key)
        rule = cache[key]
        if rule is None:
            raw = f"{vals.get('jenis_dokumen', [None] * len(rows))[i]} / {vals.get('jenis_transaksi', [None] * len(rows))[i]}"
            issues.append(error(
                f"Jenis Dokumen / Jenis Transaksi tidak dikenal aturan realisasi: {raw}",
                sheet=sheet, excel_row=row, kolom=lbl.get("jenis_dokumen", "Jenis Dokumen"), nilai=raw,
                diharapkan=f"salah satu dari: {known} (aturan [[sipd.dokumen]] di konfigurasi)"))
            continue
        if not rule.counts:
            continue
        if data["kode_sub_kegiatan"][i] is None:
            issues.append(error(
                f"Dokumen {rule.jenis_dokumen} yang dihitung sebagai realisasi tanpa Kode Sub Kegiatan",
                sheet=sheet, excel_row=row, kolom=lbl.get("kode_sub_kegiatan", "Kode Sub Kegiatan"), nilai=None,
                diharapkan="kode sub kegiatan (mis. '1.02.02.2.02.0033')"))
        if not any(data[t][i] is not None for t in rule.tanggal):
            names = " / ".join(FIELD_LABEL[t] for t in rule.tanggal)
            issues.append(error(
                f"Dokumen {rule.jenis_dokumen} tanpa tanggal: {names} kosong", sheet=sheet, excel_row=row,
                kolom=lbl.get(rule.tanggal[0], FIELD_LABEL[rule.tanggal[0]]), nilai=None,
                diharapkan=f"tanggal di kolom {names}"))
    if tahun is None:
        return
    for f in DATES:
        for i, d in enumerate(data[f]):
            if d is not None and d.year != tahun:
                issues.append(cell_error(
                    sheet, rows[i], lbl.get(f, FIELD_LABEL[f]), vals[f][i], f"tanggal dalam tahun anggaran {tahun}",
                    f"{FIELD_LABEL[f]} {d:%d/%m/%Y} di luar tahun anggaran {tahun}"))


# The configuration reaches ``read`` (reads_config): the rule may be overridden in lkip.toml.
# A cumulative export (every document up to its last date); its sub kegiatan must be in the DPA
# (money: an error, as for the SP2D register).
READER = Reader(kind=KIND, label="Laporan Realisasi Per Dokumen (SIPD)", order=5, tables=(REALISASI_DOKUMEN,),
                matches=matches, read=read, column_map=KIND, reads_config=True, replaced_by="cumulative",
                replacement_codes=(TABLE, "kode_sub_kegiatan", "kode_sub_kegiatan IS NOT NULL", "sub kegiatan"),
                renja_check=(TABLE, "Kode Sub Kegiatan", ERROR, "kode_sub_kegiatan"))
