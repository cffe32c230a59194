CREATE OR REPLACE TABLE core.realisasi_rp_form AS
SELECT kode_skpd, tahun, kode_kegiatan, CAST(triwulan AS INTEGER) AS triwulan,
       CAST(sum(nilai) AS DECIMAL(18,2)) AS nilai
FROM core.form
UNPIVOT (nilai FOR triwulan IN (rp_tw1 AS '1', rp_tw2 AS '2', rp_tw3 AS '3', rp_tw4 AS '4'))
GROUP BY ALL;
