-- Tabel 2-4 Alokasi Anggaran Per Triwulan: per program pagu perubahan and kas TW I-IV; JUMLAH.
-- KOTA: one row per SKPD (its totals) and JUMLAH.
CREATE OR REPLACE VIEW laporan.tabel_2_4 AS
WITH b AS (
    SELECT tahun, kode_skpd, s_d_triwulan, urutan AS u, 'program' AS level, kode, uraian AS program,
           pagu, kas_tw1, kas_tw2, kas_tw3, kas_tw4 FROM core.program_rekap
    UNION ALL
    SELECT tahun, kode_skpd, s_d_triwulan, 2147483647, 'jumlah', '', 'JUMLAH', pagu, kas_tw1, kas_tw2, kas_tw3, kas_tw4
    FROM core.skpd_rekap
    UNION ALL
    SELECT s.tahun, 'KOTA', k.s_d_triwulan, row_number() OVER (PARTITION BY s.tahun ORDER BY s.kode_skpd), 'skpd',
           s.kode_skpd, coalesce(s.nama_skpd, s.kode_skpd), s.pagu, s.kas_tw1, s.kas_tw2, s.kas_tw3, s.kas_tw4
    FROM core.skpd_rekap s JOIN core.kota k ON k.tahun = s.tahun
    UNION ALL
    SELECT s.tahun, 'KOTA', any_value(k.s_d_triwulan), 2147483647, 'jumlah', '', 'JUMLAH',
           CAST(sum(s.pagu) AS DECIMAL(18,2)), CAST(sum(s.kas_tw1) AS DECIMAL(18,2)), CAST(sum(s.kas_tw2) AS DECIMAL(18,2)),
           CAST(sum(s.kas_tw3) AS DECIMAL(18,2)), CAST(sum(s.kas_tw4) AS DECIMAL(18,2))
    FROM core.skpd_rekap s JOIN core.kota k ON k.tahun = s.tahun GROUP BY s.tahun
)
SELECT tahun, kode_skpd, s_d_triwulan, CAST(row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY u) AS INTEGER) AS urutan,
       level, kode, program, pagu, kas_tw1, kas_tw2, kas_tw3, kas_tw4
FROM b;
