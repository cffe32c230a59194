-- A form row whose kegiatan is not in the SKPD's Renja is staged with a warning and left out.
CREATE OR REPLACE TABLE core.realisasi_rp_form AS
SELECT kode_skpd, tahun, kode_kegiatan, CAST(triwulan AS INTEGER) AS triwulan,
       CAST(sum(nilai) AS DECIMAL(18,2)) AS nilai
FROM (SELECT * FROM core.form f
      WHERE NOT EXISTS (SELECT 1 FROM core.kegiatan k WHERE k.kode_skpd = f.kode_skpd AND k.tahun = f.tahun)
         OR EXISTS (SELECT 1 FROM core.kegiatan k WHERE k.kode_skpd = f.kode_skpd AND k.tahun = f.tahun
                                                   AND k.kode = f.kode_kegiatan))
UNPIVOT (nilai FOR triwulan IN (rp_tw1 AS '1', rp_tw2 AS '2', rp_tw3 AS '3', rp_tw4 AS '4'))
GROUP BY ALL;
