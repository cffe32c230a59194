-- Indikator capaian program pendukung: per IKU its program indicators, target, realisasi,
-- capaian % (polarity naik). KOTA rows: every SKPD's rows, with skpd_asal.
CREATE OR REPLACE VIEW laporan.tabel_3_program_ind AS
WITH b AS (
    SELECT p.tahun, p.kode_skpd, s.s_d_triwulan, p.urutan AS u, p.iku_no, p.iku, p.indikator_program,
           p.satuan, p.target, p.realisasi, p.capaian_pct
    FROM core.iku_indikator_program p JOIN core.skpd s ON s.kode_skpd = p.kode_skpd AND s.tahun = p.tahun
), semua AS (
    SELECT b.*, NULL::VARCHAR AS skpd_asal FROM b
    UNION ALL
    SELECT b.* REPLACE ('KOTA' AS kode_skpd, k.s_d_triwulan AS s_d_triwulan), b.kode_skpd FROM b JOIN core.kota k USING (tahun)
)
SELECT tahun, kode_skpd, s_d_triwulan,
       CAST(row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY skpd_asal, u) AS INTEGER) AS urutan,
       iku_no, iku, indikator_program, satuan, target, realisasi, capaian_pct, skpd_asal
FROM semua;
