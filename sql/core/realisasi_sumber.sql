CREATE OR REPLACE VIEW core.realisasi_sumber AS
SELECT s.kode_skpd, s.tahun, (SELECT max(r.sumber) FROM core.realisasi_rp r
                              WHERE r.kode_skpd = s.kode_skpd AND r.tahun = s.tahun) AS sumber
FROM core.skpd s;
