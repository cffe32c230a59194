-- Which staged files count: the latest accepted, non-superseded file per (kind, kode_skpd, tahun,
-- periode_akhir) of meta.files. Staging rows of any other registered file are ignored; rows
-- whose file is not registered in meta.files at all (hand-built data) are kept.
CREATE OR REPLACE TABLE core.file_aktif AS
SELECT file_sha256, kind, kode_skpd, tahun, periode_akhir, s_d_triwulan, staged_at
FROM meta.files
WHERE superseded_by IS NULL AND outcome IN ('accepted', 'accepted_with_warnings')
QUALIFY row_number() OVER (
    PARTITION BY kind, kode_skpd, tahun, periode_akhir
    ORDER BY staged_at DESC NULLS LAST, file_sha256 DESC) = 1;

CREATE OR REPLACE TABLE core.file_nonaktif AS
SELECT file_sha256 FROM meta.files
WHERE file_sha256 NOT IN (SELECT file_sha256 FROM core.file_aktif);

CREATE OR REPLACE VIEW core.stg_renja AS
SELECT s.* FROM staging.renja s ANTI JOIN core.file_nonaktif n ON s.file_sha256 = n.file_sha256;
CREATE OR REPLACE VIEW core.stg_lra AS
SELECT s.* FROM staging.lra s ANTI JOIN core.file_nonaktif n ON s.file_sha256 = n.file_sha256;
CREATE OR REPLACE VIEW core.stg_register_sp2d AS
SELECT s.* FROM staging.register_sp2d s ANTI JOIN core.file_nonaktif n ON s.file_sha256 = n.file_sha256;
CREATE OR REPLACE VIEW core.stg_realisasi_fisik AS
SELECT s.* FROM staging.realisasi_fisik s ANTI JOIN core.file_nonaktif n ON s.file_sha256 = n.file_sha256;
CREATE OR REPLACE VIEW core.stg_iku AS
SELECT s.* FROM staging.iku s ANTI JOIN core.file_nonaktif n ON s.file_sha256 = n.file_sha256;
CREATE OR REPLACE VIEW core.stg_renstra AS
SELECT s.* FROM staging.renstra s ANTI JOIN core.file_nonaktif n ON s.file_sha256 = n.file_sha256;
CREATE OR REPLACE VIEW core.stg_dukungan_anggaran AS
SELECT s.* FROM staging.dukungan_anggaran s ANTI JOIN core.file_nonaktif n ON s.file_sha256 = n.file_sha256;
CREATE OR REPLACE VIEW core.stg_iku_indikator_program AS
SELECT s.* FROM staging.iku_indikator_program s ANTI JOIN core.file_nonaktif n ON s.file_sha256 = n.file_sha256;
CREATE OR REPLACE VIEW core.stg_skm AS
SELECT s.* FROM staging.skm s ANTI JOIN core.file_nonaktif n ON s.file_sha256 = n.file_sha256;
CREATE OR REPLACE VIEW core.stg_akip AS
SELECT s.* FROM staging.akip s ANTI JOIN core.file_nonaktif n ON s.file_sha256 = n.file_sha256;
CREATE OR REPLACE VIEW core.stg_bumd AS
SELECT s.* FROM staging.bumd s ANTI JOIN core.file_nonaktif n ON s.file_sha256 = n.file_sha256;
