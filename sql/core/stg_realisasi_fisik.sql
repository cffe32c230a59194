-- The rows of staging.realisasi_fisik that count (files of core.file_aktif; see core.aktif).
CREATE OR REPLACE VIEW core.stg_realisasi_fisik AS FROM core.aktif('staging.realisasi_fisik');
