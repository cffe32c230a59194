"""Which rows of a big Register SP2D's table are SP2D rows, told column-wise: where the table
stands under the header, blank rows, repeated headers (exact, or however they are typed), JUMLAH
rows and the footer. The few rows that could be anything but an SP2D go through the row reader's
own classification (``header.iter_data_rows``). Used by :mod:`lkip.extract.register_fast`.
"""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lkip.extract.arrow_text import text_bytes
from lkip.extract.header import find_header, iter_data_rows, load_column_map, normalize_header
from lkip.extract.register_rules import KEY_FIELDS, LABEL_FIELDS
from lkip.extract.sheets import head_grid

PLAIN_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_PRINTED_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$")


def shown(text: str | None) -> Any:
    """A cell as the row reader would show it: numbers as numbers, an Excel date (printed by
    fastexcel as ``2020-03-09 00:00:00``) as a datetime, the rest as text."""
    if text is None:
        return None
    if PLAIN_NUMBER.match(text):
        v = float(text)
        return int(v) if v.is_integer() else v
    m = _PRINTED_DATETIME.match(text)
    if m:
        return dt.datetime(*map(int, m.groups()))
    return text


def align(sheet: Any, head: list[list[Any]], header: Any, tbl: pa.Table) -> tuple[int, int] | None:
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


def locate_text_table(sheet: Any, kind: str) -> tuple[list[list[Any]], Any, pa.Table, int, int] | None:
    """Where a one-row-header table of ``kind`` sits in the sheet's Arrow text: (top rows, header,
    text table, table row of the header, column offset); None when the column readers must step
    aside (no or two-row header, header cells not found in the text, a column outside it)."""
    head = head_grid(sheet)
    header = find_header(head, load_column_map(kind))
    if header is None or header.n_rows != 1:
        return None
    tbl = sheet.strings()
    pos = align(sheet, head, header, tbl)
    if pos is None:
        return None
    k, c0 = pos
    if any(c - c0 < 0 or c - c0 >= tbl.num_columns for c in header.columns.values()):
        return None
    return head, header, tbl, k, c0


def repeated_header(rows: pa.Table, head: list[list[Any]], header: Any, c0: int) -> np.ndarray:
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
        text = shown(v.strip())
        if not isinstance(text, str) or normalize_header(text) != texts[j]:
            return none
        mask &= pc.fill_null(pc.equal(rows.column(j - c0), v), False).to_numpy(zero_copy_only=False)
    return mask


def may_repeat_header(sheet_cols: list[Any], header: Any, c0: int, pool: ThreadPoolExecutor) -> np.ndarray:
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
        off, data = text_bytes(col.raw)
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


def starts_footer(cells: list[Any]) -> bool:
    from lkip.extract.header import is_signature_text

    non_empty = [v for v in cells if v is not None and not (isinstance(v, str) and not v.strip())]
    return (len(non_empty) <= 2 and all(isinstance(v, str) for v in non_empty)
            and any(is_signature_text(v) for v in non_empty))


def kept_rows(pool: ThreadPoolExecutor, head: list[list[Any]], header: Any, data: pa.Table,
              sheet_cols: list[Any], c0: int, *, key: str = "nomor_sp2d", key_fields: Any = KEY_FIELDS,
              label_fields: Any = LABEL_FIELDS, text_fields: Any = ("uraian",),
              total_field: str = "nilai") -> tuple[np.ndarray, list[tuple[int, Any]]]:
    """(which rows of ``data`` are SP2D rows, the JUMLAH rows as (index in data, raw nilai)).

    ``sheet_cols``: the ``arrow_text.Column`` of each column of ``data``; ``c0``: the sheet column
    of ``data``'s first column. The keywords say which field every data row fills (``key``) and
    the row reader's classification fields, for another kind read the same way (SIPD documents:
    ``lkip.extract.realisasi_dokumen_fast``)."""
    cols = header.columns
    n_all = data.num_rows
    n_filled = np.zeros(n_all, dtype=np.int16)
    for c in sheet_cols:
        n_filled += c.filled
    nomor = sheet_cols[cols[key] - c0]
    nomor_all = nomor.trimmed
    nomor_header = header.printed[cols[key]].strip()
    special = (
        (n_filled <= 2)
        | ~nomor.filled
        | pc.fill_null(pc.equal(nomor_all, nomor_header), False).to_numpy(zero_copy_only=False)
        | pc.fill_null(pc.ascii_is_decimal(nomor_all), False).to_numpy(zero_copy_only=False)   # ^[0-9]+$
        | may_repeat_header(sheet_cols, header, c0, pool)
    )
    special_idx = np.flatnonzero(special)

    # The few special rows go through the row reader's own classification; blank rows and exact
    # repeats of the header (skipped there before anything else) are told apart column-wise.
    if len(special_idx):
        spec = data.take(pa.array(special_idx, type=pa.int64()))
        skip = (n_filled[special_idx] == 0) | repeated_header(spec, head, header, c0)
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
            cells.append(shown(v) if v else None)
        grid.append((cells + [None] * width)[:max(width, len(cells))])
    kept_special: list[int] = []
    totals_at: list[tuple[int, Any]] = []   # (index in data, raw nilai)
    yielded: set[int] = set()
    for dr in iter_data_rows(grid, header, text_fields=set(text_fields), key_fields=key_fields,
                             label_fields=label_fields):
        i = int(rest_idx[dr.excel_row - header.excel_row - 1])
        yielded.add(i)
        if dr.is_total:
            totals_at.append((i, dr.values.get(total_field)))
            continue
        kept_special.append(i)
    # Everything from the first footer row on is footer; other special rows not yielded are skipped.
    footer_from = n_all
    for j, i in enumerate(rest_idx):
        if int(i) not in yielded and starts_footer(grid[header.row + 1 + j]):
            footer_from = int(i)
            break
    keep = ~special
    if kept_special:
        keep[np.array(kept_special, dtype=np.int64)] = True
    keep[footer_from:] = False
    return keep, [(i, raw) for i, raw in totals_at if i < footer_from]
