-- Penilaian Tingkat Kesehatan BUMD: baris 'bumd' (opini, skor, kategori, kelompok, sehat) and
-- 'rekap' (jumlah_bumd, jumlah_sehat, persen_sehat). KOTA rows: every SKPD's rows, with skpd_asal.
CREATE OR REPLACE VIEW laporan.tabel_3_bumd AS
WITH b AS (
    SELECT tahun, kode_skpd, coalesce(no, excel_row) AS u, 'bumd' AS baris, nama, opini, skor, kategori, kelompok, sehat,
           NULL::BIGINT AS jumlah_bumd, NULL::BIGINT AS jumlah_sehat, NULL::DOUBLE AS persen_sehat
    FROM core.bumd
    UNION ALL
    SELECT tahun, kode_skpd, 2147483647, 'rekap', NULL, NULL, NULL, NULL, NULL, NULL,
           count(*), count(*) FILTER (WHERE sehat), count(*) FILTER (WHERE sehat) * 100.0 / count(*)
    FROM core.bumd GROUP BY ALL
), semua AS (
    SELECT b.*, s.s_d_triwulan, NULL::VARCHAR AS skpd_asal FROM b JOIN core.skpd s USING (kode_skpd, tahun)
    UNION ALL
    SELECT b.* REPLACE ('KOTA' AS kode_skpd), k.s_d_triwulan, b.kode_skpd FROM b JOIN core.kota k USING (tahun)
)
SELECT tahun, kode_skpd, s_d_triwulan,
       CAST(row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY skpd_asal, u) AS INTEGER) AS urutan,
       baris, nama, opini, skor, kategori, kelompok, sehat, jumlah_bumd, jumlah_sehat, persen_sehat, skpd_asal
FROM semua;
