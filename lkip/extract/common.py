"""What every reader shares: blank and text cells, printed column titles, cell issues, the missing-header
issue, column-wise conversion, code parents and the check of a JUMLAH row.

One definition each (they used to live in two readers, as near-copies that behaved differently).
Amounts in messages are written by :func:`lkip.fmt.rupiah_pesan`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Callable

from lkip.extract.header import Header, best_header_guess, is_total_label, load_column_map
from lkip.extract.parse import ParseError, is_blank, to_money
from lkip.fmt import rupiah_pesan
from lkip.issues import Issue, error

# A written total may differ from the sum of its rows by this much (rounding in the source
# system): Rp 1. Used by the readers' JUMLAH checks and the schemas' cross-row checks.
TOLERANCE = Decimal("1")

blank = is_blank
"""None, NaN, or text of only whitespace."""


def text_or_none(v: Any) -> str | None:
    """A cell as text: whitespace runs collapsed, blank as None, 12.0 as '12', a date as
    dd/mm/yyyy."""
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (dt.datetime, dt.date)):
        return v.strftime("%d/%m/%Y")
    s = re.sub(r"\s+", " ", str(v)).strip()
    return s or None


def column_label(header: Header, field: str, default: str | None = None) -> str:
    """The column's title as printed in the file; else (the file lacks the column) ``default``,
    else the field's name. A matched column always has a printed title (its keywords matched it);
    the name a schema message gives a column is its declared label (``lkip.tables``)."""
    col = header.columns.get(field)
    if col is not None and col < len(header.printed) and header.printed[col]:
        return header.printed[col]
    return default if default is not None else field


def printed_label(header: Header, field: str, default: str) -> str:
    return column_label(header, field, default)


def cell_error(sheet: str, row: int, kolom: str, value: Any, expected: str, pesan: str | None = None) -> Issue:
    """A cell that fits no reading: '<value> bukan <expected>' unless ``pesan`` says otherwise."""
    return error(pesan or f"{value!r} bukan {expected}", sheet=sheet, excel_row=row, kolom=kolom,
                 nilai=value, diharapkan=expected)


def cell_issue(sheet: str, row: int, header: Header, field: str, value: Any, exc: ParseError) -> Issue:
    """``cell_error`` for a ParseError of ``field``'s column."""
    return cell_error(sheet, row, column_label(header, field), value, exc.expected, str(exc))


def no_header_issue(sheet: str, rows: list[list[Any]], kind: str, what: str) -> Issue:
    cmap = load_column_map(kind)
    row, missing = best_header_guess(rows, cmap)
    names = ", ".join(sorted(missing)) or "-"
    return error(
        f"Baris judul kolom {what} tidak ditemukan di 30 baris pertama; baris terdekat {row + 1} "
        f"tidak memuat kolom: {names}",
        sheet=sheet, excel_row=row + 1,
        diharapkan=f"baris judul kolom {what} dengan: " + ", ".join(sorted(cmap.required)),
    )


def convert_column(
    values: list[Any],
    rows: list[int],
    fn: Callable[[Any], Any],
    fast: tuple[type, ...],
    fast_fn: Callable[[Any], Any] | None,
    on_error: Callable[[int, Any, ParseError], None],
) -> list[Any]:
    """Apply ``fn`` to a column; typed cells of ``fast`` types go through ``fast_fn``.

    Text cells are parsed once per distinct text. Every failing cell is passed to ``on_error``
    (with its Excel row) and becomes None in the output -- the caller reports it as an error.
    """
    out: list[Any] = [None] * len(values)
    cache: dict[Any, Any] = {}
    for i, v in enumerate(values):
        if v is None:
            continue
        if fast and isinstance(v, fast) and not isinstance(v, bool):
            out[i] = fast_fn(v) if fast_fn else v
            continue
        key = (type(v), v)
        if key in cache:
            res = cache[key]
        else:
            try:
                res = fn(v)
            except ParseError as exc:
                res = exc
            cache[key] = res
        if isinstance(res, ParseError):
            on_error(rows[i], v, res)
        else:
            out[i] = res
    return out


def code_parents(codes: list[str]) -> dict[str, str | None]:
    """Each code's parent: the longest other code in the list that is its prefix + segments."""
    present = set(codes)
    out: dict[str, str | None] = {}
    for c in present:
        segs = c.split(".")
        parent = None
        for k in range(len(segs) - 1, 0, -1):
            p = ".".join(segs[:k])
            if p in present:
                parent = p
                break
        out[c] = parent
    return out


def code_depth(code: str, parents: dict[str, str | None]) -> int:
    d, c = 0, parents.get(code)
    while c is not None:
        d, c = d + 1, parents.get(c)
    return d


def check_jumlah_row(sheet: str, header: Header, dr: Any, totalled: list[dict[str, Any]], fields: list[str],
                     what: str, issues: list[Issue]) -> None:
    """A JUMLAH row must equal the sum of the rows it totals (within TOLERANCE), field by field."""
    for f in fields:
        if f not in header.columns:
            continue
        raw = dr.values.get(f)
        if is_total_label(raw):
            continue                    # the JUMLAH label itself, printed in this column
        try:
            written = to_money(raw)
        except ParseError as exc:
            issues.append(cell_issue(sheet, dr.excel_row, header, f, raw, exc))
            continue
        if written is None:
            continue
        computed = sum((r[f] or Decimal(0) for r in totalled), Decimal("0.00"))
        if abs(written - computed) > TOLERANCE:
            issues.append(error(
                f"JUMLAH tidak sama dengan jumlah baris {what}: tertulis {rupiah_pesan(written)}, "
                f"dihitung {rupiah_pesan(computed)}",
                sheet=sheet, excel_row=dr.excel_row, kolom=column_label(header, f), nilai=raw,
                diharapkan=rupiah_pesan(computed),
            ))
