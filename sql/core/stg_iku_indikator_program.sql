-- The rows of staging.iku_indikator_program that count (files of core.file_aktif; see core.aktif).
CREATE OR REPLACE VIEW core.stg_iku_indikator_program AS FROM core.aktif('staging.iku_indikator_program');
