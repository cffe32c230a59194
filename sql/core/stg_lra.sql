CREATE OR REPLACE VIEW core.stg_lra AS FROM core.aktif('staging.lra');
