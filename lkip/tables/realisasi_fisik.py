"""staging.realisasi_fisik: the Form Realisasi Kinerja (lkip.extract.realisasi_fisik)."""

from __future__ import annotations

from lkip.tables.base import INTEGER, MONEY, NUMBER, TEXT, Column, Table

REALISASI_FISIK = Table("realisasi_fisik", (
    Column("urutan", INTEGER, nullable=False, doc="order in the file"),
    Column("kode_kegiatan", TEXT, nullable=False),
    Column("nama_kegiatan", TEXT),
    Column("indikator", TEXT, nullable=False),
    Column("target", NUMBER, ge=0),
    Column("satuan", TEXT),
    *(Column(f"k_tw{i}", NUMBER, ge=0, doc="realised quantity") for i in range(1, 5)),
    *(Column(f"rp_tw{i}", MONEY, doc="realised Rp, ≥ 0 (schemas/realisasi_fisik.py)") for i in range(1, 5)),
    Column("s_d_triwulan", INTEGER),
), doc="one row per kegiatan indicator of a form")
