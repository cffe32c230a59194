"""SIPD "Laporan Realisasi Per Dokumen" read column-wise, for big sheets (the same results as the row
reader of :mod:`lkip.extract.realisasi_dokumen`, which runs instead whenever this returns None).

A documents file has a row per document x sub kegiatan x rekening: a Dinas's has thousands, a
city's hundreds of thousands. As the register's fast path (:mod:`lkip.extract.register_fast`), the
sheet is read once as Arrow text; which rows are data is told column-wise with the register's
``register_rows.kept_rows`` (the few rows that could be anything else go through the row reader's
own classification); codes, dates and jenis are parsed once per distinct text (they repeat), money
by ``register_money.money_column`` (exact cents, the three-digit rule for text), and the rule's
checks run on the distinct (Jenis Dokumen, Jenis Transaksi) pairs and numpy masks.

Text alone cannot tell a numeric cell from a text cell (a numeric 1.732 and the text "1.732"; a
date serial typed as a number): where a column holds such a value this returns None.
"""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lkip import sipd_rules
from lkip.extract import dokumen_skpd
from lkip.extract.arrow_text import Column, Distinct, str_series, text_column
from lkip.extract.base import ReadResult
from lkip.extract.common import cell_error, check_jumlah_row
from lkip.extract.header import read_title_meta, title_lines
from lkip.extract.parse import ParseError, normalize_code, parse_date
from lkip.extract.register_money import MONEY, money_column
from lkip.extract.register_rows import PLAIN_NUMBER, kept_rows, locate_text_table, shown
from lkip.extract.register_rules import year_from_dates
from lkip.extract.skpd import column_codes, resolve_skpd
from lkip.extract.workbook import TEXT_MIN_ROWS
from lkip.issues import Issue, error

FAST_MIN_ROWS = TEXT_MIN_ROWS
_ISO_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?: 00:00:00(?:\.0+)?)?$")


class _NeedsTypes(Exception):
    """Only the cell type can tell a value: the row reader decides."""


def read_fast(sheet: Any, kind: str, rules: list[sipd_rules.Rule], fields: Any) -> ReadResult | None:
    """``fields``: the reader module (its field lists, labels and ``finish`` step)."""
    found = locate_text_table(sheet, kind)
    if found is None:
        return None
    head, header, tbl, k, c0 = found
    with ThreadPoolExecutor(max_workers=2) as pool:
        try:
            return _read(pool, sheet, kind, rules, fields, head, header, tbl, k, c0)
        except _NeedsTypes:
            return None


def _mapped(d: Distinct, values: list[Any], type_: pa.DataType) -> pa.Array:
    """Each kept row's value: ``values[i]`` for the distinct text i (None for a blank cell)."""
    return pa.array(values + [None], type=type_).take(pa.array(d.codes, type=pa.int32()))


