"""Text columns of a sheet read as Arrow strings, worked on column-wise (Arrow kernels, numpy
views of the Arrow buffers, no copy): which cells hold something, trimmed and collapsed text,
dictionary encoding of columns of few distinct texts, and pandas columns without a Python object
per cell. Used by :mod:`lkip.extract.register_fast`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Python's \s (str.isspace) written out for RE2: a run to collapse, and what makes a cell need it.
_WS_CLASS = r"\t\n\x0b\x0c\r\x1c-\x1f\x85\pZ"
_WS_RUN = f"[{_WS_CLASS}]+"
_NEEDS_COLLAPSE = f"[{_WS_CLASS}]{{2}}|[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f\\x85\\x{{a0}}\\x{{1680}}\\x{{2000}}-\\x{{200a}}\\x{{2028}}\\x{{2029}}\\x{{202f}}\\x{{205f}}\\x{{3000}}]"
_SCAN_CHUNK = 1 << 20     # bytes per numpy pass over a text column (stays in cache)
_ROWS_CHUNK = 1 << 16     # rows per numpy pass over a column's offsets


def one_chunk(a: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(a, pa.ChunkedArray):
        a = a.combine_chunks() if a.num_chunks != 1 else a.chunk(0)
    if not (pa.types.is_string(a.type) or pa.types.is_large_string(a.type)):
        a = a.cast(pa.string())
    return a


def text_bytes(a: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets of the n+1 cell boundaries, the data bytes) of a string array."""
    bufs = a.buffers()
    otype = np.int64 if pa.types.is_large_string(a.type) else np.int32
    if bufs[1] is None:
        return np.zeros(len(a) + 1, dtype=otype), np.zeros(0, dtype=np.uint8)
    off = np.frombuffer(bufs[1], dtype=otype)[a.offset:a.offset + len(a) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, dtype=np.uint8)
    return off, data


def valid_mask(a: pa.Array) -> np.ndarray:
    if a.null_count == 0:
        return np.ones(len(a), dtype=bool)
    return a.is_valid().to_numpy(zero_copy_only=False)


def empty_mask(a: pa.Array) -> np.ndarray:
    """Cells holding text of no character (not null)."""
    off, _ = text_bytes(a)
    out = off[1:] == off[:-1]
    if a.null_count:
        out &= a.is_valid().to_numpy(zero_copy_only=False)
    return out


def bitmap(valid: np.ndarray) -> pa.Buffer | None:
    """An Arrow validity bitmap (None: all valid)."""
    return None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))


class Column:
    """One sheet column: its cells as read, which hold something once trimmed, and the trimmed
    text (computed, a copy, only when some cell has space at an edge).

    A cell can only change under ``utf8_trim_whitespace`` when its first or last byte can be
    whitespace (ASCII <= space, or any non-ASCII byte): those few are trimmed to know whether they
    hold anything. The scan runs in blocks of rows, so that its scratch arrays are reused memory.
    """

    def __init__(self, column: pa.ChunkedArray | pa.Array):
        self.raw = one_chunk(column)
        n = len(self.raw)
        off, data = text_bytes(self.raw)
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
            self.filled[rows[empty_mask(trimmed)]] = False
        self._trimmed: pa.Array | None = None

    @property
    def trimmed(self) -> pa.Array:
        if self._trimmed is None:
            self._trimmed = pc.utf8_trim_whitespace(self.raw) if self.needs_trim else self.raw
        return self._trimmed


def collapse_candidates(a: pa.Array) -> np.ndarray:
    """Cells that may hold a whitespace run or a whitespace other than ' ' (a superset of
    ``_NEEDS_COLLAPSE``): a control byte, a non-ASCII byte, or two spaces in a row."""
    n = len(a)
    off, data = text_bytes(a)
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
        out &= valid_mask(a)
    return out


def text_column(a: pa.Array) -> pa.Array:
    """A text column as ``text_or_none`` gives it (cells already trimmed): whitespace runs
    collapsed to one space, blank as null. The regex and the replacement run only on the few cells
    whose bytes could hold such a run."""
    n = len(a)
    cand = collapse_candidates(a)
    if cand.any():
        cm = pa.array(cand)
        needs_sub = pc.fill_null(pc.match_substring_regex(a.filter(cm), _NEEDS_COLLAPSE), False)
        if pc.any(needs_sub).as_py():
            needs = np.zeros(n, dtype=bool)
            needs[np.flatnonzero(cand)[needs_sub.to_numpy(zero_copy_only=False)]] = True
            nm = pa.array(needs)
            fixed = pc.utf8_trim_whitespace(pc.replace_substring_regex(a.filter(nm), _WS_RUN, " "))
            a = pc.replace_with_mask(a, nm, fixed)
    empty = empty_mask(a)
    if empty.any():
        a = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), a)
    return a


def grouped(codes: np.ndarray, bad: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(distinct value, its rows) for the rows whose value is bad: values ascending, rows ascending."""
    rows = np.flatnonzero(bad[codes])
    if not len(rows):
        return []
    c = codes[rows]
    order = np.lexsort((rows, c))
    rows, c = rows[order], c[order]
    cuts = np.flatnonzero(np.diff(c)) + 1
    return [(int(g[0]), r) for g, r in zip(np.split(c, cuts), np.split(rows, cuts))]


class Distinct:
    """A column of few distinct texts, dictionary-encoded over the whole sheet column (no copy of
    its text): ``texts`` are the distinct trimmed texts, ``codes`` say which one each kept row
    holds (``len(texts)`` for a blank cell), ``used`` which texts a kept row holds."""

    def __init__(self, col: Column, keep: np.ndarray | None):
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


def categorical(values: pa.Array, used: np.ndarray, codes: np.ndarray) -> pd.Categorical:
    """Rows holding ``values[codes]`` (a code past the end, or a null value: blank) as a pandas
    Categorical of the values the rows use, sorted (so that it sorts like the text)."""
    values = values.cast(pa.string())
    cats = pc.drop_null(pc.unique(values.filter(pa.array(used)))).sort()
    where = pc.fill_null(pc.index_in(values, value_set=cats), -1).to_numpy(zero_copy_only=False)
    small = np.int8 if len(cats) < 127 else np.int16 if len(cats) < 32_767 else np.int32
    mapping = np.append(where, -1).astype(small)
    return pd.Categorical.from_codes(mapping[codes], dtype=pd.CategoricalDtype(pd.Index(cats.to_pandas(), dtype="str")))


def few_distinct(col: Column, sample: int = 65_536, ratio: float = 0.1) -> bool:
    """Whether a text column repeats its values enough to be kept as a dictionary."""
    head = col.raw.slice(0, sample)
    return len(head) > 0 and len(head.dictionary_encode().dictionary) <= ratio * len(head)


def str_series(a: pa.Array) -> pd.Series:
    """A text column as pandas ``str`` (Arrow-backed: no Python object per cell)."""
    return pd.Series(a.to_pandas(), dtype="str")
