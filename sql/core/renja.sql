-- Plan and budget (Renja / DPA). One Renja file per SKPD and year: a Perubahan document before
-- a murni one, then the latest staged.
CREATE OR REPLACE TABLE core.renja AS
WITH per_file AS (
    SELECT r.kode_skpd, r.tahun, r.file_sha256,
           bool_or(coalesce(r.is_perubahan, false)) AS perubahan,
           max(f.staged_at) AS staged_at
    FROM core.stg_renja r LEFT JOIN meta.files f ON f.file_sha256 = r.file_sha256
    GROUP BY ALL
), pilih AS (
    SELECT * FROM per_file
    QUALIFY row_number() OVER (PARTITION BY kode_skpd, tahun
                               ORDER BY perubahan DESC, staged_at DESC NULLS LAST, file_sha256 DESC NULLS LAST) = 1
)
SELECT r.* REPLACE (core.kode_era(r.kode_skpd, r.kode) AS kode, core.kode_era(r.kode_skpd, r.kode_induk) AS kode_induk,
                    lower(trim(r.baris_jenis)) AS baris_jenis)
FROM core.stg_renja r
JOIN pilih p ON p.kode_skpd = r.kode_skpd AND p.tahun = r.tahun
            AND p.file_sha256 IS NOT DISTINCT FROM r.file_sha256;
