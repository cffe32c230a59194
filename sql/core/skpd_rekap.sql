-- SKPD total (the JUMLAH row): sums; % = mean of the program rows.
CREATE OR REPLACE TABLE core.skpd_rekap AS
SELECT s.kode_skpd, s.tahun, s.nama_skpd, s.s_d_triwulan,
       CAST(coalesce(sum(p.pagu), 0) AS DECIMAL(18,2)) AS pagu,
       CAST(coalesce(sum(p.pagu_murni), 0) AS DECIMAL(18,2)) AS pagu_murni,
       CAST(sum(p.kas_tw1) AS DECIMAL(18,2)) AS kas_tw1, CAST(sum(p.kas_tw2) AS DECIMAL(18,2)) AS kas_tw2,
       CAST(sum(p.kas_tw3) AS DECIMAL(18,2)) AS kas_tw3, CAST(sum(p.kas_tw4) AS DECIMAL(18,2)) AS kas_tw4,
       CAST(sum(p.rp_tw1) AS DECIMAL(18,2)) AS rp_tw1, CAST(sum(p.rp_tw2) AS DECIMAL(18,2)) AS rp_tw2,
       CAST(sum(p.rp_tw3) AS DECIMAL(18,2)) AS rp_tw3, CAST(sum(p.rp_tw4) AS DECIMAL(18,2)) AS rp_tw4,
       CAST(coalesce(sum(p.rp_realisasi), 0) AS DECIMAL(18,2)) AS rp_realisasi,
       coalesce(core.mean(p.capaian_k_pct), 0.0) AS capaian_k_pct,
       coalesce(core.mean(p.capaian_rp_pct), 0.0) AS capaian_rp_pct,
       core.serapan(sum(p.rp_realisasi), sum(p.pagu)) AS rp_pct_tertimbang,
       count(p.kode) AS n_program
FROM core.skpd s
LEFT JOIN core.program_rekap p ON p.kode_skpd = s.kode_skpd AND p.tahun = s.tahun
GROUP BY s.kode_skpd, s.tahun, s.nama_skpd, s.s_d_triwulan;
