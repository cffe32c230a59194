"""Builders of test workbooks (openpyxl/xlsxwriter into tmp_path); each reader's tests append theirs."""

from __future__ import annotations


# ---------------------------------------------------------------------------------------------
# Register SP2D, Form Realisasi Kinerja, PK/IKU builders (tests/test_read_register.py,
# tests/test_read_form.py, tests/test_read_pk_iku.py, tests/test_templates.py)
# ---------------------------------------------------------------------------------------------

import datetime as _dt
from dataclasses import dataclass as _dataclass, field as _field
from pathlib import Path as _Path
from typing import Any as _Any

SAMPLE_DIR = _Path(__file__).resolve().parents[1] / "examples" / "bekasi-setda-2020" / "input"

REGISTER_HEADER = ["No", "Tanggal SP2D", "Nomor SP2D", "Kode Kegiatan", "Kode Rekening", "Uraian",
                   "Jenis SP2D", "Nilai SP2D (Rp)"]


@_dataclass
class GridSheet:
    """Sheet-like object with the interface of lkip.extract.workbook.Sheet."""
    name: str
    hidden: bool
    rows: list
    formula_cells_without_value: list = _field(default_factory=list)


@_dataclass
class GridWorkbook:
    path: str
    sha256: str
    size: int
    sheets: list
    visible_sheets: list
    hidden_sheets: list


def open_for_reader(path):
    """lkip.extract.workbook.open_workbook when it exists, else the same grids from calamine."""
    try:
        from lkip.extract.workbook import open_workbook  # type: ignore
    except ImportError:
        open_workbook = None
    if open_workbook is not None:
        return open_workbook(_Path(path))
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    sheets = []
    for n in wb.sheet_names:
        rows = wb.get_sheet_by_name(n).to_python(skip_empty_area=False)
        sheets.append(GridSheet(n, False, [[None if v == "" else v for v in r] for r in rows]))
    return GridWorkbook(str(path), "", _Path(path).stat().st_size, sheets, sheets, [])


def write_sheets(path, sheets: dict[str, list[list[_Any]]]):
    """Write {sheet name: rows} with openpyxl (dates as Excel dates, text as text)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(list(r))
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, (_dt.date, _dt.datetime)):
                    c.number_format = "DD/MM/YYYY"
    wb.save(path)
    return path


def register_rows(n: int = 6, year: int = 2020) -> list[list[_Any]]:
    """n SP2D rows: No, Tanggal, Nomor, Kode Kegiatan, Kode Rekening, Uraian, Jenis, Nilai."""
    jenis = ["LS", "GU", "GU Nihil", "LS", "TU", "GU"]
    out = []
    for i in range(1, n + 1):
        j = jenis[(i - 1) % len(jenis)]
        d = _dt.date(year, 1, 1) + _dt.timedelta(days=(i - 1) * 360 // max(n, 1))
        kode = f"4.01.4.01.03.01.{(i % 20) + 1:02d}"
        out.append([i, d, f"{i:05d}/SP2D-{j.upper().replace(' ', '-')}/4.01.03/{year}", kode,
                    "" if j == "TU" else "5.2.2.03.01", f"Pembayaran ke-{i}", j, 1000 * i + 0.5 * (i % 2)])
    return out


def register_sheet(
    data: list[list[_Any]],
    header: list[str] = REGISTER_HEADER,
    header_row: int = 6,
    title: list[str] | None = None,
    total: _Any = "auto",
    signature: bool = True,
    repeat_header_every: int | None = None,
    nilai_col: int | None = None,
    label_col: int | None = None,
) -> list[list[_Any]]:
    """A register grid: title block, blank padding so the header lands on ``header_row`` (1-based),
    data (header repeated every N rows after a blank row), a JUMLAH row, a signature block."""
    title = ["PEMERINTAH KOTA BEKASI", "REGISTER SP2D", "TAHUN ANGGARAN 2020",
             "Perangkat Daerah : 4.01.03 - SEKRETARIAT DAERAH"] if title is None else title
    width = len(header)
    rows: list[list[_Any]] = [[t] + [None] * (width - 1) for t in title]
    while len(rows) < header_row - 1:
        rows.append([None] * width)
    rows.append(list(header))
    for k, r in enumerate(data):
        if repeat_header_every and k and k % repeat_header_every == 0:
            rows.append([None] * width)
            rows.append(list(header))
        rows.append(list(r))
    nilai_col = width - 1 if nilai_col is None else nilai_col
    label_col = max(0, nilai_col - 2) if label_col is None else label_col
    if total is not None:
        if total == "auto":
            total = sum(float(r[nilai_col]) for r in data if isinstance(r[nilai_col], (int, float)))
        jr = [None] * width
        jr[label_col] = "JUMLAH"
        jr[nilai_col] = total
        rows.append(jr)
    if signature:
        for t in ["", "Bekasi, 15 Januari 2021", "KUASA BENDAHARA UMUM DAERAH,", "", "Drs. AGUS SETIAWAN, M.Si.",
                  "Pembina Tingkat I", "NIP. 19700812 199303 1 004"]:
            sr = [None] * width
            sr[label_col] = t or None
            rows.append(sr)
    return rows
