-- AKIP per perangkat daerah: its kategori (core.int_akip_kategori) and whether that kategori is
-- B or above (scales.akip_b_ke_atas).
CREATE OR REPLACE TABLE core.akip AS
SELECT a.*, a.kategori IN (SELECT kode FROM core.skala WHERE skala = 'akip_b_ke_atas') AS b_ke_atas
FROM core.int_akip_kategori a;
