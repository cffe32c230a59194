-- The rows of staging.bumd that count (files of core.file_aktif; see core.aktif).
CREATE OR REPLACE VIEW core.stg_bumd AS FROM core.aktif('staging.bumd');
