-- Tabel 2-1 Tujuan dan Sasaran Jangka Menengah: Renstra targets, LONG format: one row per
-- indicator and target year (tahun_target, target). uraian: the Renstra row's own text, else
-- (sasaran rows) the IKU's sasaran with the same indicator.
-- KOTA rows: every SKPD's rows, with skpd_asal naming the SKPD.
CREATE OR REPLACE VIEW laporan.tabel_2_1 AS
WITH b AS (
    SELECT r.tahun, r.kode_skpd, s.s_d_triwulan, r.urutan AS u, r.tahun_data, r.tingkat AS level,
           coalesce(r.uraian, (SELECT max(i.sasaran) FROM core.iku i WHERE i.kode_skpd = r.kode_skpd
                                AND i.tahun = r.tahun AND i.kunci = r.kunci AND r.tingkat = 'sasaran')) AS uraian,
           r.indikator, r.satuan, r.tahun_data AS tahun_target, r.nilai AS target
    FROM core.renstra r JOIN core.skpd s ON s.kode_skpd = r.kode_skpd AND s.tahun = r.tahun
    WHERE r.jenis = 'target'
), semua AS (
    SELECT b.*, NULL::VARCHAR AS skpd_asal FROM b
    UNION ALL
    SELECT b.* REPLACE ('KOTA' AS kode_skpd, k.s_d_triwulan AS s_d_triwulan), b.kode_skpd FROM b JOIN core.kota k USING (tahun)
)
SELECT tahun, kode_skpd, s_d_triwulan,
       CAST(row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY skpd_asal, u, tahun_data) AS INTEGER) AS urutan,
       level, uraian, indikator, satuan, tahun_target, target, skpd_asal
FROM semua;
