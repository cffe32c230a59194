"""Which kind a workbook is, by content (title rows and header keywords), never by file name.

The candidates are the readers of ``lkip.sources`` (each kind's ``matches``), in their order."""

from __future__ import annotations

import math
from typing import Any

from lkip import sources
from lkip.extract.header import best_header_guess, load_column_map
from lkip.extract.reader import Reader
from lkip.issues import Issue, error, warning


def _unknown_text() -> str:
    names = [r.label for r in sources.readers()]
    listed = ", ".join(names[:-1]) + (", atau " + names[-1] if len(names) > 1 else "".join(names))
    return f"Jenis berkas tidak dikenali: judul/header tidak cocok dengan format {listed}"


def _visible(workbook: Any) -> list[Any]:
    from lkip.extract.sheets import visible_sheets

    return visible_sheets(workbook)


def detect(workbook: Any) -> tuple[Reader | None, list[Issue]]:
    """The reader whose ``matches`` scores highest on a visible sheet; issues for hidden sheets and
    for a workbook that fits no kind."""
    from lkip.extract.sheets import hidden_sheet_names

    issues = [warning(f"Sheet tersembunyi '{n}' diabaikan", sheet=n) for n in hidden_sheet_names(workbook)]
    sheets = _visible(workbook)
    if not sheets:
        issues.append(error("Workbook tidak memiliki sheet yang terlihat",
                            diharapkan="minimal satu sheet yang tidak disembunyikan"))
        return None, issues
    best = _best(sheets)
    if best is not None:
        return best[2], issues
    issues.append(_unknown(sheets))
    return None, issues


def _score(mod: Reader, sheet: Any) -> int:
    try:
        return int(mod.matches(sheet) or 0)
    except Exception:  # a reader that chokes on a foreign sheet simply does not match it
        return 0


def _best(sheets: list[Any]) -> tuple[int, int, Reader] | None:
    """(score, order, reader) of the highest score over every reader and sheet, an earlier reader
    winning a tie. Each pair's upper bound comes first (``score_bounds``: the title and the size
    of the map, no header search); pairs are then scored from the highest bound down, and a pair
    whose bound cannot beat the best so far is not scored: the same answer as scoring them all."""
    from lkip.extract.sheets import score_bounds

    pairs = [(order, mod, sheet) for order, mod in enumerate(sources.readers()) for sheet in sheets]
    with score_bounds():
        bounds = []
        for _order, mod, sheet in pairs:
            try:
                bounds.append(int(mod.matches(sheet) or 0))
            except Exception:  # scored exactly below (and then 0)
                bounds.append(math.inf)
    best: tuple[int, int, Reader] | None = None
    for i in sorted(range(len(pairs)), key=lambda i: (-bounds[i], i)):
        order, mod, sheet = pairs[i]
        if bounds[i] <= 0 or (best is not None and (bounds[i], -order) <= (best[0], -best[1])):
            continue
        score = _score(mod, sheet)
        if score > 0 and (best is None or (score, -order) > (best[0], -best[1])):
            best = (score, order, mod)
    return best


def _unknown(sheets: list[Any]) -> Issue:
    """The error for an unrecognised workbook, with the closest header guess."""
    guess: tuple[float, str, str, int, set[str], str] | None = None
    labels = sources.labels()
    for r in sources.readers():
        kind, cmap = r.kind, load_column_map(r.column_map)
        if not cmap.required:
            continue
        for sheet in sheets:
            rows = [[None if (isinstance(v, str) and not v.strip()) else v for v in r] for r in sheet.head(32)]
            if not rows:
                continue
            row, missing = best_header_guess(rows, cmap)
            if all(v is None for v in rows[row]) and row + 1 < len(rows):
                row += 1                # a blank row "combined" with the header below it
            frac = len(missing) / len(cmap.required)
            printed = " | ".join(str(v).strip() for v in rows[row] if v is not None)
            if guess is None or frac < guess[0]:
                guess = (frac, kind, sheet.name, row, missing, printed)
    if guess is None:
        return error(_unknown_text(), diharapkan="judul dan header salah satu format masukan")
    _frac, kind, sheet, row, missing, printed = guess
    detail = (f". Paling mirip {labels.get(kind, kind)}: sheet '{sheet}' baris {row + 1} "
              f"('{printed[:120]}'), kolom yang tidak ditemukan: {', '.join(sorted(missing)) or '-'}")
    return error(_unknown_text() + detail, sheet=sheet, excel_row=row + 1, nilai=printed[:200] or None,
                 diharapkan=f"header {labels.get(kind, kind)} dengan kolom {', '.join(sorted(missing))}")
