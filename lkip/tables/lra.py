"""staging.lra: SIMDA LRA, both layouts (lkip.extract.lra)."""

from __future__ import annotations

from lkip.tables.base import DATE, INTEGER, MONEY, NUMBER, TEXT, Column, Table

LRA = Table("lra", (
    Column("urutan", INTEGER, nullable=False, doc="order in the file"),
    Column("baris_jenis", TEXT, nullable=False, isin=("program", "kegiatan", "rekening")),
    Column("kode", TEXT, nullable=False, label="Kode Rekening"),
    Column("kode_kegiatan", TEXT,
           doc="own code for kegiatan rows, parent kegiatan for rekening rows, NULL for program",
           label="Kode Kegiatan"),
    Column("uraian", TEXT, label="Uraian"),
    Column("anggaran", MONEY, ge=0, label="Anggaran"),
    Column("realisasi_sd_lalu", MONEY),
    Column("realisasi_periode_ini", MONEY),
    Column("realisasi_sd_ini", MONEY, label="Realisasi s.d. Periode Ini"),
    Column("sisa", MONEY, doc="may be negative (overspend)"),
    Column("persen", NUMBER),
    Column("belanja_pegawai", MONEY, doc="2nd layout"),
    Column("belanja_barang_jasa", MONEY, doc="2nd layout"),
    Column("belanja_modal", MONEY, doc="2nd layout"),
    Column("periode_awal", DATE),
    Column("periode_akhir", DATE),
    Column("s_d_triwulan", INTEGER),
    Column("layout", TEXT, nullable=False, isin=("lra", "realisasi_per_kegiatan")),
), doc="SIMDA LRA (both layouts)")
