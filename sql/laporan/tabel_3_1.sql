-- Tabel 3-1 Capaian Kinerja. baris = 'iku' (target, realisasi, capaian %, predikat), 'sasaran'
-- (jumlah_iku, mean capaian of its IKU), 'rata_rata' (mean capaian of all IKU).
-- KOTA rows: every SKPD's 'iku' rows (skpd_asal) and one 'rata_rata' row = the mean of the SKPD
-- rata_rata values (children are SKPD totals).
CREATE OR REPLACE VIEW laporan.tabel_3_1 AS
WITH iku AS (
    SELECT i.tahun, i.kode_skpd, s.s_d_triwulan, i.* EXCLUDE (tahun, kode_skpd) FROM core.iku i
    JOIN core.skpd s ON s.kode_skpd = i.kode_skpd AND s.tahun = i.tahun
), sasaran AS (
    SELECT tahun, kode_skpd, any_value(s_d_triwulan) AS s_d_triwulan, sasaran, min(no) AS no_awal,
           count(*) AS jumlah_iku, core.mean(capaian_pct) AS rata
    FROM iku GROUP BY tahun, kode_skpd, sasaran
), rata AS (
    SELECT tahun, kode_skpd, any_value(s_d_triwulan) AS s_d_triwulan, count(*) AS jumlah_iku, core.mean(capaian_pct) AS rata
    FROM iku GROUP BY tahun, kode_skpd
), b AS (
    SELECT tahun, kode_skpd, s_d_triwulan, 0 AS blok, no AS u, 'iku' AS baris, no, sasaran, indikator, satuan, polaritas,
           target, realisasi, capaian_pct, NULL::BIGINT AS jumlah_iku, NULL::DOUBLE AS rata_rata_capaian_pct,
           NULL::VARCHAR AS skpd_asal
    FROM iku
    UNION ALL
    SELECT tahun, kode_skpd, s_d_triwulan, 1, no_awal, 'sasaran', NULL, sasaran, NULL, NULL, NULL,
           NULL, NULL, NULL, jumlah_iku, rata, NULL FROM sasaran
    UNION ALL
    SELECT tahun, kode_skpd, s_d_triwulan, 2, 0, 'rata_rata', NULL, NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, jumlah_iku, rata, NULL FROM rata
    UNION ALL
    SELECT i.tahun, 'KOTA', k.s_d_triwulan, 0, i.no, 'iku', i.no, i.sasaran, i.indikator, i.satuan, i.polaritas,
           i.target, i.realisasi, i.capaian_pct, NULL, NULL, i.kode_skpd
    FROM iku i JOIN core.kota k USING (tahun)
    UNION ALL
    SELECT r.tahun, 'KOTA', any_value(k.s_d_triwulan), 2, 0, 'rata_rata', NULL, NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, sum(r.jumlah_iku), core.mean(r.rata), NULL
    FROM rata r JOIN core.kota k USING (tahun) GROUP BY r.tahun
), n AS (
    SELECT *, coalesce(capaian_pct, rata_rata_capaian_pct) AS nilai FROM b
)
SELECT tahun, kode_skpd, s_d_triwulan,
       CAST(row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY blok, skpd_asal, u) AS INTEGER) AS urutan,
       baris, no, sasaran, indikator, satuan, polaritas, target, realisasi, capaian_pct,
       core.skala_kode('predikat', nilai) AS predikat, core.skala_label('predikat', nilai) AS predikat_label,
       jumlah_iku, rata_rata_capaian_pct, skpd_asal
FROM n;
