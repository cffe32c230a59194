"""What readers see in place of internal names: the one label map of the publish layer.

The workbook, the HTML page, the BAB III draft and the charts take every table number, title, sheet
name, column header, row kind and total word from here, so a view id (`tabel_3_efisiensi`), a
column name (`selisih_lra_sp2d`) or a row kind (`rata_rata`) never reaches a reader. Ids stay what
they are where machines read them: view names, CSV file names and CSV column names.

Table numbers follow the sample report (Setda Kota Bekasi 2020): Tabel 2-1 … 2-5, Tabel 3-1,
Tabel 3-30 … 3-32, Tabel 4-1 and Lampiran III keep the report's own numbers. The report spreads the
analysis of each IKU over the tables between 3-1 and 3-30 (one per IKU); the pipeline gives each of
those one table over all IKU, numbered 3-2 … 3-7 in the order BAB III presents them. The
reconciliation is the pipeline's own working table, not part of the report: it has no number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TableLabel:
    number: str | None   # 'Tabel 3-30', 'Lampiran III'; None for a table the report does not have
    title: str           # {nama} = SKPD name, {periode} = 'Tahun 2020' / 's.d. Triwulan II Tahun 2020'
    short: str           # navigation / contents text, without the number


TABLES: dict[str, TableLabel] = {
    "tabel_2_1": TableLabel("Tabel 2-1", "Tujuan dan Sasaran Jangka Menengah {nama}", "Tujuan dan Sasaran"),
    "tabel_2_3": TableLabel("Tabel 2-3", "Perjanjian Kinerja {nama} {periode}", "Perjanjian Kinerja"),
    "tabel_2_4": TableLabel("Tabel 2-4", "Alokasi Anggaran Per Triwulan {nama} {periode}",
                            "Anggaran Per Triwulan"),
    "tabel_2_5": TableLabel("Tabel 2-5", "Anggaran Per Kegiatan {nama} {periode}", "Anggaran Per Kegiatan"),
    "tabel_3_1": TableLabel("Tabel 3-1", "Capaian Kinerja {nama} {periode}", "Capaian Kinerja"),
    "tabel_3_efisiensi": TableLabel(
        "Tabel 3-2", "Alokasi dan Realisasi Anggaran serta Tingkat Efisiensi {nama} {periode}",
        "Efisiensi Anggaran"),
    "tabel_3_program_ind": TableLabel(
        "Tabel 3-3", "Indikator Capaian Program Pendukung IKU {nama} {periode}", "Indikator Program"),
    "tabel_3_renstra": TableLabel(
        "Tabel 3-4", "Perbandingan Realisasi Kinerja terhadap Tahun Lalu dan Target Akhir Renstra {nama} {periode}",
        "Perbandingan Renstra"),
    "tabel_3_skm": TableLabel(
        "Tabel 3-5", "Hasil Perhitungan Survei Kepuasan Masyarakat (SKM) {nama} {periode}", "SKM"),
    "tabel_3_akip": TableLabel(
        "Tabel 3-6", "Rekapitulasi Hasil Evaluasi AKIP Perangkat Daerah {periode}", "Evaluasi AKIP"),
    "tabel_3_bumd": TableLabel("Tabel 3-7", "Penilaian Tingkat Kesehatan BUMD {periode}", "Kesehatan BUMD"),
    "tabel_3_30": TableLabel("Tabel 3-30", "Pagu Anggaran {nama} Per Program {periode}", "Pagu Per Program"),
    "tabel_3_31": TableLabel(
        "Tabel 3-31", "Pagu Dan Realisasi Anggaran {nama} Setelah P-APBD Per Program {periode}",
        "Pagu dan Realisasi"),
    "tabel_3_32": TableLabel(
        "Tabel 3-32", "Pagu Anggaran {nama} Per Program dan Kegiatan {periode}", "Pagu (Lampiran II)"),
    "tabel_4_1": TableLabel("Tabel 4-1", "Capaian dari IKU {nama} {periode}", "Capaian IKU"),
    "lampiran_3": TableLabel("Lampiran III", "Realisasi Fisik dan Keuangan {nama} {periode}",
                             "Realisasi Fisik dan Keuangan"),
    "rekonsiliasi": TableLabel(
        None, "Rekonsiliasi Realisasi Anggaran (LRA SIMDA atau Realisasi Per Dokumen SIPD, Register SP2D dan Form "
        "Realisasi) {nama} {periode}",
        "Rekonsiliasi Realisasi"),
}

# A table split from a view (`tabel_3_1_sasaran`) or a list column (`tabel_3_efisiensi_kegiatan`).
SUFFIXES = {
    "sasaran": "Rata-rata Capaian per Sasaran",
    "rata_rata": "Rata-rata Capaian",
    "ringkasan": "Ringkasan",
    "kegiatan": "Rincian Kegiatan",
    "unit": "Per Unit",
    "opd": "Per Perangkat Daerah",
    "bumd": "Per BUMD",
    "iku": "Per IKU",
}
SUFFIX_SHORT = {"sasaran": "Sasaran", "rata_rata": "Rata-rata", "kegiatan": "Kegiatan", "ringkasan": "Ringkasan"}

COLUMNS = {
    "no": "No", "kode": "Kode", "uraian": "Uraian", "program": "Program", "kegiatan": "Kegiatan",
    "nama_kegiatan": "Kegiatan", "kode_kegiatan": "Kode Kegiatan",
    "indikator": "Indikator", "indikator_program": "Indikator Program", "iku": "Indikator Kinerja Utama",
    "iku_no": "No IKU", "sasaran": "Sasaran", "tujuan": "Tujuan", "satuan": "Satuan", "target": "Target",
    "realisasi": "Realisasi", "pagu": "Pagu (Rp)", "pagu_murni": "Pagu Murni (Rp)",
    "pagu_perubahan": "Pagu Perubahan (Rp)", "persen": "%", "capaian_pct": "Capaian (%)",
    "serapan_pct": "Serapan (%)", "efisiensi_pct": "Tingkat Efisiensi (%)",
    "kategori_efisiensi": "Kategori Efisiensi", "predikat": "Predikat", "predikat_label": "Keterangan",
    "polaritas": "Polaritas", "level": "Tingkat", "baris": "Baris", "target_tahun_ini": "Target {tahun}",
    "realisasi_tahun_ini": "Realisasi {tahun}", "tahun_akhir_renstra": "Tahun Akhir Renstra",
    "target_akhir_renstra": "Target Akhir Renstra", "unit": "Unit Kerja", "ikm": "Nilai IKM",
    "mutu": "Mutu Pelayanan", "kinerja": "Kinerja Unit Pelayanan", "perangkat_daerah": "Perangkat Daerah",
    "nilai": "Nilai", "kategori": "Kategori", "nama": "Nama", "opini": "Opini", "skor": "Skor",
    "kelompok": "Kelompok", "sehat": "Sehat", "jumlah_iku": "Jumlah IKU",
    "rata_rata_capaian_pct": "Rata-rata Capaian (%)", "rata_rata": "Rata-rata", "jumlah_opd": "Jumlah OPD",
    "b_ke_atas": "Kategori B ke Atas",
    "jumlah_b_ke_atas": "Jumlah Kategori B ke Atas", "persen_b_ke_atas": "% Kategori B ke Atas",
    "jumlah_bumd": "Jumlah BUMD", "jumlah_sehat": "Jumlah BUMD Sehat", "persen_sehat": "% BUMD Sehat",
    "k_realisasi": "K", "rp_realisasi": "Rp", "capaian_k_pct": "K", "capaian_rp_pct": "Rp",
    "rp_pct_tertimbang": "Rp Tertimbang (%)", "dihitung_dari": "Dihitung dari", "sumber_data": "Sumber Data",
    "penanggung_jawab": "Penanggung Jawab", "cara_hitung": "Cara Hitung", "triwulan": "Triwulan",
    "selisih": "Selisih (Rp)", "keterangan": "Keterangan", "skpd_asal": "SKPD Asal",
    "tahun_lalu": "Tahun", "realisasi_lalu": "Realisasi Tahun Lalu", "tahun_target": "Tahun",
    "lra": "LRA", "sp2d": "SP2D", "form": "Form Realisasi",
    "selisih_lra_sp2d": "Selisih LRA – SP2D", "selisih_lra_form": "Selisih LRA – Form",
    "selisih_sp2d_form": "Selisih SP2D – Form", "dokumen": "Realisasi Per Dokumen (SIPD)",
    "selisih_dokumen_sp2d": "Selisih Dokumen – SP2D", "selisih_dokumen_form": "Selisih Dokumen – Form",
}

# Words written in capitals wherever a header is made from a column name.
ACRONYMS = {"lra": "LRA", "sp2d": "SP2D", "skpd": "SKPD", "opd": "OPD", "bumd": "BUMD", "iku": "IKU",
            "ikm": "IKM", "akip": "AKIP", "skm": "SKM", "rp": "Rp", "tw": "TW", "apbd": "APBD",
            "dpa": "DPA", "simda": "SIMDA", "nrr": "NRR"}

# Values of a view's `level` / `baris` column as a reader says them.
ROW_KINDS = {
    "tujuan": "Tujuan", "sasaran": "Sasaran", "iku": "IKU", "program": "Program",
    "indikator_program": "Indikator Program", "kegiatan": "Kegiatan", "sub_kegiatan": "Sub Kegiatan",
    "indikator": "Indikator", "rekening": "Rekening", "skpd": "Perangkat Daerah", "unit": "Unit Kerja",
    "opd": "Perangkat Daerah", "bumd": "BUMD", "rekap": "Rekapitulasi", "ringkasan": "Ringkasan",
    "rata_rata": "Rata-rata", "rata-rata": "Rata-rata", "jumlah": "JUMLAH", "total": "JUMLAH",
}
# Rows that sum up the others; a row of one of these kinds is labelled in its first empty text column.
SUMMARY_KINDS = {"rata_rata": "Rata-rata", "rata-rata": "Rata-rata", "rekap": "Rekapitulasi",
                 "jumlah": "JUMLAH", "total": "JUMLAH"}

TOTAL_WORD = "JUMLAH"  # one word for totals everywhere (the report's)
_TOTAL_RE = re.compile(r"^\s*TOTAL\b", re.IGNORECASE)

SEVERITY = {"warning": "Peringatan", "error": "Kesalahan", "info": "Informasi"}
MODEL_SOURCE = "Perhitungan laporan"  # warnings the model raises itself (not from an input file)


# ---- tables ---------------------------------------------------------------------------------------

def _base(table_id: str) -> tuple[str | None, str]:
    """(known base id, suffix) of a table id: ('tabel_3_1', 'sasaran') for tabel_3_1_sasaran."""
    if table_id in TABLES:
        return table_id, ""
    for b in sorted(TABLES, key=len, reverse=True):
        if table_id.startswith(b + "_"):
            return b, table_id[len(b) + 1:]
    return None, ""


def _humanise(text: str) -> str:
    words = [w for w in re.split(r"[_\s]+", text.strip()) if w]
    out = [ACRONYMS.get(w.lower(), w) for w in words]
    if out and out[0] == words[0]:
        out[0] = out[0][:1].upper() + out[0][1:]
    return " ".join(out)


def base_of(table_id: str) -> str | None:
    """The report table a table id belongs to: 'tabel_3_1' for tabel_3_1_sasaran; None if unknown."""
    return _base(table_id)[0]


def table_number(table_id: str) -> str | None:
    base, _ = _base(table_id)
    return TABLES[base].number if base else None


def table_title(table_id: str, nama: str, periode: str, base_id: str | None = None) -> str:
    """'Tabel 3-30 Pagu Anggaran Sekretariat Daerah Per Program Tahun 2020' (number included)."""
    base, suffix = _base(table_id)
    if base is None and base_id:
        base, _ = _base(base_id)
        suffix = table_id[len(base_id) + 1:] if table_id.startswith(base_id + "_") else ""
    if base is None:
        text = _humanise(table_id) + " {nama} {periode}"
        lab = None
    else:
        lab = TABLES[base]
        text = lab.title
    text = text.format(nama=nama, periode=periode)
    if lab is not None and lab.number:
        text = f"{lab.number} {text}"
    if suffix:
        text += " — " + SUFFIXES.get(suffix, _humanise(suffix))
    return collapse_repeats(re.sub(r"\s+", " ", text).strip())


def table_short(table_id: str) -> str:
    """Contents / navigation text: 'Tabel 3-2 Efisiensi Anggaran'."""
    base, suffix = _base(table_id)
    if base is None:
        return _humanise(table_id)
    lab = TABLES[base]
    text = f"{lab.number} {lab.short}" if lab.number else lab.short
    if suffix:
        text += " — " + SUFFIXES.get(suffix, _humanise(suffix))
    return text


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(table_id: str, used: set[str]) -> str:
    """Workbook sheet of a table: its number ('Tabel 3-30', 'Lampiran III'), unique, at most 31 chars.

    A split table adds a short suffix ('Tabel 3-1 Sasaran'); a table without a number takes its short
    title ('Rekonsiliasi Realisasi'). `used` (lower case) is updated.
    """
    base, suffix = _base(table_id)
    if base is None:
        name = _humanise(table_id)
    else:
        lab = TABLES[base]
        name = lab.number or lab.short
        if suffix:
            name += " " + SUFFIX_SHORT.get(suffix, _humanise(suffix))
    name = _SHEET_BAD.sub(" ", name).strip(" '")[:31].strip() or "Tabel"
    candidate, n = name, 2
    while candidate.lower() in used:
        tail = f" ({n})"
        candidate = name[: 31 - len(tail)].rstrip() + tail
        n += 1
    used.add(candidate.lower())
    return candidate


# ---- columns and values ------------------------------------------------------------------------------

def column_label(col: str, tahun: int) -> str:
    if col in COLUMNS:
        return COLUMNS[col].format(tahun=tahun)
    text = col.strip()
    if text.endswith("_pct"):
        return _humanise(text[:-4]) + " (%)"
    return _humanise(text)


def row_kind(value: Any) -> str:
    """A `level` / `baris` value as a reader says it ('rata_rata' -> 'Rata-rata')."""
    if value is None:
        return ""
    key = str(value).strip().lower()
    return ROW_KINDS.get(key, _humanise(str(value)))


def total_word(text: Any) -> Any:
    """'TOTAL' / 'TOTAL SKPD' -> 'JUMLAH' / 'JUMLAH SKPD'; anything else unchanged."""
    if isinstance(text, str) and _TOTAL_RE.match(text):
        return _TOTAL_RE.sub(TOTAL_WORD, text, count=1)
    return text


def collapse_repeats(text: str) -> str:
    """Drop a word (or words) said twice in a row: 'Instansi Pemerintah Pemerintah Kota' -> '... Pemerintah Kota'."""
    prev = None
    while prev != text:
        prev = text
        text = re.sub(r"\b(\w+(?:\s+\w+)?)(\s+\1\b)+", r"\1", text, flags=re.IGNORECASE)
    return text


def judul_laporan(nama: str, periode: str) -> str:
    """'Laporan Kinerja Instansi Pemerintah Kota Bekasi Tahun 2020' (no 'Pemerintah Pemerintah')."""
    return collapse_repeats(re.sub(r"\s+", " ", f"Laporan Kinerja Instansi Pemerintah {nama} {periode}").strip())


# ---- warnings --------------------------------------------------------------------------------------

def issue_for_reader(issue: dict[str, Any], sheets: dict[str, str] | None = None) -> dict[str, Any]:
    """A warning as the Validasi sheet shows it: no `laporan.<view>`, tables by their number/sheet."""
    out = dict(issue)
    out["severity"] = SEVERITY.get(str(issue.get("severity") or "warning"), issue.get("severity"))
    src = issue.get("source_file")
    if isinstance(src, str) and src.startswith("laporan."):  # raised by the model, about a report table
        out["source_file"] = MODEL_SOURCE
        sheet = issue.get("sheet")
        if isinstance(sheet, str) and sheet:
            out["sheet"] = (sheets or {}).get(sheet) or table_short(sheet)
        kode = issue.get("kolom")
        if out.get("excel_row") is None and isinstance(kode, str) and _CODE_RE.fullmatch(kode):
            out["excel_row"], out["kolom"] = f"Kode {kode}", None  # the table row is known by its code
    return out


_CODE_RE = re.compile(r"\d+(?:\.\d+)+")
