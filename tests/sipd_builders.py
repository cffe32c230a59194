"""Builders of SIPD-era workbooks (the layouts 6a-6d of docs/sipd.md) for tests.

Each function writes one layout variant to a path: the Renja/DPA at three levels with two- or
four-digit sub kegiatan tails and the SKPD in the title or in a `Kode SKPD` column (6a); "Laporan
Realisasi Per Dokumen" with configurable rows (6b); the SIPD Register SP2D flat or with the two-row
header and merged SP2D cells over deduction rows (6c); the form and the PK/IKU workbook with sub
kegiatan codes (6d). `write_drop` writes a whole small drop whose realisation is worked out by
hand in DEFAULT_REALISASI (every trap of the rule is in DEFAULT_DOCS).

The cell writers are those of the bundled example (examples/sipd-dinkes-2024/layouts.py), so the
fixtures and the example share one definition of each layout.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIPD_EXAMPLE = ROOT / "examples" / "sipd-dinkes-2024"


def load_example_module(name: str):
    """A module of the SIPD example folder (layouts, expected) by file path, without touching sys.path."""
    spec = importlib.util.spec_from_file_location(f"sipd_example_{name}", SIPD_EXAMPLE / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


layouts = load_example_module("layouts")

TAHUN = 2024
PEMDA = "PEMERINTAH KOTA UJI COBA"
SKPD = ("1.02.0.00.0.00.01.0000", "DINAS KESEHATAN")
FILES = {"dpa": "dppa_dinkes_2024.xlsx", "form": "form_realisasi_kinerja_2024.xlsx",
         "dokumen": "Laporan Realisasi Per Dokumen.xlsx", "register": "register_sp2d_dinkes_2024.xlsx",
         "pk": "pk_iku_dinkes_2024.xlsx"}

PROGRAM = ("1.02.02", "PROGRAM PEMENUHAN UPAYA KESEHATAN PERORANGAN DAN UPAYA KESEHATAN MASYARAKAT")
KEGIATAN = [("1.02.02.2.02", "Penyediaan Layanan Kesehatan untuk UKM dan UKP Rujukan Tingkat Daerah Kabupaten/Kota"),
            ("1.02.02.2.03", "Penyelenggaraan Sistem Informasi Kesehatan secara Terintegrasi")]
SUB_A = ("1.02.02.2.02.0033", "Pengelolaan Jaminan Kesehatan Masyarakat", 4_000_000)
SUB_B = ("1.02.02.2.02.0001", "Pengelolaan Pelayanan Kesehatan Ibu Hamil", 1_000_000)
SUB_C = ("1.02.02.2.03.0001", "Pengelolaan Data dan Informasi Kesehatan", 500_000)
SUBS = {"1.02.02.2.02": [SUB_B, SUB_A], "1.02.02.2.03": [SUB_C]}


def _kas(pagu: int) -> list[int]:
    q = pagu // 4
    return [q, q, q, pagu - 3 * q]


def plan_rows(*, tail: int = 4, blank_parents: bool = False) -> list[dict]:
    """DPA rows of the small plan: 1 program, 2 kegiatan, 3 sub kegiatan; one indicator per level
    plus a continuation row under SUB_A. blank_parents leaves kegiatan and program amounts blank."""
    def sums(subs):
        if blank_parents:
            return {}
        return {"pagu_murni": sum(s[2] for s in subs), "pagu_perubahan": sum(s[2] for s in subs),
                "kas": [sum(_kas(s[2])[q] for s in subs) for q in range(4)]}
    all_subs = [s for v in SUBS.values() for s in v]
    rows = [{"level": "program", "kode": PROGRAM[0], "uraian": PROGRAM[1], "indikator": "Cakupan pelayanan kesehatan",
             "target": 100, "satuan": "%", **sums(all_subs)}]
    for kk, kn in KEGIATAN:
        rows.append({"level": "kegiatan", "kode": kk, "uraian": kn, "indikator": f"Persentase capaian {kn[:30]}",
                     "target": 100, "satuan": "%", **sums(SUBS[kk])})
        for kode, nama, pagu in SUBS[kk]:
            rows.append({"level": "sub_kegiatan", "kode": layouts.kode_tail(kode, tail), "uraian": nama,
                         "indikator": f"Jumlah dokumen {nama[:30]}", "target": 4, "satuan": "Dokumen",
                         "pagu_murni": pagu, "pagu_perubahan": pagu, "kas": _kas(pagu), "penanggung_jawab": "Bidang Uji"})
            if kode == SUB_A[0]:
                rows.append({"level": "indikator", "indikator": "Persentase penduduk peserta JKN", "target": 98,
                             "satuan": "%", "cara_hitung": "terakhir"})
    return rows


def write_dpa(path, *, tail: int = 4, skpd_in: str = "title", blank_parents: bool = False,
              rows: list[dict] | None = None, **kw) -> Path:
    """6a: the Renja/DPA (DPPA) at three levels; tail 2 prints `1.02.02.2.02.33`, 4 `...0033`."""
    return layouts.write_dpa(path, rows if rows is not None else plan_rows(tail=tail, blank_parents=blank_parents),
                             pemda=PEMDA, tahun=TAHUN, skpd=SKPD, skpd_in=skpd_in, **kw)


def doc(jenis: str, transaksi: str, sub: tuple | None, *, tanggal: dt.date, nilai: int = 0, setoran: int = 0,
        sp2d: dt.date | None = None, transfer: dt.date | None = None, nomor: str | None = None,
        rekening: tuple[str, str] = ("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat"),
        pad: bool = False) -> dict:
    """One "Laporan Realisasi Per Dokumen" row (all columns of 6b) for a sub kegiatan (None: no codes,
    as SIPD prints an SPP UP). Dates become Indonesian text (`pad`: `06 Agustus 2024`)."""
    t = layouts.tanggal_id
    row = {"Kode SKPD": SKPD[0], "Nama SKPD": SKPD[1], "Kode Sub SKPD": SKPD[0], "Nama Sub SKPD": SKPD[1],
           "Kode Fungsi": "07", "Nama Fungsi": "KESEHATAN", "Kode Sub Fungsi": "07.04",
           "Nama Sub Fungsi": "PELAYANAN KESEHATAN MASYARAKAT", "Kode Urusan": "1", "Nama Urusan": "URUSAN WAJIB",
           "Kode Bidang Urusan": "1.02", "Nama Bidang Urusan": "KESEHATAN",
           "Nomor Dokumen": nomor or f"00.00/{jenis}/{tanggal.isoformat()}/{transaksi}",
           "Jenis Dokumen": jenis, "Jenis Transaksi": transaksi, "Tanggal Dokumen": t(tanggal, pad),
           "Keterangan Dokumen": f"{jenis} {transaksi}", "Nilai Realisasi": nilai, "Nilai Setoran": setoran,
           "NIP Pegawai": "198001012006041001", "Nama Pegawai": "Bendahara Uji", "Tanggal Simpan": t(tanggal, pad),
           "Tahapan APBD": "APBD Murni"}
    if sub is not None:
        kegiatan = sub[0].rsplit(".", 1)[0]
        row.update({"Kode Program": PROGRAM[0], "Nama Program": PROGRAM[1], "Kode Kegiatan": kegiatan,
                    "Nama Kegiatan": dict(KEGIATAN).get(kegiatan, ""), "Kode Sub Kegiatan": sub[0],
                    "Nama Sub Kegiatan": sub[1], "Kode Rekening": rekening[0], "Nama Rekening": rekening[1]})
    if sp2d is not None:
        row.update({"Nomor SPP": row["Nomor Dokumen"], "Tanggal SPP": t(tanggal, pad), "Nomor SPM": row["Nomor Dokumen"],
                    "Tanggal SPM": t(tanggal, pad), "Nomor SP2D": f"SP2D-{row['Nomor Dokumen']}",
                    "Tanggal SP2D": t(sp2d, True), "Tanggal Transfer": t(transfer, True), "Nilai SP2D": nilai})
    return row


def default_docs(kkpd_spelling: str = "TBP-KKPD") -> list[dict]:
    """Every case of the realisation rule once (see DEFAULT_REALISASI)."""
    d = dt.date
    return [
        doc("SPP", "UP", None, tanggal=d(2024, 1, 5), nilai=50_000_000, sp2d=d(2024, 1, 8), transfer=d(2024, 1, 8)),
        doc("SPP", "LS", SUB_A, tanggal=d(2024, 2, 12), nilai=2_000_000, sp2d=d(2024, 2, 15), transfer=None),
        doc("TBP", "GU", SUB_A, tanggal=d(2024, 3, 20), nilai=300_000),
        doc("SPP", "GU", SUB_A, tanggal=d(2024, 4, 5), nilai=300_000, sp2d=d(2024, 4, 10), transfer=d(2024, 4, 10)),
        doc(kkpd_spelling, "GU-KKPD", SUB_B, tanggal=d(2024, 4, 3), nilai=150_000),
        doc("STS", "GU", SUB_A, tanggal=d(2024, 5, 6), setoran=50_000),
        doc("SPP", "LS", SUB_A, tanggal=d(2024, 6, 24), nilai=1_000_000, sp2d=d(2024, 6, 28), transfer=d(2024, 7, 1)),
        doc("SPP", "TU", SUB_B, tanggal=d(2024, 7, 29), nilai=400_000, sp2d=d(2024, 8, 1), transfer=d(2024, 8, 1)),
        doc("TBP", "TU", SUB_B, tanggal=d(2024, 8, 12), nilai=400_000, pad=True),
        doc("STS", "GU", SUB_B, tanggal=d(2024, 10, 9), setoran=-20_000),
        doc("STS NIHIL", "GU", SUB_A, tanggal=d(2024, 12, 30), setoran=99_000),
    ]


# Realisation of default_docs() by hand, per sub kegiatan and quarter (TW I..IV):
#   SUB_A TW I  : SPP LS 2.000.000 (no Tanggal Transfer: dated by Tanggal SP2D 15 Feb) + TBP 300.000
#         TW II : STS −50.000 (the SPP GU of 10 April replenishes the TBP: not counted)
#         TW III: SPP LS 1.000.000 (SP2D 28 June, transferred 1 July)
#         TW IV : nothing (STS NIHIL never counts)
#   SUB_B TW II : TBP-KKPD 150.000; TW III: TBP (TU) 400.000 (the SPP TU is not); TW IV: STS printed −20.000
DEFAULT_REALISASI = {
    SUB_A[0]: [Decimal(2_300_000), Decimal(-50_000), Decimal(1_000_000), Decimal(0)],
    SUB_B[0]: [Decimal(0), Decimal(150_000), Decimal(400_000), Decimal(-20_000)],
    SUB_C[0]: [Decimal(0)] * 4,
}


def write_dokumen(path, docs: list[dict] | None = None, **kw) -> Path:
    """6b: "Laporan Realisasi Per Dokumen" (four-row title, header on row 5 unless title=False)."""
    return layouts.write_dokumen(path, default_docs() if docs is None else docs, pemda=PEMDA, tahun=TAHUN, **kw)


def sp2d(n: int, jenis: str, bruto: int, pembuatan: dt.date, pencairan: dt.date | None = None,
         potongan: list[tuple[str, str, int]] = (), **extra) -> dict:
    """One Register SP2D entry; potongan as (jenis, nama, jumlah); extra `potongan_total` / `neto`
    override the printed cells (for Neto != Bruto - Potongan fixtures)."""
    return {"pembuatan": pembuatan, "pencairan": pencairan or pembuatan,
            "nomor": f"00.00/04.0/{n:06d}/{jenis.replace(' ', '-')}/{SKPD[0]}/M/{pembuatan.month}/{TAHUN}",
            "skpd": f"{SKPD[0]} - {SKPD[1]}", "penerima": "Penerima Uji", "keterangan": f"{jenis} uji",
            "jenis": jenis, "bruto": bruto,
            "potongan": [{"jenis": j, "nama": nm, "jumlah": v, "billing": "0" * 15, "ntpn": "0" * 16}
                         for j, nm, v in potongan], **extra}


def default_sp2d() -> list[dict]:
    """The SP2D behind default_docs(): register realisation TW I 2.000.000, TW II 300.000 (GU),
    TW III 1.000.000 (pencairan 1 July), TW IV 0; UP and TU never count."""
    d = dt.date
    return [sp2d(1, "UP", 50_000_000, d(2024, 1, 8)),
            sp2d(2, "LS", 2_000_000, d(2024, 2, 15), potongan=[("Pajak", "PPN", 198_198), ("Pajak", "PPh Pasal 22", 27_027)]),
            sp2d(3, "GU", 300_000, d(2024, 4, 10)),
            sp2d(4, "LS", 1_000_000, d(2024, 6, 28), d(2024, 7, 1), potongan=[("Pajak", "PPh Pasal 23", 18_018)]),
            sp2d(5, "TU", 400_000, d(2024, 8, 1))]


DEFAULT_REGISTER = [Decimal(2_000_000), Decimal(300_000), Decimal(1_000_000), Decimal(0)]


def write_register(path, sp2ds: list[dict] | None = None, *, layout: str = "flat", **kw) -> Path:
    """6c: SIPD Register SP2D, layout 'flat' or 'two_row' (merged SP2D cells over deduction rows);
    dates='excel' | 'text' | 'dmy'."""
    return layouts.write_register(path, default_sp2d() if sp2ds is None else sp2ds, pemda=PEMDA, tahun=TAHUN,
                                  skpd=SKPD, layout=layout, **kw)


def form_rows(*, tail: int = 2, rp: dict | None = None) -> list[dict]:
    rp = DEFAULT_REALISASI if rp is None else rp
    rows = [{"kode": PROGRAM[0], "nama": PROGRAM[1], "indikator": "Cakupan pelayanan kesehatan", "target": 100,
             "satuan": "%", "k": [90, 92, 95, 97]}]
    for kk, kn in KEGIATAN:
        rows.append({"kode": kk, "nama": kn, "indikator": f"Persentase capaian {kn[:30]}", "target": 100, "satuan": "%",
                     "k": [25, 50, 75, 100]})
        for kode, nama, _pagu in SUBS[kk]:
            rows.append({"kode": layouts.kode_tail(kode, tail), "nama": nama, "indikator": f"Jumlah dokumen {nama[:30]}",
                         "target": 4, "satuan": "Dokumen", "k": [1, 1, 1, 1], "rp": rp[kode]})
            if kode == SUB_A[0]:
                rows.append({"kode": layouts.kode_tail(kode, tail), "indikator": "Persentase penduduk peserta JKN",
                             "target": 98, "satuan": "%", "k": [95, 96, None, 97]})
    return rows


def write_form(path, *, tail: int = 2, rows: list[dict] | None = None, **kw) -> Path:
    """6d: Form Realisasi Kinerja with program, kegiatan and sub kegiatan codes (tail 2: `...2.02.33`)."""
    return layouts.write_form(path, form_rows(tail=tail) if rows is None else rows, pemda=PEMDA, tahun=TAHUN,
                              skpd=SKPD, **kw)


def write_pk_iku(path, *, dukungan: list[list] | None = None) -> Path:
    """6d: PK/IKU; Dukungan Anggaran names a sub kegiatan and a kegiatan by default."""
    iku = [[1, "Meningkatnya derajat kesehatan", "Angka Kematian Ibu", "per 100.000 KH", "turun", 80, "-", "-", "-", 80,
            72, None, "Bidang Uji"]]
    dukungan = dukungan if dukungan is not None else [["Angka Kematian Ibu", SUB_A[0], SUB_A[1]],
                                                      ["Angka Kematian Ibu", KEGIATAN[1][0], KEGIATAN[1][1]]]
    return layouts.write_pk_iku(path, tahun=TAHUN, skpd=SKPD, iku=iku, dukungan=dukungan)


def write_drop(folder, *, dpa_tail: int = 4, form_tail: int = 2, register_layout: str = "two_row",
               skpd_in: str = "title", blank_parents: bool = False, docs: list[dict] | None = None,
               register_dates: str = "excel", dokumen_title: bool = True) -> Path:
    """A whole small SIPD drop (the five kinds) in `folder`, named as the example's files."""
    folder = Path(folder)
    write_dpa(folder / FILES["dpa"], tail=dpa_tail, skpd_in=skpd_in, blank_parents=blank_parents)
    write_dokumen(folder / FILES["dokumen"], docs, title=dokumen_title)
    write_register(folder / FILES["register"], layout=register_layout, dates=register_dates)
    write_form(folder / FILES["form"], tail=form_tail)
    write_pk_iku(folder / FILES["pk"])
    return folder
