"""staging.register_sp2d: the SP2D register (lkip.extract.register_sp2d)."""

from __future__ import annotations

from lkip.tables.base import BOOLEAN, DATE, INTEGER, MONEY, TEXT, Column, Table

JENIS = ("LS", "GU", "GU NIHIL", "GU KKPD", "TU", "UP")  # GU KKPD: SIPD-RI (docs/sipd.md 6c)

# nilai >= 0 and the dates inside the budget year are checked by schemas/register_sp2d.py
# (column-wise over Arrow data, with their own messages).
REGISTER_SP2D = Table("register_sp2d", (
    Column("urutan", INTEGER, nullable=False, doc="order in the file"),
    Column("no", TEXT),
    Column("tanggal", DATE, nullable=False, doc="a blank repeats the date above",
           type_message="Tanggal SP2D bukan tanggal", label="Tanggal SP2D"),
    Column("nomor_sp2d", TEXT, nullable=False, unique=True),
    Column("kode_kegiatan", TEXT, doc="NULL when absent", label="Kode Kegiatan"),
    Column("kode_rekening", TEXT, label="Kode Rekening"),
    Column("uraian", TEXT, label="Uraian"),
    Column("jenis", TEXT, nullable=False, isin=JENIS, label="Jenis SP2D"),
    Column("nilai", MONEY, nullable=False, doc="≥ 0 (schemas/register_sp2d.py)", label="Nilai"),
    Column("has_kode_kegiatan", BOOLEAN, nullable=False, doc="file level: the register has a kegiatan column"),
), doc="one row per SP2D")
