-- IKM per unit: Nilai IKM, or mean(U1..U9) * 25 when given as NRR per element.
CREATE OR REPLACE TABLE core.skm AS
SELECT kode_skpd, tahun, no, unit, excel_row,
       coalesce(nilai_ikm, list_avg([u1, u2, u3, u4, u5, u6, u7, u8, u9]) * 25) AS ikm
FROM core.stg_skm
WHERE nullif(trim(unit), '') IS NOT NULL;
