-- The rows of staging.realisasi_dokumen that count (files of core.file_aktif; see core.aktif).
CREATE OR REPLACE VIEW core.stg_realisasi_dokumen AS FROM core.aktif('staging.realisasi_dokumen');
