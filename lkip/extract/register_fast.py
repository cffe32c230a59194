"""The Register SP2D reader for big sheets: column-wise over Arrow, same results as the row reader.

A city's register has hundreds of thousands of rows. ``register_sp2d.read_sheet`` walks a grid of
Python objects row by row; here the sheet is read once as Arrow text (fastexcel, nothing inferred
and so nothing nulled) and every column is parsed with Arrow kernels, numpy over the text bytes, or
once per distinct value:

* the title block and header come from the top rows (``Sheet.head``), exactly as the row reader;
* rows that could be anything but an SP2D (blank, repeated header, JUMLAH, signature: few) go
  through the row reader's own classification (``header.iter_data_rows``); blank rows and exact
  copies of the header row, which it skips without further ado, are recognised column-wise;
* numbers follow ``parse_vec`` (the three-digit rule as Arrow kernels, property-tested against
  ``parse.py``); dates, codes and jenis go through the scalar functions once per distinct value;
  a blank date repeats the date above by a running index (numpy), not a loop.

Text alone cannot tell a numeric cell from a text cell: a numeric 1.732 and the text "1.732" (=
1 732) print alike. Where a column holds such a value, or an amount too large for a double to
print exactly, this returns None and the row reader runs instead: never a guess.

The frame holds no Python object per cell, and no more memory than it needs (on a VM a fresh page
costs more than the work done on it): ``tanggal`` is ``date32[pyarrow]``, ``nilai``
``decimal128(18, 2)[pyarrow]``, ``no`` and ``nomor_sp2d`` pandas ``str`` (Arrow), and the columns
of few distinct texts (``kode_kegiatan``, ``kode_rekening``, ``jenis``, ``sheet``, and ``uraian``
when its first rows repeat) pandas ``category`` with sorted categories, built from a dictionary
encoding of the sheet column (its text never copied). Values are the row reader's.
"""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lkip.extract.arrow_text import (
    Column,
    Distinct,
    bitmap,
    categorical,
    grouped,
    str_series,
    text_column,
    valid_mask,
)
from lkip.extract.arrow_text import few_distinct as _few_distinct  # a module name: tests replace it
from lkip.extract.base import ReadResult
from lkip.extract.common import cell_error, printed_label
from lkip.extract.header import read_title_meta, title_lines
from lkip.extract.parse import ParseError, normalize_code, parse_date
from lkip.extract.register_money import dsum, money_column, prefix_sums
from lkip.extract.register_rows import PLAIN_NUMBER, kept_rows, locate_text_table, shown
from lkip.extract.register_rules import (
    JENIS,
    JENIS_EXPECTED,
    REALISASI_JENIS,
    check_totals,
    jenis_from_nomor,
    no_kegiatan_warning,
    normalize_jenis,
    year_from_dates,
)
from lkip.extract.skpd import column_codes, resolve_skpd
from lkip.extract.workbook import TEXT_MIN_ROWS
from lkip.issues import Issue, error

FAST_MIN_ROWS = TEXT_MIN_ROWS   # below this the row reader is fast enough (cell types decide)

_ISO_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?: 00:00:00(?:\.0+)?)?$")
_EPOCH = dt.date(1970, 1, 1)
_EXPECTED_TGL = "tanggal (dd/mm/yyyy atau '31 Maret 2020')"


class _NeedsTypes(Exception):
    """A column holds a value only the cell type can tell (a code or a date written as a plain
    number): the row reader decides."""


def read_fast(sheet: Any, kind: str, columns: list[str]) -> ReadResult | None:
    found = locate_text_table(sheet, kind)
    if found is None:
        return None
    head, header, tbl, k, c0 = found
    # Arrow kernels and numpy release the GIL: the columns are prepared on two threads, and the
    # one with the most text (uraian) is finished in the second while this one parses the rest.
    with ThreadPoolExecutor(max_workers=2) as pool:
        try:
            return _read(pool, sheet, kind, columns, head, header, tbl, k, c0)
        except _NeedsTypes:
            return None


