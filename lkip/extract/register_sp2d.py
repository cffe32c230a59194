"""SIMDA Register SP2D (one row per disbursement order).

Reads the typed cell grid of a sheet (no type inference): numeric cells stay numbers, text is
parsed by the Indonesian rules of :mod:`lkip.extract.parse`, and every cell that fits no reading is
reported with its sheet, Excel row, column and value -- never nulled. Conversion runs per column
with fast paths for already-typed cells (numbers, dates) and a cache for repeated texts, so a
register of a million rows is one pass over the grid plus one pass per column.

The helpers it shares with the other readers are in :mod:`lkip.extract.common`; the register's
rules (jenis, JUMLAH rows, the year from the dates) in :mod:`lkip.extract.register_rules`, shared
with the column reader :mod:`lkip.extract.register_fast` used for big sheets.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable, Iterable

import pandas as pd

from lkip.extract.base import FileMeta, ReadResult
from lkip.extract.common import (  # noqa: F401  (text_or_none, printed_label: old names kept)
    blank,
    cell_error,
    convert_column,
    no_header_issue,
    printed_label,
    text_or_none,
)
from lkip.extract.header import find_header, iter_data_rows, load_column_map, read_title_meta, title_lines
from lkip.extract import register_fast, register_sp2d_sipd
from lkip.extract.parse import ParseError, normalize_code, parse_date, to_money
from lkip.extract.register_rules import (  # noqa: F401  (the rules stay importable from here)
    JENIS,
    JENIS_EXPECTED,
    KEY_FIELDS,
    LABEL_FIELDS,
    REALISASI_JENIS,
    check_totals,
    jenis_from_nomor,
    no_kegiatan_warning,
    normalize_jenis,
    year_from_dates,
)
from lkip.extract.sheets import grid, head_grid, recognition_score
from lkip.extract.sheets import visible_sheets as sheets_of
from lkip.extract.skpd import column_codes, resolve_skpd
from lkip.extract.reader import Reader
from lkip.issues import ERROR, Issue, error
from lkip.tables.register_sp2d import REGISTER_SP2D
from schemas import register_sp2d as schema

KIND = "register_sp2d"
TABLE = "register_sp2d"
COLUMNS = REGISTER_SP2D.reader_columns

# ---------------------------------------------------------------------------------------------
# Recognition
# ---------------------------------------------------------------------------------------------


def matches(sheet: Any) -> int:
    return recognition_score(head_grid(sheet), r"REGISTER\s+(SP2D|SURAT PERINTAH PENCAIRAN DANA)", KIND)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _empty_frame() -> pd.DataFrame:
    return REGISTER_SP2D.empty_frame()


def read(workbook: Any) -> ReadResult:
    sheets = sheets_of(workbook)
    if not sheets:
        return ReadResult(KIND, FileMeta(), {TABLE: _empty_frame()},
                          [error("Workbook tidak memiliki sheet yang terlihat")])
    best = max(sheets, key=matches)
    return read_sheet(best)


def read_sheet(sheet: Any) -> ReadResult:
    # SIPD-RI's register (Bruto / Potongan / Neto, deductions under merged SP2D cells): its own layout.
    sipd_header = register_sp2d_sipd.header_of(head_grid(sheet))
    if sipd_header is not None:
        return register_sp2d_sipd.read_sheet(sheet, grid(sheet), sipd_header)
    if getattr(sheet, "n_rows_hint", 0) >= register_fast.FAST_MIN_ROWS and hasattr(sheet, "strings"):
        fast = register_fast.read_fast(sheet, KIND, COLUMNS)
        if fast is not None:
            return fast
    name = sheet.name
    rows = grid(sheet)
    issues: list[Issue] = []
    cmap = load_column_map(KIND)
    header = find_header(rows, cmap)
    if header is None:
        return ReadResult(KIND, FileMeta(), {TABLE: _empty_frame()},
                          [no_header_issue(name, rows, KIND, "Register SP2D")])
    meta = read_title_meta(title_lines(rows, header.row + 1 - (header.n_rows - 1)))
    cols = header.columns
    has_kegiatan = "kode_kegiatan" in cols
    if not has_kegiatan:
        issues.append(no_kegiatan_warning(name, header))
    lbl = {f: printed_label(header, f, f) for f in cols}

    # One pass over the grid: data rows into columns; JUMLAH rows aside.
    excel_rows: list[int] = []
    col_vals: dict[str, list[Any]] = {f: [] for f in cols}
    totals: list[tuple[int, Any, int]] = []  # (excel_row, raw nilai, number of data rows before it)
    for dr in iter_data_rows(rows, header, text_fields={"uraian"}, key_fields=KEY_FIELDS,
                             label_fields=LABEL_FIELDS):
        # A JUMLAH row carries no SP2D number nor code ("Jumlah ..." may start an uraian).
        if dr.is_total:
            totals.append((dr.excel_row, dr.values.get("nilai"), len(excel_rows)))
            continue
        excel_rows.append(dr.excel_row)
        for f in cols:
            col_vals[f].append(dr.values[f])
    n = len(excel_rows)

    def reporter(field: str, expected: str) -> Callable[[int, Any, ParseError], None]:
        def on_error(row: int, value: Any, exc: ParseError) -> None:
            issues.append(cell_error(name, row, lbl.get(field, field), value, exc.expected or expected,
                                     f"{value!r} bukan {exc.expected or expected}"))
        return on_error

    # Nilai (money, exact).
    nilai_raw = col_vals["nilai"]
    nilai = convert_column(nilai_raw, excel_rows, to_money, (int, float, Decimal), to_money,
                           reporter("nilai", "angka rupiah"))
    bad_nilai = {iss.excel_row for iss in issues if iss.kolom == lbl["nilai"]}
    for i, v in enumerate(nilai):
        if v is None and excel_rows[i] not in bad_nilai:
            issues.append(cell_error(name, excel_rows[i], lbl["nilai"], nilai_raw[i], "angka rupiah",
                                     "Nilai SP2D kosong"))
        elif v is not None and v < 0:
            issues.append(cell_error(name, excel_rows[i], lbl["nilai"], nilai_raw[i], "angka ≥ 0",
                                     f"Nilai SP2D negatif: {nilai_raw[i]!r}"))

    # Tanggal: Excel dates fast, text by parse_date; a blank repeats the one above.
    tanggal_raw = col_vals["tanggal"]
    tgl = convert_column(tanggal_raw, excel_rows, parse_date, (dt.date,), parse_date,
                         reporter("tanggal", "tanggal (dd/mm/yyyy atau '31 Maret 2020')"))
    bad_tgl = {iss.excel_row for iss in issues if iss.kolom == lbl["tanggal"]}
    last: dt.date | None = None
    after_bad = False
    for i in range(n):
        if tgl[i] is None:
            if blank(tanggal_raw[i]):
                if last is None and not after_bad:
                    issues.append(cell_error(name, excel_rows[i], lbl["tanggal"], None, "tanggal SP2D",
                                             "Tanggal SP2D kosong dan tidak ada tanggal di baris sebelumnya"))
                tgl[i] = last
            # a bad cell stays None (already reported); the next blank does not inherit from it
            elif excel_rows[i] in bad_tgl:
                last, after_bad = None, True
                continue
        else:
            last, after_bad = tgl[i], False

    # Year: from the title, else from the dates (with a warning).
    year_from_dates(meta, tgl, name, issues)
    if meta.tahun is not None:
        for i, d in enumerate(tgl):
            if d is not None and d.year != meta.tahun:
                issues.append(cell_error(
                    name, excel_rows[i], lbl["tanggal"], tanggal_raw[i] if tanggal_raw[i] is not None else d,
                    f"tanggal dalam tahun anggaran {meta.tahun}",
                    f"Tanggal SP2D {d:%d/%m/%Y} di luar tahun anggaran {meta.tahun}"))

    # Text columns.
    def texts(field: str) -> list[str | None]:
        if field not in col_vals:
            return [None] * n
        return [text_or_none(v) for v in col_vals[field]]

    no = texts("no")
    nomor = texts("nomor_sp2d")
    uraian = texts("uraian")
    for i, v in enumerate(nomor):
        if v is None:
            issues.append(cell_error(name, excel_rows[i], lbl["nomor_sp2d"], None, "nomor SP2D",
                                     "Nomor SP2D kosong"))

    def codes(field: str) -> list[str | None]:
        if field not in col_vals:
            return [None] * n
        return convert_column(col_vals[field], excel_rows, normalize_code, (), None,
                              reporter(field, "kode rekening"))

    kode_kegiatan = codes("kode_kegiatan")
    kode_rekening = codes("kode_rekening")

    # Jenis: normalised; when blank (or no column), read from the SP2D number ("/SP2D-LS/").
    jenis_raw = col_vals.get("jenis", [None] * n)
    jenis: list[str | None] = [None] * n
    jcache: dict[Any, str | None] = {}
    for i in range(n):
        raw = jenis_raw[i]
        if blank(raw):
            j = jenis_from_nomor(nomor[i])
            if j is None:
                issues.append(cell_error(name, excel_rows[i], lbl.get("jenis", "Jenis SP2D"), raw,
                                         JENIS_EXPECTED, "Jenis SP2D kosong"))
        else:
            if raw not in jcache:
                jcache[raw] = normalize_jenis(raw)
            j = jcache[raw]
            if j is None:
                issues.append(cell_error(name, excel_rows[i], lbl["jenis"], raw,
                                         JENIS_EXPECTED,
                                         f"Jenis SP2D tidak dikenal: {raw!r}"))
        jenis[i] = j

    if has_kegiatan:
        bad_code_rows = {iss.excel_row for iss in issues if iss.kolom == lbl["kode_kegiatan"]}
        for i in range(n):
            if jenis[i] in REALISASI_JENIS and kode_kegiatan[i] is None and excel_rows[i] not in bad_code_rows:
                issues.append(cell_error(
                    name, excel_rows[i], lbl["kode_kegiatan"], col_vals["kode_kegiatan"][i],
                    "kode kegiatan (mis. '4.01.4.01.03.01.02')",
                    f"SP2D {jenis[i]} tanpa kode kegiatan"))

    # JUMLAH rows: each equals the sum of all rows above it (or, for a page subtotal, of the
    # rows since the previous JUMLAH); then skipped.
    check_totals(name, lbl["nilai"], totals,
                 lambda start, stop: sum((v for v in nilai[start:stop] if v is not None), Decimal("0.00")),
                 issues)

    resolve_skpd(meta, kode_kegiatan if has_kegiatan else [], column_codes(col_vals.get("kode_skpd", [])),
                 name, issues, lbl.get("kode_kegiatan", "Kode Kegiatan"), lbl.get("kode_skpd", "Kode SKPD"))

    df = pd.DataFrame({
        "urutan": pd.array(range(1, n + 1), dtype="Int64"),
        "no": pd.Series(no, dtype="object"),
        "tanggal": pd.Series(tgl, dtype="object"),
        "nomor_sp2d": pd.Series(nomor, dtype="object"),
        "kode_kegiatan": pd.Series(kode_kegiatan if has_kegiatan else [None] * n, dtype="object"),
        "kode_rekening": pd.Series(kode_rekening, dtype="object"),
        "uraian": pd.Series(uraian, dtype="object"),
        "jenis": pd.Series(jenis, dtype="object"),
        "nilai": pd.Series(nilai, dtype="object"),
        "has_kode_kegiatan": pd.Series([has_kegiatan] * n, dtype="bool"),
        "sheet": pd.Series([name] * n, dtype="object"),
        "excel_row": pd.array(excel_rows, dtype="Int64"),
    }, columns=COLUMNS)
    if n == 0:
        issues.append(error("Register SP2D tidak berisi baris SP2D", sheet=name, excel_row=header.excel_row + 1,
                            diharapkan="minimal satu baris SP2D di bawah judul kolom"))
    issues.sort(key=lambda x: (x.excel_row or 0))
    return ReadResult(KIND, meta, {TABLE: df}, issues)


__all__: Iterable[str] = ["KIND", "matches", "read", "read_sheet", "normalize_jenis", "JENIS"]


READER = Reader(kind=KIND, label="Register SP2D", order=3, tables=(REGISTER_SP2D,), matches=matches,
                read=read, column_map=KIND, validate=schema.validate_frames, replaced_by="period",
                replacement_codes=(TABLE, "kode_kegiatan", "kode_kegiatan IS NOT NULL", "kegiatan"),
                renja_check=(TABLE, "Kode Kegiatan", ERROR),
                other_maps=(register_sp2d_sipd.MAP,))   # the SIPD-RI layout (docs/sipd.md 6c)
