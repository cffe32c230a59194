-- Cumulative realisation per kegiatan (and sub kegiatan) code as of each LRA file.
CREATE OR REPLACE TABLE core.lra_kumulatif AS
WITH dari_file AS (
    SELECT l.kode_skpd, l.tahun, f.triwulan,
           core.kode(coalesce(l.kode_kegiatan, l.kode)) AS kode_kegiatan,
           sum(coalesce(l.realisasi_sd_ini, 0)) AS realisasi_sd_ini,
           sum(l.realisasi_sd_lalu) AS realisasi_sd_lalu
    FROM core.stg_lra l
    JOIN core.lra_file f ON f.file_sha256 IS NOT DISTINCT FROM l.file_sha256
                        AND f.kode_skpd = l.kode_skpd AND f.tahun = l.tahun
    WHERE lower(l.baris_jenis) IN ('kegiatan', 'sub_kegiatan')
    GROUP BY ALL
)
SELECT kode_skpd, tahun, triwulan, kode_kegiatan, realisasi_sd_ini, true AS dari_file FROM dari_file
UNION ALL
-- 'Realisasi s.d. periode lalu' of a file gives the cumulative of the quarter before it when
-- that quarter's own file is absent (e.g. only the December LRA was dropped).
SELECT d.kode_skpd, d.tahun, d.triwulan - 1, d.kode_kegiatan, d.realisasi_sd_lalu, false
FROM dari_file d
WHERE d.triwulan > 1 AND d.realisasi_sd_lalu IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM core.lra_file f WHERE f.kode_skpd = d.kode_skpd AND f.tahun = d.tahun
                                                  AND f.triwulan = d.triwulan - 1);