@dataclass
class _Table:
    """The SP2D rows of the sheet: which rows of the table they are, their Excel rows, the sheet's
    columns, the printed column labels and the issues found so far."""

    name: str
    cols: dict[str, int]
    sheet_cols: list[Column]
    c0: int
    lbl: dict[str, str]
    issues: list[Issue]
    idx: np.ndarray            # index in the table of each kept row
    keep: np.ndarray | None    # which table rows are kept (None: all)
    excel_rows: np.ndarray

    def __post_init__(self) -> None:
        self.keep_mask = None if self.keep is None else pa.array(self.keep)

    @property
    def n(self) -> int:
        return len(self.idx)

    def col(self, field: str) -> Column | None:
        return self.sheet_cols[self.cols[field] - self.c0] if field in self.cols else None

    def picked(self, field: str) -> pa.Array | None:
        """The kept rows' trimmed text (a copy: for columns of mostly distinct text)."""
        c = self.col(field)
        if c is None:
            return None
        return c.trimmed if self.keep_mask is None else c.trimmed.filter(self.keep_mask)

    def cell_error(self, r: int, field_label: str, value: Any, expected: str, pesan: str) -> None:
        self.issues.append(cell_error(self.name, int(self.excel_rows[r]), field_label, value, expected, pesan))


def _read(pool: ThreadPoolExecutor, sheet: Any, kind: str, columns: list[str], head: list[list[Any]],
          header: Any, tbl: pa.Table, k: int, c0: int) -> ReadResult:
    name = sheet.name
    cols = header.columns
    meta = read_title_meta(title_lines(head, header.row + 1 - (header.n_rows - 1)))
    issues: list[Issue] = []
    has_kegiatan = "kode_kegiatan" in cols
    if not has_kegiatan:
        issues.append(no_kegiatan_warning(name, header))

    data = tbl.slice(k + 1)
    first_excel = header.excel_row + 1
    sheet_cols: list[Column] = list(pool.map(lambda i: Column(data.column(i)), range(data.num_columns)))
    keep, totals_at = kept_rows(pool, head, header, data, sheet_cols, c0)
    idx = np.flatnonzero(keep)
    t = _Table(name, cols, sheet_cols, c0, {f: printed_label(header, f, f) for f in cols}, issues, idx,
               None if len(idx) == data.num_rows else keep, idx + first_excel)

    uraian_job = pool.submit(_uraian, t)
    # The columns of few distinct texts are dictionary-encoded on the pool meanwhile.
    distinct = {f: pool.submit(Distinct, t.col(f), t.keep)
                for f in ("kode_kegiatan", "kode_rekening", "jenis", "tanggal") if t.col(f) is not None}

    money = money_column(t.col("nilai").trimmed, idx)
    if money is None:
        raise _NeedsTypes()
    nilai, cents = _check_nilai(t, money)
    tgl = _tanggal(t, distinct["tanggal"].result(), meta)

    # Text columns.
    no_a = text_column(t.picked("no")) if "no" in cols else pa.nulls(t.n, pa.string())
    nomor_a = text_column(t.picked("nomor_sp2d"))
    for r in np.flatnonzero(~valid_mask(nomor_a)):
        t.cell_error(r, t.lbl["nomor_sp2d"], None, "nomor SP2D", "Nomor SP2D kosong")
    kode_kegiatan = _codes(t, "kode_kegiatan", distinct)
    kode_rekening = _codes(t, "kode_rekening", distinct)
    jenis, jcode, labels = _jenis(t, distinct, nomor_a)
    if has_kegiatan:
        _kegiatan_required(t, jcode, labels, kode_kegiatan[1])

    # JUMLAH rows: the sum of all SP2D above (or, a page subtotal, since the previous JUMLAH).
    prefix = prefix_sums(cents) if totals_at else None
    check_totals(name, t.lbl["nilai"],
                 [(int(i + first_excel), raw, int(np.searchsorted(idx, i))) for i, raw in totals_at],
                 lambda start, stop: dsum(nilai, prefix, start, stop), issues)

    kk_codes = (kode_kegiatan[0].dropna().unique().tolist()
                if has_kegiatan and kode_kegiatan is not None else [])
    skpd_col = t.col("kode_skpd")
    resolve_skpd(meta, kk_codes,
                 column_codes(pc.unique(skpd_col.trimmed).to_pylist()) if skpd_col is not None else set(),
                 name, issues, t.lbl.get("kode_kegiatan", "Kode Kegiatan"), t.lbl.get("kode_skpd", "Kode SKPD"))

    n = t.n
    no_codes = np.full(n, -1, dtype=np.int8)
    none_cat = pd.Categorical.from_codes(no_codes, dtype=pd.CategoricalDtype(pd.Index([], dtype="str")))
    uraian = uraian_job.result()
    df = pd.DataFrame({
        "urutan": pd.arrays.IntegerArray(np.arange(1, n + 1, dtype=np.int64), np.zeros(n, dtype=bool)),
        "no": str_series(no_a),
        "tanggal": pd.Series(pd.arrays.ArrowExtensionArray(tgl)),
        "nomor_sp2d": str_series(nomor_a),
        "kode_kegiatan": kode_kegiatan[0] if (has_kegiatan and kode_kegiatan is not None) else none_cat,
        "kode_rekening": kode_rekening[0] if kode_rekening is not None else none_cat,
        "uraian": uraian if isinstance(uraian, pd.Categorical) else str_series(uraian),
        "jenis": jenis,
        "nilai": pd.Series(pd.arrays.ArrowExtensionArray(nilai)),
        "has_kode_kegiatan": np.full(n, has_kegiatan, dtype=bool),
        "sheet": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), dtype=pd.CategoricalDtype(pd.Index([name], dtype="str"))),
        "excel_row": pd.arrays.IntegerArray(t.excel_rows, np.zeros(n, dtype=bool)),
    }, columns=columns, copy=False)
    if n == 0:
        issues.append(error("Register SP2D tidak berisi baris SP2D", sheet=name, excel_row=header.excel_row + 1,
                            diharapkan="minimal satu baris SP2D di bawah judul kolom"))
    issues.sort(key=lambda x: (x.excel_row or 0))
    sheet.strings_origin = (first_excel - (k + 1), c0)   # Excel row of table row 0, column offset
    return ReadResult(kind, meta, {"register_sp2d": df}, issues)


