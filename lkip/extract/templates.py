"""Blank input templates (xlsxwriter) with exactly the headers the readers accept.

``write_template('realisasi-fisik' | 'pk-iku', path)``: a title block with placeholders, the header,
data validation (dropdowns, numbers >= 0) and a "Petunjuk" sheet in Bahasa Indonesia.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter

from lkip import sipd_codes
from lkip.extract import pk_iku

ROWS = 500  # rows prepared with validation
SPARE_ROWS = 20  # empty rows below a pre-filled form, for indicators the officer adds
TRIWULAN = ["s.d. Triwulan I", "s.d. Triwulan II", "s.d. Triwulan III", "s.d. Triwulan IV"]
# PK/IKU evidence sheets: the values the readers and the configured scales know.
AKIP_KATEGORI = ["AA", "A", "BB", "B", "CC", "C", "D"]
BUMD_KATEGORI = ["Sehat", "Kurang Sehat", "Tidak Sehat", "AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C"]
BUMD_OPINI = ["WTP", "WDP", "TW", "TMP"]

FORM_TITLE = ["FORM REALISASI KINERJA", "PEMERINTAH KOTA ....", "TAHUN ANGGARAN ....",
              "Perangkat Daerah : kode - nama", "Unit Kerja : ....", "s.d. Triwulan ...."]
FORM_HEADER_TOP = ["No", "Kode Kegiatan", "Nama Kegiatan", "Indikator Kinerja", "Target", "Satuan",
                   "Realisasi Kinerja", "", "", "", "Realisasi Keuangan (Rp)", "", "", "", "Keterangan"]
FORM_HEADER_SUB = ["", "", "", "", "", "", "TW I", "TW II", "TW III", "TW IV", "TW I", "TW II", "TW III", "TW IV", ""]

# SIPD era (Permendagri 90/2019, docs/sipd.md 6d): program, kegiatan and sub kegiatan rows, each with its
# indicators; Rp on sub kegiatan rows (a quarter may be net negative after returns).
FORM_HEADER_TOP_SIPD = ["No", "Kode Program/Kegiatan/Sub Kegiatan", "Program/Kegiatan/Sub Kegiatan",
                        *FORM_HEADER_TOP[3:]]
PETUNJUK_FORM_SIPD = [
    "PETUNJUK PENGISIAN FORM REALISASI KINERJA (SIPD-RI, PERMENDAGRI 90/2019)",
    "1. Isi judul: ganti 'TAHUN ANGGARAN ....' dengan tahunnya (mis. TAHUN ANGGARAN 2024), "
    "'Perangkat Daerah : kode - nama' (mis. Perangkat Daerah : 1.02.0.00.0.00.01.0000 - DINAS KESEHATAN) "
    "dan 's.d. Triwulan ....' (I, II, III atau IV).",
    "2. Satu baris per indikator kinerja program, kegiatan dan sub kegiatan, dengan kodenya sebagai teks persis "
    "seperti di DPA (program 1.02.02, kegiatan 1.02.02.2.02, sub kegiatan 1.02.02.2.02.0033; ekor dua angka "
    "1.02.02.2.02.33 juga dikenali). Indikator kedua: baris berikutnya dengan kode yang sama.",
    "3. Realisasi Kinerja TW I-IV: capaian fisik (K) tiap triwulan, angka ≥ 0. Biarkan KOSONG bila belum "
    "ada data (kosong berbeda dengan 0).",
    "4. Realisasi Keuangan (Rp) TW I-IV hanya pada baris pertama tiap sub kegiatan; dipakai untuk rekonsiliasi "
    "dengan Laporan Realisasi Per Dokumen dan Register SP2D SIPD. Boleh negatif bila setoran (STS) suatu "
    "triwulan melebihi belanjanya.",
    "5. Jangan mengubah, menambah atau memindahkan judul kolom. Baris JUMLAH dan tanda tangan boleh ditambahkan "
    "di bawah data.",
    "6. Simpan sebagai .xlsx lalu letakkan di folder input/.",
]
PK_TITLE = ["PERJANJIAN KINERJA DAN INDIKATOR KINERJA UTAMA", "TAHUN ....", "Perangkat Daerah : kode - nama"]
# One sheet per PK/IKU table, as the reader finds it (lkip.extract.pk_iku.SHEETS).
PK_SHEETS: dict[str, list[str]] = {spec.template_sheet: list(spec.template_header) for spec in pk_iku.SHEETS}

PETUNJUK_FORM = [
    "PETUNJUK PENGISIAN FORM REALISASI KINERJA",
    "1. Isi judul: ganti 'TAHUN ANGGARAN ....' dengan tahunnya (mis. TAHUN ANGGARAN 2020), "
    "'Perangkat Daerah : kode - nama' (mis. Perangkat Daerah : 4.01.03 - SEKRETARIAT DAERAH) "
    "dan 's.d. Triwulan ....' (I, II, III atau IV).",
    "2. Satu baris per indikator kinerja. Kode Kegiatan ditulis sebagai teks persis seperti di Renja "
    "(mis. 4.01.4.01.03.01.02); jangan diubah menjadi angka.",
    "3. Realisasi Kinerja TW I-IV: capaian fisik (K) tiap triwulan, angka ≥ 0. Biarkan KOSONG bila belum "
    "ada data (kosong berbeda dengan 0).",
    "4. Realisasi Keuangan (Rp) TW I-IV boleh diisi (angka rupiah ≥ 0); hanya dipakai untuk rekonsiliasi "
    "dengan SIMDA.",
    "5. Jangan mengubah, menambah atau memindahkan judul kolom. Baris JUMLAH dan tanda tangan boleh ditambahkan "
    "di bawah data.",
    "6. Simpan sebagai .xlsx lalu letakkan di folder input/.",
]
PETUNJUK_PK = [
    "PETUNJUK PENGISIAN PERJANJIAN KINERJA / IKU",
    "1. Isi judul tiap sheet: 'TAHUN ....' (mis. TAHUN 2020) dan 'Perangkat Daerah : kode - nama'.",
    "2. Sheet IKU: satu baris per indikator kinerja utama. Polaritas dipilih dari daftar: naik (semakin tinggi "
    "semakin baik) atau turun (semakin rendah semakin baik). Target dan realisasi angka ≥ 0; Target TW yang "
    "tidak ditetapkan diisi '-'.",
    "3. Dihitung Dari: kosongkan bila realisasi diketik langsung; pilih SKM, AKIP atau BUMD bila realisasi "
    "dihitung dari sheet bukti dengan nama yang sama (sheet itu harus diisi).",
    "4. Sheet Renstra: target per tahun Renstra dan realisasi tahun-tahun sebelumnya; judul kolom "
    "'Target 2021', 'Realisasi 2019' dst. boleh diganti tahunnya.",
    "5. Sheet Dukungan Anggaran: kegiatan (kode teks, mis. 4.01.4.01.03.29.55) yang mendukung tiap IKU.",
    "6. Sheet SKM: Nilai IKM per unit layanan (atau kolom U1 ... U9 berisi NRR per unsur). Sheet AKIP: nilai "
    "dan kategori per perangkat daerah. Sheet BUMD: opini, kategori (Sehat/Kurang Sehat) atau skor.",
    "7. Jangan mengubah nama sheet dan judul kolom. Simpan sebagai .xlsx lalu letakkan di folder input/.",
]


def write_template(kind: str, path: str | Path, prefill: Any = None) -> Path:
    """``prefill``: a ``lkip.template_prefill.FormPrefill`` (the Renja's indicators) for the form;
    a SIPD-era SKPD's (eight-segment code) gets the SIPD-era form."""
    path = Path(path)
    if kind == "realisasi-fisik-sipd" or (kind == "realisasi-fisik" and prefill is not None
                                          and sipd_codes.era_sipd(prefill.kode_skpd)):
        _form(path, prefill, sipd=True)
    elif kind == "realisasi-fisik":
        _form(path, prefill)
    elif kind == "pk-iku":
        _pk(path)
    else:
        raise ValueError(f"jenis template tidak dikenal: {kind!r} (realisasi-fisik atau pk-iku)")
    return path


def _formats(wb: xlsxwriter.Workbook) -> dict[str, object]:
    return {
        "title": wb.add_format({"bold": True, "font_size": 12}),
        "head": wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                               "text_wrap": True, "bg_color": "#DDEBF7"}),
        "text": wb.add_format({"num_format": "@"}),
        "locked_text": wb.add_format({"num_format": "@", "locked": True, "bg_color": "#F2F2F2", "border": 1}),
        "locked_num": wb.add_format({"num_format": "#,##0.##", "locked": True, "bg_color": "#F2F2F2", "border": 1}),
        "input_num": wb.add_format({"num_format": "#,##0.##", "locked": False, "border": 1}),
        "input_text": wb.add_format({"num_format": "@", "locked": False, "border": 1}),
        "input_title": wb.add_format({"bold": True, "font_size": 12, "locked": False, "bg_color": "#FFF2CC"}),
        "num": wb.add_format({"num_format": "#,##0.##"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
    }


def _non_negative(ws, first_row: int, col: int, rows: int = ROWS) -> None:
    ws.data_validation(first_row, col, first_row + rows, col, {
        "validate": "decimal", "criteria": ">=", "value": 0, "ignore_blank": True,
        "error_title": "Angka tidak sah", "error_message": "Isi angka ≥ 0 (kosongkan bila belum ada data).",
    })


def _petunjuk(wb, lines: list[str], f) -> None:
    ws = wb.add_worksheet("Petunjuk")
    ws.set_column(0, 0, 110)
    for i, line in enumerate(lines):
        ws.write_string(i, 0, line, f["title"] if i == 0 else f["wrap"])


def _list(ws, first_row: int, col: int, values: list[str] | str, title: str, rows: int = ROWS,
          last_row: int | None = None) -> None:
    """A dropdown (``values``: the list, or a range such as '=Petunjuk!$A$20:$A$80')."""
    ws.data_validation(first_row, col, first_row + rows if last_row is None else last_row, col, {
        "validate": "list", "source": values, "ignore_blank": True,
        "error_title": title, "error_message": "Pilih dari daftar.",
    })


def _form_title(prefill: Any) -> list[str]:
    if prefill is None:
        return FORM_TITLE
    nama = f" - {prefill.nama_skpd}" if prefill.nama_skpd else ""
    return ["FORM REALISASI KINERJA", "PEMERINTAH KOTA ....", f"TAHUN ANGGARAN {prefill.tahun}",
            f"Perangkat Daerah : {prefill.kode_skpd}{nama}",
            f"Unit Kerja : {prefill.bagian}" if prefill.bagian else "Unit Kerja : ....", "s.d. Triwulan ...."]


def _form(path: Path, prefill: Any = None, sipd: bool = False) -> None:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    f = _formats(wb)
    ws = wb.add_worksheet("Form")
    title = _form_title(prefill)
    for i, t in enumerate(title):
        ws.write_string(i, 0, t, f["title"])
    # s.d. Triwulan: a dropdown on its title cell
    ws.write_string(len(title) - 1, 0, title[-1], f["input_title"])
    ws.data_validation(len(title) - 1, 0, len(title) - 1, 0, {
        "validate": "list", "source": TRIWULAN, "error_title": "Triwulan",
        "error_message": "Pilih s.d. Triwulan I, II, III atau IV.", "ignore_blank": True})
    h = len(title)
    for j, t in enumerate(FORM_HEADER_TOP_SIPD if sipd else FORM_HEADER_TOP):
        if t and j not in (6, 10):
            ws.merge_range(h, j, h + 1, j, t, f["head"])
    ws.merge_range(h, 6, h, 9, "Realisasi Kinerja", f["head"])
    ws.merge_range(h, 10, h, 13, "Realisasi Keuangan (Rp)", f["head"])
    for j in range(6, 14):
        ws.write_string(h + 1, j, FORM_HEADER_SUB[j], f["head"])
    first = h + 2
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 22, f["text"])
    ws.set_column(2, 3, 40)
    ws.set_column(4, 13, 14, f["num"])
    ws.set_column(14, 14, 24)
    for col in range(4, 5):
        _non_negative(ws, first, col)
    for col in range(6, 10 if sipd else 14):
        _non_negative(ws, first, col)
    ws.freeze_panes(first, 0)
    if prefill is None:
        _petunjuk(wb, PETUNJUK_FORM_SIPD if sipd else PETUNJUK_FORM, f)
    else:
        _prefilled_rows(wb, ws, first, prefill, f)
    wb.close()


