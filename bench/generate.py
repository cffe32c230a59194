"""Deterministic, realistic benchmark data in the layout of the bundled Bekasi sample.

* ``register(n)``: a SIMDA Register SP2D of ``n`` SP2D rows (title block, header
  ``No | Tanggal SP2D | Nomor SP2D | Kode Kegiatan | Kode Rekening | Uraian | Jenis SP2D |
  Nilai SP2D (Rp)``, Excel dates printed only when they change, the header repeated after every
  50 rows as a printed page break, a JUMLAH row that equals the sum, a signature block). About 1 %
  of the amounts are Indonesian text (``'1.234.567,00'``) scattered through the file, so a reader
  that guesses types from the first rows and nulls the rest loses data visibly.
* ``city(n_skpd)``: a city drop of ``n_skpd`` SKPD (codes ``4.01.01`` ...), each with a Renja
  (two-row merged header, ~100 kegiatan with indicators, program pagu = sum of its kegiatan,
  kas TW I-IV = pagu), a register of ~25 000 rows whose kegiatan all exist in that Renja, and a
  realisasi fisik form.

Registers are written with xlsxwriter in constant_memory mode (row by row, inline strings), the
small Renja and forms (vertical merges) in its normal mode; everything is cached
under ``bench/data/`` (gitignored): a file is regenerated only when it is missing or the
generator's version changes. Everything is seeded: the same arguments give the same cells.

    .venv/bin/python bench/generate.py --sizes 10000,100000,1000000 --city
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

REGISTER_VERSION = 3  # bump when the layout or the data changes: cached files are regenerated
CITY_VERSION = 5
HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
TAHUN = 2020
PAGE_ROWS = 50
EXCEL_EPOCH = dt.date(1899, 12, 30)

BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
         "Oktober", "November", "Desember"]

AKUN = [
    ("5.2.1.01.01", "Honorarium Panitia Pelaksana Kegiatan"),
    ("5.2.1.02.01", "Honorarium Tenaga Ahli/Instruktur/Narasumber"),
    ("5.2.1.02.02", "Honorarium Pegawai Honorer/Tidak Tetap"),
    ("5.2.2.01.01", "Belanja Alat Tulis Kantor"),
    ("5.2.2.01.04", "Belanja Perangko, Materai dan Benda Pos Lainnya"),
    ("5.2.2.02.01", "Belanja Bahan Bakar Minyak/Gas"),
    ("5.2.2.03.01", "Belanja Telepon"),
    ("5.2.2.03.02", "Belanja Air"),
    ("5.2.2.03.03", "Belanja Listrik"),
    ("5.2.2.03.17", "Belanja Jasa Publikasi"),
    ("5.2.2.06.01", "Belanja Cetak"),
    ("5.2.2.06.02", "Belanja Penggandaan"),
    ("5.2.2.11.02", "Belanja Makanan dan Minuman Rapat"),
    ("5.2.2.14.02", "Belanja Pakaian Olahraga"),
    ("5.2.2.15.01", "Belanja Perjalanan Dinas Dalam Daerah"),
    ("5.2.2.15.02", "Belanja Perjalanan Dinas Luar Daerah"),
    ("5.2.2.20.01", "Belanja Pemeliharaan Gedung dan Bangunan"),
    ("5.2.2.20.03", "Belanja Pemeliharaan Meubelair"),
    ("5.2.3.03.02", "Belanja Modal Pengadaan Kendaraan Bermotor Penumpang"),
    ("5.2.3.10.01", "Belanja Modal Pengadaan Meubelair"),
    ("5.2.3.15.01", "Belanja Modal Pengadaan Alat Kantor Lainnya"),
]
PROGRAM_NAMA = [
    "Program Pelayanan Administrasi Perkantoran", "Program Peningkatan Sarana dan Prasarana Aparatur",
    "Program Peningkatan Disiplin Aparatur", "Program Peningkatan Kapasitas Sumber Daya Aparatur",
    "Program Peningkatan Pengembangan Sistem Pelaporan Capaian Kinerja dan Keuangan",
    "Program Penataan Peraturan Perundang-undangan", "Program Peningkatan Pelayanan Kedinasan",
    "Program Pengembangan Komunikasi, Informasi dan Media Massa",
    "Program Peningkatan Kerjasama Antar Pemerintah Daerah", "Program Pengadaan Sarana Mobilitas",
    "Program Penguatan Tata Kelola Pemerintahan", "Program Pelayanan Publik",
]
KEGIATAN_NAMA = [
    "Penyediaan Jasa Surat Menyurat", "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik",
    "Penyediaan Jasa Peralatan dan Perlengkapan Kantor", "Penyediaan Jasa Kebersihan Kantor",
    "Penyediaan Alat Tulis Kantor", "Penyediaan Barang Cetak dan Penggandaan",
    "Penyediaan Makanan dan Minuman", "Rapat-rapat Koordinasi dan Konsultasi ke Luar Daerah",
    "Pemeliharaan Rutin/Berkala Gedung Kantor", "Pemeliharaan Rutin/Berkala Kendaraan Dinas",
    "Pemeliharaan Rutin/Berkala Meubelair", "Pengadaan Barang Inventaris Kantor",
    "Pengadaan Meubelair", "Pendidikan dan Pelatihan Formal", "Bimbingan Teknis Implementasi Peraturan",
    "Penyusunan Laporan Capaian Kinerja dan Ikhtisar Realisasi Kinerja SKPD",
    "Penyusunan Pelaporan Keuangan Akhir Tahun", "Penyusunan Rancangan Peraturan Daerah",
    "Publikasi Kegiatan Pemerintah Daerah", "Penyelenggaraan Forum Koordinasi",
]
SATUAN = ["Dokumen", "Kegiatan", "Orang", "Unit", "Rekening", "Buah", "%", "Orang / bulan", "m2"]
SKPD_NAMA = [
    "SEKRETARIAT DAERAH", "SEKRETARIAT DPRD", "INSPEKTORAT", "BADAN PERENCANAAN PEMBANGUNAN DAERAH",
    "BADAN PENGELOLAAN KEUANGAN DAN ASET DAERAH", "BADAN PENDAPATAN DAERAH",
    "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA", "DINAS PENDIDIKAN", "DINAS KESEHATAN",
    "DINAS PEKERJAAN UMUM", "DINAS PERUMAHAN DAN KAWASAN PERMUKIMAN", "SATUAN POLISI PAMONG PRAJA",
    "DINAS SOSIAL", "DINAS TENAGA KERJA", "DINAS LINGKUNGAN HIDUP", "DINAS KEPENDUDUKAN DAN CATATAN SIPIL",
    "DINAS PERHUBUNGAN", "DINAS KOMUNIKASI DAN INFORMATIKA", "DINAS KOPERASI DAN UMKM",
    "DINAS PENANAMAN MODAL DAN PTSP", "DINAS KEPEMUDAAN DAN OLAHRAGA", "DINAS ARSIP DAN PERPUSTAKAAN",
    "DINAS PERDAGANGAN DAN PERINDUSTRIAN", "DINAS KETAHANAN PANGAN", "DINAS PEMADAM KEBAKARAN",
    "DINAS PARIWISATA DAN KEBUDAYAAN", "BADAN KESATUAN BANGSA DAN POLITIK",
    "BADAN PENANGGULANGAN BENCANA DAERAH", "DINAS TATA RUANG", "DINAS BINA MARGA DAN SUMBER DAYA AIR",
    "RSUD KOTA", "KECAMATAN BEKASI TIMUR", "KECAMATAN BEKASI BARAT", "KECAMATAN BEKASI UTARA",
    "KECAMATAN BEKASI SELATAN", "KECAMATAN RAWALUMBU", "KECAMATAN MEDAN SATRIA", "KECAMATAN BANTARGEBANG",
    "KECAMATAN PONDOKGEDE", "KECAMATAN JATIASIH", "KECAMATAN JATISAMPURNA", "KECAMATAN MUSTIKAJAYA",
    "KECAMATAN PONDOKMELATI", "KECAMATAN BEKASI BARU",
]
REGISTER_HEADER = ["No", "Tanggal SP2D", "Nomor SP2D", "Kode Kegiatan", "Kode Rekening", "Uraian",
                   "Jenis SP2D", "Nilai SP2D (Rp)"]


@dataclass
class Kegiatan:
    kode: str
    nama: str
    indikator: list[tuple[str, float, str]]  # (indikator, target, satuan)
    pagu: int = 0          # set from the register so that realisation is ~70-100 %
    realisasi: int = 0     # LS + GU + GU Nihil in the register
    rp_tw: list[int] = field(default_factory=lambda: [0, 0, 0, 0])  # the same per quarter


@dataclass
class Program:
    kode: str
    nama: str
    indikator: str
    kegiatan: list[Kegiatan] = field(default_factory=list)


def skpd_code(i: int) -> str:
    """4.01.01, 4.01.02, ... (i from 1)."""
    return f"4.{1 + (i - 1) // 99:02d}.{1 + (i - 1) % 99:02d}"


def plan(skpd: str, n_kegiatan: int, rng: random.Random) -> list[Program]:
    """Programs and kegiatan of one SKPD under Permendagri 13/2006 codes (4.01.4.01.03.PP.KK)."""
    n_prog = max(1, round(n_kegiatan / 10))
    progs: list[Program] = []
    left = n_kegiatan
    for p in range(n_prog):
        kode_p = f"{skpd[:4]}.{skpd}.{p + 1:02d}"
        prog = Program(kode_p, PROGRAM_NAMA[p % len(PROGRAM_NAMA)] + ("" if p < len(PROGRAM_NAMA) else f" {p + 1}"),
                       f"Persentase capaian {PROGRAM_NAMA[p % len(PROGRAM_NAMA)].lower()[8:]}")
        k_here = left // (n_prog - p)
        left -= k_here
        for k in range(k_here):
            nama = KEGIATAN_NAMA[(p * 7 + k) % len(KEGIATAN_NAMA)]
            n_ind = 1 if rng.random() < 0.7 else 2
            ind = [(f"Jumlah {nama.lower()} ({j + 1})" if j else f"Jumlah {nama.lower()}",
                    float(rng.choice([1, 4, 12, 24, 100, 250, 432, 1800])), rng.choice(SATUAN))
                   for j in range(n_ind)]
            prog.kegiatan.append(Kegiatan(f"{kode_p}.{k + 1:02d}", nama, ind))
        progs.append(prog)
    return progs


def _serial(d: dt.date) -> int:
    return (d - EXCEL_EPOCH).days


def _id_number(v: int) -> str:
    """12345678 -> '12.345.678,00' (Indonesian text)."""
    return f"{v:,}".replace(",", ".") + ",00"


# -------------------------------------------------------------------------------------------
# Register SP2D


def register_rows(n: int, skpd: str, kegiatan: list[Kegiatan], seed: int, text_share: float = 0.01):
    """Yield (no, date, nomor, kode_kegiatan, kode_rekening, uraian, jenis, nilai) for n SP2D."""
    rng = random.Random(seed)
    start, end = dt.date(TAHUN, 1, 2), dt.date(TAHUN, 12, 30)
    days = (end - start).days
    width = max(5, len(str(n)))
    for i in range(n):
        # Dates ascending through the year; several SP2D share a day.
        d = start + dt.timedelta(days=(i * days) // max(1, n - 1) if n > 1 else 0)
        if i == 0:
            jenis = "UP"
        else:
            r = rng.random()
            jenis = "LS" if r < 0.60 else "GU" if r < 0.86 else "GU Nihil" if r < 0.97 else "TU"
        if jenis in ("UP", "TU"):
            keg, akun, nilai = None, None, rng.randrange(50, 1600) * 1_000_000
            uraian = ("Uang Persediaan (UP)" if jenis == "UP" else "Tambahan Uang Persediaan (TU)") + \
                f" Tahun Anggaran {TAHUN}"
        else:
            keg = kegiatan[rng.randrange(len(kegiatan))]
            akun = AKUN[rng.randrange(len(AKUN))]
            nilai = rng.randrange(1_000, 1_500_000) * 1_000 + rng.randrange(0, 1000)
            lead = {"LS": "Pembayaran", "GU": "Penggantian uang persediaan untuk",
                    "GU Nihil": "Pertanggungjawaban (GU Nihil)"}[jenis]
            uraian = f"{lead} {akun[1]} bulan {BULAN[d.month - 1]} {TAHUN} pada kegiatan {keg.nama}"
        tag = jenis.upper().replace(" ", "-")
        nomor = f"{i + 1:0{width}d}/SP2D-{tag}/{skpd}/{TAHUN}"
        yield (i + 1, d, nomor, keg, akun[0] if akun else None, uraian, jenis, nilai,
               rng.random() < text_share)


def write_register(path: Path, n: int, skpd: str = "4.01.03", nama: str = "SEKRETARIAT DAERAH",
                   kegiatan: list[Kegiatan] | None = None, seed: int = 20200101,
                   text_share: float = 0.01) -> dict:
    rng = random.Random(seed ^ 0x5EED)
    if kegiatan is None:
        kegiatan = [k for p in plan(skpd, 100, rng) for k in p.kegiatan]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    ws = wb.add_worksheet("Register SP2D")
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "border": 1, "align": "center", "text_wrap": True})
    datef = wb.add_format({"num_format": "dd/mm/yyyy"})
    textf = wb.add_format({"num_format": "@"})
    money = wb.add_format({"num_format": "#,##0.00"})
    for c, w in enumerate([7, 12, 32, 20, 14, 60, 10, 18]):
        ws.set_column(c, c, w)
    r = 0
    for line in ("PEMERINTAH KOTA BEKASI", "REGISTER SP2D", f"TAHUN ANGGARAN {TAHUN}",
                 f"Perangkat Daerah : {skpd} - {nama}",
                 f"Periode : 1 Januari {TAHUN} s.d. 31 Desember {TAHUN}"):
        ws.merge_range(r, 0, r, 7, line, bold)
        r += 1
    ws.write_row(r, 0, REGISTER_HEADER, head)
    r += 1
    total = 0
    n_text = 0
    last_date = None
    for k, (no, d, nomor, keg, rek, uraian, jenis, nilai, as_text) in enumerate(
            register_rows(n, skpd, kegiatan, seed, text_share)):
        if k and k % PAGE_ROWS == 0:  # page break as SIMDA prints it: a blank row, the header again
            r += 1
            ws.write_row(r, 0, REGISTER_HEADER, head)
            r += 1
        ws.write_number(r, 0, no)
        if d != last_date:
            ws.write_number(r, 1, _serial(d), datef)
            last_date = d
        ws.write_string(r, 2, nomor)
        if keg is not None:
            ws.write_string(r, 3, keg.kode, textf)
            keg.realisasi += nilai
            keg.rp_tw[(d.month - 1) // 3] += nilai
        if rek is not None:
            ws.write_string(r, 4, rek, textf)
        ws.write_string(r, 5, uraian)
        ws.write_string(r, 6, jenis)
        if as_text:
            ws.write_string(r, 7, _id_number(nilai))
            n_text += 1
        else:
            ws.write_number(r, 7, nilai, money)
        total += nilai
        r += 1
    ws.write_string(r, 5, "JUMLAH", bold)
    ws.write_number(r, 7, total, money)
    r += 2
    for line in (f"Bekasi, 15 Januari {TAHUN + 1}", "KUASA BENDAHARA UMUM DAERAH,", "", "",
                 "Drs. AGUS SETIAWAN, M.Si.", "Pembina Tingkat I", "NIP. 19700812 199303 1 004"):
        if line:
            ws.write_string(r, 5, line)
        r += 1
    wb.close()
    tmp.replace(path)
    return {"rows": n, "excel_rows": r, "total": total, "text_amounts": n_text}


# -------------------------------------------------------------------------------------------
# Renja and realisasi fisik form


def write_renja(path: Path, skpd: str, nama: str, progs: list[Program], seed: int) -> None:
    rng = random.Random(seed)
    # Small files: normal mode, since vertical merges must write the row below before the row ends.
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(f"Renja-P {TAHUN}")
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                          "text_wrap": True})
    textf = wb.add_format({"num_format": "@"})
    money = wb.add_format({"num_format": "#,##0"})
    for c, w in enumerate([20, 45, 45, 9, 12, 10, 16, 16, 14, 14, 14, 14, 18]):
        ws.set_column(c, c, w)
    r = 0
    for line in ("PEMERINTAH KOTA BEKASI", "RENCANA KERJA PERUBAHAN PERANGKAT DAERAH (RENJA-P)",
                 f"TAHUN ANGGARAN {TAHUN}", f"Perangkat Daerah : {skpd} - {nama}",
                 f"Urusan Pemerintahan : {skpd[:4]} - Otonomi Daerah, Pemerintahan Umum, Administrasi "
                 "Keuangan Daerah, Perangkat Daerah, Kepegawaian dan Persandian"):
        ws.merge_range(r, 0, r, 12, line, bold)
        r += 1
    # Two-row header with merged groups, as in the sample.
    ws.merge_range(r, 0, r + 1, 0, "Kode Rekening", head)
    ws.merge_range(r, 1, r + 1, 1, "Program / Kegiatan", head)
    ws.merge_range(r, 2, r + 1, 2, "Indikator Kinerja Program (outcome) / Kegiatan (output)", head)
    ws.merge_range(r, 3, r, 4, "Target Kinerja", head)
    ws.merge_range(r, 5, r + 1, 5, "Cara Hitung", head)
    ws.merge_range(r, 6, r, 7, "Pagu Anggaran (Rp)", head)
    ws.merge_range(r, 8, r, 11, "Anggaran Kas per Triwulan (Rp)", head)
    ws.merge_range(r, 12, r + 1, 12, "Penanggung Jawab", head)
    ws.write_row(r + 1, 3, ["Target", "Satuan"], head)
    ws.write_row(r + 1, 6, ["Sebelum Perubahan", "Setelah Perubahan", "TW I", "TW II", "TW III",
                            "TW IV"], head)
    r += 2
    totals = [0] * 6
    for prog in progs:
        sums = [0] * 6
        rows = []
        for keg in prog.kegiatan:
            pagu = keg.pagu
            murni = int(round(pagu * rng.uniform(0.9, 1.3), -3))
            shares = [rng.uniform(0.15, 0.35) for _ in range(4)]
            kas = [int(pagu * s / sum(shares)) for s in shares]
            kas[3] = pagu - sum(kas[:3])
            vals = [murni, pagu, *kas]
            sums = [a + b for a, b in zip(sums, vals)]
            rows.append((keg, vals))
        totals = [a + b for a, b in zip(totals, sums)]
        ws.write_string(r, 0, f" {prog.kode} ", textf)
        ws.write_string(r, 1, prog.nama)
        ws.write_string(r, 2, prog.indikator)
        ws.write_number(r, 3, 100)
        ws.write_string(r, 4, "%")
        for c, v in enumerate(sums):
            ws.write_number(r, 6 + c, v, money)
        r += 1
        for keg, vals in rows:
            first, *more = keg.indikator
            ws.write_string(r, 0, keg.kode, textf)
            ws.write_string(r, 1, keg.nama)
            ws.write_string(r, 2, first[0])
            ws.write_number(r, 3, first[1])
            ws.write_string(r, 4, first[2])
            for c, v in enumerate(vals):
                ws.write_number(r, 6 + c, v, money)
            ws.write_string(r, 12, "Bagian Umum")
            r += 1
            for ind in more:  # continuation row: a further indicator, no code, no amounts
                ws.write_string(r, 2, ind[0])
                ws.write_number(r, 3, ind[1])
                ws.write_string(r, 4, ind[2])
                r += 1
    ws.write_string(r, 1, "JUMLAH", bold)
    for c, v in enumerate(totals):
        ws.write_number(r, 6 + c, v, money)
    r += 2
    for line in (f"Bekasi, 15 Januari {TAHUN + 1}", "KEPALA PERANGKAT DAERAH,", "", "",
                 "Dr. Hj. RENY HENDRAWATI, M.M.", "Pembina Utama Madya", "NIP. 19650205 199011 2 002"):
        if line:
            ws.write_string(r, 10, line)
        r += 1
    wb.close()


def write_form(path: Path, skpd: str, nama: str, progs: list[Program], seed: int) -> None:
    rng = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Form")
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                          "text_wrap": True})
    textf = wb.add_format({"num_format": "@"})
    r = 0
    for line in ("FORM REALISASI KINERJA", "PEMERINTAH KOTA BEKASI", f"TAHUN ANGGARAN {TAHUN}",
                 f"Perangkat Daerah : {skpd} - {nama}", "Unit Kerja : Seluruh Bagian",
                 "s.d. Triwulan IV"):
        ws.write_string(r, 0, line, bold)
        r += 1
    for c, label in enumerate(["No", "Kode Kegiatan", "Nama Kegiatan", "Indikator Kinerja", "Target",
                               "Satuan"]):
        ws.merge_range(r, c, r + 1, c, label, head)
    ws.merge_range(r, 6, r, 9, "Realisasi Kinerja", head)
    ws.merge_range(r, 10, r, 13, "Realisasi Keuangan (Rp)", head)
    ws.merge_range(r, 14, r + 1, 14, "Keterangan", head)
    ws.write_row(r + 1, 6, ["TW I", "TW II", "TW III", "TW IV"] * 2, head)
    r += 2
    no = 0
    for prog in progs:
        for keg in prog.kegiatan:
            for j, (ind, target, satuan) in enumerate(keg.indikator):
                no += 1
                ws.write_number(r, 0, no)
                ws.write_string(r, 1, keg.kode, textf)
                if j == 0:
                    ws.write_string(r, 2, keg.nama)
                ws.write_string(r, 3, ind)
                ws.write_number(r, 4, target)
                ws.write_string(r, 5, satuan)
                done = target * rng.uniform(0.7, 1.05)
                parts = [rng.uniform(0.1, 0.4) for _ in range(4)]
                for q in range(4):
                    ws.write_number(r, 6 + q, round(done * parts[q] / sum(parts), 2))
                if j == 0:  # what the Bagian reports spending: the register's quarterly sums
                    for q in range(4):
                        ws.write_number(r, 10 + q, keg.rp_tw[q])
                r += 1
    r += 1
    for line in (f"Bekasi, 15 Januari {TAHUN + 1}", "KEPALA BAGIAN TATA USAHA,", "", "",
                 "H. DEDI KURNIAWAN, S.IP., M.Si.", "Pembina", "NIP. 19750321 199803 1 006"):
        if line:
            ws.write_string(r, 12, line)
        r += 1
    wb.close()


def write_skpd(folder: Path, i: int, register_rows_n: int, n_kegiatan: int) -> dict:
    """Renja + register + form of the i-th SKPD (1-based) into folder."""
    skpd, nama = skpd_code(i), SKPD_NAMA[(i - 1) % len(SKPD_NAMA)]
    seed = 1000 + i
    progs = plan(skpd, n_kegiatan, random.Random(seed))
    kegiatan = [k for p in progs for k in p.kegiatan]
    reg = write_register(folder / f"register_sp2d_{skpd}_{TAHUN}.xlsx", register_rows_n, skpd, nama,
                         kegiatan, seed=seed)
    rng = random.Random(seed * 7)
    for k in kegiatan:  # realisation ~70-100 % of the pagu in force
        k.pagu = int(math.ceil(max(k.realisasi, 10_000_000) / rng.uniform(0.70, 1.0) / 1000.0)) * 1000
    write_renja(folder / f"renja_perubahan_{skpd}_{TAHUN}.xlsx", skpd, nama, progs, seed)
    write_form(folder / f"form_realisasi_kinerja_{skpd}_{TAHUN}.xlsx", skpd, nama, progs, seed)
    return {"skpd": skpd, "kegiatan": len(kegiatan), **reg}


def write_redrop(folder: Path, i: int, register_rows_n: int, n_kegiatan: int, fewer: int = 25) -> Path:
    """A corrected register of the i-th SKPD (its last `fewer` SP2D withdrawn) into folder: what
    an officer drops again into a city warehouse. Same kegiatan and seed as write_skpd."""
    skpd, nama = skpd_code(i), SKPD_NAMA[(i - 1) % len(SKPD_NAMA)]
    seed = 1000 + i
    kegiatan = [k for p in plan(skpd, n_kegiatan, random.Random(seed)) for k in p.kegiatan]
    path = folder / f"register_sp2d_{skpd}_{TAHUN}.xlsx"
    write_register(path, register_rows_n - fewer, skpd, nama, kegiatan, seed=seed)
    return path


# -------------------------------------------------------------------------------------------
# Cache


def _stamp_ok(stamp: Path, want: dict) -> bool:
    try:
        return json.loads(stamp.read_text()) == want
    except (OSError, ValueError):
        return False


def ensure_register(n: int, data: Path = DATA) -> Path:
    """bench/data/register_<n>.xlsx, generated when missing or stale."""
    path = data / f"register_{n}.xlsx"
    stamp = path.with_suffix(".json")
    want = {"version": REGISTER_VERSION, "rows": n}
    if path.is_file() and _stamp_ok(stamp, want):
        return path
    t0 = time.perf_counter()
    info = write_register(path, n)
    stamp.write_text(json.dumps(want))
    print(f"generated {path} ({n} rows, {info['text_amounts']} amounts as text, "
          f"{path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return path


def ensure_city(n_skpd: int = 44, register_rows_n: int = 25_000, n_kegiatan: int = 100,
                data: Path = DATA) -> Path:
    """bench/data/city_<n>/ holding one folder per SKPD (Renja, register, form)."""
    folder = data / f"city_{n_skpd}_{register_rows_n}"
    stamp = folder / "generated.json"
    want = {"version": CITY_VERSION, "skpd": n_skpd, "register_rows": register_rows_n,
            "kegiatan": n_kegiatan}
    if folder.is_dir() and _stamp_ok(stamp, want):
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    t0 = time.perf_counter()
    for i in range(1, n_skpd + 1):
        write_skpd(folder / skpd_code(i), i, register_rows_n, n_kegiatan)
    stamp.write_text(json.dumps(want))
    print(f"generated {folder} ({n_skpd} SKPD) in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return folder


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--city", action=argparse.BooleanOptionalAction, default=False)
    ap.add_argument("--city-skpd", type=int, default=44)
    ap.add_argument("--city-rows", type=int, default=25_000)
    ap.add_argument("--data", type=Path, default=DATA)
    a = ap.parse_args(argv)
    for n in [int(s) for s in a.sizes.split(",") if s.strip()]:
        print(ensure_register(n, a.data))
    if a.city:
        print(ensure_city(a.city_skpd, a.city_rows, data=a.data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
