"""Writers of the SIPD-era export layouts (6a-6d, described in docs/sipd.md section 2).

Plain openpyxl, nothing from the project: `make_example.py` writes the bundled example with them and
`tests/sipd_builders.py` writes test fixtures with their variant knobs (sub kegiatan tail width,
SKPD in the title or in a column, flat or two-row register header, blank parent amounts, ...).
Every writer takes already prepared rows: what a cell holds is decided by the caller.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
         "Oktober", "November", "Desember"]

# 6b: the columns of "Laporan Realisasi Per Dokumen", after `No`, in SIPD's order.
DOKUMEN_COLUMNS = [
    "Kode SKPD", "Nama SKPD", "Kode Sub SKPD", "Nama Sub SKPD", "Kode Fungsi", "Nama Fungsi",
    "Kode Sub Fungsi", "Nama Sub Fungsi", "Kode Urusan", "Nama Urusan", "Kode Bidang Urusan",
    "Nama Bidang Urusan", "Kode Program", "Nama Program", "Kode Kegiatan", "Nama Kegiatan",
    "Kode Sub Kegiatan", "Nama Sub Kegiatan", "Kode Rekening", "Nama Rekening", "Nomor Dokumen",
    "Jenis Dokumen", "Jenis Transaksi", "Nomor DPT", "Tanggal Dokumen", "Keterangan Dokumen",
    "Nilai Realisasi", "Nilai Setoran", "NIP Pegawai", "Nama Pegawai", "Tanggal Simpan", "Nomor SPD",
    "Periode SPD", "Nilai SPD", "Tahapan SPD", "Nama Sub Tahapan Jadwal", "Tahapan APBD", "Nomor SPP",
    "Tanggal SPP", "Nomor SPM", "Tanggal SPM", "Nomor SP2D", "Tanggal SP2D", "Tanggal Transfer",
    "Nilai SP2D",
]

# 6c flat header.
REGISTER_FLAT = ["No", "Tanggal Pembuatan", "Tanggal Pencairan", "Nomor SP2D", "SKPD", "Nama Penerima",
                 "Keterangan", "Jenis SP2D", "Bruto", "Potongan", "Neto"]


def tanggal_id(d: dt.date | None, pad: bool = False) -> str | None:
    """`7 Januari 2024` (or `07 Januari 2024` with pad), as SIPD prints dates."""
    if d is None:
        return None
    day = f"{d.day:02d}" if pad else str(d.day)
    return f"{day} {BULAN[d.month - 1]} {d.year}"


def kode_tail(kode: str | None, width: int) -> str | None:
    """A 90/2019 sub kegiatan code (six segments) with its last segment printed `width` digits wide:
    `1.02.02.2.02.0033` -> `1.02.02.2.02.33` (width 2); other codes are returned unchanged."""
    if not kode:
        return kode
    seg = kode.split(".")
    if len(seg) != 6:
        return kode
    return ".".join(seg[:5] + [str(int(seg[5])).zfill(width)])


def _num(v: Any) -> Any:
    """Decimal -> int or float for the cell (money in the examples is whole or has 2 decimals)."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def _new_workbook() -> Workbook:
    wb = Workbook()
    fixed = dt.datetime(2025, 1, 15, 8, 0, 0)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "sipd example generator"
    wb.properties.lastModifiedBy = "sipd example generator"
    return wb


def _title(ws, lines: Iterable[str | None], width: int) -> int:
    """Title block, each line merged across the table; returns the next free row."""
    r = 1
    for line in lines:
        if line is not None:
            ws.cell(r, 1, line).font = Font(bold=True)
            if width > 1:
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        r += 1
    return r


