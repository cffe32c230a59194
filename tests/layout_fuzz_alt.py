"""The layout fuzzer's other layouts of the same kind, which carry less data than the example's
files, so they are compared at reader level only (tests/test_fuzz_layouts.py):

* the LRA as SIMDA's "Realisasi Belanja (Langsung) per Kegiatan": ``KODE | URAIAN | ANGGARAN |
  REALISASI`` merged over ``PEGAWAI | BARANG & JASA | MODAL | TOTAL | %``, ``SISA ANGGARAN``;
  program and kegiatan rows only (the split by belanja group comes from the account rows);
* the register printed without kegiatan and account codes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from layout_fuzz import SPECS, Col

ALT_KINDS = ("lra", "register_sp2d")
GROUPS = {"5.2.1": "belanja_pegawai", "5.2.2": "belanja_barang_jasa", "5.2.3": "belanja_modal"}


def alt_spec(kind: str) -> list[Col]:
    if kind == "register_sp2d":
        return [c for c in SPECS[kind] if c.field not in ("kode_kegiatan", "kode_rekening")]
    real = ("REALISASI", "Realisasi Belanja")
    return [
        Col("kode", "code", ("KODE", "Kode Rekening")),
        Col("uraian", "text", ("URAIAN", "Uraian")),
        Col("anggaran", "money", ("ANGGARAN", "Pagu")),
        Col("belanja_pegawai", "money", ("Realisasi Pegawai", "Belanja Pegawai"), real, ("PEGAWAI", "Pegawai")),
        Col("belanja_barang_jasa", "money", ("Realisasi Barang & Jasa", "Belanja Barang dan Jasa"), real,
            ("BARANG & JASA", "Barang dan Jasa")),
        Col("belanja_modal", "money", ("Realisasi Modal", "Belanja Modal"), real, ("MODAL", "Modal")),
        Col("realisasi_sd_ini", "money", ("Realisasi Total", "Jumlah Realisasi"), real, ("TOTAL", "Total")),
        Col("persen", "percent", ("%", "Persentase"), real, ("%", "Persen")),
        Col("sisa", "money", ("SISA ANGGARAN", "Sisa Anggaran")),
    ]


def alt_records(kind: str, recs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The example's rows as that layout holds them (what the reader must give back)."""
    if kind == "register_sp2d":
        return [{**r, "kode_kegiatan": None, "kode_rekening": None, "has_kode_kegiatan": False} for r in recs]
    out: list[dict[str, Any]] = []
    by_code: dict[str, dict[str, Any]] = {}
    for r in recs:
        if r["baris_jenis"] == "rekening":
            keg = by_code[r["kode_kegiatan"]]
            f = GROUPS.get(".".join(r["kode"].split(".")[:3]), "belanja_barang_jasa")
            keg[f] += r["realisasi_sd_ini"]
            continue
        row = {**r, "realisasi_sd_lalu": None, "realisasi_periode_ini": None, "layout": "realisasi_per_kegiatan",
               **{f: Decimal("0.00") for f in GROUPS.values()}}
        by_code[r["kode"]] = row
        out.append(row)
    programs = [r for r in out if r["baris_jenis"] == "program"]
    for p in programs:
        kids = [r for r in out if r["baris_jenis"] == "kegiatan" and r["kode"].startswith(p["kode"] + ".")]
        for f in GROUPS.values():
            p[f] = sum((k[f] for k in kids), Decimal("0.00"))
    for r in out:
        rest = r["realisasi_sd_ini"] - sum(r[f] for f in GROUPS.values())
        r["belanja_barang_jasa"] += rest      # a kegiatan without account rows: its total as barang & jasa
    return out
