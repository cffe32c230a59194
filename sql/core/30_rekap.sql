-- Roll-up: indicator -> kegiatan (-> its sub kegiatan) -> indikator_program group -> program -> SKPD.
-- Money is summed; K % and Rp % are the UNWEIGHTED mean of the children's % (the sample
-- report's method); rp_pct_tertimbang = sum realisasi / sum pagu * 100 on roll-up rows.

-- K % of an indicator: realisasi / target * 100, uncapped; target 0/NULL -> 0.
CREATE OR REPLACE TABLE core.indikator_capaian AS
SELECT rf.*, core.capaian(rf.k_realisasi, rf.target, 'naik') AS capaian_k_pct
FROM core.realisasi_fisik rf;

CREATE OR REPLACE TABLE core.kegiatan_rekap AS
WITH rp AS (
    SELECT kode_skpd, tahun, kode_kegiatan,
           sum(nilai) FILTER (WHERE triwulan = 1) AS r1, sum(nilai) FILTER (WHERE triwulan = 2) AS r2,
           sum(nilai) FILTER (WHERE triwulan = 3) AS r3, sum(nilai) FILTER (WHERE triwulan = 4) AS r4
    FROM core.realisasi_rp GROUP BY ALL
), kin AS (
    SELECT kode_skpd, tahun, kode_kegiatan, core.mean(capaian_k_pct) AS k_pct, count(*) AS n_indikator
    FROM core.indikator_capaian GROUP BY ALL
), sendiri AS (
    SELECT k.kode_skpd, k.tahun, k.kode, k.uraian, k.tingkat, k.kode_induk, k.kode_program, k.urutan,
           g.grup, s.s_d_triwulan,
           k.pagu_murni, k.pagu_perubahan, k.kas_tw1, k.kas_tw2, k.kas_tw3, k.kas_tw4,
           CASE WHEN coalesce(s.s_d_triwulan, 0) >= 1 THEN coalesce(rp.r1, 0) END AS rp_tw1,
           CASE WHEN coalesce(s.s_d_triwulan, 0) >= 2 THEN coalesce(rp.r2, 0) END AS rp_tw2,
           CASE WHEN coalesce(s.s_d_triwulan, 0) >= 3 THEN coalesce(rp.r3, 0) END AS rp_tw3,
           CASE WHEN coalesce(s.s_d_triwulan, 0) >= 4 THEN coalesce(rp.r4, 0) END AS rp_tw4,
           coalesce(kin.k_pct, 0.0) AS k_pct, coalesce(kin.n_indikator, 0) AS n_indikator
    FROM core.kegiatan k
    JOIN core.skpd s ON s.kode_skpd = k.kode_skpd AND s.tahun = k.tahun
    LEFT JOIN core.kegiatan_grup g ON g.kode_skpd = k.kode_skpd AND g.tahun = k.tahun AND g.kode = k.kode
    LEFT JOIN rp ON rp.kode_skpd = k.kode_skpd AND rp.tahun = k.tahun AND rp.kode_kegiatan = k.kode
    LEFT JOIN kin ON kin.kode_skpd = k.kode_skpd AND kin.tahun = k.tahun AND kin.kode_kegiatan = k.kode
), daun AS (
    SELECT *, CAST(coalesce(pagu_perubahan, 0) AS DECIMAL(18,2)) AS pagu,
           CAST(list_sum([rp_tw1, rp_tw2, rp_tw3, rp_tw4]) AS DECIMAL(18,2)) AS rp_realisasi
    FROM sendiri
), anak AS (
    SELECT kode_skpd, tahun, kode_induk, count(*) AS n_anak,
           sum(pagu) AS pagu, sum(pagu_murni) AS pagu_murni,
           sum(rp_tw1) AS rp_tw1, sum(rp_tw2) AS rp_tw2, sum(rp_tw3) AS rp_tw3, sum(rp_tw4) AS rp_tw4,
           sum(rp_realisasi) AS rp_realisasi,
           core.mean(k_pct) AS k_pct, core.mean(core.serapan(rp_realisasi, pagu)) AS rp_pct
    FROM daun WHERE tingkat = 'sub_kegiatan' GROUP BY ALL
)
SELECT d.kode_skpd, d.tahun, d.kode, d.uraian, d.tingkat, d.kode_induk, d.kode_program, d.urutan, d.grup,
       d.s_d_triwulan,
       CAST(coalesce(d.pagu_murni, a.pagu_murni) AS DECIMAL(18,2)) AS pagu_murni,
       CAST(CASE WHEN a.n_anak > 0 AND d.pagu_perubahan IS NULL THEN a.pagu ELSE d.pagu END AS DECIMAL(18,2)) AS pagu,
       d.kas_tw1, d.kas_tw2, d.kas_tw3, d.kas_tw4,
       CAST(CASE WHEN a.n_anak > 0 THEN a.rp_tw1 ELSE d.rp_tw1 END AS DECIMAL(18,2)) AS rp_tw1,
       CAST(CASE WHEN a.n_anak > 0 THEN a.rp_tw2 ELSE d.rp_tw2 END AS DECIMAL(18,2)) AS rp_tw2,
       CAST(CASE WHEN a.n_anak > 0 THEN a.rp_tw3 ELSE d.rp_tw3 END AS DECIMAL(18,2)) AS rp_tw3,
       CAST(CASE WHEN a.n_anak > 0 THEN a.rp_tw4 ELSE d.rp_tw4 END AS DECIMAL(18,2)) AS rp_tw4,
       CAST(CASE WHEN a.n_anak > 0 THEN a.rp_realisasi ELSE d.rp_realisasi END AS DECIMAL(18,2)) AS rp_realisasi,
       CASE WHEN a.n_anak > 0 THEN a.k_pct ELSE d.k_pct END AS capaian_k_pct,
       CASE WHEN a.n_anak > 0 THEN a.rp_pct ELSE core.serapan(d.rp_realisasi, d.pagu) END AS capaian_rp_pct,
       CASE WHEN a.n_anak > 0 THEN core.serapan(a.rp_realisasi, a.pagu) END AS rp_pct_tertimbang,
       coalesce(a.n_anak, 0) AS n_sub_kegiatan, d.n_indikator