def _prefilled_rows(wb, ws, first: int, prefill: Any, f) -> None:
    """The Renja's indicators, locked (codes as text); quarterly values, Rp and Keterangan open;
    spare rows below with a dropdown of the Renja's kegiatan codes (listed on the Petunjuk sheet)."""
    for n, row in enumerate(prefill.rows):
        r = first + n
        ws.write_number(r, 0, n + 1, f["locked_num"])
        ws.write_string(r, 1, str(row["kode_kegiatan"]), f["locked_text"])
        ws.write_string(r, 2, str(row["nama_kegiatan"] or ""), f["locked_text"])
        ws.write_string(r, 3, str(row["indikator"]), f["locked_text"])
        if row["target"] is None:
            ws.write_blank(r, 4, None, f["locked_num"])
        else:
            ws.write_number(r, 4, float(row["target"]), f["locked_num"])
        ws.write_string(r, 5, str(row["satuan"] or ""), f["locked_text"])
        for c in range(6, 14):
            ws.write_blank(r, c, None, f["input_num"])
        ws.write_blank(r, 14, None, f["input_text"])
    spare = first + len(prefill.rows)
    for r in range(spare, spare + SPARE_ROWS):
        for c in range(0, 15):
            ws.write_blank(r, c, None, f["input_text"] if c in (1, 2, 3, 5, 14) else f["input_num"])
    lines = PETUNJUK_FORM[:1] + [
        "1. Form ini sudah diisi dari Renja/DPA di gudang data: kode kegiatan, indikator, target dan satuan "
        "terkunci (sheet diproteksi tanpa kata sandi). Isi hanya Realisasi Kinerja TW I-IV (dan bila ada "
        "Realisasi Keuangan).",
        "2. Pilih 's.d. Triwulan' di judul (sel A6, daftar pilihan). Indikator tambahan boleh ditulis di baris "
        "kosong di bawah data; Kode Kegiatan dipilih dari daftar (lihat daftar kode di bawah).",
        *PETUNJUK_FORM[3:],
        "",
        "DAFTAR KODE KEGIATAN (RENJA/DPA) — pilihan untuk baris tambahan di bawah data:",
    ]
    ptj = wb.add_worksheet("Petunjuk")
    ptj.set_column(0, 0, 24, f["text"])
    ptj.set_column(1, 1, 90)
    for i, line in enumerate(lines):
        ptj.write_string(i, 0, line, f["title"] if i == 0 else None)
    list_first = len(lines)
    for i, (kode, uraian) in enumerate(prefill.kegiatan):
        ptj.write_string(list_first + i, 0, str(kode), f["text"])
        ptj.write_string(list_first + i, 1, str(uraian or ""))
    if prefill.kegiatan:
        last = list_first + len(prefill.kegiatan)
        _list(ws, spare, 1, f"=Petunjuk!$A${list_first + 1}:$A${last}", "Kode Kegiatan",
              last_row=spare + SPARE_ROWS - 1)
    ws.protect("", {"format_columns": True, "format_rows": True, "autofilter": True, "sort": False})


