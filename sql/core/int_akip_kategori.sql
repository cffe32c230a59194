-- AKIP step 1: kategori as given, else from nilai by the configured scale (core.akip adds b_ke_atas).
CREATE OR REPLACE TABLE core.int_akip_kategori AS
SELECT a.kode_skpd, a.tahun, a.no, a.perangkat_daerah, a.nilai, a.excel_row,
       coalesce(nullif(upper(trim(a.kategori)), ''), core.skala_kode('akip', a.nilai)) AS kategori
FROM core.stg_akip a;
