-- Tabel 3-30 Pagu Anggaran Per Program: pagu murni and perubahan per program; TOTAL.
-- KOTA: one row per SKPD and TOTAL.
CREATE OR REPLACE VIEW laporan.tabel_3_30 AS
WITH b AS (
    SELECT tahun, kode_skpd, s_d_triwulan, urutan AS u, 'program' AS level, kode, uraian AS program,
           pagu_murni, pagu AS pagu_perubahan FROM core.program_rekap
    UNION ALL
    SELECT tahun, kode_skpd, s_d_triwulan, 2147483647, 'jumlah', '', 'TOTAL', pagu_murni, pagu FROM core.skpd_rekap
    UNION ALL
    SELECT s.tahun, 'KOTA', k.s_d_triwulan, row_number() OVER (PARTITION BY s.tahun ORDER BY s.kode_skpd), 'skpd',
           s.kode_skpd, coalesce(s.nama_skpd, s.kode_skpd), s.pagu_murni, s.pagu
    FROM core.skpd_rekap s JOIN core.kota k ON k.tahun = s.tahun
    UNION ALL
    SELECT s.tahun, 'KOTA', any_value(k.s_d_triwulan), 2147483647, 'jumlah', '', 'TOTAL',
           CAST(sum(s.pagu_murni) AS DECIMAL(18,2)), CAST(sum(s.pagu) AS DECIMAL(18,2))
    FROM core.skpd_rekap s JOIN core.kota k ON k.tahun = s.tahun GROUP BY s.tahun
)
SELECT tahun, kode_skpd, s_d_triwulan, CAST(row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY u) AS INTEGER) AS urutan,
       level, kode, program, pagu_murni, pagu_perubahan
FROM b;
