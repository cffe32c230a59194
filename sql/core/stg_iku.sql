-- The rows of staging.iku that count (files of core.file_aktif; see core.aktif).
CREATE OR REPLACE VIEW core.stg_iku AS FROM core.aktif('staging.iku');
