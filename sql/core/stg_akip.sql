CREATE OR REPLACE VIEW core.stg_akip AS FROM core.aktif('staging.akip');
