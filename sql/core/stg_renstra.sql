-- The rows of staging.renstra that count (files of core.file_aktif; see core.aktif).
CREATE OR REPLACE VIEW core.stg_renstra AS FROM core.aktif('staging.renstra');
