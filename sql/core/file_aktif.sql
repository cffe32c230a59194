-- Which staged files count: the latest accepted, non-superseded file per (kind, kode_skpd, tahun,
-- periode_akhir) of meta.files. Staging rows of any other registered file are ignored; rows
-- whose file is not registered in meta.files at all (hand-built data) are kept.
-- Forms (Form Realisasi Kinerja) replace per row, not per file: every accepted, non-superseded
-- form counts, and core.form takes the latest form's rows per kegiatan and indicator.
CREATE OR REPLACE TABLE core.file_aktif AS
SELECT file_sha256, kind, kode_skpd, tahun, periode_akhir, s_d_triwulan, staged_at
FROM meta.files
WHERE superseded_by IS NULL AND outcome IN ('accepted', 'accepted_with_warnings')
QUALIFY row_number() OVER (
    PARTITION BY kind, kode_skpd, tahun, periode_akhir,
                 CASE WHEN kind = 'realisasi_fisik' THEN file_sha256 END
    ORDER BY staged_at DESC NULLS LAST, file_sha256 DESC) = 1;
