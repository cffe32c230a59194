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

CREATE OR REPLACE TABLE core.file_nonaktif AS
SELECT file_sha256 FROM meta.files
WHERE file_sha256 NOT IN (SELECT file_sha256 FROM core.file_aktif);

-- The rows of the files that count, per staging table.
CREATE OR REPLACE MACRO core.aktif(tabel) AS TABLE
SELECT s.* FROM query_table(tabel) s ANTI JOIN core.file_nonaktif n ON s.file_sha256 = n.file_sha256;

CREATE OR REPLACE VIEW core.stg_renja AS FROM core.aktif('staging.renja');
CREATE OR REPLACE VIEW core.stg_lra AS FROM core.aktif('staging.lra');
CREATE OR REPLACE VIEW core.stg_register_sp2d AS FROM core.aktif('staging.register_sp2d');
CREATE OR REPLACE VIEW core.stg_realisasi_fisik AS FROM core.aktif('staging.realisasi_fisik');
CREATE OR REPLACE VIEW core.stg_iku AS FROM core.aktif('staging.iku');
CREATE OR REPLACE VIEW core.stg_renstra AS FROM core.aktif('staging.renstra');
CREATE OR REPLACE VIEW core.stg_dukungan_anggaran AS FROM core.aktif('staging.dukungan_anggaran');
CREATE OR REPLACE VIEW core.stg_iku_indikator_program AS FROM core.aktif('staging.iku_indikator_program');
CREATE OR REPLACE VIEW core.stg_skm AS FROM core.aktif('staging.skm');
CREATE OR REPLACE VIEW core.stg_akip AS FROM core.aktif('staging.akip');
CREATE OR REPLACE VIEW core.stg_bumd AS FROM core.aktif('staging.bumd');
