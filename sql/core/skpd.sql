-- SKPD and year, with s_d_triwulan = the latest quarter covered by any realisation data
-- (LRA period, register: its meta period or latest SP2D date, form s.d. triwulan, SIPD documents:
-- the file's last date).
CREATE OR REPLACE TABLE core.skpd AS
WITH semua AS (
    SELECT DISTINCT kode_skpd, tahun FROM core.stg_renja
    UNION SELECT DISTINCT kode_skpd, tahun FROM core.stg_lra
    UNION SELECT kode_skpd, tahun FROM core.int_register_tahun
    UNION SELECT DISTINCT kode_skpd, tahun FROM core.stg_realisasi_dokumen
    UNION SELECT DISTINCT kode_skpd, tahun FROM core.stg_realisasi_fisik
    UNION SELECT DISTINCT kode_skpd, tahun FROM core.stg_iku
), tw AS (
    SELECT kode_skpd, tahun, max(triwulan) AS tw FROM core.lra_file GROUP BY ALL
    UNION ALL
    SELECT kode_skpd, tahun, tw FROM core.int_register_tahun
    UNION ALL
    SELECT f.kode_skpd, f.tahun, max(coalesce(f.s_d_triwulan, quarter(f.periode_akhir)))
    FROM core.file_aktif f WHERE f.kind = 'register_sp2d' GROUP BY ALL
    UNION ALL
    SELECT kode_skpd, tahun, max(s_d_triwulan) FROM core.form GROUP BY ALL
    UNION ALL
    SELECT kode_skpd, tahun, max(quarter(periode_akhir)) FROM core.realisasi_dokumen GROUP BY ALL
)
-- The name: the configuration's [skpd] table first, else the title block of the SKPD's files.
SELECT s.kode_skpd, s.tahun,
       coalesce(n.nama_skpd, (SELECT max(m.nama_skpd) FROM meta.files m
                              WHERE m.kode_skpd = s.kode_skpd AND m.nama_skpd IS NOT NULL
                                AND m.outcome IN ('accepted', 'accepted_with_warnings'))) AS nama_skpd,
       CAST((SELECT max(tw.tw) FROM tw WHERE tw.kode_skpd = s.kode_skpd AND tw.tahun = s.tahun) AS INTEGER) AS s_d_triwulan
FROM semua s
LEFT JOIN core.skpd_nama n ON n.kode_skpd = s.kode_skpd
WHERE s.kode_skpd IS NOT NULL AND s.tahun IS NOT NULL;
