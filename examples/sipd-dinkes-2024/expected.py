"""Independent oracle of the SIPD example: reads the five workbooks in input/ and computes, by the
rules written in README.md (those of docs/sipd.md and of the report tables),
the values the pipeline's report tables must hold. Writes expected.json beside this file.

    python examples/sipd-dinkes-2024/expected.py            # write expected.json
    python examples/sipd-dinkes-2024/expected.py --check    # exit 1 if expected.json differs

Plain Python: openpyxl and decimal only. It imports nothing from the project nor from the
generator; it finds columns by their header text, so it does not share the generator's layout code.

One file of ~550 lines on purpose (over the house limit of ~500): an oracle is audited by reading it
whole beside the README's rules, and splitting it would only add an import between its halves.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, getcontext
from pathlib import Path

from openpyxl import load_workbook

getcontext().prec = 40
HERE = Path(__file__).resolve().parent
INPUT = HERE / "input"
ZERO, HUNDRED = Decimal(0), Decimal(100)
BULAN = {b: i for i, b in enumerate(["januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus",
                                      "september", "oktober", "november", "desember"], start=1)}

# The realisation rule of "Laporan Realisasi Per Dokumen" (the default rule, as data):
# jenis dokumen -> (which Jenis Transaksi count (None: any), value column, sign, date columns in order).
# A jenis dokumen listed with None never counts; any other is an error.
ATURAN_DOKUMEN = {
    "SPP": ({"LS"}, "nilai realisasi", +1, ["tanggal transfer", "tanggal sp2d", "tanggal dokumen"]),
    "TBP": (None, "nilai realisasi", +1, ["tanggal dokumen"]),
    "TBP KKPD": (None, "nilai realisasi", +1, ["tanggal dokumen"]),
    "STS": (None, "nilai setoran", -1, ["tanggal dokumen"]),  # reduces whatever its printed sign
    "STS NIHIL": None,
}
JENIS_SP2D_DIHITUNG = {"LS", "GU", "GU KKPD"}  # register: Bruto by Tanggal Pencairan
PREDIKAT = [(90, "AA", "Sangat Memuaskan"), (80, "A", "Memuaskan"), (70, "BB", "Sangat Baik"), (60, "B", "Baik"),
            (50, "CC", "Cukup"), (30, "C", "Kurang"), (-1, "D", "Sangat Kurang")]
EFISIEN_DI_ATAS, TIDAK_EFISIEN_DI_BAWAH = Decimal(5), Decimal(-5)


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------

def norm(x) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(x or "").lower()).strip()


def kode(x) -> str | None:
    s = re.sub(r"\s+", "", str(x or "")).rstrip(".")
    return s or None


def kunci_kode(k: str | None) -> str | None:
    """Sub kegiatan codes compare by number: `.33` == `.0033` (printed here with four digits)."""
    if not k:
        return k
    seg = k.split(".")
    if len(seg) == 6 and seg[5].isdigit():
        seg[5] = f"{int(seg[5]):04d}"
    return ".".join(seg)


def angka(v) -> Decimal | None:
    """Numeric cell as is; text by the Indonesian three-digit rule (`9.850` -> 9850, `83,37` -> 83.37)."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return Decimal(str(v))
    s = str(v).strip().replace("Rp", "").replace(" ", "").rstrip("%")
    if s in ("", "-"):
        return None
    neg = s.startswith("(") and s.endswith(")")
    s = s.strip("()")
    m = re.fullmatch(r"(-?\d{1,3}(?:\.\d{3})+)(?:,(\d+))?", s) or re.fullmatch(r"(-?\d+)(?:,(\d+))?", s)
    if m:
        d = Decimal(m.group(1).replace(".", "") + ("." + m.group(2) if m.group(2) else ""))
    elif re.fullmatch(r"-?\d+\.\d{1,2}", s):
        d = Decimal(s)
    else:
        raise ValueError(f"not a number: {v!r}")
    return -d if neg else d


