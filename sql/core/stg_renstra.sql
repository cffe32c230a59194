CREATE OR REPLACE VIEW core.stg_renstra AS FROM core.aktif('staging.renstra');
