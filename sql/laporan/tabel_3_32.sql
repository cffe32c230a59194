-- Tabel 3-32 Pagu Anggaran (Lampiran II): the same rows as Tabel 2-5 (program and kegiatan, and sub
-- kegiatan, with kode rekening and pagu perubahan; JUMLAH). The report prints the table twice, in
-- BAB II and in Lampiran II; one model serves both so they can never disagree.
CREATE OR REPLACE VIEW laporan.tabel_3_32 AS
SELECT * FROM laporan.tabel_2_5;
