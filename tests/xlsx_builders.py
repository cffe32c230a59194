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


# ---------------------------------------------------------------------------------------------
# Renja / DPA and LRA builders (tests/test_read_renja.py, tests/test_read_lra.py, tests/test_detect.py)
# ---------------------------------------------------------------------------------------------

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from openpyxl import Workbook as _OpenpyxlWorkbook


# ---------------------------------------------------------------------------------------------
# Generic
# ---------------------------------------------------------------------------------------------


def write_xlsx(path: Path, sheets: list[tuple[str, list[list[Any]]]], merges: dict[str, list[str]] | None = None,
               hidden: set[str] | frozenset[str] = frozenset()) -> Path:
    """Write ``sheets`` (name, rows) to ``path``; ``merges`` per sheet as 'A6:A7' ranges."""
    wb = _OpenpyxlWorkbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(list(r))
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def open_test_workbook(path: Path) -> Any:
    """The project's ``open_workbook`` when it exists, else Sheet-like objects from calamine."""
    try:
        from lkip.extract.workbook import open_workbook  # type: ignore[import-not-found]
    except ImportError:
        open_workbook = None
    if open_workbook is not None:
        return open_workbook(path)
    from python_calamine import CalamineWorkbook

    cwb = CalamineWorkbook.from_path(str(path))
    sheets = []
    for meta in cwb.sheets_metadata:
        rows = cwb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        rows = [[None if v == "" else v for v in r] for r in rows]
        hidden = "visible" not in str(meta.visible).lower()
        sheets.append(SimpleNamespace(name=meta.name, hidden=hidden, rows=rows, formula_cells_without_value=[]))
    return SimpleNamespace(
        path=Path(path), sha256=None, size=Path(path).stat().st_size, sheets=sheets,
        visible_sheets=[s for s in sheets if not s.hidden], hidden_sheets=[s for s in sheets if s.hidden],
    )


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s

def header_merges(top: list[Any], sub: list[Any], r1: int) -> list[str]:
    """The merged ranges of a two-row header on rows r1, r1+1: a group label over the sub labels
    below it, a label without sub label over both rows."""
    merges: list[str] = []
    j = 0
    while j < len(top):
        if top[j] is not None and sub[j] is None:
            merges.append(f"{_col_letter(j)}{r1}:{_col_letter(j)}{r1 + 1}")
            j += 1
            continue
        if top[j] is not None:
            k = j + 1
            while k < len(top) and top[k] is None and sub[k] is not None:
                k += 1
            if k - 1 > j:
                merges.append(f"{_col_letter(j)}{r1}:{_col_letter(k - 1)}{r1}")
            j = k
            continue
        j += 1
    return merges



SIGNATURE = ["Bekasi, 15 Januari 2021", "SEKRETARIS DAERAH,", None, None,
             "Dr. Hj. RENY HENDRAWATI, M.M.", "Pembina Utama Madya", "NIP. 19650205 199011 2 002"]


def table_rows(
    columns: list[tuple[str, str | None, str | None]],
    records: list[dict[str, Any]],
    *,
    title: list[str] | None = None,
    pad: int = 0,
    two_row: bool = True,
    total: dict[str, Any] | None = None,
    total_label_field: str = "uraian",
    signature: bool = True,
    repeat_header_after: tuple[int, ...] = (),
    blank_after: tuple[int, ...] = (),
) -> tuple[list[list[Any]], list[int], list[str], int | None]:
    """Grid of a report: title, ``pad`` blank rows, header (one or two rows), records, JUMLAH, signature.

    ``columns``: (field, top label, sub label); with ``two_row=False`` the label is ``top or sub``.
    Returns (rows, excel row of each record, merge ranges, excel row of the total).
    """
    rows: list[list[Any]] = [[t] + [None] * (len(columns) - 1) for t in (title or [])]
    rows += [[None] * len(columns) for _ in range(pad)]
    merges: list[str] = []
    if two_row:
        top = [c[1] for c in columns]
        sub = [c[2] for c in columns]
        header = [top, sub]
        merges = header_merges(top, sub, len(rows) + 1)
    else:
        header = [[c[1] or c[2] for c in columns]]
    rows += [list(h) for h in header]
    where: list[int] = []
    for i, rec in enumerate(records):
        rows.append([rec.get(c[0]) for c in columns])
        where.append(len(rows))
        if i in blank_after:
            rows.append([None] * len(columns))
        if i in repeat_header_after:
            rows += [list(h) for h in header]
    total_row = None
    if total is not None:
        t = {total_label_field: "JUMLAH", **total}
        rows.append([t.get(c[0]) for c in columns])
        total_row = len(rows)
    if signature:
        rows.append([None] * len(columns))
        col = max(0, len(columns) - 3)
        for s in SIGNATURE:
            rows.append([None] * col + [s] + [None] * (len(columns) - col - 1))
    return rows, where, merges, total_row


