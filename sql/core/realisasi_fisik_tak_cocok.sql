-- Form indicators that match no Renja indicator (reported in laporan.peringatan).
CREATE OR REPLACE TABLE core.realisasi_fisik_tak_cocok AS
SELECT f.kode_skpd, f.tahun, f.kode_kegiatan, f.indikator, f.sheet, f.excel_row
FROM core.form_indikator f
ANTI JOIN core.indikator i
  ON f.kode_skpd = i.kode_skpd AND f.tahun = i.tahun AND f.kode_kegiatan = i.kode_kegiatan
 AND f.kunci = i.kunci AND f.ke = i.ke;
