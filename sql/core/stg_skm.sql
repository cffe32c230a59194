-- The rows of staging.skm that count (files of core.file_aktif; see core.aktif).
CREATE OR REPLACE VIEW core.stg_skm AS FROM core.aktif('staging.skm');