# ---------------------------------------------------------------------------------------------
# Renja / DPA (docs/input-formats.md section 1)
# ---------------------------------------------------------------------------------------------

RENJA_TITLE = [
    "PEMERINTAH KOTA BEKASI",
    "RENCANA KERJA PERUBAHAN PERANGKAT DAERAH (RENJA-P)",
    "TAHUN ANGGARAN 2020",
    "Perangkat Daerah : 4.01.03 - SEKRETARIAT DAERAH",
]

RENJA_COLUMNS = [
    ("kode", "Kode Rekening", None),
    ("uraian", "Program / Kegiatan", None),
    ("indikator", "Indikator Kinerja Program (outcome) / Kegiatan (output)", None),
    ("target", "Target Kinerja", "Target"),
    ("satuan", None, "Satuan"),
    ("cara_hitung", "Cara Hitung", None),
    ("pagu_murni", "Pagu Anggaran (Rp)", "Sebelum Perubahan"),
    ("pagu_perubahan", None, "Setelah Perubahan"),
    ("kas_tw1", "Anggaran Kas per Triwulan (Rp)", "TW I"),
    ("kas_tw2", None, "TW II"),
    ("kas_tw3", None, "TW III"),
    ("kas_tw4", None, "TW IV"),
    ("penanggung_jawab", "Penanggung Jawab", None),
]

# A single-row header with the synonyms and spelling noise of inputs.md, reordered, extra columns.
RENJA_COLUMNS_SYNONYMS = [
    ("no", "No.", None),
    ("uraian", "Nama Program/Kegiatan", None),
    ("kode", "KODE REK.", None),
    ("pagu_perubahan", "Pagu Setelah Perubahan", None),
    ("pagu_murni", "Anggaran Murni", None),
    ("indikator", "Indikator", None),
    ("satuan", "SATUAN", None),
    ("target", "Target", None),
    ("kas_tw1", "Triwulan I", None),
    ("kas_tw2", "TW 2", None),
    ("kas_tw3", "Triwulan III", None),
    ("kas_tw4", "TW 4", None),
    ("keterangan", "Keterangan", None),
    ("penanggung_jawab", "Bagian", None),
]


def _kas(pagu: int) -> dict[str, int]:
    q = pagu // 4
    return {"kas_tw1": q, "kas_tw2": q, "kas_tw3": q, "kas_tw4": pagu - 3 * q}


