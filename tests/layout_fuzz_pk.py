"""The PK/IKU workbook in random layouts, for the layout fuzzer (tests/layout_fuzz.py).

Each sheet of the bundled PK/IKU workbook is located with the reader's own column map, then printed
again: another title block (with or without the SKPD line), the header lower, its columns in
another order with case/spacing variants, an extra column, numbers as Indonesian text, sheets
renamed (found by their header then) and in another order, a hidden sheet.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from openpyxl import Workbook

from layout_fuzz import EXAMPLE_INPUT, FILES, number_cell, variant

NEUTRAL_NAMES = ["Lembar1", "Data A", "Tabel", "Sheet3", "Lamp", "Isian", "Hal 2", "Lembar8"]


@dataclass
class PkLayout:
    skpd_line: bool = True
    pad: int = 1
    permute: bool = False
    case: int = 0
    numbers: str = "numeric"
    rename: bool = False
    reverse_sheets: bool = False
    extra_column: bool = False
    hidden_sheet: bool = False
    cell_seed: int = 0
    folder: str = ""


def pk_layouts() -> st.SearchStrategy[PkLayout]:
    return st.builds(
        PkLayout, skpd_line=st.booleans(), pad=st.integers(0, 12), permute=st.booleans(), case=st.integers(0, 3),
        numbers=st.sampled_from(["numeric", "text", "mixed"]), rename=st.booleans(), reverse_sheets=st.booleans(),
        extra_column=st.booleans(), hidden_sheet=st.booleans(), cell_seed=st.integers(0, 2 ** 16),
        folder=st.sampled_from(["", "pk", "iku/2020 final"]))


@dataclass
class _Table:
    name: str
    title: list[str]
    header: list[Any]
    data: list[list[Any]] = field(default_factory=list)


def _tables() -> list[_Table]:
    from lkip.extract.header import find_header, load_column_map
    from lkip.extract.pk_iku import SPECS, _find_sheets
    from lkip.extract.sheets import grid
    from lkip.extract.workbook import open_workbook

    wb = open_workbook(EXAMPLE_INPUT / FILES["pk_iku"])
    found = _find_sheets(wb.visible_sheets)
    out = []
    for table, (sheet, h) in found.items():
        rows = grid(sheet)
        assert h.n_rows == 1 and find_header(rows, load_column_map(SPECS[table][0])) is not None
        title = [str(r[0]) for r in rows[:h.row] if r and r[0] is not None]
        width = max(len(r) for r in rows)
        data = [list(r) + [None] * (width - len(r)) for r in rows[h.row + 1:]
                if any(v is not None for v in r)]
        out.append(_Table(sheet.name, title, list(rows[h.row]) + [None] * (width - len(rows[h.row])), data))
    return out


def render_pk(lay: PkLayout, input_dir: Path) -> Path:
    rng = random.Random(lay.cell_seed)
    tables = _tables()
    if lay.reverse_sheets:
        tables.reverse()
    wb = Workbook()
    wb.remove(wb.active)
    for k, t in enumerate(tables):
        width = len(t.header)
        order = list(range(width))
        if lay.permute:
            rng.shuffle(order)
        title = [line for line in t.title if lay.skpd_line or "Perangkat Daerah" not in line]
        rows: list[list[Any]] = [[line] + [None] * (width - 1) for line in title]
        rows += [[None] * width for _ in range(lay.pad)]
        header = [variant(str(t.header[j]), lay.case) if t.header[j] is not None else None for j in order]
        data = [[r[j] for j in order] for r in t.data]
        if lay.extra_column:
            header.append("Keterangan Tambahan")
            data = [r + [rng.choice(["Jumlah", "Total", "-", None])] for r in data]
        rows.append(header)
        for r in data:
            rows.append([number_cell(v, rng, lay.numbers) if isinstance(v, (int, float)) and not isinstance(v, bool)
                         else v for v in r])
        ws = wb.create_sheet(NEUTRAL_NAMES[k] if lay.rename else t.name)
        for r in rows:
            ws.append(r)
    if lay.hidden_sheet:
        hs = wb.create_sheet("IKU lama")
        hs.append(["No", "Sasaran Strategis", "Indikator Kinerja", "Target"])
        hs.append([1, "x", "y", "abc"])
        hs.sheet_state = "hidden"
    path = input_dir / lay.folder / "lampiran.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
