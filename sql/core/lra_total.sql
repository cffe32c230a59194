-- SKPD total of each LRA file (program rows when given, else kegiatan rows), for reconciliation.
CREATE OR REPLACE TABLE core.lra_total AS
SELECT l.kode_skpd, l.tahun, f.triwulan,
       coalesce(sum(CASE WHEN lower(l.baris_jenis) = 'program' THEN l.realisasi_sd_ini END),
                sum(CASE WHEN lower(l.baris_jenis) IN ('kegiatan') THEN l.realisasi_sd_ini END), 0) AS realisasi_sd_ini
FROM core.stg_lra l
JOIN core.lra_file f ON f.file_sha256 IS NOT DISTINCT FROM l.file_sha256
                    AND f.kode_skpd = l.kode_skpd AND f.tahun = l.tahun
GROUP BY ALL;
