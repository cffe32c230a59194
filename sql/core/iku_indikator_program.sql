CREATE OR REPLACE TABLE core.iku_indikator_program AS
SELECT p.kode_skpd, p.tahun, i.no AS iku_no, trim(p.iku) AS iku, trim(p.indikator_program) AS indikator_program,
       p.satuan, p.target, p.realisasi,
       core.capaian(p.realisasi, p.target, 'naik') AS capaian_pct,
       row_number() OVER (PARTITION BY p.kode_skpd, p.tahun ORDER BY p.excel_row, p.file_sha256) AS urutan
FROM core.stg_iku_indikator_program p
LEFT JOIN core.iku i ON i.kode_skpd = p.kode_skpd AND i.tahun = p.tahun AND i.kunci = core.kunci(p.iku);
