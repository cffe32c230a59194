CREATE OR REPLACE VIEW core.stg_iku_indikator_program AS FROM core.aktif('staging.iku_indikator_program');
