CREATE OR REPLACE VIEW core.kas AS
SELECT kode_skpd, tahun, level, kode, triwulan, nilai
FROM (SELECT kode_skpd, tahun, 'program' AS level, kode, kas_tw1, kas_tw2, kas_tw3, kas_tw4 FROM core.program
      UNION ALL
      SELECT kode_skpd, tahun, tingkat, kode, kas_tw1, kas_tw2, kas_tw3, kas_tw4 FROM core.kegiatan)
UNPIVOT INCLUDE NULLS (nilai FOR triwulan IN (kas_tw1 AS '1', kas_tw2 AS '2', kas_tw3 AS '3', kas_tw4 AS '4'));
