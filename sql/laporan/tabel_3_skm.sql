-- Hasil perhitungan SKM: baris 'unit' (IKM, mutu, kinerja) and 'rata_rata' (mean IKM of the
-- units, its mutu). KOTA rows: every SKPD's rows (skpd_asal) and a 'rata_rata' of the SKPD means.
CREATE OR REPLACE VIEW laporan.tabel_3_skm AS
WITH u AS (
    SELECT tahun, kode_skpd, coalesce(no, excel_row) AS u, 'unit' AS baris, unit, ikm FROM core.skm
), r AS (
    SELECT tahun, kode_skpd, 2147483647 AS u, 'rata_rata' AS baris, NULL::VARCHAR AS unit, core.mean(ikm) AS ikm
    FROM core.skm GROUP BY ALL
), b AS (
    SELECT * FROM u UNION ALL SELECT * FROM r
), semua AS (
    SELECT b.*, s.s_d_triwulan, NULL::VARCHAR AS skpd_asal FROM b JOIN core.skpd s USING (kode_skpd, tahun)
    UNION ALL
    SELECT b.* REPLACE ('KOTA' AS kode_skpd), k.s_d_triwulan, b.kode_skpd FROM u b JOIN core.kota k USING (tahun)
    UNION ALL
    SELECT r.tahun, 'KOTA', 2147483647, 'rata_rata', NULL, core.mean(r.ikm), any_value(k.s_d_triwulan), NULL
    FROM r JOIN core.kota k USING (tahun) GROUP BY r.tahun
)
SELECT tahun, kode_skpd, s_d_triwulan,
       CAST(row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY u, skpd_asal) AS INTEGER) AS urutan,
       baris, unit, ikm, core.mutu_kode(ikm) AS mutu, core.mutu_label(ikm) AS kinerja,
       CASE WHEN baris = 'rata_rata' THEN ikm END AS rata_rata, skpd_asal
FROM semua;