def renja_records() -> list[dict[str, Any]]:
    """Two programs (13/2006 codes), continuation rows, two indikator-program groups, the second
    starting right after the previous group's last kegiatan."""
    def keg(kode: str, nama: str, ind: str, target: Any, satuan: str, murni: int, perubahan: int) -> dict[str, Any]:
        return {"kode": kode, "uraian": nama, "indikator": ind, "target": target, "satuan": satuan,
                "pagu_murni": murni, "pagu_perubahan": perubahan, **_kas(perubahan),
                "penanggung_jawab": "Bagian Umum"}

    def cont(ind: str, target: Any, satuan: str, **kw: Any) -> dict[str, Any]:
        return {"indikator": ind, "target": target, "satuan": satuan, **kw}

    def group(ind: str, target: Any, satuan: str, murni: int, perubahan: int) -> dict[str, Any]:
        return {"indikator": ind, "target": target, "satuan": satuan, "pagu_murni": murni,
                "pagu_perubahan": perubahan, **_kas(perubahan)}

    return [
        {"kode": "4.01.4.01.03.01", "uraian": "Program Pelayanan Administrasi Perkantoran",
         "indikator": "Tingkat pemenuhan kebutuhan pelayanan administrasi perkantoran", "target": 100,
         "satuan": "%", "pagu_murni": 8_000_000_000, "pagu_perubahan": 6_050_300_020,
         **_kas(6_050_300_020)},
        keg("4.01.4.01.03.01.02", "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik",
            "Jumlah rekening telepon, Air, Listrik", 432, "Rekening", 7_000_000_000, 5_550_300_020),
        cont("Terfasilitasinya Pelayanan Administrasi Perkantoran", None, None),
        keg("4.01.4.01.03.01.03", "Penyediaan Jasa Peralatan dan Perlengkapan Kantor",
            "Jumlah peralatan dan perlengkapan yang tersedia", 83113, "Unit", 1_000_000_000, 500_000_000),
        cont("Jumlah Kegiatan", 720, "Kegiatan"),
        cont("Cetak foto", 3600, "Kegiatan"),
        {"kode": "4.01.4.01.03.29", "uraian": "Program Peningkatan Pelayanan Kedinasan",
         "pagu_murni": 900_000_000, "pagu_perubahan": 700_000_000, **_kas(700_000_000)},
        group("Persentase Peraturan Daerah yang diundangkan", 100, "%", 300_000_000, 250_000_000),
        keg("4.01.4.01.03.29.01", "Penyusunan Produk Hukum Daerah", "Raperda yang disusun", 12, "Raperda",
            300_000_000, 250_000_000),
        cont("Raperda yang sudah di asistensi", 5, "Raperda"),
        # a new group right after the last kegiatan (and its continuation) of the previous one
        group("Cakupan perumusan kebijakan", 70, "%", 600_000_000, 450_000_000),
        keg("4.01.4.01.03.29.35", "Penyusunan Standar Biaya Masukan", "SBM Kota Bekasi", 1, "Dokumen",
            200_000_000, 200_000_000) | {"cara_hitung": "terakhir"},
        cont("Keputusan Wali Kota tentang SBM", 1, "Dokumen", cara_hitung="Terakhir"),
        keg("4.01.4.01.03.29.36", "Monitoring Pembangunan", "Laporan Monitoring", 12, "Laporan",
            400_000_000, 250_000_000) | {"cara_hitung": "rata rata"},
    ]


RENJA_COUNTS = {"program": 2, "indikator_program": 2, "kegiatan": 5, "indikator": 5}


def renja_total(records: list[dict[str, Any]]) -> dict[str, Any]:
    progs = [r for r in records if isinstance(r.get("kode"), str) and r["kode"].count(".") == 5]
    return {f: sum(r.get(f) or 0 for r in progs)
            for f in ("pagu_murni", "pagu_perubahan", "kas_tw1", "kas_tw2", "kas_tw3", "kas_tw4")}


def build_renja(path: Path, records: list[dict[str, Any]] | None = None, *,
                columns: list[tuple[str, str | None, str | None]] | None = None,
                title: list[str] | None = None, total: dict[str, Any] | None | bool = True,
                sheet: str = "Renja-P 2020", **kw: Any) -> tuple[Path, list[int], int | None]:
    """Write a Renja workbook; returns (path, excel row of each record, excel row of JUMLAH)."""
    records = renja_records() if records is None else records
    if total is True:
        total = renja_total(records)
    elif total is False:
        total = None
    rows, where, merges, total_row = table_rows(
        columns or RENJA_COLUMNS, records, title=RENJA_TITLE if title is None else title,
        total=total, **kw)
    write_xlsx(path, [(sheet, rows)], {sheet: merges})
    return path, where, total_row


