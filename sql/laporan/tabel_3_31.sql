-- Tabel 3-31 Pagu dan Realisasi Anggaran Setelah P-APBD Per Program: pagu, realisasi, % (the
-- sum ratio realisasi / pagu * 100, as the report prints it); TOTAL.
-- KOTA: one row per SKPD and TOTAL (sum ratio).
CREATE OR REPLACE VIEW laporan.tabel_3_31 AS
WITH b AS (
    SELECT tahun, kode_skpd, s_d_triwulan, urutan AS u, 'program' AS level, kode, uraian AS program,
           pagu, rp_realisasi AS realisasi FROM core.program_rekap
    UNION ALL
    SELECT tahun, kode_skpd, s_d_triwulan, 2147483647, 'jumlah', '', 'TOTAL', pagu, rp_realisasi FROM core.skpd_rekap
    UNION ALL
    SELECT s.tahun, 'KOTA', k.s_d_triwulan, row_number() OVER (PARTITION BY s.tahun ORDER BY s.kode_skpd), 'skpd',
           s.kode_skpd, coalesce(s.nama_skpd, s.kode_skpd), s.pagu, s.rp_realisasi
    FROM core.skpd_rekap s JOIN core.kota k ON k.tahun = s.tahun
    UNION ALL
    SELECT s.tahun, 'KOTA', any_value(k.s_d_triwulan), 2147483647, 'jumlah', '', 'TOTAL',
           CAST(sum(s.pagu) AS DECIMAL(18,2)), CAST(sum(s.rp_realisasi) AS DECIMAL(18,2))
    FROM core.skpd_rekap s JOIN core.kota k ON k.tahun = s.tahun GROUP BY s.tahun
)
SELECT tahun, kode_skpd, s_d_triwulan, CAST(row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY u) AS INTEGER) AS urutan,
       level, kode, program, pagu, realisasi, core.serapan(realisasi, pagu) AS persen
FROM b;