FROM daun d
LEFT JOIN anak a ON a.kode_skpd = d.kode_skpd AND a.tahun = d.tahun AND a.kode_induk = d.kode;

-- indikator_program group: its (top-level) kegiatan.
CREATE OR REPLACE TABLE core.grup_rekap AS
SELECT g.kode_skpd, g.tahun, g.kode_program, g.grup, g.urutan, g.indikator, g.target, g.satuan,
       CAST(coalesce(sum(k.pagu), g.pagu_perubahan, 0) AS DECIMAL(18,2)) AS pagu,
       CAST(coalesce(sum(k.pagu_murni), g.pagu_murni) AS DECIMAL(18,2)) AS pagu_murni,
       CAST(sum(k.rp_tw1) AS DECIMAL(18,2)) AS rp_tw1, CAST(sum(k.rp_tw2) AS DECIMAL(18,2)) AS rp_tw2,
       CAST(sum(k.rp_tw3) AS DECIMAL(18,2)) AS rp_tw3, CAST(sum(k.rp_tw4) AS DECIMAL(18,2)) AS rp_tw4,
       CAST(coalesce(sum(k.rp_realisasi), 0) AS DECIMAL(18,2)) AS rp_realisasi,
       coalesce(core.mean(k.capaian_k_pct), 0.0) AS capaian_k_pct,
       coalesce(core.mean(k.capaian_rp_pct), 0.0) AS capaian_rp_pct,
       core.serapan(sum(k.rp_realisasi), coalesce(sum(k.pagu), g.pagu_perubahan)) AS rp_pct_tertimbang,
       count(k.kode) AS n_kegiatan
FROM core.indikator_program g
LEFT JOIN core.kegiatan_rekap k
  ON k.kode_skpd = g.kode_skpd AND k.tahun = g.tahun AND k.grup = g.grup AND k.tingkat = 'kegiatan'
GROUP BY g.kode_skpd, g.tahun, g.kode_program, g.grup, g.urutan, g.indikator, g.target, g.satuan,
         g.pagu_perubahan, g.pagu_murni;

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