FORM_HEADER = ["No", "Kode Kegiatan", "Nama Kegiatan", "Indikator Kinerja", "Target", "Satuan",
               "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"]


def form_sheet(data, header=FORM_HEADER, header_row=6, title=None, total=None):
    title = ["FORM REALISASI KINERJA", "TAHUN ANGGARAN 2020", "Perangkat Daerah : 4.01.03 - SEKRETARIAT DAERAH",
             "s.d. Triwulan IV"] if title is None else title
    w = len(header)
    rows = [[t] + [None] * (w - 1) for t in title]
    while len(rows) < header_row - 1:
        rows.append([None] * w)
    rows.append(list(header))
    rows += [list(r) for r in data]
    if total is not None:
        rows.append(total)
    rows += [[None] * (w - 1) + ["Bekasi, 15 Januari 2021"], [None] * (w - 1) + ["NIP. 1975"]]
    return rows


def pk_sheet(header, data, title=("PERJANJIAN KINERJA DAN INDIKATOR KINERJA UTAMA", "TAHUN 2020",
                                   "Perangkat Daerah : 4.01.03 - SEKRETARIAT DAERAH")):
    w = len(header)
    rows = [[t] + [None] * (w - 1) for t in title] + [[None] * w, list(header)]
    return rows + [list(r) for r in data]


IKU_HEADER = ["No", "Sasaran Strategis", "Indikator Kinerja", "Satuan", "Polaritas", "Target", "Target TW I",
              "Target TW II", "Target TW III", "Target TW IV", "Realisasi", "Dihitung Dari", "Sumber Data"]


# ---------------------------------------------------------------------------------------------
# LRA (docs/input-formats.md section 2), both layouts
# ---------------------------------------------------------------------------------------------

LRA_TITLE = [
    "PEMERINTAH KOTA BEKASI",
    "LAPORAN REALISASI ANGGARAN PENDAPATAN DAN BELANJA DAERAH",
    "Perangkat Daerah : 4.01.03 - SEKRETARIAT DAERAH",
    "Periode : 1 Januari 2020 s.d. 31 Maret 2020",
]

LRA_COLUMNS = [
    ("kode", "Kode Rekening", None),
    ("uraian", "Uraian", None),
    ("anggaran", "Anggaran Setelah Perubahan", None),
    ("realisasi_sd_lalu", "Realisasi", "s.d. Periode Lalu"),
    ("realisasi_periode_ini", None, "Periode Ini"),
    ("realisasi_sd_ini", None, "s.d. Periode Ini"),
    ("sisa", "Sisa Anggaran", None),
    ("persen", "%", None),
]


def _lra_line(kode: str, uraian: str, anggaran: int, lalu: int, ini: int) -> dict[str, Any]:
    sd = lalu + ini
    return {"kode": kode, "uraian": uraian, "anggaran": anggaran, "realisasi_sd_lalu": lalu,
            "realisasi_periode_ini": ini, "realisasi_sd_ini": sd, "sisa": anggaran - sd,
            "persen": round(100 * sd / anggaran, 2) if anggaran else 0}


def lra_records() -> list[dict[str, Any]]:
    """Program, kegiatan and account rows (anggaran 6.050.300.020, realisasi 1.152.210.342)."""
    return [
        _lra_line("4.01.4.01.03.01", "Program Pelayanan Administrasi Perkantoran", 6_050_300_020, 0, 1_152_210_342),
        _lra_line("4.01.4.01.03.01.02", "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik",
                  5_550_300_020, 0, 957_603_719),
        _lra_line("5.2.2.03.01", "Belanja Telepon", 1_102_614_689, 0, 200_000_000),
        _lra_line("5.2.2.03.03", "Belanja Listrik", 4_447_685_331, 0, 757_603_719),
        _lra_line("4.01.4.01.03.01.03", "Penyediaan Jasa Peralatan dan Perlengkapan Kantor", 500_000_000, 0,
                  194_606_623),
        _lra_line("5.2.2.01.01", "Belanja Alat Tulis Kantor", 500_000_000, 0, 194_606_623),
        _lra_line("4.01.4.01.03.02", "Program Peningkatan Sarana dan Prasarana Aparatur", 1_000_000_000, 0, 0),
        _lra_line("4.01.4.01.03.02.12", "Penyediaan Ruang Kerja", 1_000_000_000, 0, 0),
        _lra_line("5.2.3.26.01", "Belanja Modal Gedung", 1_000_000_000, 0, 0),
    ]


