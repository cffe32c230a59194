-- The rows of staging.lra that count (files of core.file_aktif; see core.aktif).
CREATE OR REPLACE VIEW core.stg_lra AS FROM core.aktif('staging.lra');
