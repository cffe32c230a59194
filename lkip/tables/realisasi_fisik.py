"""staging.realisasi_fisik: the Form Realisasi Kinerja (lkip.extract.realisasi_fisik)."""

from __future__ import annotations

from lkip.tables.base import INTEGER, MONEY, NUMBER, TEXT, Column, Table

REALISASI_FISIK = Table("realisasi_fisik", (
    Column("urutan", INTEGER, nullable=False, doc="order in the file"),
    Column("kode_kegiatan", TEXT, nullable=False, label="Kode Kegiatan"),
    Column("nama_kegiatan", TEXT),
    Column("indikator", TEXT, nullable=False, label="Indikator Kinerja"),
    Column("target", NUMBER, ge=0, label="Target"),
    Column("satuan", TEXT, label="Satuan"),
    *(Column(f"k_tw{i}", NUMBER, ge=0, doc="realised quantity", label=f"Realisasi Kinerja TW {i}")
      for i in range(1, 5)),
    *(Column(f"rp_tw{i}", MONEY, doc="realised Rp, ≥ 0 (schemas/realisasi_fisik.py)", label=f"Realisasi Rp TW {i}")
      for i in range(1, 5)),
    Column("s_d_triwulan", INTEGER),
), doc="one row per kegiatan indicator of a form")
