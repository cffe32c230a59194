CREATE OR REPLACE VIEW core.stg_dukungan_anggaran AS FROM core.aktif('staging.dukungan_anggaran');
