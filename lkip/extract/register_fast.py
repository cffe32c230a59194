"""The Register SP2D reader for big sheets: column-wise over Arrow, same results as the row reader.

A city's register has hundreds of thousands of rows. ``register_sp2d.read_sheet`` walks a grid of
Python objects row by row; here the sheet is read once as Arrow text (fastexcel, nothing inferred
and so nothing nulled) and every column is parsed with Arrow kernels or once per distinct value:

* the title block and header come from the top rows (``Sheet.head``), exactly as the row reader;
* rows that could be anything but an SP2D (blank, repeated header, JUMLAH, signature: few) go
  through the row reader's own classification (``header.iter_data_rows``);
* numbers follow ``parse_vec`` (the three-digit rule as Arrow kernels, property-tested against
  ``parse.py``); dates, codes and jenis go through the scalar functions once per distinct value.

Text alone cannot tell a numeric cell from a text cell: a numeric 1.732 and the text "1.732" (=
1 732) print alike. Where a column holds such a value, or an amount too large for a double to
print exactly, this returns None and the row reader runs instead: never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lkip.extract.base import ReadResult
from lkip.extract.header import find_header, iter_data_rows, load_column_map, read_title_meta, title_lines
from lkip.extract.parse import ParseError, normalize_code, parse_date
from lkip.extract.parse_vec import parse_number_text
from lkip.extract.sheets import head_grid
from lkip.issues import Issue, error

FAST_MIN_ROWS = 20_000   # below this the row reader is fast enough

_AMBIGUOUS_NUMBER = r"^-?[0-9]+\.[0-9]{3}$"        # numeric 1.732 or the text "1.732" (= 1732)?
_TOO_LONG = r"^-?[0-9]{14,}"                          # beyond what a double prints exactly to the cent
# Python's \s (str.isspace) written out for RE2: a run to collapse, and what makes a cell need it.
_WS_CLASS = r"\t\n\x0b\x0c\r\x1c-\x1f\x85\pZ"
_WS_RUN = f"[{_WS_CLASS}]+"
_NEEDS_COLLAPSE = f"[{_WS_CLASS}]{{2}}|[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f\\x85\\x{{a0}}\\x{{1680}}\\x{{2000}}-\\x{{200a}}\\x{{2028}}\\x{{2029}}\\x{{202f}}\\x{{205f}}\\x{{3000}}]"
_PLAIN_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_ISO_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?: 00:00:00(?:\.0+)?)?$")


def _shown(text: str | None) -> Any:
    """A cell as the row reader would show it: numbers as numbers, the rest as text."""
    if text is None:
        return None
    if _PLAIN_NUMBER.match(text):
        v = float(text)
        return int(v) if v.is_integer() else v
    return text


def _align(sheet: Any, head: list[list[Any]], header: Any, tbl: pa.Table) -> tuple[int, int] | None:
    """(table row of the header, column offset) so that the table's cells are the header's."""
    want = {j: str(v).strip() for j, v in enumerate(head[header.row]) if isinstance(v, str) and v.strip()}
    if len(want) < 2:
        return None
    first_row = next((i for i, r in enumerate(head) if any(v is not None for v in r)), 0)
    top = tbl.slice(0, min(tbl.num_rows, len(head) + 5)).to_pylist()
    names = tbl.column_names
    for k in {header.row - first_row, *range(len(top))}:
        if not 0 <= k < len(top):
            continue
        row = [top[k][n] for n in names]
        for c0 in range(min(want) + 1):
            if all(0 <= j - c0 < len(row) and (row[j - c0] or "").strip() == text for j, text in want.items()):
                return k, c0
    return None


def read_fast(sheet: Any, kind: str, columns: list[str]) -> ReadResult | None:
    from lkip.extract import register_sp2d as slow

    name = sheet.name
    head = head_grid(sheet)
    cmap = load_column_map(kind)
    header = find_header(head, cmap)
    if header is None or header.n_rows != 1:
        return None
    tbl = sheet.strings()
    pos = _align(sheet, head, header, tbl)
    if pos is None:
        return None
    k, c0 = pos
    cols = header.columns
    if any(c - c0 < 0 or c - c0 >= tbl.num_columns for c in cols.values()):
        return None
    meta = read_title_meta(title_lines(head, header.row + 1 - (header.n_rows - 1)))
    issues: list[Issue] = []
    has_kegiatan = "kode_kegiatan" in cols
    if not has_kegiatan:
        issues.append(slow.no_kegiatan_warning(name, header))
    lbl = {f: slow.printed_label(header, f, f) for f in cols}

    data = tbl.slice(k + 1)
    n_all = data.num_rows
    first_excel = header.excel_row + 1
    arrays = [pc.utf8_trim_whitespace(data.column(i).combine_chunks()) for i in range(data.num_columns)]
    filled = [pc.fill_null(pc.greater(pc.utf8_length(a), 0), False) for a in arrays]
    n_filled = np.sum([f.to_numpy(zero_copy_only=False) for f in filled], axis=0) if filled else np.zeros(n_all)

    def col(field: str) -> pa.Array:
        return arrays[cols[field] - c0]

    nomor_all = col("nomor_sp2d")
    nomor_header = header.printed[cols["nomor_sp2d"]].strip()
    special = (
        (n_filled <= 2)
        | ~filled[cols["nomor_sp2d"] - c0].to_numpy(zero_copy_only=False)
        | pc.fill_null(pc.equal(nomor_all, nomor_header), False).to_numpy(zero_copy_only=False)
        | pc.fill_null(pc.match_substring_regex(nomor_all, r"^[0-9]+$"), False).to_numpy(zero_copy_only=False)
    )
    special_idx = np.flatnonzero(special)

    # The few special rows go through the row reader's own classification.
    width = max(len(r) for r in head)
    grid: list[list[Any]] = [[None] * width for _ in range(header.row + 1)]
    grid[header.row] = list(head[header.row])
    rows_py = data.take(pa.array(special_idx, type=pa.int64())).to_pylist() if len(special_idx) else []
    names = data.column_names
    for rec in rows_py:
        cells = [None] * c0
        for nm in names:
            v = rec[nm].strip() if isinstance(rec[nm], str) else rec[nm]
            cells.append(_shown(v) if v else None)
        grid.append((cells + [None] * width)[:max(width, len(cells))])
    kept_special: list[int] = []
    totals_at: list[tuple[int, Any]] = []   # (index in data, raw nilai)
    yielded: set[int] = set()
    for dr in iter_data_rows(grid, header, text_fields={"uraian"}):
        i = int(special_idx[dr.excel_row - header.excel_row - 1])
        yielded.add(i)
        if dr.is_total and slow.text_or_none(dr.values.get("nomor_sp2d")) is None:
            totals_at.append((i, dr.values.get("nilai")))
            continue
        kept_special.append(i)
    # Everything from the first footer row on is footer; other special rows not yielded are skipped.
    footer_from = n_all
    for j, i in enumerate(special_idx):
        if int(i) not in yielded and _starts_footer(grid[header.row + 1 + j]):
            footer_from = int(i)
            break
    normal = np.flatnonzero(~special)
    normal = normal[normal < footer_from]
    idx = np.sort(np.concatenate([normal, np.array([i for i in kept_special if i < footer_from], dtype=np.int64)]))
    totals_at = [(i, raw) for i, raw in totals_at if i < footer_from]
    n = len(idx)
    take = pa.array(idx, type=pa.int64())
    excel_rows = (idx + first_excel).astype(np.int64)

    def picked(field: str) -> pa.Array | None:
        return col(field).take(take) if field in cols else None

    # Nilai: guards first (a value text cannot type), then the vectorised three-digit rule.
    nilai_txt = picked("nilai")
    if pc.any(pc.match_substring_regex(nilai_txt, _AMBIGUOUS_NUMBER)).as_py() or \
            pc.any(pc.match_substring_regex(nilai_txt, _TOO_LONG)).as_py():
        return None
    nilai, ok = _money(nilai_txt)
    nilai_np_null = pc.is_null(nilai).to_numpy(zero_copy_only=False)
    bad_np = ~ok.to_numpy(zero_copy_only=False)
    blank_np = ~pc.fill_null(pc.greater(pc.utf8_length(nilai_txt), 0), False).to_numpy(zero_copy_only=False)
    neg_np = pc.fill_null(pc.less(nilai, pa.scalar(Decimal("0"), pa.decimal128(18, 2))), False).to_numpy(zero_copy_only=False)
    raw_nilai = nilai_txt
    for i in np.flatnonzero(bad_np):
        v = raw_nilai[int(i)].as_py()
        issues.append(slow.cell_error(name, int(excel_rows[i]), lbl["nilai"], _shown(v), "angka",
                                      f"{_shown(v)!r} bukan angka"))
    for i in np.flatnonzero(nilai_np_null & ~bad_np):
        v = raw_nilai[int(i)].as_py()
        issues.append(slow.cell_error(name, int(excel_rows[i]), lbl["nilai"], _shown(v) if not blank_np[i] else None,
                                      "angka rupiah", "Nilai SP2D kosong"))
    for i in np.flatnonzero(neg_np):
        v = _shown(raw_nilai[int(i)].as_py())
        issues.append(slow.cell_error(name, int(excel_rows[i]), lbl["nilai"], v, "angka ≥ 0",
                                      f"Nilai SP2D negatif: {v!r}"))

    # Tanggal: once per distinct text; a blank repeats the date above (not across a bad cell).
    tgl_txt = picked("tanggal")
    enc = tgl_txt.dictionary_encode()
    uniq = enc.dictionary.to_pylist()
    parsed: list[Any] = []
    expected_tgl = "tanggal (dd/mm/yyyy atau '31 Maret 2020')"
    for u in uniq:
        m = _ISO_DATETIME.match(u) if u else None
        try:
            if not u:
                parsed.append(None)
            elif m:
                parsed.append(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
            elif _PLAIN_NUMBER.match(u):
                parsed.append(parse_date(float(u)))
            else:
                parsed.append(parse_date(u))
        except (ParseError, ValueError) as exc:
            parsed.append(exc if isinstance(exc, ParseError) else ParseError(u, expected_tgl))
    codes_np = _indices(enc, len(parsed))
    tgl_obj = np.empty(n, dtype=object)
    is_bad = np.zeros(n, dtype=bool)
    uniq_arr = np.array(parsed + [None], dtype=object)
    tgl_obj[:] = uniq_arr[codes_np]
    for i in range(len(parsed)):
        if isinstance(parsed[i], ParseError):
            bad_rows = np.flatnonzero(codes_np == i)
            is_bad[bad_rows] = True
            exc = parsed[i]
            for r in bad_rows:
                issues.append(slow.cell_error(name, int(excel_rows[r]), lbl["tanggal"], uniq[i],
                                              exc.expected or expected_tgl, f"{uniq[i]!r} bukan {exc.expected or expected_tgl}"))
    blank_t = np.array([v is None for v in tgl_obj]) & ~is_bad
    series = pd.Series(tgl_obj, dtype=object)
    series[is_bad] = "BAD"
    series[blank_t] = None
    filled_t = series.ffill()
    no_prev = blank_t & filled_t.isna().to_numpy()
    for r in np.flatnonzero(no_prev):
        issues.append(slow.cell_error(name, int(excel_rows[r]), lbl["tanggal"], None, "tanggal SP2D",
                                      "Tanggal SP2D kosong dan tidak ada tanggal di baris sebelumnya"))
    filled_t = filled_t.where(~(filled_t == "BAD"), None)
    tgl = filled_t.to_numpy(dtype=object, copy=True)
    tgl[is_bad] = None

    slow.year_from_dates(meta, tgl, name, issues)
    if meta.tahun is not None:
        year_of = np.array([d.year if isinstance(d, dt.date) else meta.tahun for d in uniq_arr])
        wrong = np.flatnonzero((year_of[codes_np] != meta.tahun) | _inherited_wrong(tgl, meta.tahun, blank_t))
        for r in wrong:
            d = tgl[r]
            if d is None:
                continue
            raw = uniq[codes_np[r]] if codes_np[r] < len(uniq) else None
            issues.append(slow.cell_error(
                name, int(excel_rows[r]), lbl["tanggal"], raw if raw is not None else d,
                f"tanggal dalam tahun anggaran {meta.tahun}",
                f"Tanggal SP2D {d:%d/%m/%Y} di luar tahun anggaran {meta.tahun}"))

    # Text columns.
    def texts(field: str) -> pa.Array:
        a = picked(field)
        if a is None:
            return pa.nulls(n, pa.string())
        # Whitespace runs collapse to one space (as text_or_none does); the replacement runs only
        # on the few cells that have such a run.
        needs = pc.fill_null(pc.match_substring_regex(a, _NEEDS_COLLAPSE), False)
        if pc.any(needs).as_py():
            fixed = pc.utf8_trim_whitespace(pc.replace_substring_regex(a.filter(needs), _WS_RUN, " "))
            a = pc.replace_with_mask(a, needs, fixed)
        return pc.if_else(pc.equal(pc.utf8_length(a), 0), pa.scalar(None, pa.string()), a)

    no_a, nomor_a, uraian_a = texts("no"), texts("nomor_sp2d"), texts("uraian")
    for r in np.flatnonzero(pc.is_null(nomor_a).to_numpy(zero_copy_only=False)):
        issues.append(slow.cell_error(name, int(excel_rows[r]), lbl["nomor_sp2d"], None, "nomor SP2D",
                                      "Nomor SP2D kosong"))

    def codes(field: str) -> pa.Array | None:
        a = picked(field)
        if a is None:
            return None
        e = a.dictionary_encode()
        out: list[Any] = []
        for u in e.dictionary.to_pylist():
            if u is not None and u.strip() and _PLAIN_NUMBER.match(u.strip()):
                raise _NeedsTypes()
            try:
                out.append(normalize_code(u))
            except ParseError as exc:
                out.append(exc)
        idx_np = _indices(e, -1)
        for i, v in enumerate(out):
            if isinstance(v, ParseError):
                for r in np.flatnonzero(idx_np == i):
                    issues.append(slow.cell_error(name, int(excel_rows[r]), lbl[field], v.value,
                                                  v.expected, f"{v.value!r} bukan {v.expected}"))
        values = pa.array([None if isinstance(v, ParseError) else v for v in out], pa.string())
        return pc.take(values, e.indices)

    try:
        kode_kegiatan = codes("kode_kegiatan")
        kode_rekening = codes("kode_rekening")
    except _NeedsTypes:
        return None

    # Jenis: normalised once per distinct text; blank -> from the SP2D number.
    jenis_txt = picked("jenis")
    if jenis_txt is None:
        jenis_txt = pa.nulls(n, pa.string())
    je = jenis_txt.dictionary_encode()
    je_vals = [slow.normalize_jenis(u) if u else None for u in je.dictionary.to_pylist()]
    je_idx = _indices(je, len(je_vals))
    jenis_arr = np.array(je_vals + [None], dtype=object)[je_idx]
    je_blank = np.array([not u for u in je.dictionary.to_pylist()] + [True])[je_idx]
    nomor_list = None
    jenis_label = lbl.get("jenis", "Jenis SP2D")
    for r in np.flatnonzero(je_blank):
        nomor_list = nomor_list or nomor_a.to_pylist()
        j = slow.jenis_from_nomor(nomor_list[r])
        if j is None:
            issues.append(slow.cell_error(name, int(excel_rows[r]), jenis_label, jenis_txt[int(r)].as_py() or None,
                                          "salah satu dari " + ", ".join(slow.JENIS), "Jenis SP2D kosong"))
        jenis_arr[r] = j
    for r in np.flatnonzero(~je_blank & np.array([v is None for v in jenis_arr])):
        raw = jenis_txt[int(r)].as_py()
        issues.append(slow.cell_error(name, int(excel_rows[r]), lbl["jenis"], raw,
                                      "salah satu dari " + ", ".join(slow.JENIS),
                                      f"Jenis SP2D tidak dikenal: {raw!r}"))

    if has_kegiatan:
        bad_code_rows = {iss.excel_row for iss in issues if iss.kolom == lbl["kode_kegiatan"]}
        need = np.isin(jenis_arr.astype(str), list(slow.REALISASI_JENIS))
        missing = pc.is_null(kode_kegiatan).to_numpy(zero_copy_only=False)
        raw_kk = picked("kode_kegiatan")
        for r in np.flatnonzero(need & missing):
            if int(excel_rows[r]) in bad_code_rows:
                continue
            issues.append(slow.cell_error(
                name, int(excel_rows[r]), lbl["kode_kegiatan"], raw_kk[int(r)].as_py() or None,
                "kode kegiatan (mis. '4.01.4.01.03.01.02')", f"SP2D {jenis_arr[r]} tanpa kode kegiatan"))

    # JUMLAH rows: the sum of all SP2D above (or, a page subtotal, since the previous JUMLAH).
    prev = 0
    for i, raw in totals_at:
        pos = int(np.searchsorted(idx, i))
        row = int(i + first_excel)
        try:
            total = slow.to_money(raw)
        except ParseError as exc:
            issues.append(slow.cell_error(name, row, lbl["nilai"], raw, exc.expected, f"Baris JUMLAH: {raw!r} bukan angka"))
            prev = pos
            continue
        if total is None:
            prev = pos
            continue
        cum = _dsum(nilai, 0, pos)
        page = _dsum(nilai, prev, pos)
        if abs(total - cum) > slow.TOTAL_TOLERANCE and abs(total - page) > slow.TOTAL_TOLERANCE:
            issues.append(slow.cell_error(
                name, row, lbl["nilai"], raw, f"jumlah seluruh baris SP2D = {slow._rp(cum)}",
                f"Baris JUMLAH {slow._rp(total)} tidak sama dengan jumlah baris SP2D di atasnya {slow._rp(cum)} "
                f"(selisih {slow._rp(total - cum)})"))
        prev = pos

    df = pd.DataFrame({
        "urutan": pd.array(np.arange(1, n + 1), dtype="Int64"),
        "no": no_a.to_pandas(),
        "tanggal": pd.Series(tgl, dtype=object),
        "nomor_sp2d": nomor_a.to_pandas(),
        "kode_kegiatan": kode_kegiatan.to_pandas() if (has_kegiatan and kode_kegiatan is not None)
        else pd.Series([None] * n, dtype=object),
        "kode_rekening": kode_rekening.to_pandas() if kode_rekening is not None else pd.Series([None] * n, dtype=object),
        "uraian": uraian_a.to_pandas(),
        "jenis": pd.Series(jenis_arr, dtype=object),
        "nilai": pd.Series(nilai.to_pandas(types_mapper=pd.ArrowDtype)),
        "has_kode_kegiatan": pd.Series(np.full(n, has_kegiatan), dtype="bool"),
        "sheet": pd.Series([name] * n, dtype=object),
        "excel_row": pd.array(excel_rows, dtype="Int64"),
    }, columns=columns)
    if n == 0:
        issues.append(error("Register SP2D tidak berisi baris SP2D", sheet=name, excel_row=header.excel_row + 1,
                            diharapkan="minimal satu baris SP2D di bawah judul kolom"))
    issues.sort(key=lambda x: (x.excel_row or 0))
    sheet.strings_origin = (first_excel - (k + 1), c0)   # Excel row of table row 0, column offset
    return ReadResult(kind, meta, {"register_sp2d": df}, issues)


_PLAIN_MONEY = r"^-?[0-9]{1,16}(\.[0-9]{1,2})?$"


def _money(texts: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Rupiah of a text column: plain numbers (what a numeric cell prints as) cast directly, the
    rest by the three-digit rule (``parse_vec``). Same values as ``to_money`` cell by cell."""
    money = pa.decimal128(18, 2)
    plain = pc.fill_null(pc.match_substring_regex(texts, _PLAIN_MONEY), False)
    value = pc.cast(pc.if_else(plain, texts, pa.scalar(None, pa.string())), money)
    ok = pa.array([True] * len(texts)) if len(texts) else pa.array([], pa.bool_())
    rest = pc.invert(plain)
    if pc.any(rest).as_py():
        v_rest, ok_rest = parse_number_text(texts.filter(rest), money=True)
        value = pc.replace_with_mask(value, rest, pc.cast(v_rest, money))
        ok = pc.replace_with_mask(ok, rest, ok_rest)
    return value, ok