def tanggal(v) -> dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = str(v).strip()
    m = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})", s)
    if m:
        return dt.date(int(m.group(3)), BULAN[m.group(2).lower()], int(m.group(1)))
    m = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})", s)
    if m:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    raise ValueError(f"not a date: {v!r}")


def triwulan(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def grid(ws) -> list[list]:
    """Cell values with every merged range filled with its top-left value."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        v = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                rows[r - 1][c - 1] = v
    return rows


def header(rows, must: list[str], two_rows: bool) -> tuple[int, list[str]]:
    """(index of the first data row, one normalised label per column) for the first row, within the
    first 30, whose labels hold every `must`; with two_rows the next row's labels are appended."""
    for i, r in enumerate(rows[:30]):
        labels = [norm(c) for c in r]
        if all(any(m == x or m in x for x in labels) for m in must):
            if two_rows:
                sub = [norm(c) for c in rows[i + 1]]
                labels = [a if (b == a or not b) else f"{a} {b}".strip() for a, b in zip(labels, sub)]
                return i + 2, labels
            return i + 1, labels
    raise ValueError(f"no header with {must}")


def col(labels: list[str], *words: str, exact: bool = False) -> int:
    for i, lab in enumerate(labels):
        if (lab == words[0]) if exact else all(w in lab for w in words):
            return i
    raise KeyError(words)


# ---------------------------------------------------------------------------------------------
# Readers (each only as general as this example needs)
# ---------------------------------------------------------------------------------------------

def baca_dpa(path) -> tuple[dict, list]:
    ws = load_workbook(path).worksheets[0]
    rows = grid(ws)
    start, lab = header(rows, ["kode rekening", "indikator kinerja"], two_rows=True)
    c = {"kode": col(lab, "kode rekening"), "uraian": col(lab, "program"), "indikator": col(lab, "indikator"),
         "target": col(lab, "target", "target"), "satuan": col(lab, "satuan"), "cara": col(lab, "cara hitung"),
         "murni": col(lab, "sebelum perubahan"), "pagu": col(lab, "setelah perubahan"),
         "pj": col(lab, "penanggung jawab")}
    c["kas"] = [next(i for i, x in enumerate(lab) if "kas" in x and x.endswith(f"tw {t}")) for t in ("i", "ii", "iii", "iv")]
    skpd = next((re.search(r"Perangkat Daerah\s*:\s*(\S+)\s*-\s*(.+)", str(r[0])).groups()
                 for r in rows[:start] if r[0] and "Perangkat Daerah" in str(r[0])), None)
    if skpd is None:  # no title: a `Kode SKPD` column
        ks = col(lab, "kode skpd")
        skpd = (next(kode(r[ks]) for r in rows[start:] if r[ks]), "")
    ents, order, last, jumlah = {}, [], None, None
    for r in rows[start:]:
        k, u, ind = kode(r[c["kode"]]), r[c["uraian"]], r[c["indikator"]]
        if u and norm(u) == "jumlah":
            jumlah = {"pagu_murni": angka(r[c["murni"]]), "pagu": angka(r[c["pagu"]]),
                      "kas": [angka(r[i]) for i in c["kas"]]}
            break
        if not k and not u and not ind:
            continue
        if k:
            level = {3: "program", 5: "kegiatan", 6: "sub_kegiatan"}[len(k.split("."))]
            k = kunci_kode(k)
            e = {"level": level, "kode": k, "uraian": str(u).strip(), "indikator": [],
                 "pagu_murni": angka(r[c["murni"]]), "pagu": angka(r[c["pagu"]]),
                 "kas": [angka(r[i]) for i in c["kas"]], "pj": r[c["pj"]]}
            ents[k] = e
            order.append(k)
            last = e
        elif any(angka(r[i]) for i in [c["murni"], c["pagu"], *c["kas"]]):
            raise ValueError("an indicator row with amounts: an indikator-program group, not in this example")
        if ind:
            last["indikator"].append({"indikator": str(ind).strip(), "target": angka(r[c["target"]]),
                                      "satuan": r[c["satuan"]] or "", "cara_hitung": norm(r[c["cara"]]).replace(" ", "-") or "jumlah"})
    for k in order:  # parents: the longest code that prefixes this one
        ents[k]["induk"] = max((p for p in order if k.startswith(p + ".")), key=len, default=None)
    return {"kode": skpd[0], "nama": skpd[1].strip(), "ents": ents, "order": order}, jumlah


def baca_form(path) -> list[dict]:
    rows = grid(load_workbook(path).worksheets[0])
    start, lab = header(rows, ["kode", "indikator kinerja", "realisasi kinerja"], two_rows=True)
    ck, ci = col(lab, "kode"), col(lab, "indikator")
    kk = [next(i for i, x in enumerate(lab) if x.startswith("realisasi kinerja") and x.endswith(f"tw {t}")) for t in ("i", "ii", "iii", "iv")]
    rp = [next(i for i, x in enumerate(lab) if x.startswith("realisasi keuangan") and x.endswith(f"tw {t}")) for t in ("i", "ii", "iii", "iv")]
    out = []
    for r in rows[start:]:
        if not r[ci]:
            continue
        out.append({"kode": kunci_kode(kode(r[ck])), "indikator": str(r[ci]).strip(),
                    "k": [angka(r[i]) for i in kk], "rp": [angka(r[i]) for i in rp]})
    return out


def baca_dokumen(path) -> list[dict]:
    rows = grid(load_workbook(path)["Data Realisasi Dokumen"])
    start, lab = header(rows, ["jenis dokumen", "nilai realisasi", "kode sub kegiatan"], two_rows=False)
    return [{lab[i]: v for i, v in enumerate(r)} for r in rows[start:] if any(v is not None for v in r)]


def baca_register(path) -> tuple[list[dict], list[str]]:
    rows = grid(load_workbook(path).worksheets[0])
    i = header(rows, ["nomor sp2d", "bruto", "neto"], two_rows=False)[0]
    two = "pencairan" in [norm(x) for x in rows[i]]  # flat, or `Tanggal SP2D` over Pembuatan | Pencairan
    start, lab = header(rows, ["nomor sp2d", "bruto", "neto"], two_rows=two)
    c = {n: col(lab, n) for n in ("nomor sp2d", "pencairan", "jenis sp2d", "bruto", "neto")}
    c["potongan"] = col(lab, "potongan", exact=True)
    c["jumlah"] = col(lab, "pajak potongan jumlah") if two else None
    sp2d, masalah = {}, []
    for r in rows[start:]:
        nomor = r[c["nomor sp2d"]]
        if not nomor:
            continue
        bruto = angka(r[c["bruto"]])
        s = sp2d.setdefault(nomor, {"nomor": nomor, "jenis": re.sub(r"[\s_-]+", " ", str(r[c["jenis sp2d"]]).upper()),
                                    "pencairan": tanggal(r[c["pencairan"]]), "bruto": bruto,
                                    "potongan": angka(r[c["potongan"]]) or ZERO, "neto": angka(r[c["neto"]]),
                                    "rincian": ZERO, "baris": 0})
        if s["bruto"] != bruto:
            masalah.append(f"{nomor}: Bruto differs between its rows")
        s["rincian"] += (angka(r[c["jumlah"]]) or ZERO) if two else s["potongan"]
        s["baris"] += 1
    for s in sp2d.values():
        if s["neto"] != s["bruto"] - s["potongan"]:
            masalah.append(f"{s['nomor']}: Neto != Bruto - Potongan")
        if two and s["rincian"] != s["potongan"]:
            masalah.append(f"{s['nomor']}: Potongan != sum of its deductions")
    return list(sp2d.values()), masalah


def baca_pk(path) -> tuple[list[dict], list[tuple]]:
    wb = load_workbook(path)
    rows = grid(wb["IKU"])
    start, lab = header(rows, ["indikator kinerja", "polaritas"], two_rows=False)
    iku = [{"no": int(r[col(lab, "no", exact=True)]), "sasaran": r[col(lab, "sasaran")], "indikator": r[col(lab, "indikator")],
            "satuan": r[col(lab, "satuan")], "polaritas": norm(r[col(lab, "polaritas")]),
            "target": angka(r[col(lab, "target", exact=True)]), "realisasi": angka(r[col(lab, "realisasi")])}
           for r in rows[start:] if r[col(lab, "indikator")]]
    rows = grid(wb["Dukungan Anggaran"])
    start, lab = header(rows, ["indikator kinerja", "kode"], two_rows=False)
    dukungan = [(norm(r[col(lab, "indikator")]), kunci_kode(kode(r[col(lab, "kode")]))) for r in rows[start:] if r[0]]
    return iku, dukungan


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------

def rata(xs) -> Decimal:
    xs = list(xs)
    return sum(xs, ZERO) / len(xs) if xs else ZERO


def persen(a, b) -> Decimal:
    """a / b * 100; b 0 or missing -> 0 (serapan with pagu 0, capaian with target 0)."""
    return ZERO if not b else (a or ZERO) / b * HUNDRED


def capaian(r, t, polaritas: str) -> Decimal:
    if not t:
        return ZERO
    if polaritas == "turun":
        return max((2 * t - (r or ZERO)) / t * HUNDRED, ZERO)
    return (r or ZERO) / t * HUNDRED


def predikat(x: Decimal) -> tuple[str, str]:
    return next((k, lab) for lim, k, lab in PREDIKAT if x > lim)


def k_realisasi(k: list, cara: str):
    ada = [x for x in k if x is not None]
    if not ada:
        return None
    return {"terakhir": ada[-1], "rata-rata": rata(ada)}.get(cara, sum(ada, ZERO))


def jenis(x) -> str:
    return re.sub(r"[\s_-]+", " ", str(x or "").strip().upper())


def realisasi_dokumen(docs: list[dict], tahun: int):
    """{sub kegiatan: [TW I..IV]} by ATURAN_DOKUMEN, and a tally of every (jenis dokumen, transaksi)."""
    rp = defaultdict(lambda: [ZERO] * 4)
    tally = defaultdict(lambda: {"baris": 0, "nilai": ZERO, "dihitung": None})
    for d in docs:
        jd, jt = jenis(d["jenis dokumen"]), jenis(d["jenis transaksi"])
        if jd not in ATURAN_DOKUMEN:
            raise ValueError(f"unknown Jenis Dokumen {jd!r}")
        aturan = ATURAN_DOKUMEN[jd]
        t = tally[f"{jd} / {jt}"]
        t["baris"] += 1
        if aturan is None or (aturan[0] is not None and jt not in aturan[0]):
            t["nilai"] += (angka(d["nilai realisasi"]) or ZERO) + (angka(d["nilai setoran"]) or ZERO)
            t["dihitung"] = False
            continue
        _trans, kolom, tanda, tgl = aturan
        nilai = abs(angka(d[kolom]) or ZERO) * tanda
        kapan = next(tanggal(d[x]) for x in tgl if d.get(x))
        if kapan.year != tahun:
            raise ValueError(f"date outside {tahun}: {kapan}")
        rp[kunci_kode(kode(d["kode sub kegiatan"]))][triwulan(kapan) - 1] += nilai
        t["nilai"] += nilai
        t["dihitung"] = True
    return rp, {k: {"baris": v["baris"], "nilai": uang(v["nilai"]), "dihitung": v["dihitung"]}
                for k, v in sorted(tally.items())}


# ---------------------------------------------------------------------------------------------
# Output formatting: decimals as strings
# ---------------------------------------------------------------------------------------------

def uang(x):
    return None if x is None else str(Decimal(x).quantize(Decimal("0.01")))


def pct(x):
    return None if x is None else format(Decimal(x).quantize(Decimal("1E-10"), rounding=ROUND_HALF_UP), "f")


def qty(x):
    if x is None:
        return None
    s = format(Decimal(x).quantize(Decimal("1E-10"), rounding=ROUND_HALF_UP).normalize(), "f")
    return s


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------

FILES = {"dpa": "dppa_dinkes_2024.xlsx", "form": "form_realisasi_kinerja_2024.xlsx",
         "dokumen": "Laporan Realisasi Per Dokumen.xlsx", "register": "register_sp2d_dinkes_2024.xlsx",
         "pk": "pk_iku_dinkes_2024.xlsx"}


def compute(input_dir: Path = INPUT, tahun: int = 2024, sd: int = 4) -> dict:
    """Every expected value from the five workbooks of input_dir (named as in FILES)."""
    dpa, jumlah = baca_dpa(input_dir / FILES["dpa"])
    form = baca_form(input_dir / FILES["form"])
    docs = baca_dokumen(input_dir / FILES["dokumen"])
    sp2d, masalah_register = baca_register(input_dir / FILES["register"])
    iku, dukungan = baca_pk(input_dir / FILES["pk"])
    ents, order = dpa["ents"], dpa["order"]
    anak = defaultdict(list)
    for k in order:
        anak[ents[k]["induk"]].append(k)
    program = [k for k in order if ents[k]["level"] == "program"]

    # -- checks of the plan: parent amounts equal the sums of their children (or are blank); kas = pagu
    masalah_dpa = []
    for k in reversed(order):  # children first
        e = ents[k]
        if e["level"] == "sub_kegiatan":
            if sum(e["kas"], ZERO) != e["pagu"]:
                masalah_dpa.append(f"{k}: kas TW I-IV != pagu")
            continue
        kids = [ents[x] for x in anak[k]]
        for f in ("pagu_murni", "pagu"):
            s = sum((x[f] for x in kids), ZERO)
            if e[f] is not None and abs(e[f] - s) > 1:
                masalah_dpa.append(f"{k}: {f} != sum of children")
            e[f] = s
        e["kas"] = [sum((x["kas"][q] for x in kids), ZERO) for q in range(4)]
    tot_pagu = sum((ents[k]["pagu"] for k in program), ZERO)
    if jumlah and (jumlah["pagu"] != tot_pagu or jumlah["kas"] != [sum((ents[k]["kas"][q] for k in program), ZERO)
                                                                 for q in range(4)]):
        masalah_dpa.append("JUMLAH row != sum of the programs")

    # -- indicator realisations from the form, matched by code (tail width ignored) and text
    def kunci(x):
        return re.sub(r"[^0-9a-z]+", "", x.lower())
    form_k, form_rp, cocok = defaultdict(list), {}, 0
    for f in form:
        form_k[(f["kode"], kunci(f["indikator"]))].append(f["k"])
        if any(v is not None for v in f["rp"]):
            form_rp[f["kode"]] = [v or ZERO for v in f["rp"]]
    for k in order:
        seen = defaultdict(int)
        for ind in ents[k]["indikator"]:
            key = (k, kunci(ind["indikator"]))
            n = seen[key]
            seen[key] += 1
            ks = form_k.get(key, [])
            ind["k"] = ks[n] if n < len(ks) else [None] * 4
            cocok += n < len(ks)
            ind["k"] = [v if q < sd else None for q, v in enumerate(ind["k"])]
            ind["k_realisasi"] = k_realisasi(ind["k"], ind["cara_hitung"])
            ind["capaian"] = capaian(ind["k_realisasi"], ind["target"], "naik")

    # -- money: Realisasi Per Dokumen on sub kegiatan; roll-up kegiatan, program, SKPD
    rp_dok, tally = realisasi_dokumen(docs, tahun)
    tak_dikenal = sorted(set(rp_dok) - {k for k in order if ents[k]["level"] == "sub_kegiatan"} - {None})
    if tak_dikenal:
        raise ValueError(f"sub kegiatan not in the DPA: {tak_dikenal}")
    if rp_dok.get(None) and any(rp_dok[None]):
        raise ValueError("counted documents without a sub kegiatan")
    for k in reversed(order):
        e = ents[k]
        if e["level"] == "sub_kegiatan":
            e["rp"] = [v if q < sd else None for q, v in enumerate(rp_dok.get(k, [ZERO] * 4))]
            e["rp_realisasi"] = sum((v for v in e["rp"] if v is not None), ZERO)
            e["k_pct"] = rata(i["capaian"] for i in e["indikator"])
            e["rp_pct"] = persen(e["rp_realisasi"], e["pagu"])
            e["tertimbang"] = None
        else:
            kids = [ents[x] for x in anak[k]]
            e["rp"] = [sum((x["rp"][q] for x in kids), ZERO) if q < sd else None for q in range(4)]
            e["rp_realisasi"] = sum((x["rp_realisasi"] for x in kids), ZERO)
            e["k_pct"] = rata(x["k_pct"] for x in kids)
            e["rp_pct"] = rata(x["rp_pct"] for x in kids)
            e["tertimbang"] = persen(e["rp_realisasi"], e["pagu"])
    total = {"pagu": tot_pagu, "pagu_murni": sum((ents[k]["pagu_murni"] for k in program), ZERO),
             "kas": [sum((ents[k]["kas"][q] for k in program), ZERO) for q in range(4)],
             "rp": [sum((ents[k]["rp"][q] for k in program), ZERO) for q in range(4)],
             "rp_realisasi": sum((ents[k]["rp_realisasi"] for k in program), ZERO),
             "k_pct": rata(ents[k]["k_pct"] for k in program), "rp_pct": rata(ents[k]["rp_pct"] for k in program)}
    total["tertimbang"] = persen(total["rp_realisasi"], total["pagu"])

    lampiran = []
    for k in order:
        e = ents[k]
        lampiran.append({"level": e["level"], "kode": k, "uraian": e["uraian"], "indikator": "", "target": None,
                         "satuan": "", "cara_hitung": None, "pagu": uang(e["pagu"]),
                         **{f"k_tw{q + 1}": None for q in range(4)},
                         **{f"rp_tw{q + 1}": uang(e["rp"][q]) for q in range(4)},
                         "k_realisasi": None, "rp_realisasi": uang(e["rp_realisasi"]),
                         "capaian_k_pct": pct(e["k_pct"]), "capaian_rp_pct": pct(e["rp_pct"]),
                         "rp_pct_tertimbang": pct(e["tertimbang"])})
        for i in e["indikator"]:
            lampiran.append({"level": "indikator", "kode": k, "uraian": "", "indikator": i["indikator"],
                             "target": qty(i["target"] if i["target"] is not None else ZERO), "satuan": i["satuan"],
                             "cara_hitung": i["cara_hitung"], "pagu": None,
                             **{f"k_tw{q + 1}": qty(i["k"][q]) for q in range(4)},
                             **{f"rp_tw{q + 1}": None for q in range(4)},
                             "k_realisasi": qty(i["k_realisasi"]), "rp_realisasi": None,
                             "capaian_k_pct": pct(i["capaian"]), "capaian_rp_pct": None, "rp_pct_tertimbang": None})
    lampiran.append({"level": "jumlah", "kode": "", "uraian": "JUMLAH", "indikator": "", "target": None, "satuan": "",
                     "cara_hitung": None, "pagu": uang(total["pagu"]), **{f"k_tw{q + 1}": None for q in range(4)},
                     **{f"rp_tw{q + 1}": uang(total["rp"][q]) for q in range(4)}, "k_realisasi": None,
                     "rp_realisasi": uang(total["rp_realisasi"]), "capaian_k_pct": pct(total["k_pct"]),
                     "capaian_rp_pct": pct(total["rp_pct"]), "rp_pct_tertimbang": pct(total["tertimbang"])})

    jumlah_row = {"level": "jumlah", "kode": "", "uraian": "JUMLAH", "pagu": uang(total["pagu"])}
    tabel_2_5 = [{"level": ents[k]["level"], "kode": k, "uraian": ents[k]["uraian"], "pagu": uang(ents[k]["pagu"])}
                 for k in sorted(order, key=lambda x: [int(s) for s in x.split(".")])] + [jumlah_row]
    tabel_2_4 = [{"kode": k, "program": ents[k]["uraian"], "pagu": uang(ents[k]["pagu"]),
                  **{f"kas_tw{q + 1}": uang(ents[k]["kas"][q]) for q in range(4)}} for k in program]
    tabel_2_4.append({"kode": "", "program": "JUMLAH", "pagu": uang(total["pagu"]),
                      **{f"kas_tw{q + 1}": uang(total["kas"][q]) for q in range(4)}})
    tabel_3_30 = [{"kode": k, "program": ents[k]["uraian"], "pagu_murni": uang(ents[k]["pagu_murni"]),
                   "pagu_perubahan": uang(ents[k]["pagu"])} for k in program]
    tabel_3_30.append({"kode": "", "program": "JUMLAH", "pagu_murni": uang(total["pagu_murni"]),
                       "pagu_perubahan": uang(total["pagu"])})
    tabel_3_31 = [{"kode": k, "program": ents[k]["uraian"], "pagu": uang(ents[k]["pagu"]),
                   "realisasi": uang(ents[k]["rp_realisasi"]), "persen": pct(ents[k]["tertimbang"])} for k in program]
    tabel_3_31.append({"kode": "", "program": "JUMLAH", "pagu": uang(total["pagu"]),
                       "realisasi": uang(total["rp_realisasi"]), "persen": pct(total["tertimbang"])})

    # -- IKU capaian and efficiency (Dukungan Anggaran names kegiatan or sub kegiatan)
    tabel_3_1, efisiensi = [], []
    for i in iku:
        c = capaian(i["realisasi"], i["target"], i["polaritas"])
        kode_pred, label = predikat(c)
        tabel_3_1.append({"no": i["no"], "indikator": i["indikator"], "satuan": i["satuan"], "polaritas": i["polaritas"],
                          "target": qty(i["target"]), "realisasi": qty(i["realisasi"]), "capaian_pct": pct(c),
                          "predikat": kode_pred, "predikat_label": label})
        items = [ents[k] for ind, k in dukungan if ind == norm(i["indikator"])]
        pagu = sum((x["pagu"] for x in items), ZERO)
        real = sum((x["rp_realisasi"] for x in items), ZERO)
        serapan = persen(real, pagu)
        ef = c - serapan
        efisiensi.append({
            "no": i["no"], "indikator": i["indikator"], "pagu": uang(pagu), "realisasi": uang(real),
            "serapan_pct": pct(serapan), "capaian_pct": pct(c), "efisiensi_pct": pct(ef),
            "kategori_efisiensi": "efisien" if ef > EFISIEN_DI_ATAS else (
                "tidak efisien" if ef < TIDAK_EFISIEN_DI_BAWAH else "cukup efisien"),
            "dukungan": [{"level": x["level"], "kode": x["kode"], "uraian": x["uraian"], "pagu": uang(x["pagu"]),
                          "realisasi": uang(x["rp_realisasi"]), "serapan_pct": pct(persen(x["rp_realisasi"], x["pagu"]))}
                         for x in items]})
    tabel_3_1_rata = rata(capaian(i["realisasi"], i["target"], i["polaritas"]) for i in iku)

    # -- reconciliation per quarter: Realisasi Per Dokumen vs Register SP2D vs form Rp
    reg = [ZERO] * 4
    reg_jenis = defaultdict(lambda: {"sp2d": 0, "baris": 0, "bruto": ZERO, "dihitung": False})
    for s in sp2d:
        j = reg_jenis[s["jenis"]]
        j["sp2d"] += 1
        j["baris"] += s["baris"]
        j["bruto"] += s["bruto"]
        if s["jenis"] in JENIS_SP2D_DIHITUNG:
            j["dihitung"] = True
            reg[triwulan(s["pencairan"]) - 1] += s["bruto"]
    subs = [k for k in order if ents[k]["level"] == "sub_kegiatan"]
    rekon = []
    for k in subs:
        for q in range(sd):
            d, f = ents[k]["rp"][q], form_rp.get(k, [ZERO] * 4)[q]
            rekon.append({"level": "sub_kegiatan", "kode": k, "uraian": ents[k]["uraian"], "triwulan": q + 1,
                          "dokumen": uang(d), "sp2d": None, "form": uang(f), "selisih_dokumen_sp2d": None,
                          "selisih_dokumen_form": uang(d - f), "selisih_sp2d_form": None})
    for q in range(sd):
        d, r = total["rp"][q], reg[q]
        f = sum((form_rp.get(k, [ZERO] * 4)[q] for k in subs), ZERO)
        rekon.append({"level": "skpd", "kode": "", "uraian": "TOTAL SKPD", "triwulan": q + 1, "dokumen": uang(d),
                      "sp2d": uang(r), "form": uang(f), "selisih_dokumen_sp2d": uang(d - r),
                      "selisih_dokumen_form": uang(d - f), "selisih_sp2d_form": uang(r - f)})

    return {
        "schema": "lkip-expected-sipd/1",
        "tahun": tahun, "kode_skpd": dpa["kode"], "nama_skpd": dpa["nama"], "s_d_triwulan": sd,
        "conventions": "decimals as strings: money with 2 decimals, percentages and quantities at 10 decimals "
                       "(half up); compare percentages to 1e-9 or rounded half up to 2 decimals; quarters after "
                       "s_d_triwulan are null; sub kegiatan codes with four-digit tails; lampiran_3 rows keyed by "
                       "(level, kode, indikator), an indikator row carrying its program's, kegiatan's or sub "
                       "kegiatan's code",
        "tables": {"lampiran_3": lampiran, "tabel_2_4": tabel_2_4, "tabel_2_5": tabel_2_5, "tabel_3_32": tabel_2_5,
                   "tabel_3_30": tabel_3_30, "tabel_3_31": tabel_3_31,
                   "tabel_3_1": {"iku": tabel_3_1, "rata_rata_capaian_pct": pct(tabel_3_1_rata)},
                   "tabel_3_efisiensi": efisiensi, "rekonsiliasi": rekon},
        "checks": {"dpa": masalah_dpa, "register": masalah_register,
                   "form_indikator_cocok": cocok, "renja_indikator": sum(len(ents[k]["indikator"]) for k in order),
                   "dokumen_per_jenis": tally,
                   "register_per_jenis": {k: {"sp2d": v["sp2d"], "baris": v["baris"], "bruto": uang(v["bruto"]),
                                              "dihitung": v["dihitung"]} for k, v in sorted(reg_jenis.items())}},
        "files": {f"input/{p.name}": {"outcome": "accepted"} for p in sorted(input_dir.glob("*.xlsx"))},
    }


def main(argv: list[str]) -> int:
    data = compute()
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    target = HERE / "expected.json"
    if "--check" in argv:
        same = target.exists() and target.read_text(encoding="utf-8") == text
        print("expected.json is up to date" if same else "expected.json differs from the oracle")
        return 0 if same else 1
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
