-- Which SKPD-years have SP2D rows, with kegiatan codes, with codes the register itself carries:
-- one row per (kode_skpd, tahun) of core.sp2d. core.realisasi_rp and laporan.rekonsiliasi ask
-- this small table instead of `EXISTS (SELECT 1 FROM core.sp2d ...)`: DuckDB answers such an
-- EXISTS with a hash table of all of core.sp2d's rows (a million for a 44-SKPD city, ~0,2 s each,
-- and rekonsiliasi is read several times a run). NULL keys never matched those EXISTS; they are
-- left out here too.
CREATE OR REPLACE TABLE core.sp2d_ada AS
SELECT kode_skpd, tahun,
       coalesce(bool_or(kode_kegiatan IS NOT NULL), false) AS ada_kode,
       coalesce(bool_or(kode_kegiatan IS NOT NULL AND has_kode_kegiatan), false) AS ada_kode_register
FROM core.sp2d
WHERE kode_skpd IS NOT NULL AND tahun IS NOT NULL
GROUP BY ALL;
