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
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lkip.extract.base import ReadResult
from lkip.extract.skpd import column_codes, resolve_skpd
from lkip.extract.header import (
    find_header,
    iter_data_rows,
    load_column_map,
    normalize_header,
    read_title_meta,
    title_lines,
)
from lkip.extract.parse import ParseError, normalize_code, parse_date
from lkip.extract.parse_vec import parse_number_text
from lkip.extract.sheets import head_grid
from lkip.extract.workbook import TEXT_MIN_ROWS
from lkip.issues import Issue, error

FAST_MIN_ROWS = TEXT_MIN_ROWS   # below this the row reader is fast enough (cell types decide)

_AMBIGUOUS_NUMBER = r"^-?[0-9]+\.[0-9]{3}$"        # numeric 1.732 or the text "1.732" (= 1732)?
_TOO_LONG = r"^-?[0-9]{14,}"                          # beyond what a double prints exactly to the cent
_FINE_DIGITS = 13                                     # digits only, at most this many: plain rupiah
# Python's \s (str.isspace) written out for RE2: a run to collapse, and what makes a cell need it.
_WS_CLASS = r"\t\n\x0b\x0c\r\x1c-\x1f\x85\pZ"
_WS_RUN = f"[{_WS_CLASS}]+"
_NEEDS_COLLAPSE = f"[{_WS_CLASS}]{{2}}|[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f\\x85\\x{{a0}}\\x{{1680}}\\x{{2000}}-\\x{{200a}}\\x{{2028}}\\x{{2029}}\\x{{202f}}\\x{{205f}}\\x{{3000}}]"
_PLAIN_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_ISO_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?: 00:00:00(?:\.0+)?)?$")
_PRINTED_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$")
_EPOCH = dt.date(1970, 1, 1)
_MONEY = pa.decimal128(18, 2)
_SCAN_CHUNK = 1 << 20     # bytes per numpy pass over a text column (stays in cache)
_ROWS_CHUNK = 1 << 16     # rows per numpy pass over a column's offsets


def _shown(text: str | None) -> Any:
    """A cell as the row reader would show it: numbers as numbers, an Excel date (printed by
    fastexcel as ``2020-03-09 00:00:00``) as a datetime, the rest as text."""
    if text is None:
        return None
    if _PLAIN_NUMBER.match(text):
        v = float(text)
        return int(v) if v.is_integer() else v
    m = _PRINTED_DATETIME.match(text)
    if m:
        return dt.datetime(*map(int, m.groups()))
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


# ---------------------------------------------------------------------------------------------
# Text columns as bytes (numpy views of the Arrow buffers, no copy)
# ---------------------------------------------------------------------------------------------