def _read(pool: ThreadPoolExecutor, sheet: Any, kind: str, rules: list[sipd_rules.Rule], f: Any,
          head: list[list[Any]], header: Any, tbl: pa.Table, k: int, c0: int) -> ReadResult:
    name = sheet.name
    cols = header.columns
    meta = read_title_meta(title_lines(head, header.row + 1 - (header.n_rows - 1)))
    issues: list[Issue] = []
    lbl = {fld: (header.printed[c] if c < len(header.printed) and header.printed[c] else f.FIELD_LABEL.get(fld, fld))
           for fld, c in cols.items()}
    data = tbl.slice(k + 1)
    first_excel = header.excel_row + 1
    sheet_cols = list(pool.map(lambda i: Column(data.column(i)), range(data.num_columns)))
    keep, totals_at = kept_rows(pool, head, header, data, sheet_cols, c0, key="jenis_dokumen",
                                key_fields=f.KEY_FIELDS, label_fields=f.LABEL_FIELDS,
                                text_fields=("keterangan", "nama_sub_kegiatan", "nama_rekening"),
                                total_field="nilai_realisasi")
    idx = np.flatnonzero(keep)
    n = len(idx)
    excel_rows = idx + first_excel
    keep_arg = None if n == data.num_rows else keep
    keep_mask = None if keep_arg is None else pa.array(keep)

    def col(fld: str) -> Column | None:
        return sheet_cols[cols[fld] - c0] if fld in cols else None

    def err(r: int, fld: str, value: Any, expected: str, pesan: str) -> None:
        issues.append(cell_error(name, int(excel_rows[r]), lbl.get(fld, f.FIELD_LABEL.get(fld, fld)), value,
                                 expected, pesan))

    def distinct(fld: str, parse: Callable[[str], Any], type_: pa.DataType, expected: str) -> pa.Array:
        c = col(fld)
        if c is None:
            return pa.nulls(n, type_)
        d = Distinct(c, keep_arg)
        values: list[Any] = []
        bad: dict[int, tuple[str, ParseError]] = {}
        for i, (text, used) in enumerate(zip(d.texts, d.used)):
            if not used or not text:
                values.append(None)
                continue
            try:
                values.append(parse(text))
            except ParseError as exc:
                values.append(None)
                bad[i] = (text, exc)
        for i, (text, exc) in bad.items():
            for r in np.flatnonzero(d.codes == i):
                err(int(r), fld, shown(text), exc.expected or expected,
                    f"{f.FIELD_LABEL.get(fld, fld)} {shown(text)!r} bukan {exc.expected or expected}")
        return _mapped(d, values, type_)

    def code(text: str) -> str | None:
        return normalize_code(shown(text))

    data_cols: dict[str, Any] = {}
    for fld in f.CODES:
        data_cols[fld] = distinct(fld, code, pa.string(), "kode (mis. '1.02.02.2.02.0033')")
    for fld in f.DATES:
        data_cols[fld] = distinct(fld, _date, pa.date32(), "tanggal (mis. '7 Januari 2024')")
    for fld in ("jenis_dokumen", "jenis_transaksi"):
        data_cols[fld] = distinct(fld, sipd_rules.normalise_jenis, pa.string(), "jenis")
    for fld in f.TEXTS:
        c = col(fld)
        data_cols[fld] = (pa.nulls(n, pa.string()) if c is None
                          else text_column(c.trimmed if keep_mask is None else c.trimmed.filter(keep_mask)))
    for fld in f.MONEY:
        c = col(fld)
        if c is None:
            data_cols[fld] = pa.nulls(n, MONEY)
            continue
        got = money_column(c.trimmed, idx)
        if got is None:
            raise _NeedsTypes()
        values, _cents, _valid, ok = got
        for r in np.flatnonzero(~ok):
            raw = c.trimmed[int(idx[r])].as_py()
            err(int(r), fld, shown(raw), "angka rupiah", f"{f.FIELD_LABEL[fld]} {shown(raw)!r} bukan angka rupiah")
        data_cols[fld] = values

    tanggal_dokumen = data_cols["tanggal_dokumen"]
    year_from_dates(meta, [d for d in pc.drop_null(pc.unique(tanggal_dokumen)).to_pylist()], name, issues)
    _check_rules(rules, data_cols, n, err, f, lbl)
    if meta.tahun is not None:
        for fld in f.DATES:
            years = pc.fill_null(pc.year(data_cols[fld]), meta.tahun).to_numpy(zero_copy_only=False)
            for r in np.flatnonzero(years != meta.tahun):
                d = data_cols[fld][int(r)].as_py()
                raw = col(fld).trimmed[int(idx[r])].as_py()
                err(int(r), fld, shown(raw), f"tanggal dalam tahun anggaran {meta.tahun}",
                    f"{f.FIELD_LABEL[fld]} {d:%d/%m/%Y} di luar tahun anggaran {meta.tahun}")
    skpd = col("kode_skpd")
    in_column = column_codes(pc.unique(skpd.trimmed).to_pylist()) if skpd is not None else set()
    several = dokumen_skpd.several(meta, in_column)      # a city-wide file: one part per SKPD
    if not several:
        if meta.kode_skpd is None and len(in_column) == 1:
            meta.kode_skpd = next(iter(in_column))
        f.unit_from_numbers(meta, in_column, set(pc.unique(data_cols["nomor_dokumen"]).to_pylist()), name, issues)
        resolve_skpd(meta, [], in_column, name, issues, lbl.get("kode_sub_kegiatan", "Kode Sub Kegiatan"),
                     lbl.get("kode_skpd", "Kode SKPD"))
    dates = [pc.max(pc.filter(data_cols[fld], pc.equal(pc.year(data_cols[fld]), meta.tahun))).as_py()
             if meta.tahun is not None else pc.max(data_cols[fld]).as_py() for fld in f.DATES]
    dates = [d for d in dates if d is not None]
    if dates:
        meta.periode_akhir = max(dates)
        meta.periode_awal = dt.date(meta.periode_akhir.year, 1, 1)
        meta.s_d_triwulan = (meta.periode_akhir.month - 1) // 3 + 1
    _check_totals(name, header, totals_at, data, c0, data_cols, idx, first_excel, issues, lbl, f)
    row_skpd = periode = None
    if several:
        latest = dokumen_skpd.latest_in_year([data_cols[fld].to_numpy(zero_copy_only=False) for fld in f.DATES],
                                             meta.tahun)
        kept = skpd.trimmed if keep_mask is None else skpd.trimmed.filter(keep_mask)
        sub = pd.Series(data_cols["kode_sub_skpd"].to_pandas(), dtype=object)
        row_skpd, periode = dokumen_skpd.split_rows(meta, pd.Series(kept.to_pandas(), dtype=object), sub, latest, name,
                                                    excel_rows, lbl.get("kode_skpd", "Kode SKPD"), issues, shown)

    frame = {"urutan": pd.arrays.IntegerArray(np.arange(1, n + 1, dtype=np.int64), np.zeros(n, dtype=bool))}
    for fld in (*f.CODES, *f.TEXTS, "jenis_dokumen", "jenis_transaksi"):
        frame[fld] = str_series(data_cols[fld])
    for fld in (*f.DATES, *f.MONEY):
        frame[fld] = pd.Series(pd.arrays.ArrowExtensionArray(data_cols[fld]))
    frame["periode_akhir"] = pd.Series(pd.arrays.ArrowExtensionArray(
        pa.array([meta.periode_akhir] * n, pa.date32()) if periode is None else pa.array(periode, pa.date32())))
    frame["sheet"] = pd.Series([name] * n, dtype="str")
    frame["excel_row"] = pd.arrays.IntegerArray(excel_rows.astype(np.int64), np.zeros(n, dtype=bool))
    df = pd.DataFrame(frame, columns=f.COLUMNS, copy=False)
    f.with_skpd_and_rows(df, row_skpd, name, header, issues)
    if row_skpd is not None:
        dokumen_skpd.sub_units_per_skpd(meta, row_skpd, sub, excel_rows, name, lbl.get("kode_sub_skpd", "Kode Sub SKPD"), issues,
                                        f.sub_units)
    else:
        f.sub_units(meta, set(pc.unique(data_cols["kode_sub_skpd"]).to_pylist()), name,
                    lbl.get("kode_sub_skpd", "Kode Sub SKPD"), issues)
    issues.sort(key=lambda x: (x.excel_row or 0))
    sheet.strings_origin = (first_excel - (k + 1), c0)   # the raw layer's cells come from the Arrow table
    return ReadResult(kind, meta, {f.TABLE: df}, issues)


