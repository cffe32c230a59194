-- IKU step 1: the PK/IKU rows, cleaned, with their realisasi: as entered, or computed from the
-- evidence sheet named in dihitung_dari (SKM mean IKM, AKIP % B or above, BUMD % sehat).
-- core.iku adds capaian_pct.
CREATE OR REPLACE TABLE core.int_iku_realisasi AS
WITH bukti AS (
    SELECT s.kode_skpd, s.tahun,
           (SELECT core.mean(ikm) FROM core.skm x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun) AS skm,
           (SELECT count(*) FILTER (WHERE b_ke_atas) * 100.0 / nullif(count(*), 0)
              FROM core.akip x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun) AS akip,
           (SELECT count(*) FILTER (WHERE sehat) * 100.0 / nullif(count(*), 0)
              FROM core.bumd x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun) AS bumd
    FROM core.skpd s
)
SELECT i.kode_skpd, i.tahun, i.no, i.excel_row, trim(i.sasaran) AS sasaran, trim(i.indikator) AS indikator,
       i.satuan, coalesce(nullif(lower(trim(i.polaritas)), ''), 'naik') AS polaritas,
       i.target, i.target_tw1, i.target_tw2, i.target_tw3, i.target_tw4,
       upper(nullif(trim(i.dihitung_dari), '')) AS dihitung_dari, i.sumber_data,
       i.realisasi AS realisasi_input,
       CASE upper(nullif(trim(i.dihitung_dari), ''))
           WHEN 'SKM' THEN b.skm WHEN 'AKIP' THEN b.akip WHEN 'BUMD' THEN b.bumd
           ELSE i.realisasi END AS realisasi,
       core.kunci(i.indikator) AS kunci
FROM core.stg_iku i
LEFT JOIN bukti b ON b.kode_skpd = i.kode_skpd AND b.tahun = i.tahun
WHERE nullif(trim(i.indikator), '') IS NOT NULL;