def _save(wb: Workbook, path: Path | str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# ---------------------------------------------------------------------------------------------
# 6a Renja / DPA at three levels
# ---------------------------------------------------------------------------------------------

DPA_HEADER_TOP = ["Kode Rekening", "Program / Kegiatan / Sub Kegiatan", "Indikator Kinerja", "Target Kinerja",
                  None, "Cara Hitung", "Pagu Anggaran (Rp)", None, "Anggaran Kas per Triwulan (Rp)", None, None,
                  None, "Penanggung Jawab"]
DPA_HEADER_SUB = [None, None, None, "Target", "Satuan", None, "Sebelum Perubahan", "Setelah Perubahan",
                  "TW I", "TW II", "TW III", "TW IV", None]


def write_dpa(path, rows: list[dict], *, pemda: str, tahun: int, skpd: tuple[str, str],
              dokumen: str = "DOKUMEN PELAKSANAAN ANGGARAN PERUBAHAN SATUAN KERJA PERANGKAT DAERAH (DPPA-SKPD)",
              urusan: str | None = None, skpd_in: str = "title", jumlah: bool = True,
              signature: tuple[str, str, str] | None = None, sheet: str = "DPPA") -> Path:
    """Renja/DPA (6a). `rows`: dicts with kode, uraian, indikator, target, satuan, cara_hitung,
    pagu_murni, pagu_perubahan, kas (4 values or None), penanggung_jawab; a key left out is a blank
    cell. skpd_in='title' names the SKPD in the title block, 'column' in a `Kode SKPD` column (first)
    and drops it from the title."""
    wb = _new_workbook()
    ws = wb.active
    ws.title = sheet
    top, sub = list(DPA_HEADER_TOP), list(DPA_HEADER_SUB)
    if skpd_in == "column":
        top, sub = ["Kode SKPD"] + top, [None] + sub
    width = len(top)
    lines = [pemda, dokumen, f"TAHUN ANGGARAN {tahun}"]
    if skpd_in == "title":
        lines.append(f"Perangkat Daerah : {skpd[0]} - {skpd[1]}")
    if urusan:
        lines.append(f"Urusan Pemerintahan : {urusan}")
    r = _title(ws, lines, width)
    for c, (a, b) in enumerate(zip(top, sub), start=1):
        ws.cell(r, c, a)
        ws.cell(r + 1, c, b)
    off = 1 if skpd_in == "column" else 0
    for c in range(1, width + 1):
        if sub[c - 1] is None and top[c - 1] is not None:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
    ws.merge_cells(start_row=r, start_column=4 + off, end_row=r, end_column=5 + off)
    ws.merge_cells(start_row=r, start_column=7 + off, end_row=r, end_column=8 + off)
    ws.merge_cells(start_row=r, start_column=9 + off, end_row=r, end_column=12 + off)
    r += 2
    for row in rows:
        kas = row.get("kas") or [None] * 4
        vals = [row.get("kode"), row.get("uraian"), row.get("indikator"), row.get("target"), row.get("satuan"),
                row.get("cara_hitung"), row.get("pagu_murni"), row.get("pagu_perubahan"), *kas,
                row.get("penanggung_jawab")]
        if skpd_in == "column":
            vals = [skpd[0] if any(v is not None for v in vals) else None] + vals
        for c, v in enumerate(vals, start=1):
            if v is not None:
                ws.cell(r, c, _num(v))
        r += 1
    if jumlah:
        leaves = [x for x in rows if x.get("level") == "sub_kegiatan"]
        tot = [sum((Decimal(x.get(k) or 0) for x in leaves), Decimal(0)) for k in ("pagu_murni", "pagu_perubahan")]
        kas_tot = [sum((Decimal((x.get("kas") or [0] * 4)[i] or 0) for x in leaves), Decimal(0)) for i in range(4)]
        vals = [None, "JUMLAH", None, None, None, None, *tot, *kas_tot, None]
        if skpd_in == "column":
            vals = [None] + vals
        for c, v in enumerate(vals, start=1):
            if v is not None:
                ws.cell(r, c, _num(v)).font = Font(bold=True)
        r += 1
    if signature:
        r += 1
        for line in signature:
            ws.cell(r, width - 3, line)
            r += 1
    return _save(wb, path)


# ---------------------------------------------------------------------------------------------
# 6b Laporan Realisasi Per Dokumen
# ---------------------------------------------------------------------------------------------

def write_dokumen(path, docs: list[dict], *, pemda: str, tahun: int, title: bool = True,
                  sheet: str = "Data Realisasi Dokumen", columns: list[str] | None = None) -> Path:
    """One row per document x sub kegiatan x rekening, keyed by the names of DOKUMEN_COLUMNS (money
    numeric, dates already text). Title block of four rows (the fourth blank), header on row 5;
    `columns` reorders or subsets the columns (a variant), `title=False` puts the header on row 1."""
    wb = _new_workbook()
    ws = wb.active
    ws.title = sheet
    cols = ["No"] + list(columns or DOKUMEN_COLUMNS)
    r = _title(ws, ["LAPORAN REALISASI PER DOKUMEN", pemda, f"TAHUN ANGGARAN {tahun}", None], 1) if title else 1
    for c, name in enumerate(cols, start=1):
        ws.cell(r, c, name).font = Font(bold=True)
    for i, d in enumerate(docs, start=1):
        r += 1
        for c, name in enumerate(cols, start=1):
            v = i if name == "No" else d.get(name)
            if v is not None:
                ws.cell(r, c, _num(v))
    return _save(wb, path)


# ---------------------------------------------------------------------------------------------
# 6c Register SP2D (flat or two-row header with merged SP2D cells over deduction rows)
# ---------------------------------------------------------------------------------------------

def _tgl_cell(d, dates: str):
    if d is None:
        return None
    return d if dates == "excel" else (tanggal_id(d) if dates == "text" else d.strftime("%d/%m/%Y"))


def write_register(path, sp2ds: list[dict], *, pemda: str, tahun: int, skpd: tuple[str, str] | None,
                   layout: str = "two_row", title: bool = True, dates: str = "excel",
                   sheet: str = "Register SP2D") -> Path:
    """SIPD Register SP2D (6c). sp2ds: dicts with pembuatan, pencairan (dates), nomor, skpd, penerima,
    keterangan, jenis, bruto, potongan (list of dicts jenis, nama, jumlah, billing, ntpn); optional
    `potongan_total` / `neto` override the computed cells (fixtures for the checks).
    layout 'flat': one row per SP2D with Potongan = the sum of its deductions; 'two_row': `Tanggal SP2D`
    over Pembuatan|Pencairan and `Pajak/Potongan` over Jenis|Nama|Jumlah, one row per deduction, the
    SP2D's own cells merged vertically over them. dates: 'excel', 'text' (7 Januari 2024) or 'dmy'."""
    wb = _new_workbook()
    ws = wb.active
    ws.title = sheet
    lines = ["REGISTER SP2D", pemda]
    if skpd:
        lines.append(f"SKPD : {skpd[0]} - {skpd[1]}")
    lines += [f"TAHUN ANGGARAN {tahun}", None]
    if layout == "flat":
        width = len(REGISTER_FLAT)
        r = _title(ws, lines, width) if title else 1
        for c, name in enumerate(REGISTER_FLAT, start=1):
            ws.cell(r, c, name).font = Font(bold=True)
        for i, s in enumerate(sp2ds, start=1):
            r += 1
            pot = s.get("potongan_total", sum((Decimal(p["jumlah"]) for p in s.get("potongan", [])), Decimal(0)))
            neto = s.get("neto", Decimal(s["bruto"]) - Decimal(pot))
            vals = [i, _tgl_cell(s.get("pembuatan"), dates), _tgl_cell(s.get("pencairan"), dates), s["nomor"],
                    s.get("skpd"), s.get("penerima"), s.get("keterangan"), s["jenis"], s["bruto"], pot, neto]
            for c, v in enumerate(vals, start=1):
                if v is not None:
                    ws.cell(r, c, _num(v))
                    if isinstance(v, dt.date):
                        ws.cell(r, c).number_format = "DD/MM/YYYY"
        return _save(wb, path)
    top = ["No", "Tanggal SP2D", None, "Nomor SP2D", "SKPD", "Nama Penerima", "Keterangan", "Jenis SP2D",
           "Bruto", "Potongan", "Neto", "Pajak/Potongan", None, None, "Kode Billing", "Nomor NTPN"]
    sub = [None, "Pembuatan", "Pencairan", None, None, None, None, None, None, None, None, "Jenis", "Nama",
           "Jumlah", None, None]
    width = len(top)
    r = _title(ws, lines, width) if title else 1
    for c, (a, b) in enumerate(zip(top, sub), start=1):
        ws.cell(r, c, a).font = Font(bold=True)
        ws.cell(r + 1, c, b).font = Font(bold=True)
        if a is not None and b is None:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
    ws.merge_cells(start_row=r, start_column=12, end_row=r, end_column=14)
    r += 2
    for i, s in enumerate(sp2ds, start=1):
        pots = s.get("potongan") or []
        pot = s.get("potongan_total", sum((Decimal(p["jumlah"]) for p in pots), Decimal(0)))
        neto = s.get("neto", Decimal(s["bruto"]) - Decimal(pot))
        own = [i, _tgl_cell(s.get("pembuatan"), dates), _tgl_cell(s.get("pencairan"), dates), s["nomor"],
               s.get("skpd"), s.get("penerima"), s.get("keterangan"), s["jenis"], s["bruto"], pot, neto]
        n = max(1, len(pots))
        for c, v in enumerate(own, start=1):
            if v is not None:
                cell = ws.cell(r, c, _num(v))
                cell.alignment = Alignment(vertical="top")
                if isinstance(v, dt.date):
                    cell.number_format = "DD/MM/YYYY"
            if n > 1:
                ws.merge_cells(start_row=r, start_column=c, end_row=r + n - 1, end_column=c)
        for k, p in enumerate(pots):
            for c, v in zip(range(12, 17), (p.get("jenis"), p.get("nama"), p["jumlah"], p.get("billing"), p.get("ntpn"))):
                if v is not None:
                    ws.cell(r + k, c, _num(v))
        r += n
    return _save(wb, path)


# ---------------------------------------------------------------------------------------------
# 6d Form Realisasi Kinerja (three levels) and the PK/IKU workbook
# ---------------------------------------------------------------------------------------------

def write_form(path, rows: list[dict], *, pemda: str, tahun: int, skpd: tuple[str, str],
               s_d_triwulan: int = 4, sheet: str = "Form") -> Path:
    """Form Realisasi Kinerja with program, kegiatan and sub kegiatan codes: rows are dicts with kode,
    nama, indikator, target, satuan, k (4 values), rp (4 values or None: Rp only on sub kegiatan rows)."""
    wb = _new_workbook()
    ws = wb.active
    ws.title = sheet
    romawi = ["I", "II", "III", "IV"]
    top = ["No", "Kode Program/Kegiatan/Sub Kegiatan", "Program/Kegiatan/Sub Kegiatan", "Indikator Kinerja",
           "Target", "Satuan", "Realisasi Kinerja", None, None, None, "Realisasi Keuangan (Rp)", None, None, None,
           "Keterangan"]
    sub = [None] * 6 + [f"TW {x}" for x in romawi] * 2 + [None]
    width = len(top)
    r = _title(ws, ["FORM REALISASI KINERJA", pemda, f"TAHUN ANGGARAN {tahun}",
                    f"Perangkat Daerah : {skpd[0]} - {skpd[1]}", "Unit Kerja : Seluruh Bidang",
                    f"s.d. Triwulan {romawi[s_d_triwulan - 1]}"], width)
    for c, (a, b) in enumerate(zip(top, sub), start=1):
        ws.cell(r, c, a).font = Font(bold=True)
        ws.cell(r + 1, c, b).font = Font(bold=True)
        if a is not None and b is None:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
    ws.merge_cells(start_row=r, start_column=7, end_row=r, end_column=10)
    ws.merge_cells(start_row=r, start_column=11, end_row=r, end_column=14)
    r += 2
    for i, row in enumerate(rows, start=1):
        vals = [i, row.get("kode"), row.get("nama"), row.get("indikator"), row.get("target"), row.get("satuan"),
                *(row.get("k") or [None] * 4), *(row.get("rp") or [None] * 4), row.get("keterangan")]
        for c, v in enumerate(vals, start=1):
            if v is not None:
                ws.cell(r, c, _num(v))
        r += 1
    return _save(wb, path)


def write_pk_iku(path, *, tahun: int, skpd: tuple[str, str], iku: list[list], dukungan: list[list],
                 renstra: list[list] | None = None, renstra_header: list[str] | None = None,
                 indikator_program: list[list] | None = None) -> Path:
    """PK/IKU workbook (section 5): sheets IKU, Renstra, Dukungan Anggaran (its `Kode` column holds
    kegiatan or sub kegiatan codes), Indikator Program; each with the three-line title and a blank row."""
    wb = _new_workbook()
    title = ["PERJANJIAN KINERJA DAN INDIKATOR KINERJA UTAMA", f"TAHUN {tahun}",
             f"Perangkat Daerah : {skpd[0]} - {skpd[1]}", None]
    sheets = [("IKU", ["No", "Sasaran Strategis", "Indikator Kinerja", "Satuan", "Polaritas", "Target", "Target TW I",
                       "Target TW II", "Target TW III", "Target TW IV", "Realisasi", "Dihitung Dari", "Sumber Data"], iku),
              ("Renstra", renstra_header or [], renstra or []),
              ("Dukungan Anggaran", ["Indikator Kinerja", "Kode Kegiatan/Sub Kegiatan", "Nama Kegiatan/Sub Kegiatan"],
               dukungan),
              ("Indikator Program", ["Indikator Kinerja (IKU)", "Indikator Program", "Satuan", "Target", "Realisasi"],
               indikator_program or [])]
    first = True
    for name, header, rows in sheets:
        if not header:
            continue
        ws = wb.active if first else wb.create_sheet(name)
        ws.title = name
        first = False
        r = _title(ws, title, 1)
        for c, h in enumerate(header, start=1):
            ws.cell(r, c, h).font = Font(bold=True)
        for row in rows:
            r += 1
            for c, v in enumerate(row, start=1):
                if v is not None:
                    ws.cell(r, c, _num(v))
    return _save(wb, path)