def _pk(path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path))
    f = _formats(wb)
    for name, header in PK_SHEETS.items():
        ws = wb.add_worksheet(name)
        for i, t in enumerate(PK_TITLE):
            ws.write_string(i, 0, t, f["title"])
        h = len(PK_TITLE) + 1
        for j, t in enumerate(header):
            ws.write_string(h, j, t, f["head"])
            ws.set_column(j, j, 30 if len(t) > 12 else 14)
        first = h + 1
        for j, t in enumerate(header):
            low = t.lower()
            if low == "polaritas":
                ws.data_validation(first, j, first + ROWS, j, {
                    "validate": "list", "source": ["naik", "turun"],
                    "error_title": "Polaritas", "error_message": "Pilih naik atau turun."})
            elif low == "dihitung dari":
                ws.data_validation(first, j, first + ROWS, j, {
                    "validate": "list", "source": ["SKM", "AKIP", "BUMD"], "ignore_blank": True,
                    "error_title": "Dihitung Dari", "error_message": "Kosongkan, atau pilih SKM, AKIP atau BUMD."})
            elif low.startswith(("target", "realisasi", "nilai", "skor")) and " tw " not in f" {low} " and name != "Indikator Program" or (
                    name == "Indikator Program" and low in ("target", "realisasi")):
                _non_negative(ws, first, j)
            elif low == "kode kegiatan":
                ws.set_column(j, j, 24, f["text"])
            elif name == "AKIP" and low == "kategori":
                _list(ws, first, j, AKIP_KATEGORI, "Kategori AKIP")
            elif name == "BUMD" and low == "kategori":
                _list(ws, first, j, BUMD_KATEGORI, "Kategori BUMD")
            elif name == "BUMD" and low == "opini":
                _list(ws, first, j, BUMD_OPINI, "Opini")
        ws.freeze_panes(first, 0)
    _petunjuk(wb, PETUNJUK_PK, f)
    wb.close()


__all__ = ["write_template", "PK_SHEETS", "FORM_HEADER_TOP", "FORM_HEADER_SUB"]
