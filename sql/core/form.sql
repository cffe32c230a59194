-- Form Realisasi Kinerja: forms come per Bagian and corrections per row, so a newer form replaces
-- the rows it holds, not the SKPD's whole form. Per SKPD, year, kegiatan and indicator (its
-- normalised text) the rows of the latest staged form count (files not in meta.files, hand-built:
-- the highest s_d_triwulan); rows no newer form holds keep their value.
CREATE OR REPLACE TABLE core.form AS
WITH r AS (
    SELECT s.* REPLACE (core.kode_era(s.kode_skpd, s.kode_kegiatan) AS kode_kegiatan), f.staged_at AS __staged_at,
           core.kunci(s.indikator) AS __kunci   -- once per row (in the PARTITION BY it costs more)
    FROM core.stg_realisasi_fisik s
    LEFT JOIN core.file_aktif f ON f.file_sha256 = s.file_sha256
)
SELECT * EXCLUDE (__staged_at, __kunci)
FROM r
QUALIFY dense_rank() OVER (
    PARTITION BY kode_skpd, tahun, kode_kegiatan, __kunci
    ORDER BY __staged_at DESC NULLS LAST, s_d_triwulan DESC NULLS LAST, file_sha256 DESC) = 1;
