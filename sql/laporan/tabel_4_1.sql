-- Tabel 4-1 Capaian dari IKU: target and realisasi (and capaian %) per IKU.
-- KOTA rows: every SKPD's rows, with skpd_asal naming the SKPD.
CREATE OR REPLACE VIEW laporan.tabel_4_1 AS
WITH b AS (
    SELECT i.tahun, i.kode_skpd, s.s_d_triwulan, i.no, i.indikator, i.satuan, i.target, i.realisasi, i.capaian_pct
    FROM core.iku i JOIN core.skpd s ON s.kode_skpd = i.kode_skpd AND s.tahun = i.tahun
), semua AS (
    SELECT b.*, NULL::VARCHAR AS skpd_asal FROM b
    UNION ALL
    SELECT b.* REPLACE ('KOTA' AS kode_skpd, k.s_d_triwulan AS s_d_triwulan), b.kode_skpd FROM b JOIN core.kota k USING (tahun)
)
SELECT tahun, kode_skpd, s_d_triwulan,
       CAST(row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY skpd_asal, no) AS INTEGER) AS urutan,
       no, indikator, satuan, target, realisasi, capaian_pct, skpd_asal
FROM semua;
