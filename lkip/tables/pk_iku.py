"""The seven tables of a Perjanjian Kinerja / IKU workbook (lkip.extract.pk_iku)."""

from __future__ import annotations

from lkip.tables.base import INTEGER, NUMBER, TEXT, Column, Table

IKU = Table("iku", (
    Column("no", INTEGER),
    Column("sasaran", TEXT),
    Column("indikator", TEXT, nullable=False, label="Indikator Kinerja"),
    Column("satuan", TEXT, label="Satuan"),
    Column("polaritas", TEXT, nullable=False, isin=("naik", "turun"), label="Polaritas"),
    Column("target", NUMBER, ge=0, label="Target"),
    *(Column(f"target_tw{i}", NUMBER, ge=0, label=f"Target TW {i}") for i in range(1, 5)),
    Column("realisasi", NUMBER),
    Column("dihitung_dari", TEXT, isin=("SKM", "AKIP", "BUMD"), doc="NULL: realisasi typed in"),
    Column("sumber_data", TEXT),
), doc="the IKU sheet: one row per indicator")

RENSTRA = Table("renstra", (
    Column("tingkat", TEXT, isin=("tujuan", "sasaran")),
    Column("uraian", TEXT, label="Uraian"),
    Column("indikator", TEXT, label="Indikator Kinerja"),
    Column("satuan", TEXT, label="Satuan"),
    Column("tahun_data", INTEGER, nullable=False, ge=1990, le=2100),
    Column("jenis", TEXT, nullable=False, isin=("target", "realisasi")),
    Column("nilai", NUMBER, label="Nilai"),
), doc="the Renstra sheet, long: one row per indicator, year and target/realisasi")

DUKUNGAN_ANGGARAN = Table("dukungan_anggaran", (
    Column("indikator", TEXT, label="Indikator Kinerja"),
    Column("kode_kegiatan", TEXT, label="Kode Kegiatan"),
    Column("nama_kegiatan", TEXT),
), doc="the kegiatan that support each IKU")

IKU_INDIKATOR_PROGRAM = Table("iku_indikator_program", (
    Column("iku", TEXT),
    Column("indikator_program", TEXT),
    Column("satuan", TEXT, label="Satuan"),
    Column("target", NUMBER, label="Target"),
    Column("realisasi", NUMBER),
), doc="program indicators per IKU")

SKM = Table("skm", (
    Column("no", INTEGER),
    Column("unit", TEXT),
    Column("nilai_ikm", NUMBER, doc="NULL when given as U1..U9"),
    *(Column(f"u{i}", NUMBER) for i in range(1, 10)),
), doc="evidence: the satisfaction survey per service unit")

AKIP = Table("akip", (
    Column("no", INTEGER),
    Column("perangkat_daerah", TEXT),
    Column("nilai", NUMBER, label="Nilai"),
    Column("kategori", TEXT),
), doc="evidence: the AKIP score per perangkat daerah")

BUMD = Table("bumd", (
    Column("no", INTEGER),
    Column("nama", TEXT),
    Column("opini", TEXT),
    Column("kategori", TEXT),
    Column("skor", NUMBER),
    Column("keterangan", TEXT),
), doc="evidence: the health of each BUMD")

TABLES = (IKU, RENSTRA, DUKUNGAN_ANGGARAN, IKU_INDIKATOR_PROGRAM, SKM, AKIP, BUMD)
