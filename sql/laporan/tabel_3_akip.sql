-- Rekapitulasi Hasil Evaluasi AKIP: baris 'opd' (nilai, kategori; kategori computed from nilai
-- when blank) and 'rekap' (jumlah_opd, jumlah_b_ke_atas, persen_b_ke_atas).
-- KOTA rows: every SKPD's rows, with skpd_asal.
CREATE OR REPLACE VIEW laporan.tabel_3_akip AS
WITH b AS (
    SELECT tahun, kode_skpd, coalesce(no, excel_row) AS u, 'opd' AS baris, perangkat_daerah, nilai, kategori,
           b_ke_atas, NULL::BIGINT AS jumlah_opd, NULL::BIGINT AS jumlah_b_ke_atas, NULL::DOUBLE AS persen_b_ke_atas
    FROM core.akip
    UNION ALL
    SELECT tahun, kode_skpd, 2147483647, 'rekap', NULL, NULL, NULL, NULL,
           count(*), count(*) FILTER (WHERE b_ke_atas), count(*) FILTER (WHERE b_ke_atas) * 100.0 / count(*)
    FROM core.akip GROUP BY ALL
), semua AS (
    SELECT b.*, s.s_d_triwulan, NULL::VARCHAR AS skpd_asal FROM b JOIN core.skpd s USING (kode_skpd, tahun)
    UNION ALL
    SELECT b.* REPLACE ('KOTA' AS kode_skpd), k.s_d_triwulan, b.kode_skpd FROM b JOIN core.kota k USING (tahun)
)
SELECT tahun, kode_skpd, s_d_triwulan,
       CAST(row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY skpd_asal, u) AS INTEGER) AS urutan,
       baris, perangkat_daerah, nilai, kategori, b_ke_atas, jumlah_opd, jumlah_b_ke_atas, persen_b_ke_atas, skpd_asal
FROM semua;