def _uraian(t: _Table) -> pd.Categorical | pa.Array:
    c = t.col("uraian")
    if c is None:
        return pa.nulls(t.n, pa.string())
    if _few_distinct(c):
        d = Distinct(c, t.keep)
        return categorical(text_column(d.values), d.used, d.codes)
    return text_column(t.picked("uraian"))


def _check_nilai(t: _Table, money: tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray]) -> tuple[pa.Array, np.ndarray]:
    """Nilai: a text that is no number, a blank, a negative amount are errors; (values, cents)."""
    nilai, cents, nilai_valid, ok_np = money
    nilai_all = t.col("nilai").trimmed
    kolom = t.lbl["nilai"]

    def nilai_text(i: int) -> str | None:
        return nilai_all[int(t.idx[i])].as_py()

    for i in np.flatnonzero(~ok_np):
        v = nilai_text(i)
        t.cell_error(i, kolom, shown(v), "angka", f"{shown(v)!r} bukan angka")
    for i in np.flatnonzero(~nilai_valid & ok_np):
        v = nilai_text(i)
        t.cell_error(i, kolom, shown(v) if v else None, "angka rupiah", "Nilai SP2D kosong")
    for i in np.flatnonzero(nilai_valid & (cents < 0)):
        v = shown(nilai_text(i))
        t.cell_error(i, kolom, v, "angka ≥ 0", f"Nilai SP2D negatif: {v!r}")
    return nilai, cents


