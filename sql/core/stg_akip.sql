-- The rows of staging.akip that count (files of core.file_aktif; see core.aktif).
CREATE OR REPLACE VIEW core.stg_akip AS FROM core.aktif('staging.akip');
