-- Roll-up: indicator -> kegiatan (-> its sub kegiatan) -> indikator_program group -> program -> SKPD
-- (core.kegiatan_rekap, core.grup_rekap, core.program_rekap, core.skpd_rekap).
-- Money is summed; K % and Rp % are the UNWEIGHTED mean of the children's % (the sample
-- report's method); rp_pct_tertimbang = sum realisasi / sum pagu * 100 on roll-up rows.
-- This table: each kegiatan, a kegiatan with sub kegiatan rolled up from them.
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
           sum(kas_tw1) AS kas_tw1, sum(kas_tw2) AS kas_tw2, sum(kas_tw3) AS kas_tw3, sum(kas_tw4) AS kas_tw4,
           sum(rp_tw1) AS rp_tw1, sum(rp_tw2) AS rp_tw2, sum(rp_tw3) AS rp_tw3, sum(rp_tw4) AS rp_tw4,
           sum(rp_realisasi) AS rp_realisasi,
           core.mean(k_pct) AS k_pct, core.mean(core.serapan(rp_realisasi, pagu)) AS rp_pct
    FROM daun WHERE tingkat = 'sub_kegiatan' GROUP BY ALL
)
SELECT d.kode_skpd, d.tahun, d.kode, d.uraian, d.tingkat, d.kode_induk, d.kode_program, d.urutan, d.grup,
       d.s_d_triwulan,
       CAST(coalesce(d.pagu_murni, a.pagu_murni) AS DECIMAL(18,2)) AS pagu_murni,
       CAST(CASE WHEN a.n_anak > 0 AND d.pagu_perubahan IS NULL THEN a.pagu ELSE d.pagu END AS DECIMAL(18,2)) AS pagu,
       -- a blank parent's (SIPD kegiatan printed without amounts) kas is its children's
       CAST(CASE WHEN a.n_anak > 0 AND d.kas_tw1 IS NULL THEN a.kas_tw1 ELSE d.kas_tw1 END AS DECIMAL(18,2)) AS kas_tw1,
       CAST(CASE WHEN a.n_anak > 0 AND d.kas_tw2 IS NULL THEN a.kas_tw2 ELSE d.kas_tw2 END AS DECIMAL(18,2)) AS kas_tw2,
       CAST(CASE WHEN a.n_anak > 0 AND d.kas_tw3 IS NULL THEN a.kas_tw3 ELSE d.kas_tw3 END AS DECIMAL(18,2)) AS kas_tw3,
       CAST(CASE WHEN a.n_anak > 0 AND d.kas_tw4 IS NULL THEN a.kas_tw4 ELSE d.kas_tw4 END AS DECIMAL(18,2)) AS kas_tw4,
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
