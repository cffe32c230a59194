-- Tabel 2-5 Anggaran Per Kegiatan: program and kegiatan (and sub kegiatan) rows with pagu perubahan; JUMLAH.
-- Rows in kode order (a parent's code is a prefix of its children's).
-- KOTA: one row per SKPD (its total pagu) and JUMLAH.
CREATE OR REPLACE VIEW laporan.tabel_2_5 AS
WITH b AS (
    SELECT tahun, kode_skpd, s_d_triwulan, urutan AS u, 0 AS r, 'program' AS level, kode, uraian, pagu
    FROM core.program_rekap
    UNION ALL
    SELECT tahun, kode_skpd, s_d_triwulan, urutan, 1, tingkat, kode, uraian, pagu FROM core.kegiatan_rekap
    UNION ALL
    SELECT tahun, kode_skpd, s_d_triwulan, 2147483647, 9, 'jumlah', '', 'JUMLAH', pagu FROM core.skpd_rekap
    UNION ALL
    SELECT s.tahun, 'KOTA', k.s_d_triwulan, row_number() OVER (PARTITION BY s.tahun ORDER BY s.kode_skpd), 8, 'skpd',
           s.kode_skpd, coalesce(s.nama_skpd, s.kode_skpd), s.pagu
    FROM core.skpd_rekap s JOIN core.kota k ON k.tahun = s.tahun
    UNION ALL
    SELECT s.tahun, 'KOTA', any_value(k.s_d_triwulan), 2147483647, 9, 'jumlah', '', 'JUMLAH', CAST(sum(s.pagu) AS DECIMAL(18,2))
    FROM core.skpd_rekap s JOIN core.kota k ON k.tahun = s.tahun GROUP BY s.tahun
)
SELECT tahun, kode_skpd, s_d_triwulan, CAST(row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY (level = 'jumlah'), CASE WHEN kode_skpd = 'KOTA' THEN u END, kode) AS INTEGER) AS urutan,
       level, kode, uraian, pagu
FROM b;
