CREATE OR REPLACE VIEW core.stg_register_sp2d AS FROM core.aktif('staging.register_sp2d');