def _parse_dates(td: Distinct) -> list[Any]:
    """Each distinct date text as a date, a ParseError, or None (blank or unused)."""
    if any(u and used and PLAIN_NUMBER.match(u) for u, used in zip(td.texts, td.used)):
        # 43901 printed by a numeric cell is a date serial, typed as text it is no date: only
        # the cell type can tell, so the row reader decides.
        raise _NeedsTypes()
    parsed: list[Any] = []
    for u, used in zip(td.texts, td.used):
        m = _ISO_DATETIME.match(u) if (u and used) else None
        try:
            if not u or not used:
                parsed.append(None)
            elif m:
                parsed.append(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
            elif PLAIN_NUMBER.match(u):
                parsed.append(parse_date(float(u)))
            else:
                parsed.append(parse_date(u))
        except (ParseError, ValueError) as exc:
            parsed.append(exc if isinstance(exc, ParseError) else ParseError(u, _EXPECTED_TGL))
    return parsed


def _tanggal(t: _Table, td: Distinct, meta: Any) -> pa.Array:
    """Tanggal: once per distinct text; a blank repeats the date above (not across a bad cell);
    the year from the dates when the title has none; dates outside the year are errors."""
    uniq = td.texts
    kolom = t.lbl["tanggal"]
    parsed = _parse_dates(td)
    nu = len(parsed)
    codes_np = td.codes                                # a blank cell -> nu
    is_date_u = np.array([isinstance(p, dt.date) for p in parsed] + [False])
    is_bad_u = np.array([isinstance(p, ParseError) for p in parsed] + [False])
    days_u = np.array([(p - _EPOCH).days if isinstance(p, dt.date) else 0 for p in parsed] + [0], dtype=np.int32)
    year_u = np.array([p.year if isinstance(p, dt.date) else 0 for p in parsed] + [0], dtype=np.int32)
    for i, bad_rows in grouped(codes_np, is_bad_u):
        exc = parsed[i]
        for r in bad_rows:
            t.cell_error(r, kolom, uniq[i], exc.expected or _EXPECTED_TGL,
                         f"{uniq[i]!r} bukan {exc.expected or _EXPECTED_TGL}")
    # Each row's date comes from the last non-blank cell at or above it (a bad cell gives none).
    n = t.n
    nonblank = (is_date_u | is_bad_u)[codes_np]
    last = np.arange(n, dtype=np.int64 if n >= 2**31 else np.int32)
    last[~nonblank] = -1
    np.maximum.accumulate(last, out=last)
    has_src = last >= 0
    np.maximum(last, 0, out=last)
    src = codes_np[last]
    src[~has_src] = nu
    tgl_valid = is_date_u[src]
    for r in np.flatnonzero(~nonblank & ~has_src):
        t.cell_error(r, kolom, None, "tanggal SP2D", "Tanggal SP2D kosong dan tidak ada tanggal di baris sebelumnya")
    tgl = pa.Array.from_buffers(pa.date32(), n, [bitmap(tgl_valid), pa.py_buffer(days_u[src])])
    tgl_year = year_u[src]

    if meta.tahun is None:
        # The most common year of the dates (the smallest on a tie): one date per such year
        # gives year_from_dates the same answer as all of them.
        years, counts = np.unique(tgl_year[tgl_valid], return_counts=True)
        year_from_dates(meta, [dt.date(int(y), 1, 1) for y in years[counts == counts.max()]]
                        if len(years) else [], t.name, t.issues)
    if meta.tahun is not None:
        for r in np.flatnonzero(tgl_valid & (tgl_year != meta.tahun)):
            d = parsed[src[r]]
            raw = uniq[codes_np[r]] if codes_np[r] < nu else None
            t.cell_error(r, kolom, raw if raw is not None else d, f"tanggal dalam tahun anggaran {meta.tahun}",
                         f"Tanggal SP2D {d:%d/%m/%Y} di luar tahun anggaran {meta.tahun}")
    return tgl


def _codes(t: _Table, field: str, distinct: dict[str, Future]) -> tuple[pd.Categorical, np.ndarray] | None:
    """The normalised codes of the kept rows, and which rows hold none."""
    if t.col(field) is None:
        return None
    d = distinct[field].result()
    out: list[Any] = []
    for u, used in zip(d.texts, d.used):
        if not used:
            out.append(None)
            continue
        if u is not None and u.strip() and PLAIN_NUMBER.match(u.strip()):
            raise _NeedsTypes()
        try:
            out.append(normalize_code(u))
        except ParseError as exc:
            out.append(exc)
    bad_u = np.array([isinstance(v, ParseError) for v in out] + [False])
    for i, bad_rows in grouped(d.codes, bad_u):
        v = out[i]
        for r in bad_rows:
            t.cell_error(r, t.lbl[field], v.value, v.expected, f"{v.value!r} bukan {v.expected}")
    values = pa.array([v if isinstance(v, str) else None for v in out], pa.string())
    missing = np.append(np.array([not isinstance(v, str) for v in out], dtype=bool), True)[d.codes]
    return categorical(values, d.used, d.codes), missing


def _jenis(t: _Table, distinct: dict[str, Future], nomor_a: pa.Array) -> tuple[pd.Categorical, np.ndarray, list[str]]:
    """Jenis: normalised once per distinct text; blank -> from the SP2D number. (column, code of
    each row in ``labels`` (-1: none), labels)."""
    labels: list[str] = list(JENIS)

    def code_of(v: str | None) -> int:
        if v is None:
            return -1
        if v not in labels:
            labels.append(v)
        return labels.index(v)

    n = t.n
    if t.col("jenis") is not None:
        jd = distinct["jenis"].result()
        ju = jd.texts
        je_code_u = np.array([code_of(normalize_jenis(u)) if (u and used) else -1
                              for u, used in zip(ju, jd.used)] + [-1], dtype=np.int16)
        jcode = je_code_u[jd.codes]
        je_blank = np.array([not u for u in ju] + [True])[jd.codes]
    else:
        ju, jd = [], None
        jcode = np.full(n, -1, dtype=np.int16)
        je_blank = np.ones(n, dtype=bool)

    def jenis_raw(r: int) -> str | None:
        return ju[jd.codes[r]] if jd is not None and jd.codes[r] < len(ju) else None

    jenis_label = t.lbl.get("jenis", "Jenis SP2D")
    blank_rows = np.flatnonzero(je_blank)
    if len(blank_rows):
        nomor_blank = nomor_a.take(pa.array(blank_rows, type=pa.int64())).to_pylist()
        for r, nomor in zip(blank_rows, nomor_blank):
            j = jenis_from_nomor(nomor)
            if j is None:
                t.cell_error(r, jenis_label, jenis_raw(r) or None, JENIS_EXPECTED, "Jenis SP2D kosong")
            jcode[r] = code_of(j)
    for r in np.flatnonzero(~je_blank & (jcode < 0)):
        raw = jenis_raw(r)
        t.cell_error(r, t.lbl["jenis"], raw, JENIS_EXPECTED, f"Jenis SP2D tidak dikenal: {raw!r}")
    jenis = categorical(pa.array(labels, pa.string()), np.bincount(jcode[jcode >= 0], minlength=len(labels)) > 0,
                        np.where(jcode >= 0, jcode, len(labels)))
    return jenis, jcode, labels


def _kegiatan_required(t: _Table, jcode: np.ndarray, labels: list[str], no_code: np.ndarray) -> None:
    """An SP2D of a jenis counted as realisation needs a kode kegiatan (unless its code is bad)."""
    bad_code_rows = [iss.excel_row for iss in t.issues if iss.kolom == t.lbl["kode_kegiatan"]]
    need = np.isin(jcode, [labels.index(j) for j in REALISASI_JENIS if j in labels])
    flagged = need & no_code
    if bad_code_rows:
        flagged &= ~np.isin(t.excel_rows, np.array(bad_code_rows, dtype=np.int64))
    rows_kk = np.flatnonzero(flagged)
    raw_kk = t.col("kode_kegiatan").trimmed.take(pa.array(t.idx[rows_kk], type=pa.int64())).to_pylist()
    for r, raw in zip(rows_kk, raw_kk):
        t.cell_error(r, t.lbl["kode_kegiatan"], raw or None, "kode kegiatan (mis. '4.01.4.01.03.01.02')",
                     f"SP2D {labels[jcode[r]]} tanpa kode kegiatan")