def _one_chunk(a: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(a, pa.ChunkedArray):
        a = a.combine_chunks() if a.num_chunks != 1 else a.chunk(0)
    if not (pa.types.is_string(a.type) or pa.types.is_large_string(a.type)):
        a = a.cast(pa.string())
    return a


def _bytes(a: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets of the n+1 cell boundaries, the data bytes) of a string array."""
    bufs = a.buffers()
    otype = np.int64 if pa.types.is_large_string(a.type) else np.int32
    if bufs[1] is None:
        return np.zeros(len(a) + 1, dtype=otype), np.zeros(0, dtype=np.uint8)
    off = np.frombuffer(bufs[1], dtype=otype)[a.offset:a.offset + len(a) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, dtype=np.uint8)
    return off, data


def _valid(a: pa.Array) -> np.ndarray:
    if a.null_count == 0:
        return np.ones(len(a), dtype=bool)
    return a.is_valid().to_numpy(zero_copy_only=False)


def _empty(a: pa.Array) -> np.ndarray:
    """Cells holding text of no character (not null)."""
    off, _ = _bytes(a)
    out = off[1:] == off[:-1]
    if a.null_count:
        out &= a.is_valid().to_numpy(zero_copy_only=False)
    return out


class _Column:
    """One sheet column: its cells as read, which hold something once trimmed, and the trimmed
    text (computed, a copy, only when some cell has space at an edge).

    A cell can only change under ``utf8_trim_whitespace`` when its first or last byte can be
    whitespace (ASCII <= space, or any non-ASCII byte): those few are trimmed to know whether they
    hold anything. The scan runs in blocks of rows, so that its scratch arrays are reused memory.
    """

    def __init__(self, column: pa.ChunkedArray | pa.Array):
        self.raw = _one_chunk(column)
        n = len(self.raw)
        off, data = _bytes(self.raw)
        valid = self.raw.is_valid().to_numpy(zero_copy_only=False) if self.raw.null_count else None
        self.filled = np.empty(n, dtype=bool)
        edge = []
        for s in range(0, n, _ROWS_CHUNK):
            o = off[s:s + _ROWS_CHUNK + 1]
            f = self.filled[s:s + _ROWS_CHUNK]
            np.not_equal(o[1:], o[:-1], out=f)
            if valid is not None:
                f &= valid[s:s + _ROWS_CHUNK]
            if len(data):
                first = np.take(data, o[:-1], mode="clip")
                last = np.take(data, o[1:] - 1, mode="clip")
                # uint8 wrap-around: b - 33 >= 95 exactly when b <= 32 or b >= 128.
                e = f & (((first - np.uint8(33)) >= np.uint8(95)) | ((last - np.uint8(33)) >= np.uint8(95)))
                if e.any():
                    edge.append(np.flatnonzero(e) + s)
        self.needs_trim = bool(edge)
        if edge:
            rows = np.concatenate(edge)
            trimmed = pc.utf8_trim_whitespace(self.raw.take(pa.array(rows, type=pa.int64())))
            self.filled[rows[_empty(trimmed)]] = False
        self._trimmed: pa.Array | None = None

    @property
    def trimmed(self) -> pa.Array:
        if self._trimmed is None:
            self._trimmed = pc.utf8_trim_whitespace(self.raw) if self.needs_trim else self.raw
        return self._trimmed


def _collapse_candidates(a: pa.Array) -> np.ndarray:
    """Cells that may hold a whitespace run or a whitespace other than ' ' (a superset of
    ``_NEEDS_COLLAPSE``): a control byte, a non-ASCII byte, or two spaces in a row."""
    n = len(a)
    off, data = _bytes(a)
    lo, hi = int(off[0]), int(off[-1])
    hits = []
    for s0 in range(lo, hi, _SCAN_CHUNK):
        s1 = min(hi, s0 + _SCAN_CHUNK)
        c = data[s0:min(hi, s1 + 1)]          # one byte more: a pair across the chunk's end
        flag = (c - np.uint8(32)) >= np.uint8(96)
        sp = c == 32
        flag[:-1] |= sp[:-1] & sp[1:]
        h = np.flatnonzero(flag[:s1 - s0])
        if len(h):
            hits.append(h + s0)
    out = np.zeros(n, dtype=bool)
    if hits:
        rows = np.searchsorted(off, np.concatenate(hits), side="right") - 1
        out[rows[(rows >= 0) & (rows < n)]] = True
        out &= _valid(a)
    return out


def _repeated_header(rows: pa.Table, head: list[list[Any]], header: Any, c0: int) -> np.ndarray:
    """Rows that are an exact copy of the header row's cells: ``iter_data_rows`` skips them as a
    page-break repeat (checked here once: each header cell, as the row reader would show it,
    normalises to the header text it is matched against)."""
    none = np.zeros(rows.num_rows, dtype=bool)
    texts = header.texts
    pos = [j for j, t in enumerate(texts) if t]
    hrow = head[header.row]
    if len(pos) < 2:
        return none
    mask = np.ones(rows.num_rows, dtype=bool)
    for j in pos:
        v = hrow[j] if j < len(hrow) else None
        if not isinstance(v, str) or not 0 <= j - c0 < rows.num_columns:
            return none
        shown = _shown(v.strip())
        if not isinstance(shown, str) or normalize_header(shown) != texts[j]:
            return none
        mask &= pc.fill_null(pc.equal(rows.column(j - c0), v), False).to_numpy(zero_copy_only=False)
    return mask


def _may_repeat_header(sheet_cols: list[Any], header: Any, c0: int, pool: ThreadPoolExecutor) -> np.ndarray:
    """Rows that may be a page-break repeat of the header however it is typed (spacing, case,
    punctuation): ``iter_data_rows`` calls a row a repeat when at least max(2, half) of the header
    texts are matched by its normalised cells, so every repeat matches in at least one of any
    (texts - threshold + 1) header columns; those columns are tested with one RE2 pass each (the
    normalisation as a pattern). The rows found go through the row reader's classification."""
    texts = header.texts
    pos = [j for j, t in enumerate(texts) if t]
    need = max(2, len(pos) // 2)
    inside = [j for j in pos if 0 <= j - c0 < len(sheet_cols)]
    n = len(sheet_cols[0].raw) if sheet_cols else 0
    if len(inside) < need:
        return np.zeros(n, dtype=bool)          # too few header columns in the table to repeat it
    # Prefer the columns whose data cannot look like text (numbers, codes, dates): cheap rejects.
    order = sorted(inside, key=lambda j: j not in set(header.columns.values()))
    test = order[:len(inside) - need + 1]

    def matches(j: int) -> np.ndarray:
        col = sheet_cols[j - c0]
        toks = texts[j].split(" ")
        if any(t in ("persen", "tw") for t in toks):
            return col.filled                    # '%' and 'Triwulan IV' normalise otherwise: any text
        sep = "[^0-9a-z]"
        pattern = f"(?i)^{sep}*" + f"{sep}+".join(re.escape(t) for t in toks) + f"{sep}*$"
        if toks[0][:1].isdigit():
            return pc.fill_null(pc.match_substring_regex(col.raw, pattern), False).to_numpy(zero_copy_only=False)
        # A header text starting with a letter cannot be matched by a cell starting with a digit
        # (SP2D numbers, codes, amounts, dates): the pattern runs on the few other cells only.
        off, data = _bytes(col.raw)
        first = np.take(data, off[:-1], mode="clip") if len(data) else np.zeros(n, dtype=np.uint8)
        cand = col.filled & ((first - np.uint8(48)) > np.uint8(9))
        out = np.zeros(n, dtype=bool)
        idx = np.flatnonzero(cand)
        if len(idx):
            hit = pc.match_substring_regex(col.raw.take(pa.array(idx)), pattern)
            out[idx[pc.fill_null(hit, False).to_numpy(zero_copy_only=False)]] = True
        return out

    out = np.zeros(n, dtype=bool)
    for m in pool.map(matches, test):
        out |= m
    return out


def _grouped(codes: np.ndarray, bad: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(distinct value, its rows) for the rows whose value is bad: values ascending, rows ascending."""
    rows = np.flatnonzero(bad[codes])
    if not len(rows):
        return []
    c = codes[rows]
    order = np.lexsort((rows, c))
    rows, c = rows[order], c[order]
    cuts = np.flatnonzero(np.diff(c)) + 1
    return [(int(g[0]), r) for g, r in zip(np.split(c, cuts), np.split(rows, cuts))]


def _text_column(a: pa.Array) -> pa.Array:
    """A text column as ``text_or_none`` gives it (cells already trimmed): whitespace runs
    collapsed to one space, blank as null. The regex and the replacement run only on the few cells
    whose bytes could hold such a run."""
    n = len(a)
    cand = _collapse_candidates(a)
    if cand.any():
        cm = pa.array(cand)
        needs_sub = pc.fill_null(pc.match_substring_regex(a.filter(cm), _NEEDS_COLLAPSE), False)
        if pc.any(needs_sub).as_py():
            needs = np.zeros(n, dtype=bool)
            needs[np.flatnonzero(cand)[needs_sub.to_numpy(zero_copy_only=False)]] = True
            nm = pa.array(needs)
            fixed = pc.utf8_trim_whitespace(pc.replace_substring_regex(a.filter(nm), _WS_RUN, " "))
            a = pc.replace_with_mask(a, nm, fixed)
    empty = _empty(a)
    if empty.any():
        a = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), a)
    return a


class _Distinct:
    """A column of few distinct texts, dictionary-encoded over the whole sheet column (no copy of
    its text): ``texts`` are the distinct trimmed texts, ``codes`` say which one each kept row
    holds (``len(texts)`` for a blank cell), ``used`` which texts a kept row holds."""

    def __init__(self, col: _Column, keep: np.ndarray | None):
        enc = col.raw.dictionary_encode()
        values = enc.dictionary
        self.values = pc.utf8_trim_whitespace(values) if col.needs_trim else values
        self.texts: list[str | None] = self.values.to_pylist()
        nd = len(self.texts)
        ind = enc.indices
        codes = np.frombuffer(ind.buffers()[1], dtype=np.int32)[ind.offset:ind.offset + len(ind)]
        codes = codes[keep] if keep is not None else codes.copy()
        if ind.null_count:                      # a null's slot holds anything: set to "blank"
            nulls = ~ind.is_valid().to_numpy(zero_copy_only=False)
            codes[nulls[keep] if keep is not None else nulls] = nd
        self.codes = codes
        used = np.zeros(nd + 1, dtype=bool)
        used[codes] = True
        self.used = used[:nd]


def _categorical(values: pa.Array, used: np.ndarray, codes: np.ndarray) -> pd.Categorical:
    """Rows holding ``values[codes]`` (a code past the end, or a null value: blank) as a pandas
    Categorical of the values the rows use, sorted (so that it sorts like the text)."""
    values = values.cast(pa.string())
    cats = pc.drop_null(pc.unique(values.filter(pa.array(used)))).sort()
    where = pc.fill_null(pc.index_in(values, value_set=cats), -1).to_numpy(zero_copy_only=False)
    small = np.int8 if len(cats) < 127 else np.int16 if len(cats) < 32_767 else np.int32
    mapping = np.append(where, -1).astype(small)
    return pd.Categorical.from_codes(mapping[codes], dtype=pd.CategoricalDtype(pd.Index(cats.to_pandas(), dtype="str")))


def _few_distinct(col: _Column, sample: int = 65_536, ratio: float = 0.1) -> bool:
    """Whether a text column repeats its values enough to be kept as a dictionary."""
    head = col.raw.slice(0, sample)
    return len(head) > 0 and len(head.dictionary_encode().dictionary) <= ratio * len(head)


# ---------------------------------------------------------------------------------------------
# The reader
# ---------------------------------------------------------------------------------------------


def read_fast(sheet: Any, kind: str, columns: list[str]) -> ReadResult | None:
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
    # Arrow kernels and numpy release the GIL: the columns are prepared on two threads, and the
    # one with the most text (uraian) is finished in the second while this one parses the rest.
    with ThreadPoolExecutor(max_workers=2) as pool:
        return _read(pool, sheet, kind, columns, head, header, tbl, k, c0)


def _read(pool: ThreadPoolExecutor, sheet: Any, kind: str, columns: list[str], head: list[list[Any]],
          header: Any, tbl: pa.Table, k: int, c0: int) -> ReadResult | None:
    from lkip.extract import register_sp2d as slow

    name = sheet.name
    cols = header.columns
    meta = read_title_meta(title_lines(head, header.row + 1 - (header.n_rows - 1)))
    issues: list[Issue] = []
    has_kegiatan = "kode_kegiatan" in cols
    if not has_kegiatan:
        issues.append(slow.no_kegiatan_warning(name, header))
    lbl = {f: slow.printed_label(header, f, f) for f in cols}

    data = tbl.slice(k + 1)
    n_all = data.num_rows
    first_excel = header.excel_row + 1
    sheet_cols: list[_Column] = list(pool.map(lambda i: _Column(data.column(i)), range(data.num_columns)))
    n_filled = np.zeros(n_all, dtype=np.int16)
    for c in sheet_cols:
        n_filled += c.filled

    def col(field: str) -> _Column | None:
        return sheet_cols[cols[field] - c0] if field in cols else None

    nomor_all = col("nomor_sp2d").trimmed
    nomor_header = header.printed[cols["nomor_sp2d"]].strip()
    special = (
        (n_filled <= 2)
        | ~col("nomor_sp2d").filled
        | pc.fill_null(pc.equal(nomor_all, nomor_header), False).to_numpy(zero_copy_only=False)
        | pc.fill_null(pc.ascii_is_decimal(nomor_all), False).to_numpy(zero_copy_only=False)   # ^[0-9]+$
        | _may_repeat_header(sheet_cols, header, c0, pool)
    )
    special_idx = np.flatnonzero(special)

    # The few special rows go through the row reader's own classification; blank rows and exact
    # repeats of the header (skipped there before anything else) are told apart column-wise.
    if len(special_idx):
        spec = data.take(pa.array(special_idx, type=pa.int64()))
        skip = (n_filled[special_idx] == 0) | _repeated_header(spec, head, header, c0)
        rows_py = spec.filter(pa.array(~skip)).to_pylist()
        rest_idx = special_idx[~skip]
    else:
        rows_py, rest_idx = [], special_idx
    width = max(len(r) for r in head)
    grid: list[list[Any]] = [[None] * width for _ in range(header.row + 1)]
    grid[header.row] = list(head[header.row])
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
    for dr in iter_data_rows(grid, header, text_fields={"uraian"}, key_fields=slow.KEY_FIELDS,
                             label_fields=slow.LABEL_FIELDS):
        i = int(rest_idx[dr.excel_row - header.excel_row - 1])
        yielded.add(i)
        if dr.is_total:
            totals_at.append((i, dr.values.get("nilai")))
            continue
        kept_special.append(i)
    # Everything from the first footer row on is footer; other special rows not yielded are skipped.
    footer_from = n_all
    for j, i in enumerate(rest_idx):
        if int(i) not in yielded and _starts_footer(grid[header.row + 1 + j]):
            footer_from = int(i)
            break
    keep = ~special
    if kept_special:
        keep[np.array(kept_special, dtype=np.int64)] = True
    keep[footer_from:] = False
    totals_at = [(i, raw) for i, raw in totals_at if i < footer_from]
    idx = np.flatnonzero(keep)
    n = len(idx)
    keep_rows = None if n == n_all else keep
    keep_mask = None if n == n_all else pa.array(keep)
    excel_rows = idx + first_excel

    def picked(field: str) -> pa.Array | None:
        """The kept rows' trimmed text (a copy: for columns of mostly distinct text)."""
        c = col(field)
        if c is None:
            return None
        return c.trimmed if keep_mask is None else c.trimmed.filter(keep_mask)

    def uraian_column() -> pd.Categorical | pa.Array:
        c = col("uraian")
        if c is None:
            return pa.nulls(n, pa.string())
        if _few_distinct(c):
            d = _Distinct(c, keep_rows)
            return _categorical(_text_column(d.values), d.used, d.codes)
        return _text_column(picked("uraian"))

    uraian_job = pool.submit(uraian_column)
    # The columns of few distinct texts are dictionary-encoded on the pool meanwhile.
    distinct = {f: pool.submit(_Distinct, col(f), keep_rows)
                for f in ("kode_kegiatan", "kode_rekening", "jenis", "tanggal") if col(f) is not None}

    # Nilai: guards first (a value text cannot type), then the vectorised three-digit rule.
    nilai_all = col("nilai").trimmed
    money = _money_column(nilai_all, idx)
    if money is None:
        return None
    nilai, cents, nilai_valid, ok_np = money

    def nilai_text(i: int) -> str | None:
        return nilai_all[int(idx[i])].as_py()

    for i in np.flatnonzero(~ok_np):
        v = nilai_text(i)
        issues.append(slow.cell_error(name, int(excel_rows[i]), lbl["nilai"], _shown(v), "angka",
                                      f"{_shown(v)!r} bukan angka"))
    for i in np.flatnonzero(~nilai_valid & ok_np):
        v = nilai_text(i)
        issues.append(slow.cell_error(name, int(excel_rows[i]), lbl["nilai"], _shown(v) if v else None,
                                      "angka rupiah", "Nilai SP2D kosong"))
    for i in np.flatnonzero(nilai_valid & (cents < 0)):
        v = _shown(nilai_text(i))
        issues.append(slow.cell_error(name, int(excel_rows[i]), lbl["nilai"], v, "angka ≥ 0",
                                      f"Nilai SP2D negatif: {v!r}"))

    # Tanggal: once per distinct text; a blank repeats the date above (not across a bad cell).
    td = distinct["tanggal"].result()
    uniq = td.texts
    parsed: list[Any] = []
    expected_tgl = "tanggal (dd/mm/yyyy atau '31 Maret 2020')"
    if any(u and used and _PLAIN_NUMBER.match(u) for u, used in zip(uniq, td.used)):
        # 43901 printed by a numeric cell is a date serial, typed as text it is no date: only
        # the cell type can tell, so the row reader decides.
        return None
    for u, used in zip(uniq, td.used):
        m = _ISO_DATETIME.match(u) if (u and used) else None
        try:
            if not u or not used:
                parsed.append(None)
            elif m:
                parsed.append(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
            elif _PLAIN_NUMBER.match(u):
                parsed.append(parse_date(float(u)))
            else:
                parsed.append(parse_date(u))
        except (ParseError, ValueError) as exc:
            parsed.append(exc if isinstance(exc, ParseError) else ParseError(u, expected_tgl))
    nu = len(parsed)
    codes_np = td.codes                                # a blank cell -> nu
    is_date_u = np.array([isinstance(p, dt.date) for p in parsed] + [False])
    is_bad_u = np.array([isinstance(p, ParseError) for p in parsed] + [False])
    days_u = np.array([(p - _EPOCH).days if isinstance(p, dt.date) else 0 for p in parsed] + [0], dtype=np.int32)
    year_u = np.array([p.year if isinstance(p, dt.date) else 0 for p in parsed] + [0], dtype=np.int32)
    for i, bad_rows in _grouped(codes_np, is_bad_u):
        exc = parsed[i]
        for r in bad_rows:
            issues.append(slow.cell_error(name, int(excel_rows[r]), lbl["tanggal"], uniq[i],
                                          exc.expected or expected_tgl, f"{uniq[i]!r} bukan {exc.expected or expected_tgl}"))
    # Each row's date comes from the last non-blank cell at or above it (a bad cell gives none).
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
        issues.append(slow.cell_error(name, int(excel_rows[r]), lbl["tanggal"], None, "tanggal SP2D",
                                      "Tanggal SP2D kosong dan tidak ada tanggal di baris sebelumnya"))
    tgl = pa.Array.from_buffers(pa.date32(), n, [_bitmap(tgl_valid), pa.py_buffer(days_u[src])])
    tgl_year = year_u[src]

    if meta.tahun is None:
        # The most common year of the dates (the smallest on a tie): one date per such year
        # gives year_from_dates the same answer as all of them.
        years, counts = np.unique(tgl_year[tgl_valid], return_counts=True)
        slow.year_from_dates(meta, [dt.date(int(y), 1, 1) for y in years[counts == counts.max()]]
                             if len(years) else [], name, issues)
    if meta.tahun is not None:
        for r in np.flatnonzero(tgl_valid & (tgl_year != meta.tahun)):
            d = parsed[src[r]]
            raw = uniq[codes_np[r]] if codes_np[r] < nu else None
            issues.append(slow.cell_error(
                name, int(excel_rows[r]), lbl["tanggal"], raw if raw is not None else d,
                f"tanggal dalam tahun anggaran {meta.tahun}",
                f"Tanggal SP2D {d:%d/%m/%Y} di luar tahun anggaran {meta.tahun}"))

    # Text columns.
    no_a = _text_column(picked("no")) if "no" in cols else pa.nulls(n, pa.string())
    nomor_a = _text_column(picked("nomor_sp2d"))
    for r in np.flatnonzero(~_valid(nomor_a)):
        issues.append(slow.cell_error(name, int(excel_rows[r]), lbl["nomor_sp2d"], None, "nomor SP2D",
                                      "Nomor SP2D kosong"))

    def codes(field: str) -> tuple[pd.Categorical, np.ndarray] | None:
        """The normalised codes of the kept rows, and which rows hold none."""
        c = col(field)
        if c is None:
            return None
        d = distinct[field].result()
        out: list[Any] = []
        for u, used in zip(d.texts, d.used):
            if not used:
                out.append(None)
                continue
            if u is not None and u.strip() and _PLAIN_NUMBER.match(u.strip()):
                raise _NeedsTypes()
            try:
                out.append(normalize_code(u))
            except ParseError as exc:
                out.append(exc)
        bad_u = np.array([isinstance(v, ParseError) for v in out] + [False])
        for i, bad_rows in _grouped(d.codes, bad_u):
            v = out[i]
            for r in bad_rows:
                issues.append(slow.cell_error(name, int(excel_rows[r]), lbl[field], v.value,
                                              v.expected, f"{v.value!r} bukan {v.expected}"))
        values = pa.array([v if isinstance(v, str) else None for v in out], pa.string())
        missing = np.append(np.array([not isinstance(v, str) for v in out], dtype=bool), True)[d.codes]
        return _categorical(values, d.used, d.codes), missing

    try:
        kode_kegiatan = codes("kode_kegiatan")
        kode_rekening = codes("kode_rekening")
    except _NeedsTypes:
        return None

    # Jenis: normalised once per distinct text; blank -> from the SP2D number.
    labels: list[str] = list(slow.JENIS)

    def code_of(v: str | None) -> int:
        if v is None:
            return -1
        if v not in labels:
            labels.append(v)
        return labels.index(v)

    jc = col("jenis")
    if jc is not None:
        jd = distinct["jenis"].result()
        ju = jd.texts
        je_code_u = np.array([code_of(slow.normalize_jenis(u)) if (u and used) else -1
                              for u, used in zip(ju, jd.used)] + [-1], dtype=np.int16)
        jcode = je_code_u[jd.codes]
        je_blank = np.array([not u for u in ju] + [True])[jd.codes]
    else:
        ju, jd = [], None
        jcode = np.full(n, -1, dtype=np.int16)
        je_blank = np.ones(n, dtype=bool)

    def jenis_raw(r: int) -> str | None:
        return ju[jd.codes[r]] if jd is not None and jd.codes[r] < len(ju) else None

    jenis_label = lbl.get("jenis", "Jenis SP2D")
    blank_rows = np.flatnonzero(je_blank)
    if len(blank_rows):
        nomor_blank = nomor_a.take(pa.array(blank_rows, type=pa.int64())).to_pylist()
        for r, nomor in zip(blank_rows, nomor_blank):
            j = slow.jenis_from_nomor(nomor)
            if j is None:
                issues.append(slow.cell_error(name, int(excel_rows[r]), jenis_label, jenis_raw(r) or None,
                                              "salah satu dari " + ", ".join(slow.JENIS), "Jenis SP2D kosong"))
            jcode[r] = code_of(j)
    for r in np.flatnonzero(~je_blank & (jcode < 0)):
        raw = jenis_raw(r)
        issues.append(slow.cell_error(name, int(excel_rows[r]), lbl["jenis"], raw,
                                      "salah satu dari " + ", ".join(slow.JENIS),
                                      f"Jenis SP2D tidak dikenal: {raw!r}"))
    jenis = _categorical(pa.array(labels, pa.string()), np.bincount(jcode[jcode >= 0], minlength=len(labels)) > 0,
                         np.where(jcode >= 0, jcode, len(labels)))

    if has_kegiatan:
        bad_code_rows = [iss.excel_row for iss in issues if iss.kolom == lbl["kode_kegiatan"]]
        need = np.isin(jcode, [labels.index(j) for j in slow.REALISASI_JENIS if j in labels])
        flagged = need & kode_kegiatan[1]
        if bad_code_rows:
            flagged &= ~np.isin(excel_rows, np.array(bad_code_rows, dtype=np.int64))
        rows_kk = np.flatnonzero(flagged)
        raw_kk = col("kode_kegiatan").trimmed.take(pa.array(idx[rows_kk], type=pa.int64())).to_pylist()
        for r, raw in zip(rows_kk, raw_kk):
            issues.append(slow.cell_error(
                name, int(excel_rows[r]), lbl["kode_kegiatan"], raw or None,
                "kode kegiatan (mis. '4.01.4.01.03.01.02')", f"SP2D {labels[jcode[r]]} tanpa kode kegiatan"))

    # JUMLAH rows: the sum of all SP2D above (or, a page subtotal, since the previous JUMLAH).
    prev = 0
    prefix = _prefix_sums(cents) if totals_at else None
    for i, raw in totals_at:
        pos = int(np.searchsorted(idx, i))
        row = int(i + first_excel)
        if slow.is_total_label(raw):    # the label printed in the Nilai column: nothing to check
            prev = pos
            continue
        try:
            total = slow.to_money(raw)
        except ParseError as exc:
            issues.append(slow.cell_error(name, row, lbl["nilai"], raw, exc.expected, f"Baris JUMLAH: {raw!r} bukan angka"))
            prev = pos
            continue
        if total is None:
            prev = pos
            continue
        cum = _dsum(nilai, prefix, 0, pos)
        page = _dsum(nilai, prefix, prev, pos)
        if abs(total - cum) > slow.TOTAL_TOLERANCE and abs(total - page) > slow.TOTAL_TOLERANCE:
            issues.append(slow.cell_error(
                name, row, lbl["nilai"], raw, f"jumlah seluruh baris SP2D = {slow._rp(cum)}",
                f"Baris JUMLAH {slow._rp(total)} tidak sama dengan jumlah baris SP2D di atasnya {slow._rp(cum)} "
                f"(selisih {slow._rp(total - cum)})"))
        prev = pos

    kk_codes = (kode_kegiatan[0].dropna().unique().tolist()
                if has_kegiatan and kode_kegiatan is not None else [])
    skpd_col = col("kode_skpd")
    resolve_skpd(meta, kk_codes,
                 column_codes(pc.unique(skpd_col.trimmed).to_pylist()) if skpd_col is not None else set(),
                 name, issues, lbl.get("kode_kegiatan", "Kode Kegiatan"), lbl.get("kode_skpd", "Kode SKPD"))

    no_codes = np.full(n, -1, dtype=np.int8)
    none_cat = pd.Categorical.from_codes(no_codes, dtype=pd.CategoricalDtype(pd.Index([], dtype="str")))
    uraian = uraian_job.result()
    df = pd.DataFrame({
        "urutan": pd.arrays.IntegerArray(np.arange(1, n + 1, dtype=np.int64), np.zeros(n, dtype=bool)),
        "no": _str_series(no_a),
        "tanggal": pd.Series(pd.arrays.ArrowExtensionArray(tgl)),
        "nomor_sp2d": _str_series(nomor_a),
        "kode_kegiatan": kode_kegiatan[0] if (has_kegiatan and kode_kegiatan is not None) else none_cat,
        "kode_rekening": kode_rekening[0] if kode_rekening is not None else none_cat,
        "uraian": uraian if isinstance(uraian, pd.Categorical) else _str_series(uraian),
        "jenis": jenis,
        "nilai": pd.Series(pd.arrays.ArrowExtensionArray(nilai)),
        "has_kode_kegiatan": np.full(n, has_kegiatan, dtype=bool),
        "sheet": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), dtype=pd.CategoricalDtype(pd.Index([name], dtype="str"))),
        "excel_row": pd.arrays.IntegerArray(excel_rows, np.zeros(n, dtype=bool)),
    }, columns=columns, copy=False)
    if n == 0:
        issues.append(error("Register SP2D tidak berisi baris SP2D", sheet=name, excel_row=header.excel_row + 1,
                            diharapkan="minimal satu baris SP2D di bawah judul kolom"))
    issues.sort(key=lambda x: (x.excel_row or 0))
    sheet.strings_origin = (first_excel - (k + 1), c0)   # Excel row of table row 0, column offset
    return ReadResult(kind, meta, {"register_sp2d": df}, issues)


def _str_series(a: pa.Array) -> pd.Series:
    """A text column as pandas ``str`` (Arrow-backed: no Python object per cell)."""
    return pd.Series(a.to_pandas(), dtype="str")


_PLAIN_MONEY = r"^-?[0-9]{1,16}(\.[0-9]{1,2})?$"


def _money_column(texts: pa.Array, rows: np.ndarray) -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray] | None:
    """(rupiah, the same in cents (0 where blank), which hold a value, parsed ok) of the nilai
    texts of ``rows``, or None when a text cannot tell its value (an ambiguous ``1.732`` or an
    amount past what a double prints exactly).

    Digits only (what a numeric cell of at most 13 digits prints as: nearly every cell) are cast to
    integers by Arrow over the column as it is (the other cells masked as null, nothing copied);
    the rest, few, go through ``_money`` (the three-digit rule). The cents are written straight
    into the decimal128 buffer (a 16-byte little-endian integer per value)."""
    n = len(rows)
    off, _ = _bytes(texts)
    valid_all = _valid(texts)
    fine_all = valid_all & ((off[1:] - off[:-1]) <= _FINE_DIGITS) & \
        pc.fill_null(pc.ascii_is_decimal(texts), False).to_numpy(zero_copy_only=False)
    fine = fine_all[rows]
    rest = valid_all[rows] & ~fine
    has = fine.copy()
    ok = np.ones(n, dtype=bool)
    words = np.zeros((n, 2), dtype=np.int64)
    cents = words[:, 0]
    if fine.any():
        bits = np.packbits(np.concatenate([np.zeros(texts.offset, dtype=bool), fine_all]), bitorder="little")
        digits = pa.Array.from_buffers(texts.type, len(texts), [pa.py_buffer(bits), *texts.buffers()[1:]],
                                       offset=texts.offset)
        ints = pc.cast(digits, pa.int64())
        whole = np.frombuffer(ints.buffers()[1], dtype=np.int64)[ints.offset:ints.offset + len(ints)]
        np.take(whole, rows, out=cents)     # the other cells' slots are undefined: zeroed here
        cents[~fine] = 0
        cents *= 100
    if rest.any():
        at = np.flatnonzero(rest)
        sub = texts.take(pa.array(rows[at], type=pa.int64()))
        if pc.any(pc.match_substring_regex(sub, _AMBIGUOUS_NUMBER)).as_py() or \
                pc.any(pc.match_substring_regex(sub, _TOO_LONG)).as_py():
            return None
        v_sub, ok_sub = _money(sub)
        got = _valid(v_sub)
        cents[at] = np.where(got, _unscaled(v_sub), 0)
        has[at] = got
        ok[at] = ok_sub.to_numpy(zero_copy_only=False)
    np.right_shift(cents, 63, out=words[:, 1])          # the sign extended to the high word
    value = pa.Array.from_buffers(_MONEY, n, [_bitmap(has), pa.py_buffer(words)])
    return value, cents, has, ok


def _unscaled(values: pa.Array) -> np.ndarray:
    """The integers (cents) of a decimal128(18, 2) array; undefined where null. Each value is a
    16-byte little-endian integer and |cents| < 10**18 fits its low word."""
    words = np.frombuffer(values.buffers()[1], dtype=np.int64)
    return words[2 * values.offset:2 * (values.offset + len(values)):2]


def _bitmap(valid: np.ndarray) -> pa.Buffer | None:
    """An Arrow validity bitmap (None: all valid)."""
    return None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))


