CREATE OR REPLACE VIEW core.stg_iku AS FROM core.aktif('staging.iku');
