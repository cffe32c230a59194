-- Dukungan Anggaran: which kegiatan support which IKU (in sheet order). In the SIPD era a code
-- may name a kegiatan or a sub kegiatan (canonical code: either one's row of core.kegiatan_rekap).
CREATE OR REPLACE TABLE core.iku_kegiatan AS
SELECT d.kode_skpd, d.tahun, i.no AS iku_no, trim(d.indikator) AS iku, core.kode_era(d.kode_skpd, d.kode_kegiatan) AS kode_kegiatan,
       d.nama_kegiatan, row_number() OVER (PARTITION BY d.kode_skpd, d.tahun ORDER BY d.excel_row, d.file_sha256) AS urutan
FROM core.stg_dukungan_anggaran d
LEFT JOIN core.iku i ON i.kode_skpd = d.kode_skpd AND i.tahun = d.tahun AND i.kunci = core.kunci(d.indikator)
WHERE core.kode(d.kode_kegiatan) IS NOT NULL;
