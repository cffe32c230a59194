-- BUMD with its kelompok (core.int_bumd_kelompok) and whether that kelompok is Sehat.
CREATE OR REPLACE TABLE core.bumd AS
SELECT *, coalesce(core.kunci(kelompok) = 'sehat', false) AS sehat FROM core.int_bumd_kelompok;
