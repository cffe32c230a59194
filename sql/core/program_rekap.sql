-- Program: money summed over its kegiatan; K % and Rp % = mean over its children, which are its
-- indikator_program groups (plus any kegiatan before the first group) when it has groups, else
-- its kegiatan. (Sample: program .29 K 60,29 % and .34 64,87 % are the means of their groups.)
CREATE OR REPLACE TABLE core.program_rekap AS
WITH keg AS (
    SELECT kode_skpd, tahun, kode_program,
           sum(pagu) AS pagu, sum(pagu_murni) AS pagu_murni,
           sum(kas_tw1) AS kas_tw1, sum(kas_tw2) AS kas_tw2, sum(kas_tw3) AS kas_tw3, sum(kas_tw4) AS kas_tw4,
           sum(rp_tw1) AS rp_tw1, sum(rp_tw2) AS rp_tw2, sum(rp_tw3) AS rp_tw3, sum(rp_tw4) AS rp_tw4,
           sum(rp_realisasi) AS rp_realisasi, count(*) AS n
    FROM core.kegiatan_rekap WHERE tingkat = 'kegiatan' GROUP BY ALL
), anak AS (
    SELECT kode_skpd, tahun, kode_program, capaian_k_pct, capaian_rp_pct FROM core.grup_rekap
    UNION ALL
    SELECT kode_skpd, tahun, kode_program, capaian_k_pct, capaian_rp_pct
    FROM core.kegiatan_rekap WHERE tingkat = 'kegiatan' AND grup IS NULL
), rata AS (
    SELECT kode_skpd, tahun, kode_program, core.mean(capaian_k_pct) AS k, core.mean(capaian_rp_pct) AS rp
    FROM anak GROUP BY ALL
)
SELECT p.kode_skpd, p.tahun, p.kode, p.uraian, p.indikator, p.target, p.satuan, p.urutan, s.s_d_triwulan,
       CAST(coalesce(keg.pagu, p.pagu_perubahan, 0) AS DECIMAL(18,2)) AS pagu,
       CAST(coalesce(keg.pagu_murni, p.pagu_murni, 0) AS DECIMAL(18,2)) AS pagu_murni,
       CAST(coalesce(keg.kas_tw1, p.kas_tw1) AS DECIMAL(18,2)) AS kas_tw1,
       CAST(coalesce(keg.kas_tw2, p.kas_tw2) AS DECIMAL(18,2)) AS kas_tw2,
       CAST(coalesce(keg.kas_tw3, p.kas_tw3) AS DECIMAL(18,2)) AS kas_tw3,
       CAST(coalesce(keg.kas_tw4, p.kas_tw4) AS DECIMAL(18,2)) AS kas_tw4,
       CAST(CASE WHEN coalesce(s.s_d_triwulan, 0) >= 1 THEN coalesce(keg.rp_tw1, 0) END AS DECIMAL(18,2)) AS rp_tw1,
       CAST(CASE WHEN coalesce(s.s_d_triwulan, 0) >= 2 THEN coalesce(keg.rp_tw2, 0) END AS DECIMAL(18,2)) AS rp_tw2,
       CAST(CASE WHEN coalesce(s.s_d_triwulan, 0) >= 3 THEN coalesce(keg.rp_tw3, 0) END AS DECIMAL(18,2)) AS rp_tw3,
       CAST(CASE WHEN coalesce(s.s_d_triwulan, 0) >= 4 THEN coalesce(keg.rp_tw4, 0) END AS DECIMAL(18,2)) AS rp_tw4,
       CAST(coalesce(keg.rp_realisasi, 0) AS DECIMAL(18,2)) AS rp_realisasi,
       coalesce(rata.k, 0.0) AS capaian_k_pct,
       coalesce(rata.rp, 0.0) AS capaian_rp_pct,
       core.serapan(keg.rp_realisasi, coalesce(keg.pagu, p.pagu_perubahan)) AS rp_pct_tertimbang
FROM core.program p
JOIN core.skpd s ON s.kode_skpd = p.kode_skpd AND s.tahun = p.tahun
LEFT JOIN keg ON keg.kode_skpd = p.kode_skpd AND keg.tahun = p.tahun AND keg.kode_program = p.kode
LEFT JOIN rata ON rata.kode_skpd = p.kode_skpd AND rata.tahun = p.tahun AND rata.kode_program = p.kode;
