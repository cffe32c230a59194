"""staging.realisasi_dokumen: SIPD "Laporan Realisasi Per Dokumen" (lkip.extract.realisasi_dokumen,
docs/sipd.md 6b). Every row as printed; which rows count, with which sign and date, is the
configured rule applied by the model (core.aturan_dokumen, core.dokumen_dihitung)."""

from __future__ import annotations

from lkip.tables.base import DATE, INTEGER, MONEY, TEXT, Column, Table

REALISASI_DOKUMEN = Table("realisasi_dokumen", (
    Column("urutan", INTEGER, nullable=False, doc="order in the file"),
    Column("kode_sub_skpd", TEXT, label="Kode Sub SKPD", doc="Kode Sub SKPD (a UPTD / Puskesmas BLUD when not the SKPD)"),
    Column("kode_program", TEXT, label="Kode Program", doc="as printed (NULL on SPP UP rows)"),
    Column("kode_kegiatan", TEXT, label="Kode Kegiatan", doc="as printed"),
    Column("kode_sub_kegiatan", TEXT, label="Kode Sub Kegiatan", doc="as printed, two- or four-digit tail (core.kode_sipd makes it canonical)"),
    Column("kode_rekening", TEXT, label="Kode Rekening"),
    Column("nama_sub_skpd", TEXT, label="Nama Sub SKPD"),
    Column("nama_sub_kegiatan", TEXT, label="Nama Sub Kegiatan"),
    Column("nama_rekening", TEXT, label="Nama Rekening"),
    Column("nomor_dokumen", TEXT, label="Nomor Dokumen"),
    Column("keterangan", TEXT, label="Keterangan Dokumen", doc="Keterangan Dokumen"),
    Column("nomor_sp2d", TEXT, label="Nomor SP2D"),
    Column("nomor_spp", TEXT, label="Nomor SPP"),
    Column("nomor_spm", TEXT, label="Nomor SPM"),
    Column("jenis_dokumen", TEXT, label="Jenis Dokumen", nullable=False,
           doc="upper case, `-`/`_`/spaces as one space (`TBP KKPD`, `STS NIHIL`); known to the rule"),
    Column("jenis_transaksi", TEXT, label="Jenis Transaksi", doc="same normalisation (`GU KKPD`)"),
    Column("tanggal_dokumen", DATE, label="Tanggal Dokumen"),
    Column("tanggal_sp2d", DATE, label="Tanggal SP2D"),
    Column("tanggal_transfer", DATE, label="Tanggal Transfer"),
    Column("nilai_realisasi", MONEY, label="Nilai Realisasi"),
    Column("nilai_setoran", MONEY, label="Nilai Setoran", doc="as printed: an STS may be negative, it always reduces"),
    Column("nilai_sp2d", MONEY, label="Nilai SP2D"),
    Column("periode_akhir", DATE, doc="file level: the latest date in the file (the cumulative file's replacement key)"),
), doc="one row per document x sub kegiatan x rekening")
