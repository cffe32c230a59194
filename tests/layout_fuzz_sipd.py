"""The layout fuzzer for the SIPD-era kinds (docs/sipd.md 6b, 6c): the SIPD example's documents and
SP2D re-printed in random layouts. Title block of 0-10 rows (with or without the title, the Pemda,
the year), header anywhere in the first 30 rows, columns in any order with case/spacing variants,
money as numeric cells or Indonesian text, dates as Excel dates or Indonesian text, codes with
stray spaces or trailing dots, blank rows, a page-break repeat of the header, a (correct) JUMLAH
row, a signature block. tests/test_fuzz_sipd.py reads each back and compares it with the example's
own reading.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from layout_fuzz_cells import code_cell, date_cell, money_cell, variant

SIPD_INPUT = Path(__file__).resolve().parents[1] / "examples" / "sipd-dinkes-2024" / "input"
DOKUMEN_FILE = SIPD_INPUT / "Laporan Realisasi Per Dokumen.xlsx"
MONEY_HEADERS = {"Nilai Realisasi", "Nilai Setoran", "Nilai SPD", "Nilai SP2D"}
CODE_HEADERS = {"Kode Program", "Kode Kegiatan", "Kode Sub Kegiatan", "Kode Rekening", "Kode Sub SKPD"}
DATE_HEADERS = {"Tanggal Dokumen", "Tanggal SP2D", "Tanggal Transfer", "Tanggal SPP", "Tanggal SPM", "Tanggal Simpan"}
BULAN = {b.lower(): i for i, b in enumerate(["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                                             "September", "Oktober", "November", "Desember"], 1)}


@lru_cache(maxsize=1)
def dokumen_source() -> tuple[list[str], list[dict[str, Any]]]:
    """The example's header (after No) and its rows, by header name (dates as dates)."""
    ws = load_workbook(DOKUMEN_FILE).active
    rows = list(ws.iter_rows(values_only=True))
    header = [str(v) for v in rows[4]]
    out = []
    for r in rows[5:]:
        rec = dict(zip(header, r))
        for h in DATE_HEADERS:
            rec[h] = _date(rec.get(h))
        out.append(rec)
    return header[1:], out


def _date(v: Any) -> dt.date | None:
    if not isinstance(v, str) or not v.strip():
        return None
    d, m, y = v.split()
    return dt.date(int(y), BULAN[m.lower()], int(d))


@dataclass
class DokumenLayout:
    title: int = 4                  # title rows (0: none), then `gap` blank rows before the header
    gap: int = 0
    with_title: bool = True         # the title block names the report (else only Pemda / year)
    order: list[int] = field(default_factory=list)
    case: list[int] = field(default_factory=list)
    money: str = "numeric"          # numeric | text | mixed
    dates: str = "long"             # long | excel | slash | mixed
    codes: str = "plain"            # plain | trailing | stray | mixed
    blank_rows: list[int] = field(default_factory=list)
    repeat_header_at: int | None = None
    jumlah: bool = False
    signature: bool = False
    cell_seed: int = 0
    city: int = 0                   # > 0: a city-wide file, the rows repeated for that many other SKPD


# The other SKPD of a city-wide file (docs/sipd.md "City-wide files"): the example's documents again,
# under each code (Kode SKPD, and Kode Sub SKPD with the example's SKPD code replaced), interleaved.
CITY_SKPD = ["1.01.0.00.0.00.01.0000", "1.03.0.00.0.00.01.0000", "2.07.0.00.0.00.01.0000", "4.01.0.00.0.00.01.0000"]


def city_records(recs: list[dict[str, Any]], city: int, rng: random.Random) -> list[dict[str, Any]]:
    """The example's rows and their copies for ``city`` other SKPD, in a random interleaving that
    keeps each SKPD's own order."""
    own = recs[0]["Kode SKPD"]
    per = [recs] + [[{**r, "Kode SKPD": k, "Nama SKPD": f"DINAS {k}",
                      "Kode Sub SKPD": str(r.get("Kode Sub SKPD") or "").replace(own, k) or None} for r in recs]
                    for k in CITY_SKPD[:city]]
    pos = [0] * len(per)
    out = []
    while len(out) < sum(len(p) for p in per):
        i = rng.choice([j for j, p in enumerate(per) if pos[j] < len(p)])
        out.append(per[i][pos[i]])
        pos[i] += 1
    return out


