-- BUMD step 1: kelompok (Sehat / Kurang Sehat / Tidak Sehat) from the kategori text (a kelompok name or
-- a grade of the scale), else from skor by the configured scale. core.bumd adds `sehat`.
CREATE OR REPLACE TABLE core.int_bumd_kelompok AS
WITH b AS (
    SELECT b.*, nullif(trim(b.kategori), '') AS kat FROM core.stg_bumd b
)
SELECT b.kode_skpd, b.tahun, b.no, b.nama, b.opini, b.skor, b.excel_row,
       coalesce(b.kat, core.skala_kode('bumd', b.skor)) AS kategori,
       coalesce(
           (SELECT DISTINCT s.kelompok FROM core.skala s
             WHERE s.skala = 'bumd' AND core.kunci(s.kelompok) = core.kunci(b.kat)),
           (SELECT max(s.kelompok) FROM core.skala s
             WHERE s.skala = 'bumd' AND upper(s.kode) = upper(b.kat)),
           core.skala_kelompok('bumd', b.skor)) AS kelompok
FROM b;
