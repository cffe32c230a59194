"""The Register SP2D's rules, shared by its row reader (``register_sp2d``) and its column reader
(``register_fast``): which rows are data, the jenis of an SP2D, the year from the dates, and the
check of a JUMLAH row against the rows above it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Callable

import pandas as pd

from lkip.extract.common import TOLERANCE, cell_error
from lkip.extract.header import Header, is_total_label
from lkip.extract.parse import ParseError, to_money
from lkip.fmt import rupiah_pesan
from lkip.issues import Issue, warning

JENIS = ("LS", "GU", "GU NIHIL", "TU", "UP")
REALISASI_JENIS = ("LS", "GU", "GU NIHIL")
# A row with an SP2D number or a code is data; a total label counts in No/Tanggal/Uraian only.
KEY_FIELDS = ("nomor_sp2d", "kode_kegiatan", "kode_rekening")
LABEL_FIELDS = ("no", "tanggal", "uraian")
JENIS_EXPECTED = "salah satu dari " + ", ".join(JENIS)

# ---------------------------------------------------------------------------------------------
# Jenis SP2D
# ---------------------------------------------------------------------------------------------

_JENIS_WORDS = {
    "LS": "LS", "LANGSUNG": "LS", "PEMBAYARAN LANGSUNG": "LS", "BELANJA LANGSUNG": "LS",
    "GU": "GU", "GANTI UANG": "GU", "GANTI UANG PERSEDIAAN": "GU", "PENGGANTIAN UANG PERSEDIAAN": "GU",
    "GU NIHIL": "GU NIHIL", "GUNIHIL": "GU NIHIL", "NIHIL": "GU NIHIL", "GANTI UANG NIHIL": "GU NIHIL",
    "GU NIHIL PERTANGGUNGJAWABAN": "GU NIHIL", "PERTANGGUNGJAWABAN GU": "GU NIHIL",
    "TU": "TU", "TAMBAHAN UANG": "TU", "TAMBAHAN UANG PERSEDIAAN": "TU",
    "UP": "UP", "UANG PERSEDIAAN": "UP",
}
_LS_DETAIL = re.compile(r"^LS\b")  # "LS Gaji", "LS Barang dan Jasa", "LS-PPKD"
_JENIS_IN_NOMOR = re.compile(r"SP2D\W*(GU\W*NIHIL|LS|GU|TU|UP)\b", re.I)


def normalize_jenis(value: Any) -> str | None:
    """'GU Nihil', 'GU-NIHIL', 'gu nihil', 'Ganti Uang' ... -> one of JENIS; None if unknown."""
    if value is None:
        return None
    s = re.sub(r"[^A-Z0-9]+", " ", str(value).upper()).strip()
    s = re.sub(r"^(SP2D|SPM)\s+", "", s)
    s = re.sub(r"\s+(SP2D|SPM)$", "", s)
    if not s:
        return None
    if s in _JENIS_WORDS:
        return _JENIS_WORDS[s]
    if s.replace(" ", "") == "GUNIHIL":
        return "GU NIHIL"
    if _LS_DETAIL.match(s):
        return "LS"
    return None


def jenis_from_nomor(nomor: str | None) -> str | None:
    if not nomor:
        return None
    m = _JENIS_IN_NOMOR.search(nomor)
    return normalize_jenis(m.group(1)) if m else None


# ---------------------------------------------------------------------------------------------
# Sheet-level rules
# ---------------------------------------------------------------------------------------------


def no_kegiatan_warning(sheet: str, header: Header) -> Issue:
    return warning("Register tanpa kode kegiatan: hanya dipakai untuk total SKPD dan rekonsiliasi",
                   sheet=sheet, excel_row=header.excel_row, kolom="Kode Kegiatan",
                   diharapkan="kolom Kode Kegiatan (bila ingin dihitung per kegiatan)")


def year_from_dates(meta: Any, dates: Any, sheet: str, issues: list[Issue]) -> None:
    """No year in the title: the most common year of the SP2D dates, with a warning."""
    if meta.tahun is not None:
        return
    years = pd.Series([d.year for d in dates if d is not None])
    if not years.empty:
        meta.tahun = int(years.mode().iloc[0])
        issues.append(warning(
            f"Tahun anggaran tidak ditemukan di judul; dipakai tahun dari tanggal SP2D: {meta.tahun}",
            sheet=sheet, excel_row=1, diharapkan="judul 'TAHUN ANGGARAN 2020'"))


def check_totals(sheet: str, kolom: str, totals: list[tuple[int, Any, int]],
                 sum_between: Callable[[int, int], Decimal], issues: list[Issue]) -> None:
    """JUMLAH rows, each ``(excel_row, raw nilai, number of SP2D rows above it)``: each equals
    the sum of all rows above it or, a page subtotal, of the rows since the previous JUMLAH
    (within TOLERANCE). ``sum_between(start, stop)`` sums the nilai of SP2D rows start..stop-1."""
    prev = 0
    for row, raw, pos in totals:
        if is_total_label(raw):         # the label printed in the Nilai column: nothing to check
            prev = pos
            continue
        try:
            total = to_money(raw)
        except ParseError as exc:
            issues.append(cell_error(sheet, row, kolom, raw, exc.expected, f"Baris JUMLAH: {raw!r} bukan angka"))
            prev = pos
            continue
        if total is None:
            prev = pos
            continue
        cum = sum_between(0, pos)
        page = sum_between(prev, pos)
        if abs(total - cum) > TOLERANCE and abs(total - page) > TOLERANCE:
            issues.append(cell_error(
                sheet, row, kolom, raw, f"jumlah seluruh baris SP2D = Rp {rupiah_pesan(cum)}",
                f"Baris JUMLAH Rp {rupiah_pesan(total)} tidak sama dengan jumlah baris SP2D di atasnya "
                f"Rp {rupiah_pesan(cum)} (selisih Rp {rupiah_pesan(total - cum)})"))
        prev = pos