def dokumen_layouts(city: st.SearchStrategy[int] | None = None) -> st.SearchStrategy[DokumenLayout]:
    n = len(dokumen_source()[0])
    return st.builds(
        DokumenLayout,
        title=st.integers(0, 10), gap=st.integers(0, 5), with_title=st.booleans(),
        order=st.permutations(list(range(n))), case=st.lists(st.integers(0, 3), min_size=n, max_size=n),
        money=st.sampled_from(["numeric", "text", "mixed"]), dates=st.sampled_from(["long", "excel", "slash", "mixed"]),
        codes=st.sampled_from(["plain", "trailing", "stray", "mixed"]),
        blank_rows=st.lists(st.integers(1, 300), max_size=3),
        repeat_header_at=st.none() | st.integers(1, 300), jumlah=st.booleans(), signature=st.booleans(),
        cell_seed=st.integers(0, 2**16), city=city if city is not None else st.sampled_from([0, 0, 0, 1, 2, 4]))


def render_dokumen(lay: DokumenLayout, path: Path) -> Path:
    header, recs = dokumen_source()
    rng = random.Random(lay.cell_seed)
    if lay.city:
        recs = city_records(recs, lay.city, rng)
    order = lay.order or list(range(len(header)))
    cols = ["No"] + [header[i] for i in order]
    case = [0] + [lay.case[i] if lay.case else 0 for i in order]
    wb = Workbook()
    ws = wb.active
    ws.title = "Data Realisasi Dokumen"
    lines = (["LAPORAN REALISASI PER DOKUMEN"] if lay.with_title else []) + ["PEMERINTAH KOTA SUKAMAJU",
                                                                             "TAHUN ANGGARAN 2024"]
    r = 1
    for line in lines[:lay.title]:
        ws.cell(r, 1, line)
        r += 1
    r += lay.gap + (1 if lay.title else 0)
    printed = [variant(c, k) for c, k in zip(cols, case)]

    def header_row() -> None:
        nonlocal r
        for j, text in enumerate(printed, 1):
            ws.cell(r, j, text)
        r += 1

    header_row()
    blanks = set(lay.blank_rows)
    sums = {h: Decimal(0) for h in ("Nilai Realisasi", "Nilai Setoran")}
    for i, rec in enumerate(recs, 1):
        if i in blanks:
            r += 1
        if lay.repeat_header_at == i:
            header_row()
        for j, name in enumerate(cols, 1):
            v = i if name == "No" else rec.get(name)
            if name in MONEY_HEADERS:
                v = money_cell(None if v is None else Decimal(str(v)), rng, lay.money, zero_dash=False)
            elif name in DATE_HEADERS:
                v = date_cell(v, rng, lay.dates if name in ("Tanggal Dokumen", "Tanggal SP2D", "Tanggal Transfer")
                              else "long")
            elif name in CODE_HEADERS:
                v = code_cell(v, rng, lay.codes)
            if v is not None:
                ws.cell(r, j, v)
        for h in sums:
            sums[h] += Decimal(str(rec.get(h) or 0))
        r += 1
    first_sum = min(cols.index(h) + 1 for h in sums)
    # The label left of every sum, as a printed total row has it: in the second column, or the
    # first before the sums (a shuffled order may put Nilai Realisasi in column 2, whose total would
    # overwrite the label; a label right of a sum is no total row a reader can tell from data).
    # A layout whose first column holds a sum prints no JUMLAH row.
    label_col = next((j for j, h in enumerate(cols, 1) if 2 <= j < first_sum and h not in sums),
                     1 if first_sum > 1 else None)
    if lay.jumlah and label_col is not None:
        ws.cell(r, label_col, "JUMLAH")
        for h, total in sums.items():
            ws.cell(r, cols.index(h) + 1, int(total))
        r += 1
    if lay.signature:
        ws.cell(r + 1, 4, "Sukamaju, 6 Januari 2025")
        ws.cell(r + 2, 4, "KEPALA DINAS KESEHATAN")
        ws.cell(r + 4, 4, "NIP. 197203141999031004")
    wb.save(path)
    return path
