CREATE OR REPLACE TABLE core.realisasi_rp_lra_total AS
SELECT kode_skpd, tahun, triwulan,
       CAST(realisasi_sd_ini - coalesce(lag(realisasi_sd_ini) OVER (PARTITION BY kode_skpd, tahun ORDER BY triwulan), 0)
            AS DECIMAL(18,2)) AS nilai
FROM core.lra_total;
