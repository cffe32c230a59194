-- Indicators of kegiatan and sub kegiatan (first on the entity's row, further ones on continuation
-- rows), and in the SIPD era (core.era_sipd) of programs too: there every level's indicators are
-- listed under their owner's code (docs/sipd.md), while only sub kegiatan indicators enter K %
-- (a kegiatan with sub kegiatan takes their mean, core.kegiatan_rekap).
CREATE OR REPLACE TABLE core.indikator AS
WITH pemilik AS (
    SELECT kode_skpd, tahun, kode FROM core.kegiatan
    UNION ALL
    SELECT kode_skpd, tahun, kode FROM core.program WHERE core.era_sipd(kode_skpd)
), r AS (
    SELECT *,
           coalesce(CASE WHEN baris_jenis = 'indikator' THEN kode END,
                    last_value(CASE WHEN baris_jenis IN ('kegiatan', 'sub_kegiatan')
                                      OR (baris_jenis = 'program' AND core.era_sipd(kode_skpd)) THEN kode END IGNORE NULLS)
                        OVER (PARTITION BY kode_skpd, tahun ORDER BY urutan
                              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS kode_kegiatan
    FROM core.renja
), i AS (
    SELECT r.kode_skpd, r.tahun, r.kode_kegiatan, r.urutan, trim(r.indikator) AS indikator, r.target, r.satuan,
           core.cara_hitung(r.cara_hitung) AS cara_hitung, core.kunci(r.indikator) AS kunci
    FROM r
    JOIN pemilik k ON k.kode_skpd = r.kode_skpd AND k.tahun = r.tahun AND k.kode = r.kode_kegiatan
    WHERE (r.baris_jenis IN ('kegiatan', 'sub_kegiatan', 'indikator')
           OR (r.baris_jenis = 'program' AND core.era_sipd(r.kode_skpd)))
      AND nullif(trim(r.indikator), '') IS NOT NULL
)
-- (core.kunci computed once per row, in `i`: inside the window's PARTITION BY it costs more)
SELECT *, row_number() OVER (PARTITION BY kode_skpd, tahun, kode_kegiatan, kunci ORDER BY urutan) AS ke
FROM i;
