-- The rows of staging.register_sp2d that count (files of core.file_aktif; see core.aktif).
CREATE OR REPLACE VIEW core.stg_register_sp2d AS FROM core.aktif('staging.register_sp2d');
