-- Lampiran III: Realisasi Fisik dan Keuangan. Rows in file (kode) order: program, its
-- indikator_program groups, kegiatan (and sub kegiatan), kegiatan indicators; closed by JUMLAH.
-- KOTA rows: one 'skpd' row per SKPD (its JUMLAH) and a JUMLAH whose % is the mean of the SKPD rows.
CREATE OR REPLACE VIEW laporan.lampiran_3 AS
WITH baris AS (
    SELECT kode_skpd, tahun, s_d_triwulan, urutan AS u, 0 AS r, 'program' AS level, kode, uraian,
           -- SIPD era: the program's indicators are its own 'indikator' rows (core.indikator)
           CASE WHEN core.era_sipd(kode_skpd) THEN '' ELSE coalesce(indikator, '') END AS indikator,
           CASE WHEN core.era_sipd(kode_skpd) THEN NULL ELSE target END AS target,
           CASE WHEN core.era_sipd(kode_skpd) THEN '' ELSE coalesce(satuan, '') END AS satuan, NULL::VARCHAR AS cara_hitung,
           pagu, NULL::DOUBLE AS k_tw1, NULL::DOUBLE AS k_tw2, NULL::DOUBLE AS k_tw3, NULL::DOUBLE AS k_tw4,
           rp_tw1, rp_tw2, rp_tw3, rp_tw4, NULL::DOUBLE AS k_realisasi, rp_realisasi,
           capaian_k_pct, capaian_rp_pct, rp_pct_tertimbang
    FROM core.program_rekap
    UNION ALL
    SELECT g.kode_skpd, g.tahun, s.s_d_triwulan, g.urutan, 1, 'indikator_program', g.kode_program, '',
           coalesce(g.indikator, ''), g.target, coalesce(g.satuan, ''), NULL,
           g.pagu, NULL, NULL, NULL, NULL,
           CASE WHEN coalesce(s.s_d_triwulan, 0) >= 1 THEN coalesce(g.rp_tw1, 0) END,
           CASE WHEN coalesce(s.s_d_triwulan, 0) >= 2 THEN coalesce(g.rp_tw2, 0) END,
           CASE WHEN coalesce(s.s_d_triwulan, 0) >= 3 THEN coalesce(g.rp_tw3, 0) END,
           CASE WHEN coalesce(s.s_d_triwulan, 0) >= 4 THEN coalesce(g.rp_tw4, 0) END,
           NULL, g.rp_realisasi, g.capaian_k_pct, g.capaian_rp_pct, g.rp_pct_tertimbang
    FROM core.grup_rekap g JOIN core.skpd s ON s.kode_skpd = g.kode_skpd AND s.tahun = g.tahun
    UNION ALL
    SELECT kode_skpd, tahun, s_d_triwulan, urutan, 2, tingkat, kode, uraian, '', NULL, '', NULL,
           pagu, NULL, NULL, NULL, NULL, rp_tw1, rp_tw2, rp_tw3, rp_tw4, NULL, rp_realisasi,
           capaian_k_pct, capaian_rp_pct, rp_pct_tertimbang
    FROM core.kegiatan_rekap
    UNION ALL
    SELECT kode_skpd, tahun, s_d, urutan, 3, 'indikator', kode_kegiatan, '', indikator, coalesce(target, 0),
           coalesce(satuan, ''), cara_hitung,
           NULL, k_tw1, k_tw2, k_tw3, k_tw4, NULL, NULL, NULL, NULL, k_realisasi, NULL,
           capaian_k_pct, NULL, NULL
    FROM core.indikator_capaian
    UNION ALL
    SELECT kode_skpd, tahun, s_d_triwulan, 2147483647, 9, 'jumlah', '', 'JUMLAH', '', NULL, '', NULL,
           pagu, NULL, NULL, NULL, NULL, rp_tw1, rp_tw2, rp_tw3, rp_tw4, NULL, rp_realisasi,
           capaian_k_pct, capaian_rp_pct, rp_pct_tertimbang
    FROM core.skpd_rekap
), kota AS (
    SELECT 'KOTA' AS kode_skpd, s.tahun, k.s_d_triwulan, row_number() OVER (PARTITION BY s.tahun ORDER BY s.kode_skpd) AS u,
           8 AS r, 'skpd' AS level, s.kode_skpd AS kode, coalesce(s.nama_skpd, s.kode_skpd) AS uraian,
           '' AS indikator, NULL::DOUBLE AS target, '' AS satuan, NULL::VARCHAR AS cara_hitung,
           s.pagu, NULL::DOUBLE AS k_tw1, NULL::DOUBLE AS k_tw2, NULL::DOUBLE AS k_tw3, NULL::DOUBLE AS k_tw4,
           CASE WHEN coalesce(k.s_d_triwulan, 0) >= 1 THEN s.rp_tw1 END AS rp_tw1,
           CASE WHEN coalesce(k.s_d_triwulan, 0) >= 2 THEN s.rp_tw2 END AS rp_tw2,
           CASE WHEN coalesce(k.s_d_triwulan, 0) >= 3 THEN s.rp_tw3 END AS rp_tw3,
           CASE WHEN coalesce(k.s_d_triwulan, 0) >= 4 THEN s.rp_tw4 END AS rp_tw4,
           NULL::DOUBLE AS k_realisasi, s.rp_realisasi, s.capaian_k_pct, s.capaian_rp_pct, s.rp_pct_tertimbang
    FROM core.skpd_rekap s JOIN core.kota k ON k.tahun = s.tahun
), kota_jumlah AS (
    SELECT 'KOTA', tahun, any_value(s_d_triwulan), 2147483647, 9, 'jumlah', '', 'JUMLAH', '', NULL, '', NULL,
           CAST(sum(pagu) AS DECIMAL(18,2)), NULL, NULL, NULL, NULL,
           CAST(sum(rp_tw1) AS DECIMAL(18,2)), CAST(sum(rp_tw2) AS DECIMAL(18,2)),
           CAST(sum(rp_tw3) AS DECIMAL(18,2)), CAST(sum(rp_tw4) AS DECIMAL(18,2)), NULL,
           CAST(sum(rp_realisasi) AS DECIMAL(18,2)), core.mean(capaian_k_pct), core.mean(capaian_rp_pct),
           core.serapan(sum(rp_realisasi), sum(pagu))
    FROM kota GROUP BY tahun
), semua AS (
    SELECT * FROM baris UNION ALL SELECT * FROM kota UNION ALL SELECT * FROM kota_jumlah
)
SELECT tahun, kode_skpd, s_d_triwulan,
       CAST(row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY u, r, kode) AS INTEGER) AS urutan,
       level, kode, uraian, indikator, target, satuan, cara_hitung, pagu,
       k_tw1, k_tw2, k_tw3, k_tw4, rp_tw1, rp_tw2, rp_tw3, rp_tw4, k_realisasi, rp_realisasi,
       capaian_k_pct, capaian_rp_pct, rp_pct_tertimbang
FROM semua;
