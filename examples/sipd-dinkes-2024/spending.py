"""The money of the SIPD example: every payment once, written both as "Laporan Realisasi Per Dokumen"
rows (6b) and as Register SP2D entries (6c), plus what each Bidang types as Realisasi Rp in the form.

Spending components of a sub kegiatan (make_example.PLAN):
  ("gaji", total)                                   14 LS payroll SP2D (12 months, THR, gaji 13), two rekening each
  ("bulanan", total, rekening, day, penerima, uraian[, {month: override}])   12 monthly LS SP2D
  ("kontrak", [(sp2d date, amount)...], rekening, penerima, uraian)        LS contract payments
  ("tbp", [TW I..IV amounts], [rekening...], n)     3 TBP per quarter out of UP/GU cash; in the first n
                                                    quarters the second one is paid by card (TBP-KKPD)
  ("tu", sp2d date, amount, [rekening...])          a TU SP2D and the TBP (transaksi TU) that spend it
  ("sts", date, amount, transaksi, rekening, keterangan, printed_negative, bidang_knows)
  ("sts_nihil", date, amount, rekening)             unused cash returned at year end (never realisation)
GU SP2D replenish each quarter's TBP (transaksi GU) early in the next quarter (TW IV: those up to 13
December, on 17 December); GU KKPD SP2D replenish the card TBP per half year; one UP SP2D in January.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal as D

import layouts as L

MONTH_DAYS = {2: 28}


def _workday(d: dt.date, step: int = 1) -> dt.date:
    """The date itself, or the next (step 1) / previous (step -1) weekday when it falls on a weekend."""
    while d.weekday() >= 5:
        d += dt.timedelta(days=step)
    return d


def _q(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def _split(total: int, n: int, rng, unit: int = 100) -> list[int]:
    """total into n positive parts, multiples of `unit` except possibly the last."""
    if n == 1:
        return [total]
    w = [rng.uniform(0.6, 1.4) for _ in range(n)]
    parts = [int(total * x / sum(w)) // unit * unit for x in w[:-1]]
    return parts + [total - sum(parts)]


def _tax_ppn_pph(bruto: int, pph_name: str, pph_rate: D) -> list[dict]:
    dpp = D(bruto) * 100 / 111
    return [{"jenis": "Pajak", "nama": "PPN", "jumlah": int((dpp * D("0.11")).quantize(D(1)))},
            {"jenis": "Pajak", "nama": pph_name, "jumlah": int((dpp * pph_rate).quantize(D(1)))}]


def _billing(rng) -> dict:
    return {"billing": "".join(str(rng.randrange(10)) for _ in range(15)),
            "ntpn": "".join(rng.choice("0123456789ABCDEF") for _ in range(16))}


def build_money(plan, *, rng, tahun, skpd, prefix, bendahara, rekening, kas):
    subs = {s["kode"]: (p, k, s) for p in plan for k in p["kegiatan"] for s in k["sub"]}
    pays, tbps, stss = [], [], []
    form = defaultdict(lambda: [D(0)] * 4)  # what each Bidang types as Realisasi Rp TW I-IV

    def pay(jenis, sp2d, transfer, lines, penerima, ket, pot=(), form_q=None):
        sp2d, transfer = _workday(sp2d), transfer and _workday(transfer)
        pays.append({"jenis": jenis, "sp2d": sp2d, "transfer": transfer, "lines": lines, "penerima": penerima,
                     "keterangan": ket, "potongan": [dict(x, **_billing(rng)) for x in pot]})
        if jenis == "LS":
            q = form_q or _q(transfer or sp2d)
            for kode, _rek, amt in lines:
                form[kode][q - 1] += D(amt)

    def tbp(kode, rek, d, amt, jenis="TBP", transaksi="GU", ket=""):
        d = _workday(d)
        tbps.append({"kode": kode, "rek": rek, "date": d, "amount": amt, "jenis": jenis, "transaksi": transaksi,
                     "ket": ket})
        form[kode][_q(d) - 1] += D(amt)

    for kode, (_p, _k, s) in subs.items():
        form[kode]  # every sub kegiatan has a form row, spent or not
        for comp in s["spend"]:
            kind = comp[0]
            if kind == "gaji":
                total = comp[1]
                dates = [dt.date(tahun, m, 3 if m == 1 else 2) for m in range(1, 13)]
                dates += [dt.date(tahun, 3, 28), dt.date(tahun, 6, 10)]
                amounts = _split(total, 14, _Narrow(rng), unit=1)
                for d, amt, label in zip(dates, amounts, [f"Gaji Induk Bulan {L.BULAN[m - 1]} {tahun}" for m in range(1, 13)]
                                         + [f"Tunjangan Hari Raya {tahun}", f"Gaji Ketiga Belas {tahun}"]):
                    pokok = int(amt * D("0.72"))
                    pot = [{"jenis": "Pajak", "nama": "PPh Pasal 21", "jumlah": int(amt * D("0.015"))},
                           {"jenis": "Potongan", "nama": "Iuran Wajib Pegawai 8%", "jumlah": int(pokok * D("0.08"))},
                           {"jenis": "Potongan", "nama": "Iuran Jaminan Kesehatan 1%", "jumlah": int(amt * D("0.01"))}]
                    pay("LS", d, d, [(kode, "5.1.01.01.01.0001", pokok), (kode, "5.1.01.01.02.0001", amt - pokok)],
                        f"Bendahara Pengeluaran {skpd[1].title()}", f"Gaji - {label}", pot)
            elif kind == "bulanan":
                total, rek, day, penerima, uraian = comp[1:6]
                special = comp[6] if len(comp) > 6 else {}
                amounts = _split(total, 12, _Narrow(rng), unit=1000)
                for m, amt in zip(range(1, 13), amounts):
                    sp = special.get(m, {})
                    d = sp.get("sp2d", dt.date(tahun, m, day))
                    transfer = sp["transfer"] if "transfer" in sp else d
                    pot = [] if "Listrik" in uraian or "Iuran" in uraian else (
                        [{"jenis": "Pajak", "nama": "PPh Pasal 21", "jumlah": int(amt * D("0.05"))}] if "Honorarium" in uraian
                        else _tax_ppn_pph(amt, "PPh Pasal 23", D("0.02")))
                    pay("LS", d, transfer, [(kode, rek, amt)], penerima,
                        f"Barang dan Jasa - {uraian} Bulan {L.BULAN[m - 1]} {tahun}", pot,
                        form_q=_q(d) if sp.get("form_by_sp2d") else None)
            elif kind == "kontrak":
                termin, rek, penerima, uraian = comp[1:5]
                for n, (d, amt) in enumerate(termin, start=1):
                    pay("LS", d, d + dt.timedelta(days=1), [(kode, rek, amt)], penerima,
                        f"Barang dan Jasa - {uraian} Termin {n}", _tax_ppn_pph(amt, "PPh Pasal 22", D("0.015")))
            elif kind == "tbp":
                per_q, reks, n_kkpd = comp[1:4]
                for q, amt in enumerate(per_q, start=1):
                    if not amt:
                        continue
                    for i, part in enumerate(_split(amt, 3, rng)):
                        m = 3 * q - 2 + i
                        d = dt.date(tahun, m, rng.randint(2, MONTH_DAYS.get(m, 27)))
                        kkpd = i == 1 and q <= n_kkpd
                        tbp(kode, reks[(q + i) % len(reks)], d, part, "TBP-KKPD" if kkpd else "TBP",
                            "GU-KKPD" if kkpd else "GU", f"{rekening[reks[(q + i) % len(reks)]]} - {s['nama']}")
            elif kind == "tu":
                d, amt, reks = comp[1:4]
                half = amt // 2 // 1000 * 1000
                pay("TU", d, d, [(kode, reks[0], half), (kode, reks[1], amt - half)],
                    f"Bendahara Pengeluaran {skpd[1].title()}", f"Tambahan Uang (TU) {s['nama']}")
                for i, part in enumerate(_split(amt, 4, rng)):
                    td = d + dt.timedelta(days=7 + 11 * i)
                    tbp(kode, reks[i % 2], td, part, "TBP", "TU", f"{rekening[reks[i % 2]]} (TU) - {s['nama']}")
            elif kind == "sts":
                d, amt, transaksi, rek, ket, negative, bidang_knows = comp[1:8]
                stss.append({"kode": kode, "rek": rek, "date": d, "setoran": -amt if negative else amt,
                             "jenis": "STS", "transaksi": transaksi, "ket": ket})
                if bidang_knows:
                    form[kode][_q(d) - 1] -= D(amt)
            elif kind == "sts_nihil":
                d, amt, rek = comp[1:4]
                stss.append({"kode": kode, "rek": rek, "date": d, "setoran": amt, "jenis": "STS NIHIL",
                             "transaksi": "GU", "ket": "Setoran sisa Uang Persediaan akhir tahun"})
            else:
                raise ValueError(kind)

    # GU replenishment of TBP (transaksi GU) per quarter; GU KKPD of card TBP per half year.
    gu_dates = {1: dt.date(tahun, 4, 10), 2: dt.date(tahun, 7, 9), 3: dt.date(tahun, 10, 8), 4: dt.date(tahun, 12, 17)}
    cut = dt.date(tahun, 12, 13)
    for q, d in gu_dates.items():
        lines = _group([t for t in tbps if t["transaksi"] == "GU" and _q(t["date"]) == q and t["date"] <= cut])
        if lines:
            pay("GU", d, d, lines, f"Bendahara Pengeluaran {skpd[1].title()}", f"Ganti Uang Persediaan (GU) TW {q}")
    for h, d, lo, hi in ((1, dt.date(tahun, 7, 11), 1, 6), (2, dt.date(tahun, 12, 18), 7, 12)):
        lines = _group([t for t in tbps if t["transaksi"] == "GU-KKPD" and lo <= t["date"].month <= hi and t["date"] <= cut])
        if lines:
            pay("GU KKPD", d, d, lines, f"Bendahara Pengeluaran {skpd[1].title()}", f"Ganti Uang KKPD Semester {h}")
    pay("UP", dt.date(tahun, 1, 8), dt.date(tahun, 1, 8), [(None, None, 600_000_000)],
        f"Bendahara Pengeluaran {skpd[1].title()}", f"Uang Persediaan (UP) Tahun Anggaran {tahun}")

    docs, sp2ds = _emit(pays, tbps, stss, subs, tahun=tahun, skpd=skpd, prefix=prefix, bendahara=bendahara,
                        rekening=rekening, kas=kas, rng=rng)
    return docs, sp2ds, dict(form)


class _Narrow:
    """An rng view whose uniform() varies little (monthly payments are nearly equal)."""

    def __init__(self, rng):
        self.rng = rng

    def uniform(self, a, b):
        return self.rng.uniform(0.97, 1.03)


def _group(tbps) -> list[tuple]:
    acc = defaultdict(int)
    for t in tbps:
        acc[(t["kode"], t["rek"])] += t["amount"]
    return [(k, r, v) for (k, r), v in sorted(acc.items())]


def _emit(pays, tbps, stss, subs, *, tahun, skpd, prefix, bendahara, rekening, kas, rng):
    order = {"UP": 0, "LS": 1, "GU": 2, "GU KKPD": 3, "TU": 4}
    pays.sort(key=lambda p: (p["sp2d"], order[p["jenis"]], p["keterangan"]))
    kas_q = [sum(kas(s)[q] for (_p, _k, s) in subs.values()) for q in range(4)]
    sp2ds, docs = [], []

    def base(kode, rek):
        row = {"Kode SKPD": skpd[0], "Nama SKPD": skpd[1], "Kode Sub SKPD": skpd[0], "Nama Sub SKPD": skpd[1],
               "Kode Fungsi": "07", "Nama Fungsi": "KESEHATAN", "Kode Sub Fungsi": "07.04",
               "Nama Sub Fungsi": "PELAYANAN KESEHATAN MASYARAKAT", "Kode Urusan": "1",
               "Nama Urusan": "URUSAN PEMERINTAHAN WAJIB YANG BERKAITAN DENGAN PELAYANAN DASAR",
               "Kode Bidang Urusan": "1.02", "Nama Bidang Urusan": "URUSAN PEMERINTAHAN BIDANG KESEHATAN",
               "NIP Pegawai": bendahara[0], "Nama Pegawai": bendahara[1]}
        if kode:
            p, k, s = subs[kode]
            row.update({"Kode Program": p["kode"], "Nama Program": p["nama"], "Kode Kegiatan": k["kode"],
                        "Nama Kegiatan": k["nama"], "Kode Sub Kegiatan": kode, "Nama Sub Kegiatan": s["nama"]})
        if rek:
            row.update({"Kode Rekening": rek, "Nama Rekening": rekening[rek]})
        return row

    def spd(d, row):
        q = _q(d)
        row.update({"Nomor SPD": f"{prefix}/02.0/{q:06d}/{skpd[0]}/M/{3 * q - 2}/{tahun}",
                    "Periode SPD": f"{L.BULAN[3 * q - 3]} s.d. {L.BULAN[3 * q - 1]}", "Nilai SPD": kas_q[q - 1],
                    "Tahapan SPD": "Murni" if q <= 2 else "Perubahan",
                    "Nama Sub Tahapan Jadwal": "Penetapan APBD" if q <= 2 else "Penetapan Perubahan APBD",
                    "Tahapan APBD": "APBD Murni" if q <= 2 else "APBD Perubahan"})
        return row

    for n, p in enumerate(pays, start=1):
        code = {"GU KKPD": "GU-KKPD"}.get(p["jenis"], p["jenis"])
        m = p["sp2d"].month
        nomor = f"{prefix}/04.0/{n:06d}/{code}/{skpd[0]}/M/{m}/{tahun}"
        first = dt.date(tahun, 1, 2)
        spp_d = max(_workday(p["sp2d"] - dt.timedelta(days=4), -1), first)
        spm_d = max(_workday(p["sp2d"] - dt.timedelta(days=2), -1), spp_d)
        spp = f"{prefix}/02.0/{n:06d}/{code}/{skpd[0]}/M/{spp_d.month}/{tahun}"
        spm = f"{prefix}/03.0/{n:06d}/{code}/{skpd[0]}/M/{spm_d.month}/{tahun}"
        bruto = sum(a for _k, _r, a in p["lines"])
        sp2ds.append({"pembuatan": p["sp2d"], "pencairan": p["transfer"] or p["sp2d"], "nomor": nomor,
                      "skpd": f"{skpd[0]} - {skpd[1]}", "penerima": p["penerima"], "keterangan": p["keterangan"],
                      "jenis": p["jenis"], "bruto": bruto, "potongan": p["potongan"]})
        for kode, rek, amt in p["lines"]:
            row = spd(spp_d, base(kode, rek))
            row.update({"Nomor Dokumen": spp, "Jenis Dokumen": "SPP", "Jenis Transaksi": code,
                        "Tanggal Dokumen": spp_d, "Keterangan Dokumen": p["keterangan"], "Nilai Realisasi": amt,
                        "Nilai Setoran": 0, "Tanggal Simpan": spp_d, "Nomor SPP": spp, "Tanggal SPP": spp_d,
                        "Nomor SPM": spm, "Tanggal SPM": spm_d, "Nomor SP2D": nomor, "Tanggal SP2D": p["sp2d"],
                        "Tanggal Transfer": p["transfer"], "Nilai SP2D": bruto})
            docs.append(row)
    for n, t in enumerate(sorted(tbps, key=lambda t: (t["date"], t["kode"], t["rek"])), start=1):
        row = spd(t["date"], base(t["kode"], t["rek"]))
        row.update({"Nomor Dokumen": f"{prefix}/TBP/{n:06d}/{skpd[0]}/{t['date'].month}/{tahun}",
                    "Jenis Dokumen": t["jenis"], "Jenis Transaksi": t["transaksi"], "Tanggal Dokumen": t["date"],
                    "Keterangan Dokumen": t["ket"], "Nilai Realisasi": t["amount"], "Nilai Setoran": 0,
                    "Tanggal Simpan": t["date"]})
        docs.append(row)
    for n, t in enumerate(sorted(stss, key=lambda t: t["date"]), start=1):
        row = spd(t["date"], base(t["kode"], t["rek"]))
        row.update({"Nomor Dokumen": f"{prefix}/STS/{n:06d}/{skpd[0]}/{t['date'].month}/{tahun}",
                    "Jenis Dokumen": t["jenis"], "Jenis Transaksi": t["transaksi"], "Tanggal Dokumen": t["date"],
                    "Keterangan Dokumen": t["ket"], "Nilai Realisasi": 0, "Nilai Setoran": t["setoran"],
                    "Tanggal Simpan": t["date"]})
        docs.append(row)
    docs.sort(key=lambda r: (r["Tanggal Dokumen"], r["Jenis Dokumen"], r["Nomor Dokumen"], r.get("Kode Sub Kegiatan") or "",
                             r.get("Kode Rekening") or ""))
    for r in docs:  # dates as SIPD prints them: SP2D and transfer dates zero-padded, the others not
        for col in ("Tanggal Dokumen", "Tanggal Simpan", "Tanggal SPP", "Tanggal SPM"):
            r[col] = L.tanggal_id(r.get(col))
        for col in ("Tanggal SP2D", "Tanggal Transfer"):
            r[col] = L.tanggal_id(r.get(col), pad=True)
    return docs, sp2ds