def _money(texts: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Rupiah of a text column: plain numbers (what a numeric cell prints as) cast directly, the
    rest by the three-digit rule (``parse_vec``). Same values as ``to_money`` cell by cell."""
    plain = pc.fill_null(pc.match_substring_regex(texts, _PLAIN_MONEY), False)
    value = pc.cast(pc.if_else(plain, texts, pa.scalar(None, pa.string())), _MONEY)
    ok = pa.array([True] * len(texts)) if len(texts) else pa.array([], pa.bool_())
    rest = pc.invert(plain)
    if pc.any(rest).as_py():
        v_rest, ok_rest = parse_number_text(texts.filter(rest), money=True)
        value = pc.replace_with_mask(value, rest, pc.cast(v_rest, _MONEY))
        ok = pc.replace_with_mask(ok, rest, ok_rest)
    return value, ok


class _NeedsTypes(Exception):
    """A code column holds a plain number: only the cell type can say whether it was typed as one."""


def _prefix_sums(cents: np.ndarray) -> np.ndarray | None:
    """Running sums of the cents (prefix[i] = sum of rows < i), exact in int64; None when the
    column's size could overflow it."""
    if len(cents) and float(max(abs(int(cents.max())), abs(int(cents.min())))) * len(cents) >= 9e18 and \
            float(np.abs(cents).sum(dtype=np.float64)) >= 9e18:
        return None
    return np.concatenate([[0], np.cumsum(cents)])


def _dsum(values: pa.Array, prefix: np.ndarray | None, start: int, stop: int) -> Decimal:
    if stop <= start:
        return Decimal("0.00")
    if prefix is not None:
        return (Decimal(int(prefix[stop] - prefix[start])) / 100).quantize(Decimal("0.01"))
    s = pc.sum(values.slice(start, stop - start)).as_py()
    return Decimal("0.00") if s is None else Decimal(s).quantize(Decimal("0.01"))


def _starts_footer(cells: list[Any]) -> bool:
    from lkip.extract.header import is_signature_text

    non_empty = [v for v in cells if v is not None and not (isinstance(v, str) and not v.strip())]
    return (len(non_empty) <= 2 and all(isinstance(v, str) for v in non_empty)
            and any(is_signature_text(v) for v in non_empty))
