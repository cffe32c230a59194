"""staging.realisasi_dokumen: SIPD "Laporan Realisasi Per Dokumen" (lkip.extract.realisasi_dokumen,
docs/sipd.md 6b). Every row as printed; which rows count, with which sign and date, is the
configured rule applied by the model (core.aturan_dokumen, core.dokumen_dihitung)."""

from __future__ import annotations

from lkip.tables.base import DATE, INTEGER, MONEY, TEXT, Column, Table

REALISASI_DOKUMEN = Table("realisasi_dokumen", (
    Column("urutan", INTEGER, nullable=False, doc="order in the file"),
    Column("kode_sub_skpd", TEXT, doc="Kode Sub SKPD (a UPTD / Puskesmas BLUD when not the SKPD)"),
    Column("kode_program", TEXT, doc="as printed (NULL on SPP UP rows)"),
    Column("kode_kegiatan", TEXT, doc="as printed"),
    Column("kode_sub_kegiatan", TEXT, doc="as printed, two- or four-digit tail (core.kode_sipd makes it canonical)"),
    Column("kode_rekening", TEXT),
    Column("nama_sub_skpd", TEXT),
    Column("nama_sub_kegiatan", TEXT),
    Column("nama_rekening", TEXT),
    Column("nomor_dokumen", TEXT),
    Column("keterangan", TEXT, doc="Keterangan Dokumen"),
    Column("nomor_sp2d", TEXT),
    Column("nomor_spp", TEXT),
    Column("nomor_spm", TEXT),
    Column("jenis_dokumen", TEXT, nullable=False,
           doc="upper case, `-`/`_`/spaces as one space (`TBP KKPD`, `STS NIHIL`); known to the rule"),
    Column("jenis_transaksi", TEXT, doc="same normalisation (`GU KKPD`)"),
    Column("tanggal_dokumen", DATE),
    Column("tanggal_sp2d", DATE),
    Column("tanggal_transfer", DATE),
    Column("nilai_realisasi", MONEY),
    Column("nilai_setoran", MONEY, doc="as printed: an STS may be negative, it always reduces"),
    Column("nilai_sp2d", MONEY),
    Column("periode_akhir", DATE, doc="file level: the latest date in the file (the cumulative file's replacement key)"),
), doc="one row per document x sub kegiatan x rekening")
