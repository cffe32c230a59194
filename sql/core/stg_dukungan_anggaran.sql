-- The rows of staging.dukungan_anggaran that count (files of core.file_aktif; see core.aktif).
CREATE OR REPLACE VIEW core.stg_dukungan_anggaran AS FROM core.aktif('staging.dukungan_anggaran');