def _date(text: str) -> dt.date | None:
    m = _ISO_DATETIME.match(text)
    if m:
        return dt.date(*map(int, m.groups()))
    if PLAIN_NUMBER.match(text):
        raise _NeedsTypes()            # a date serial, or a number typed as text: the cell type decides
    return parse_date(text)


def _check_rules(rules: list[sipd_rules.Rule], data_cols: dict[str, Any], n: int, err: Callable[..., None],
                 f: Any, lbl: dict[str, str]) -> None:
    """The rows' (Jenis Dokumen, Jenis Transaksi) against the rule, once per distinct pair."""
    dok = data_cols["jenis_dokumen"].to_pandas()
    trans = data_cols["jenis_transaksi"].to_pandas()
    pairs = pd.DataFrame({"d": dok, "t": trans}).fillna("\0")
    groups = pairs.groupby(["d", "t"], sort=False).indices
    has_sub = data_cols["kode_sub_kegiatan"].is_valid().to_numpy(zero_copy_only=False)
    dated = {t: data_cols[t].is_valid().to_numpy(zero_copy_only=False) for t in f.DATES}
    known = sipd_rules.known_combinations(rules)
    for (d, t), rows in groups.items():
        d, t = (None if d == "\0" else d), (None if t == "\0" else t)
        rule = sipd_rules.classify(rules, d, t)
        if rule is None:
            raw = f"{d} / {t}"
            for r in rows:
                err(int(r), "jenis_dokumen", raw, f"salah satu dari: {known} (aturan [[sipd.dokumen]] di konfigurasi)",
                    f"Jenis Dokumen / Jenis Transaksi tidak dikenal aturan realisasi: {raw}")
            continue
        if not rule.counts:
            continue
        for r in rows[~has_sub[rows]]:
            err(int(r), "kode_sub_kegiatan", None, "kode sub kegiatan (mis. '1.02.02.2.02.0033')",
                f"Dokumen {rule.jenis_dokumen} yang dihitung sebagai realisasi tanpa Kode Sub Kegiatan")
        any_date = np.zeros(len(rows), dtype=bool)
        for tg in rule.tanggal:
            any_date |= dated[tg][rows]
        names = " / ".join(f.FIELD_LABEL[tg] for tg in rule.tanggal)
        for r in rows[~any_date]:
            err(int(r), rule.tanggal[0], None, f"tanggal di kolom {names}",
                f"Dokumen {rule.jenis_dokumen} tanpa tanggal: {names} kosong")


def _check_totals(name: str, header: Any, totals_at: list[tuple[int, Any]], data: pa.Table, c0: int,
                  data_cols: dict[str, Any], idx: np.ndarray, first_excel: int, issues: list[Issue],
                  lbl: dict[str, str], f: Any) -> None:
    """A JUMLAH row: Nilai Realisasi and Nilai Setoran equal the sums of all rows above it (the row
    reader's check and message, ``common.check_jumlah_row``, on the sums)."""
    fields = [fld for fld in ("nilai_realisasi", "nilai_setoran") if fld in header.columns]
    for i, _raw in totals_at:
        pos = int(np.searchsorted(idx, i))
        values = {}
        for fld in fields:
            raw = data.column(header.columns[fld] - c0)[i].as_py()
            values[fld] = shown(raw.strip()) if isinstance(raw, str) and raw.strip() else None
        sums = {fld: pc.sum(data_cols[fld].slice(0, pos)).as_py() or Decimal("0.00") for fld in fields}
        check_jumlah_row(name, header, SimpleNamespace(values=values, excel_row=int(i + first_excel)), [sums],
                         fields, "dokumen", issues)
