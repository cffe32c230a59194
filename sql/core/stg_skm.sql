CREATE OR REPLACE VIEW core.stg_skm AS FROM core.aktif('staging.skm');
