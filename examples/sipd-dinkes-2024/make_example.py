"""Generate the SIPD-era example (synthetic Dinas Kesehatan of the fictitious Kota Sukamaju, 2024).

    python examples/sipd-dinkes-2024/make_example.py [OUT_DIR]     (default: input/ beside this file)

Deterministic: the structure, pagu, indicators and realisations are written out below; the split
of money over documents uses random.Random(SEED), so the same files come out on every run.
Nothing here is read by the oracle (expected.py reads the workbooks only).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layouts as L  # noqa: E402

SEED = 20240
TAHUN = 2024
PEMDA = "PEMERINTAH KOTA SUKAMAJU"
SKPD = ("1.02.0.00.0.00.01.0000", "DINAS KESEHATAN")
PREFIX = "72.71"  # fictitious Pemda prefix of SIPD document numbers
BENDAHARA = ("198005122006042011", "Siti Rahmawati, S.E.")
FILES = {
    "dpa": "dppa_dinkes_2024.xlsx",
    "dokumen": "Laporan Realisasi Per Dokumen.xlsx",
    "register": "register_sp2d_dinkes_2024.xlsx",
    "form": "form_realisasi_kinerja_2024.xlsx",
    "pk": "pk_iku_dinkes_2024.xlsx",
}

# ---------------------------------------------------------------------------------------------
# Plan: program -> kegiatan -> sub kegiatan. Indicator: (text, target, satuan, cara hitung, K TW I-IV).
# Sub kegiatan: code (four-digit tail), name, indicators, pagu murni, pagu perubahan, spending
# components (see _spend), bidang. Targets are numbers except one typed as text ("9.850").
# ---------------------------------------------------------------------------------------------

def I(text, target, satuan, k, cara=None):  # noqa: E743 - a short constructor for the table below
    return {"indikator": text, "target": target, "satuan": satuan, "cara_hitung": cara, "k": k}


PLAN = [
    {"kode": "1.02.01", "nama": "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA",
     "ind": [I("Nilai SAKIP Dinas Kesehatan", 70, "Nilai", [None, None, None, 71.2], "terakhir")],
     "kegiatan": [
         {"kode": "1.02.01.2.01", "nama": "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah",
          "ind": [I("Persentase dokumen perencanaan dan evaluasi yang tersusun tepat waktu", 100, "%", [25, 50, 75, 100], "terakhir")],
          "sub": [
              {"kode": "1.02.01.2.01.0001", "nama": "Penyusunan Dokumen Perencanaan Perangkat Daerah",
               "ind": [I("Jumlah Dokumen Perencanaan Perangkat Daerah", 3, "Dokumen", [1, 1, 0, 1])],
               "murni": 90_000_000, "pagu": 85_000_000, "bidang": "Sub Bagian Perencanaan",
               "spend": [("tbp", [21_300_000, 30_150_000, 9_800_000, 19_420_000], ["5.1.02.01.01.0052", "5.1.02.01.01.0026"], 0)]},
              {"kode": "1.02.01.2.01.0006", "nama": "Koordinasi dan Penyusunan Laporan Capaian Kinerja dan Ikhtisar Realisasi Kinerja SKPD",
               "ind": [I("Jumlah Laporan Capaian Kinerja dan Ikhtisar Realisasi Kinerja SKPD", 4, "Laporan", [1, 1, 1, 1])],
               "murni": 45_500_000, "pagu": 45_500_000, "bidang": "Sub Bagian Perencanaan",
               "spend": [("tbp", [12_450_000, 9_600_000, 10_200_000, 11_980_000], ["5.1.02.01.01.0052", "5.1.02.01.01.0024"], 0)]},
          ]},
         {"kode": "1.02.01.2.02", "nama": "Administrasi Keuangan Perangkat Daerah",
          "ind": [I("Persentase laporan keuangan yang disusun tepat waktu", 100, "%", [100, 100, 100, 100], "rata-rata")],
          "sub": [
              {"kode": "1.02.01.2.02.0001", "nama": "Penyediaan Gaji dan Tunjangan ASN",
               "ind": [I("Jumlah Orang yang Menerima Gaji dan Tunjangan ASN", 412, "Orang/bulan", [410, 412, 409, 411], "rata-rata")],
               "murni": 28_450_000_000, "pagu": 28_450_000_000, "bidang": "Sub Bagian Keuangan",
               "spend": [("gaji", 27_368_417_236)]},
              {"kode": "1.02.01.2.02.0005", "nama": "Koordinasi dan Penyusunan Laporan Keuangan Akhir Tahun SKPD",
               "ind": [I("Jumlah Laporan Keuangan Akhir Tahun SKPD", 1, "Laporan", [0, 0, 0, 1], "terakhir")],
               "murni": 38_000_000, "pagu": 38_000_000, "bidang": "Sub Bagian Keuangan",
               "spend": [("tbp", [14_250_000, 3_100_000, 0, 17_725_000], ["5.1.02.01.01.0052"], 0)]},
          ]},
         {"kode": "1.02.01.2.06", "nama": "Administrasi Umum Perangkat Daerah", "blank_amounts": True,
          "ind": [I("Persentase terpenuhinya kebutuhan administrasi umum perkantoran", 100, "%", [100, 100, 100, 100], "rata-rata")],
          "sub": [
              {"kode": "1.02.01.2.06.0001", "nama": "Penyediaan Komponen Instalasi Listrik/Penerangan Bangunan Kantor",
               "ind": [I("Jumlah Paket Komponen Instalasi Listrik/Penerangan Bangunan Kantor yang Disediakan", 12, "Paket", [3, 3, 3, 3])],
               "murni": 24_000_000, "pagu": 24_000_000, "bidang": "Sub Bagian Umum dan Kepegawaian",
               "spend": [("tbp", [5_870_000, 6_015_000, 5_480_000, 6_310_000], ["5.1.02.01.01.0029"], 2)]},
              {"kode": "1.02.01.2.06.0004", "nama": "Penyediaan Bahan Logistik Kantor",
               "ind": [I("Jumlah Paket Bahan Logistik Kantor yang Disediakan", 12, "Paket", [3, 3, 3, 3])],
               "murni": 150_000_000, "pagu": 150_000_000, "bidang": "Sub Bagian Umum dan Kepegawaian",
               "spend": [("tbp", [36_420_000, 35_880_000, 37_150_000, 33_905_000], ["5.1.02.01.01.0024", "5.1.02.01.01.0025"], 3),
                         ("sts_nihil", dt.date(2024, 12, 30), 7_450_000, "5.1.02.01.01.0024")]},
              {"kode": "1.02.01.2.06.0005", "nama": "Penyediaan Barang Cetakan dan Penggandaan",
               "ind": [I("Jumlah Paket Barang Cetakan dan Penggandaan yang Disediakan", 12, "Paket", [0, 0, 0, 0])],
               "murni": 60_000_000, "pagu": 0, "bidang": "Sub Bagian Umum dan Kepegawaian", "spend": []},
          ]},
         {"kode": "1.02.01.2.08", "nama": "Penyediaan Jasa Penunjang Urusan Pemerintahan Daerah",
          "ind": [I("Persentase terpenuhinya jasa penunjang perkantoran", 100, "%", [100, 100, 100, 100], "rata-rata")],
          "sub": [
              {"kode": "1.02.01.2.08.0002", "nama": "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik",
               "ind": [I("Jumlah Laporan Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik yang Disediakan", 12, "Laporan", [3, 3, 3, 3])],
               "murni": 360_000_000, "pagu": 360_000_000, "bidang": "Sub Bagian Umum dan Kepegawaian",
               "spend": [("bulanan", 341_226_450, "5.1.02.02.01.0061", 20, "PT PLN (Persero) UP3 Sukamaju", "Tagihan Listrik")]},
              {"kode": "1.02.01.2.08.0004", "nama": "Penyediaan Jasa Pelayanan Umum Kantor",
               "ind": [I("Jumlah Laporan Penyediaan Jasa Pelayanan Umum Kantor yang Disediakan", 12, "Laporan", [3, 3, 3, 3]),
                       I("Jumlah Tenaga Kebersihan dan Keamanan yang Dibayar", 36, "Orang", [36, 35, 36, 36], "rata-rata")],
               "murni": 1_296_000_000, "pagu": 1_296_000_000, "bidang": "Sub Bagian Umum dan Kepegawaian",
               "spend": [("bulanan", 1_287_450_000, "5.1.02.02.01.0026", 12, "CV Bersih Prima Sukamaju", "Jasa Tenaga Kebersihan dan Keamanan")]},
          ]},
     ]},
    {"kode": "1.02.02", "nama": "PROGRAM PEMENUHAN UPAYA KESEHATAN PERORANGAN DAN UPAYA KESEHATAN MASYARAKAT",
     "ind": [I("Persentase Fasilitas Pelayanan Kesehatan yang Terakreditasi", 85, "%", [None, None, None, 80], "terakhir"),
             I("Cakupan Pelayanan Kesehatan Dasar Masyarakat", 100, "%", [92, 95, 97, 98], "terakhir")],
     "kegiatan": [
         {"kode": "1.02.02.2.01", "nama": "Penyediaan Fasilitas Pelayanan Kesehatan untuk UKM dan UKP Kewenangan Daerah Kabupaten/Kota",
          "ind": [I("Persentase Puskesmas dengan sarana, prasarana dan alat kesehatan sesuai standar", 80, "%", [None, None, 70, 76], "terakhir")],
          "sub": [
              {"kode": "1.02.02.2.01.0014", "nama": "Pengadaan Alat Kesehatan/Alat Penunjang Medik Fasilitas Pelayanan Kesehatan",
               "ind": [I("Jumlah Alat Kesehatan/Alat Penunjang Medik Fasilitas Pelayanan Kesehatan yang Disediakan", 45, "Unit", [0, 0, 20, 23])],
               "murni": 3_100_000_000, "pagu": 2_750_000_000, "bidang": "Bidang Sumber Daya Kesehatan",
               "spend": [("kontrak", [(dt.date(2024, 4, 22), 548_900_000), (dt.date(2024, 8, 27), 1_372_250_000),
                                      (dt.date(2024, 11, 19), 761_812_500)],
                          "5.2.02.05.01.0001", "PT Medika Sarana Nusantara", "Pengadaan Alat Kesehatan Puskesmas")]},
              {"kode": "1.02.02.2.01.0020", "nama": "Pemeliharaan Rutin dan Berkala Alat Kesehatan/Alat Penunjang Medik Fasilitas Pelayanan Kesehatan",
               "ind": [I("Jumlah Alat Kesehatan/Alat Penunjang Medik Fasilitas Pelayanan Kesehatan yang Terpelihara Sesuai Standar", 320, "Unit", [60, 90, 85, 80])],
               "murni": 410_000_000, "pagu": 410_000_000, "bidang": "Bidang Sumber Daya Kesehatan",
               "spend": [("kontrak", [(dt.date(2024, 6, 14), 118_400_000), (dt.date(2024, 12, 10), 176_300_000)],
                          "5.1.02.03.02.0405", "CV Kalibrasi Mandiri", "Pemeliharaan dan Kalibrasi Alat Kesehatan"),
                         ("tbp", [8_150_000, 12_400_000, 9_975_000, 14_200_000], ["5.1.02.01.01.0052"], 0)]},
          ]},
         {"kode": "1.02.02.2.02", "nama": "Penyediaan Layanan Kesehatan untuk UKM dan UKP Rujukan Tingkat Daerah Kabupaten/Kota",
          "ind": [I("Persentase pelayanan kesehatan sesuai Standar Pelayanan Minimal", 100, "%", [90, 93, 95, 97], "terakhir")],
          "sub": [
              {"kode": "1.02.02.2.02.0001", "nama": "Pengelolaan Pelayanan Kesehatan Ibu Hamil",
               "ind": [I("Jumlah Ibu Hamil yang Mendapatkan Pelayanan Kesehatan Sesuai Standar", "9.850", "Orang", [2410, 2475, 2390, 2460])],
               "murni": 640_000_000, "pagu": 640_000_000, "bidang": "Bidang Kesehatan Masyarakat",
               "spend": [("tbp", [98_750_000, 142_300_000, 121_480_000, 167_950_000], ["5.1.02.04.01.0001", "5.1.02.01.01.0052"], 0),
                         ("tu", dt.date(2024, 8, 5), 80_000_000, ["5.1.02.04.01.0001", "5.1.02.01.01.0052"])]},
              {"kode": "1.02.02.2.02.0003", "nama": "Pengelolaan Pelayanan Kesehatan Bayi Baru Lahir",
               "ind": [I("Jumlah Bayi Baru Lahir yang Mendapatkan Pelayanan Kesehatan Sesuai Standar", 9400, "Orang", [2290, 2350, 2310, 2385])],
               "murni": 415_000_000, "pagu": 415_000_000, "bidang": "Bidang Kesehatan Masyarakat",
               "spend": [("tbp", [72_400_000, 101_650_000, 88_925_000, 119_300_000], ["5.1.02.04.01.0001", "5.1.02.01.01.0052"], 0),
                         ("sts", dt.date(2024, 5, 14), 1_250_000, "GU", "5.1.02.04.01.0001", "Pengembalian kelebihan perjalanan dinas", False, True)]},
              {"kode": "1.02.02.2.02.0011", "nama": "Pengelolaan Pelayanan Kesehatan Orang Terduga Tuberkulosis",
               "ind": [I("Jumlah Orang Terduga Menderita Tuberkulosis yang Mendapatkan Pelayanan Sesuai Standar", 7200, "Orang", [1650, 1820, 1905, 1790]),
                       I("Persentase Kasus Tuberkulosis yang Diobati sampai Tuntas", 0, "%", [None, None, None, 88], "terakhir")],
               "murni": 520_000_000, "pagu": 520_000_000, "bidang": "Bidang Pencegahan dan Pengendalian Penyakit",
               "spend": [("tbp", [84_300_000, 126_775_000, 131_050_000, 139_620_000], ["5.1.02.01.01.0052", "5.1.02.04.01.0001"], 3),
                         ("sts", dt.date(2024, 10, 9), 3_400_000, "GU", "5.1.02.04.01.0001", "Setoran sisa belanja perjalanan dinas", True, False)]},
              {"kode": "1.02.02.2.02.0033", "nama": "Pengelolaan Jaminan Kesehatan Masyarakat",
               "ind": [I("Jumlah Dokumen Hasil Pengelolaan Jaminan Kesehatan Masyarakat", 12, "Dokumen", [3, 3, 3, 3]),
                       I("Persentase Penduduk yang Terdaftar sebagai Peserta JKN", 98, "%", [95.2, 96.1, 96.8, 97.4], "terakhir")],
               "murni": 18_600_000_000, "pagu": 18_600_000_000, "bidang": "Bidang Pelayanan Kesehatan",
               "spend": [("bulanan", 18_342_680_000, "5.1.05.05.01.0001", 15, "BPJS Kesehatan Cabang Sukamaju", "Iuran JKN PBI Daerah",
                          {6: {"sp2d": dt.date(2024, 6, 28), "transfer": dt.date(2024, 7, 1), "form_by_sp2d": True}}),
                         ("tbp", [6_250_000, 7_840_000, 5_100_000, 9_375_000], ["5.1.02.01.01.0052"], 0),
                         ("sts", dt.date(2024, 6, 20), 2_150_000, "LS", "5.1.05.05.01.0001", "Pengembalian kelebihan iuran JKN PBI", False, True)]},
          ]},
         {"kode": "1.02.02.2.03", "nama": "Penyelenggaraan Sistem Informasi Kesehatan secara Terintegrasi",
          "ind": [I("Persentase Fasyankes yang Melaporkan Data melalui Sistem Informasi Kesehatan", 100, "%", [88, 92, 95, 100], "terakhir")],
          "sub": [
              {"kode": "1.02.02.2.03.0001", "nama": "Pengelolaan Data dan Informasi Kesehatan",
               "ind": [I("Jumlah Dokumen Hasil Pengelolaan Data dan Informasi Kesehatan", 4, "Dokumen", [1, 1, 1, 1])],
               "murni": 120_000_000, "pagu": 120_000_000, "bidang": "Bidang Sumber Daya Kesehatan",
               "spend": [("tbp", [22_900_000, 31_450_000, 27_300_000, 33_800_000], ["5.1.02.01.01.0052", "5.1.02.01.01.0024"], 2)]},
              {"kode": "1.02.02.2.03.0002", "nama": "Pengelolaan Sistem Informasi Kesehatan",
               "ind": [I("Jumlah Dokumen Hasil Pengelolaan Sistem Informasi Kesehatan", 1, "Dokumen", [0, 0, 0, 1], "terakhir")],
               "murni": 95_000_000, "pagu": 95_000_000, "bidang": "Bidang Sumber Daya Kesehatan",
               "spend": [("bulanan", 88_800_000, "5.1.02.02.01.0063", 18, "PT Jaringan Data Sukamaju", "Langganan Internet dan Hosting",
                          {3: {"sp2d": dt.date(2024, 3, 18), "transfer": None}})]},
          ]},
     ]},
    {"kode": "1.02.03", "nama": "PROGRAM PENINGKATAN KAPASITAS SUMBER DAYA MANUSIA KESEHATAN",
     "ind": [I("Persentase Tenaga Kesehatan yang Memenuhi Standar Kompetensi", 75, "%", [None, None, None, 71], "terakhir")],
     "kegiatan": [
         {"kode": "1.02.03.2.02", "nama": "Perencanaan Kebutuhan dan Pendayagunaan Sumber Daya Manusia Kesehatan untuk UKP dan UKM di Wilayah Kabupaten/Kota",
          "ind": [I("Persentase Fasyankes dengan SDM Kesehatan sesuai Standar", 70, "%", [None, 62, None, 68], "terakhir")],
          "sub": [
              {"kode": "1.02.03.2.02.0001", "nama": "Pemenuhan Kebutuhan Sumber Daya Manusia Kesehatan Sesuai Standar",
               "ind": [I("Jumlah Sumber Daya Manusia Kesehatan yang Memenuhi Standar di Fasilitas Pelayanan Kesehatan (Fasyankes)", 85, "Orang", [85, 84, 85, 85], "rata-rata")],
               "murni": 3_060_000_000, "pagu": 3_060_000_000, "bidang": "Bidang Sumber Daya Kesehatan",
               "spend": [("bulanan", 2_998_350_000, "5.1.02.02.01.0030", 5, "Tenaga Kesehatan Kontrak (85 orang)", "Honorarium Tenaga Kesehatan Kontrak")]},
          ]},
         {"kode": "1.02.03.2.03", "nama": "Pengembangan Mutu dan Peningkatan Kompetensi Teknis Sumber Daya Manusia Kesehatan Tingkat Daerah Kabupaten/Kota",
          "ind": [I("Persentase SDM Kesehatan yang Ditingkatkan Kompetensinya", 40, "%", [None, 10, None, 22], "terakhir")],
          "sub": [
              {"kode": "1.02.03.2.03.0001", "nama": "Pengembangan Mutu dan Peningkatan Kompetensi Teknis Sumber Daya Manusia Kesehatan Tingkat Daerah Kabupaten/Kota",
               "ind": [I("Jumlah Sumber Daya Manusia Kesehatan Tingkat Daerah Kabupaten/Kota yang Ditingkatkan Mutu dan Kompetensinya", 240, "Orang", [0, 40, 35, 30])],
               "murni": 310_000_000, "pagu": 310_000_000, "bidang": "Bidang Sumber Daya Kesehatan",
               "spend": [("tbp", [0, 52_600_000, 44_150_000, 41_775_000], ["5.1.02.02.12.0001", "5.1.02.01.01.0052"], 0)]},
          ]},
     ]},
]

REKENING = {
    "5.1.01.01.01.0001": "Belanja Gaji Pokok PNS", "5.1.01.01.02.0001": "Belanja Tunjangan Keluarga PNS",
    "5.1.02.01.01.0024": "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor",
    "5.1.02.01.01.0025": "Belanja Alat/Bahan untuk Kegiatan Kantor-Kertas dan Cover",
    "5.1.02.01.01.0026": "Belanja Alat/Bahan untuk Kegiatan Kantor-Bahan Cetak",
    "5.1.02.01.01.0029": "Belanja Alat/Bahan untuk Kegiatan Kantor-Bahan Komputer",
    "5.1.02.01.01.0052": "Belanja Makanan dan Minuman Rapat",
    "5.1.02.02.01.0026": "Belanja Jasa Tenaga Administrasi", "5.1.02.02.01.0030": "Belanja Jasa Tenaga Kesehatan",
    "5.1.02.02.01.0061": "Belanja Tagihan Listrik", "5.1.02.02.01.0063": "Belanja Kawat/Faksimili/Internet/TV Berlangganan",
    "5.1.02.02.12.0001": "Belanja Kursus Singkat/Pelatihan", "5.1.02.03.02.0405": "Belanja Pemeliharaan Alat Kedokteran Umum",
    "5.1.02.04.01.0001": "Belanja Perjalanan Dinas Biasa", "5.1.05.05.01.0001": "Belanja Iuran Jaminan Kesehatan bagi PBI",
    "5.2.02.05.01.0001": "Belanja Modal Alat Kedokteran Umum",
}

# ---------------------------------------------------------------------------------------------
# Plan rows (6a)
# ---------------------------------------------------------------------------------------------

KAS_WEIGHTS = {"gaji": (25, 25, 25, 25), "bulanan": (25, 25, 25, 25), "kontrak": (5, 25, 40, 30), "tbp": (20, 30, 25, 25)}


def _kas(sub) -> list[int]:
    mode = sub["spend"][0][0] if sub["spend"] else "tbp"
    w = KAS_WEIGHTS.get(mode, (25, 25, 25, 25))
    q = [sub["pagu"] * x // 100 // 1000 * 1000 for x in w[:3]]
    return q + [sub["pagu"] - sum(q)]


def _ind_rows(level, inds, first: dict) -> list[dict]:
    out = []
    for n, ind in enumerate(inds):
        row = dict(first) if n == 0 else {"level": "indikator"}
        row.update({k: ind[k] for k in ("indikator", "target", "satuan", "cara_hitung")})
        if n == 0:
            row["level"] = level
        out.append(row)
    return out


def plan_rows(plan=PLAN, tail: int = 4) -> list[dict]:
    """The DPA rows in file order: each level's first indicator on its own row, further ones on
    continuation rows; pagu and kas on sub kegiatan rows, sums on parents (or blank)."""
    rows = []
    for p in plan:
        subs = [s for k in p["kegiatan"] for s in k["sub"]]
        rows += _ind_rows("program", p["ind"], {"kode": p["kode"], "uraian": p["nama"], **_sums(subs)})
        for k in p["kegiatan"]:
            amounts = {} if k.get("blank_amounts") else _sums(k["sub"])
            rows += _ind_rows("kegiatan", k["ind"], {"kode": k["kode"], "uraian": k["nama"], **amounts})
            for s in k["sub"]:
                rows += _ind_rows("sub_kegiatan", s["ind"], {
                    "kode": L.kode_tail(s["kode"], tail), "uraian": s["nama"], "pagu_murni": s["murni"],
                    "pagu_perubahan": s["pagu"], "kas": _kas(s), "penanggung_jawab": s["bidang"]})
    return rows


def _sums(subs) -> dict:
    kas = [sum(_kas(s)[i] for s in subs) for i in range(4)]
    return {"pagu_murni": sum(s["murni"] for s in subs), "pagu_perubahan": sum(s["pagu"] for s in subs), "kas": kas}


# ---------------------------------------------------------------------------------------------
# Money: documents (6b) and SP2D (6c), built together so they describe the same payments
# ---------------------------------------------------------------------------------------------

from spending import build_money  # noqa: E402  (the document/SP2D builder, next to this file)


def form_rows(plan, rp_form: dict, tail: int = 2) -> list[dict]:
    rows = []

    def add(kode, nama, inds, rp=None):
        for n, ind in enumerate(inds):
            rows.append({"kode": kode, "nama": nama if n == 0 else None, "indikator": ind["indikator"],
                         "target": ind["target"], "satuan": ind["satuan"], "k": ind["k"],
                         "rp": rp if n == 0 else None})
    for p in plan:
        add(p["kode"], p["nama"], p["ind"])
        for k in p["kegiatan"]:
            add(k["kode"], k["nama"], k["ind"])
            for s in k["sub"]:
                add(L.kode_tail(s["kode"], tail), s["nama"], s["ind"], [rp_form[s["kode"]][q] for q in range(4)])
    return rows


IKU = [
    [1, "Meningkatnya derajat kesehatan masyarakat", "Angka Kematian Ibu", "per 100.000 KH", "turun", 80, "-", "-", "-", 80, 72.5, None, "Bidang Kesehatan Masyarakat"],
    [2, "Meningkatnya derajat kesehatan masyarakat", "Angka Kematian Bayi", "per 1.000 KH", "turun", 8, "-", "-", "-", 8, 8.6, None, "Bidang Kesehatan Masyarakat"],
    [3, "Meningkatnya mutu pelayanan kesehatan", "Persentase Puskesmas Terakreditasi Paripurna", "Persen", "naik", 60, "-", "-", "-", 60, 45, None, "Bidang Pelayanan Kesehatan"],
    [4, "Meningkatnya akuntabilitas kinerja perangkat daerah", "Nilai SAKIP Dinas Kesehatan", "Nilai", "naik", 70, "-", "-", "-", 70, 71.2, None, "Sub Bagian Perencanaan"],
]
DUKUNGAN = [  # IKU -> kegiatan or sub kegiatan (an IKU never names a kegiatan and one of its own sub kegiatan)
    ("Angka Kematian Ibu", "1.02.02.2.02.0001"), ("Angka Kematian Ibu", "1.02.02.2.02.0033"),
    ("Angka Kematian Bayi", "1.02.02.2.02.0003"), ("Angka Kematian Bayi", "1.02.02.2.01.0014"),
    ("Persentase Puskesmas Terakreditasi Paripurna", "1.02.02.2.01"),
    ("Persentase Puskesmas Terakreditasi Paripurna", "1.02.03.2.03"),
    ("Nilai SAKIP Dinas Kesehatan", "1.02.01.2.01"), ("Nilai SAKIP Dinas Kesehatan", "1.02.01.2.02.0005"),
]
RENSTRA_HEADER = ["Tingkat", "Indikator Kinerja", "Satuan"] + [f"Target {y}" for y in range(2021, 2027)] + \
                 ["Realisasi 2022", "Realisasi 2023"]
RENSTRA = [
    ["Sasaran", "Angka Kematian Ibu", "per 100.000 KH", 95, 90, 85, 80, 75, 70, 88.4, 84.1],
    ["Sasaran", "Angka Kematian Bayi", "per 1.000 KH", 10, 9.5, 9, 8, 7.5, 7, 9.2, 8.9],
    ["Sasaran", "Persentase Puskesmas Terakreditasi Paripurna", "Persen", 20, 30, 45, 60, 75, 90, 28, 41],
    ["Sasaran", "Nilai SAKIP Dinas Kesehatan", "Nilai", 62, 64, 67, 70, 72, 75, 63.5, 66.9],
]
INDIKATOR_PROGRAM = [
    ["Angka Kematian Ibu", "Cakupan Pelayanan Kesehatan Dasar Masyarakat", "%", 100, 98],
    ["Persentase Puskesmas Terakreditasi Paripurna", "Persentase Fasilitas Pelayanan Kesehatan yang Terakreditasi", "%", 85, 80],
    ["Nilai SAKIP Dinas Kesehatan", "Nilai SAKIP Dinas Kesehatan", "Nilai", 70, 71.2],
]


def _nama(kode: str) -> str:
    for p in PLAN:
        for k in p["kegiatan"]:
            if k["kode"] == kode:
                return k["nama"]
            for s in k["sub"]:
                if s["kode"] == kode:
                    return s["nama"]
    raise KeyError(kode)


def main(out: Path | None = None) -> dict[str, Path]:
    out = Path(out) if out else Path(__file__).resolve().parent / "input"
    out.mkdir(parents=True, exist_ok=True)
    docs, sp2ds, rp_form = build_money(PLAN, rng=random.Random(SEED), tahun=TAHUN, skpd=SKPD, prefix=PREFIX,
                                       bendahara=BENDAHARA, rekening=REKENING, kas=_kas)
    paths = {
        "dpa": L.write_dpa(out / FILES["dpa"], plan_rows(PLAN, tail=4), pemda=PEMDA, tahun=TAHUN, skpd=SKPD,
                           urusan="1.02 - URUSAN PEMERINTAHAN BIDANG KESEHATAN",
                           signature=(f"Sukamaju, 2 Oktober {TAHUN}", "KEPALA DINAS KESEHATAN",
                                      "dr. Hendra Wijaya, M.Kes.", "NIP. 197203141999031004")),
        "dokumen": L.write_dokumen(out / FILES["dokumen"], docs, pemda=PEMDA, tahun=TAHUN),
        "register": L.write_register(out / FILES["register"], sp2ds, pemda=PEMDA, tahun=TAHUN, skpd=SKPD,
                                     layout="two_row", dates="excel"),
        "form": L.write_form(out / FILES["form"], form_rows(PLAN, rp_form, tail=2), pemda=PEMDA, tahun=TAHUN,
                             skpd=SKPD, s_d_triwulan=4),
        "pk": L.write_pk_iku(out / FILES["pk"], tahun=TAHUN, skpd=SKPD, iku=IKU,
                             dukungan=[[i, k, _nama(k)] for i, k in DUKUNGAN],
                             renstra=RENSTRA, renstra_header=RENSTRA_HEADER, indikator_program=INDIKATOR_PROGRAM),
    }
    return paths


if __name__ == "__main__":
    for kind, path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else None).items():
        print(f"{kind:9s} {path}")
