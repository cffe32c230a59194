CREATE OR REPLACE VIEW core.stg_bumd AS FROM core.aktif('staging.bumd');
