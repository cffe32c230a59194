-- Perbandingan realisasi terhadap target akhir Renstra / tahun lalu. LONG format: one row per
-- IKU and earlier year with a realisation (tahun_lalu, realisasi_lalu); an IKU without earlier
-- realisations has one row with tahun_lalu NULL. target_tahun_ini / realisasi_tahun_ini are the
-- IKU's; the last Renstra year and its target come from the Renstra sheet (matched by indicator).
-- KOTA rows: every SKPD's rows, with skpd_asal.
CREATE OR REPLACE VIEW laporan.tabel_3_renstra AS
WITH lalu AS (
    SELECT kode_skpd, tahun, kunci, tahun_data, max(nilai) AS nilai FROM core.renstra
    WHERE jenis = 'realisasi' AND tahun_data < tahun AND nilai IS NOT NULL GROUP BY ALL
), akhir AS (
    SELECT kode_skpd, tahun, kunci, max(tahun_data) AS tahun_akhir,
           arg_max(nilai, tahun_data) AS target_akhir
    FROM core.renstra WHERE jenis = 'target' GROUP BY ALL
), b AS (
    SELECT i.tahun, i.kode_skpd, s.s_d_triwulan, i.no, i.indikator, i.satuan,
           l.tahun_data AS tahun_lalu, l.nilai AS realisasi_lalu,
           i.target AS target_tahun_ini, i.realisasi AS realisasi_tahun_ini,
           a.tahun_akhir AS tahun_akhir_renstra, a.target_akhir AS target_akhir_renstra
    FROM core.iku i
    JOIN core.skpd s ON s.kode_skpd = i.kode_skpd AND s.tahun = i.tahun
    LEFT JOIN lalu l ON l.kode_skpd = i.kode_skpd AND l.tahun = i.tahun AND l.kunci = i.kunci
    LEFT JOIN akhir a ON a.kode_skpd = i.kode_skpd AND a.tahun = i.tahun AND a.kunci = i.kunci
), semua AS (
    SELECT b.*, NULL::VARCHAR AS skpd_asal FROM b
    UNION ALL
    SELECT b.* REPLACE ('KOTA' AS kode_skpd, k.s_d_triwulan AS s_d_triwulan), b.kode_skpd FROM b JOIN core.kota k USING (tahun)
)
SELECT tahun, kode_skpd, s_d_triwulan,
       CAST(row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY skpd_asal, no, tahun_lalu) AS INTEGER) AS urutan,
       no, indikator, satuan, tahun_lalu, realisasi_lalu, target_tahun_ini, realisasi_tahun_ini,
       tahun_akhir_renstra, target_akhir_renstra, skpd_asal
FROM semua;
