CREATE OR REPLACE TABLE core.realisasi_rp_sp2d AS
SELECT kode_skpd, tahun, kode_kegiatan, triwulan, CAST(sum(nilai) AS DECIMAL(18,2)) AS nilai
FROM core.sp2d
WHERE jenis IN ('LS', 'GU', 'GU KKPD', 'GU NIHIL')
GROUP BY ALL;