def _indices(encoded: pa.DictionaryArray, null_as: int) -> np.ndarray:
    """The dictionary indices as int64, a null cell as ``null_as``."""
    return pc.fill_null(encoded.indices.cast(pa.int64()), null_as).to_numpy(zero_copy_only=False)


class _NeedsTypes(Exception):
    """A code column holds a plain number: only the cell type can say whether it was typed as one."""


def _inherited_wrong(tgl: np.ndarray, tahun: int, blank: np.ndarray) -> np.ndarray:
    """Blank cells that inherited a date of another year (the row reader reports them too)."""
    out = np.zeros(len(tgl), dtype=bool)
    for r in np.flatnonzero(blank):
        d = tgl[r]
        if isinstance(d, dt.date) and d.year != tahun:
            out[r] = True
    return out


def _dsum(values: pa.Array, start: int, stop: int) -> Decimal:
    if stop <= start:
        return Decimal("0.00")
    s = pc.sum(values.slice(start, stop - start)).as_py()
    return Decimal("0.00") if s is None else Decimal(s).quantize(Decimal("0.01"))


def _starts_footer(cells: list[Any]) -> bool:
    from lkip.extract.header import is_signature_text

    non_empty = [v for v in cells if v is not None and not (isinstance(v, str) and not v.strip())]
    return (len(non_empty) <= 2 and all(isinstance(v, str) for v in non_empty)
            and any(is_signature_text(v) for v in non_empty))
