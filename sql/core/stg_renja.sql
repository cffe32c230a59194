-- The rows of staging.renja that count (files of core.file_aktif; see core.aktif).
CREATE OR REPLACE VIEW core.stg_renja AS FROM core.aktif('staging.renja');
