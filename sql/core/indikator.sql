-- Kegiatan indicators (first on the kegiatan row, further ones on continuation rows).
CREATE OR REPLACE TABLE core.indikator AS
WITH r AS (
    SELECT *,
           coalesce(CASE WHEN baris_jenis = 'indikator' THEN kode END,
                    last_value(CASE WHEN baris_jenis IN ('kegiatan', 'sub_kegiatan') THEN kode END IGNORE NULLS)
                        OVER (PARTITION BY kode_skpd, tahun ORDER BY urutan
                              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS kode_kegiatan
    FROM core.renja
)
SELECT r.kode_skpd, r.tahun, r.kode_kegiatan, r.urutan, trim(r.indikator) AS indikator, r.target, r.satuan,
       core.cara_hitung(r.cara_hitung) AS cara_hitung, core.kunci(r.indikator) AS kunci,
       row_number() OVER (PARTITION BY r.kode_skpd, r.tahun, r.kode_kegiatan, core.kunci(r.indikator)
                          ORDER BY r.urutan) AS ke
FROM r
JOIN core.kegiatan k ON k.kode_skpd = r.kode_skpd AND k.tahun = r.tahun AND k.kode = r.kode_kegiatan
WHERE r.baris_jenis IN ('kegiatan', 'sub_kegiatan', 'indikator')
  AND nullif(trim(r.indikator), '') IS NOT NULL;