def lra_total(records: list[dict[str, Any]], fields: tuple[str, ...] = (
        "anggaran", "realisasi_sd_lalu", "realisasi_periode_ini", "realisasi_sd_ini", "sisa")) -> dict[str, Any]:
    progs = [r for r in records if isinstance(r.get("kode"), str) and r["kode"].count(".") == 5]
    return {f: sum(r.get(f) or 0 for r in progs) for f in fields}


def build_lra(path: Path, records: list[dict[str, Any]] | None = None, *,
              columns: list[tuple[str, str | None, str | None]] | None = None,
              title: list[str] | None = None, total: dict[str, Any] | None | bool = True,
              sheet: str = "LRA", **kw: Any) -> tuple[Path, list[int], int | None]:
    records = lra_records() if records is None else records
    if total is True:
        total = lra_total(records)
    elif total is False:
        total = None
    rows, where, merges, total_row = table_rows(
        columns or LRA_COLUMNS, records, title=LRA_TITLE if title is None else title, total=total, **kw)
    write_xlsx(path, [(sheet, rows)], {sheet: merges})
    return path, where, total_row


REALISASI_PER_KEGIATAN_TITLE = [
    "PEMERINTAH KOTA BEKASI",
    "REALISASI BELANJA LANGSUNG PER KEGIATAN",
    "SKPD : 4.01.03 - SEKRETARIAT DAERAH",
    "Periode : 1 Januari 2020 s.d. 30 Juni 2020",
]

REALISASI_PER_KEGIATAN_COLUMNS = [
    ("kode", "KODE", None),
    ("uraian", "URAIAN", None),
    ("anggaran", "ANGGARAN", None),
    ("belanja_pegawai", "REALISASI", "PEGAWAI"),
    ("belanja_barang_jasa", None, "BARANG & JASA"),
    ("belanja_modal", None, "MODAL"),
    ("realisasi_sd_ini", None, "TOTAL"),
    ("persen", None, "%"),
    ("sisa", "SISA ANGGARAN", None),
]


def _rpk(kode: str, uraian: str, anggaran: int, peg: int, bj: int, modal: int) -> dict[str, Any]:
    tot = peg + bj + modal
    return {"kode": kode, "uraian": uraian, "anggaran": anggaran, "belanja_pegawai": peg,
            "belanja_barang_jasa": bj, "belanja_modal": modal, "realisasi_sd_ini": tot,
            "persen": round(100 * tot / anggaran, 2) if anggaran else 0, "sisa": anggaran - tot}


def realisasi_per_kegiatan_records() -> list[dict[str, Any]]:
    return [
        _rpk("4.01.4.01.03.01", "Program Pelayanan Administrasi Perkantoran", 6_050_300_020,
             10_000_000, 2_563_202_657, 0),
        _rpk("4.01.4.01.03.01.02", "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik", 5_550_300_020,
             0, 2_563_202_657, 0),
        _rpk("4.01.4.01.03.01.03", "Penyediaan Jasa Peralatan dan Perlengkapan Kantor", 500_000_000,
             10_000_000, 0, 0),
        _rpk("4.01.4.01.03.34", "Program Peningkatan Sarana Aparatur", 4_200_000_000, 0, 0, 4_191_000_000),
        _rpk("4.01.4.01.03.34.02", "Pengadaan Sarana Mobilitas", 4_200_000_000, 0, 0, 4_191_000_000),
    ]
