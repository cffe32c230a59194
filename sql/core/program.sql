CREATE OR REPLACE TABLE core.program AS
SELECT kode_skpd, tahun, kode, uraian, nullif(trim(indikator), '') AS indikator, target, satuan,
       pagu_murni, pagu_perubahan, kas_tw1, kas_tw2, kas_tw3, kas_tw4, urutan
FROM core.renja
WHERE baris_jenis = 'program' AND kode IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY kode_skpd, tahun, kode ORDER BY urutan) = 1;
