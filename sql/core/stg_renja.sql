CREATE OR REPLACE VIEW core.stg_renja AS FROM core.aktif('staging.renja');
