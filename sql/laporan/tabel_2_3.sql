-- Tabel 2-3 Perjanjian Kinerja: IKU targets, yearly and per quarter.
-- KOTA rows: every SKPD's rows, with skpd_asal naming the SKPD.
CREATE OR REPLACE VIEW laporan.tabel_2_3 AS
WITH b AS (
    SELECT i.tahun, i.kode_skpd, s.s_d_triwulan, i.no, i.sasaran, i.indikator, i.satuan, i.polaritas,
           i.target, i.target_tw1, i.target_tw2, i.target_tw3, i.target_tw4
    FROM core.iku i JOIN core.skpd s ON s.kode_skpd = i.kode_skpd AND s.tahun = i.tahun
), semua AS (
    SELECT b.*, NULL::VARCHAR AS skpd_asal FROM b
    UNION ALL
    SELECT b.* REPLACE ('KOTA' AS kode_skpd, k.s_d_triwulan AS s_d_triwulan), b.kode_skpd FROM b JOIN core.kota k USING (tahun)
)
SELECT tahun, kode_skpd, s_d_triwulan,
       CAST(row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY skpd_asal, no) AS INTEGER) AS urutan,
       no, sasaran, indikator, satuan, polaritas, target, target_tw1, target_tw2, target_tw3, target_tw4, skpd_asal
FROM semua;
