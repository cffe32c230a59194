CREATE OR REPLACE VIEW core.stg_realisasi_fisik AS FROM core.aktif('staging.realisasi_fisik');
