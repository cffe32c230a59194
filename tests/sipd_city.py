"""Builders of a city-wide SIPD drop (docs/sipd.md "City-wide files"): three SKPD, each with its
DPA and form, and their documents either as one city-wide "Laporan Realisasi Per Dokumen" (every
row with its own Kode SKPD; one SKPD's documents partly from a Sub SKPD) or as one file per SKPD.

Each SKPD's documents are the small drop's default_docs() (every case of the rule) with money
scaled by the SKPD's factor and, for the third SKPD, only the documents up to September: the SKPD
differ in money and in last date, so a row counted for the wrong SKPD or a shared last date shows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from tests import sipd_builders as B

DINKES = B.SKPD
DISDIK = ("1.01.0.00.0.00.01.0000", "DINAS PENDIDIKAN")
DISPERKIM = ("1.04.0.00.0.00.01.0000", "DINAS PERUMAHAN DAN KAWASAN PERMUKIMAN")
CITY = (DINKES, DISDIK, DISPERKIM)
FACTOR = {DINKES[0]: 1, DISDIK[0]: 3, DISPERKIM[0]: 7}
LAST = {DINKES[0]: None, DISDIK[0]: None, DISPERKIM[0]: dt.date(2024, 9, 30)}   # None: all documents
PUSKESMAS = ("1.02.0.00.0.00.01.0001", "UPTD PUSKESMAS SUKAMAJU")              # a Sub SKPD of Dinkes
MONEY = ("Nilai Realisasi", "Nilai Setoran", "Nilai SP2D")


def docs_of(skpd: tuple[str, str], upto: dt.date | None = None) -> list[dict]:
    """The SKPD's documents: default_docs() with its code, its money factor, up to ``upto`` (or its
    own LAST); Dinkes's TBP rows come from its Sub SKPD (the Puskesmas)."""
    k = FACTOR[skpd[0]]
    last = upto or LAST[skpd[0]]
    out = []
    for d in B.default_docs():
        tgl = d["Tanggal Dokumen"]
        if last is not None and _date(tgl) > last:
            continue
        row = dict(d)
        row.update({"Kode SKPD": skpd[0], "Nama SKPD": skpd[1], "Kode Sub SKPD": skpd[0], "Nama Sub SKPD": skpd[1]})
        if skpd == DINKES and row["Jenis Dokumen"].startswith("TBP"):
            row.update({"Kode Sub SKPD": PUSKESMAS[0], "Nama Sub SKPD": PUSKESMAS[1]})
        row["Nomor Dokumen"] = f"{skpd[0]}/{row['Nomor Dokumen']}"
        for m in MONEY:
            if row.get(m) is not None:
                row[m] = row[m] * k
        out.append(row)
    return out


def _date(text: str) -> dt.date:
    d, m, y = text.split()
    return dt.date(int(y), _BULAN.index(m) + 1, int(d))


_BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]


def realisasi_of(skpd: tuple[str, str]) -> dict[str, list[Decimal]]:
    """The hand-worked DEFAULT_REALISASI scaled by the SKPD's factor (all documents only)."""
    assert LAST[skpd[0]] is None
    return {kode: [v * FACTOR[skpd[0]] for v in tw] for kode, tw in B.DEFAULT_REALISASI.items()}


def write_plan(folder: Path, skpd: tuple[str, str]) -> None:
    """The SKPD's DPA and form (the small drop's plan and form under the SKPD's code)."""
    slug = skpd[1].split()[-1].lower()
    B.layouts.write_dpa(folder / f"dppa_{slug}_2024.xlsx", B.plan_rows(), pemda=B.PEMDA, tahun=B.TAHUN, skpd=skpd)
    B.layouts.write_form(folder / f"form_{slug}_2024.xlsx", B.form_rows(), pemda=B.PEMDA, tahun=B.TAHUN, skpd=skpd)


def write_city_dokumen(path: Path, skpds=CITY, *, interleave: bool = True, upto: dt.date | None = None,
                       extra: list[dict] | None = None) -> Path:
    """One city-wide documents file holding ``skpds`` (rows interleaved SKPD by SKPD, as a city
    export sorted by date would mix them)."""
    per = [docs_of(s, upto) for s in skpds]
    rows: list[dict] = []
    if interleave:
        for i in range(max(len(p) for p in per)):
            rows += [p[i] for p in per if i < len(p)]
    else:
        rows = [r for p in per for r in p]
    return B.write_dokumen(path, rows + list(extra or []))


def write_single_dokumen(path: Path, skpd: tuple[str, str], upto: dt.date | None = None) -> Path:
    return B.write_dokumen(path, docs_of(skpd, upto))


def sp2d_of(skpd: tuple[str, str]) -> list[dict]:
    """The SKPD's SIPD Register SP2D entries: default_sp2d() under its code (in the number and the
    SKPD column), Bruto and deductions scaled by its factor."""
    k = FACTOR[skpd[0]]
    out = []
    for s in B.default_sp2d():
        out.append({**s, "nomor": s["nomor"].replace(B.SKPD[0], skpd[0]), "skpd": f"{skpd[0]} - {skpd[1]}",
                    "bruto": s["bruto"] * k, "potongan": [{**p, "jumlah": p["jumlah"] * k} for p in s["potongan"]]})
    return out


def write_city_register(path: Path, skpds=CITY, *, layout: str = "two_row") -> Path:
    """One city-wide SIPD Register SP2D (no SKPD in the title), SP2D of the SKPD interleaved."""
    per = [sp2d_of(s) for s in skpds]
    rows = [p[i] for i in range(max(len(p) for p in per)) for p in per if i < len(p)]
    return B.layouts.write_register(path, rows, pemda=B.PEMDA, tahun=B.TAHUN, skpd=None, layout=layout)


def write_city_drop(folder: Path, *, city_file: bool = True, registers: bool = True) -> Path:
    """Plans and forms of the three SKPD, and their documents (and SIPD registers) as one city file
    or one file per SKPD."""
    folder.mkdir(parents=True, exist_ok=True)
    for s in CITY:
        write_plan(folder, s)
    if city_file:
        write_city_dokumen(folder / "Laporan Realisasi Per Dokumen Kota.xlsx")
        if registers:
            write_city_register(folder / "register_sp2d_kota_2024.xlsx")
    else:
        for s in CITY:
            slug = s[1].split()[-1]
            write_single_dokumen(folder / f"Laporan Realisasi Per Dokumen {slug}.xlsx", s)
            if registers:
                B.layouts.write_register(folder / f"register_sp2d_{slug.lower()}_2024.xlsx", sp2d_of(s), pemda=B.PEMDA,
                                         tahun=B.TAHUN, skpd=s, layout="two_row")
    return folder
