-- Alokasi dan Realisasi Anggaran serta Tingkat Efisiensi. baris 'iku': pagu and realisasi summed
-- over its kegiatan (Dukungan Anggaran), serapan % = sum realisasi / sum pagu, capaian % of the
-- IKU, efisiensi % = capaian - serapan and its kategori (configurable thresholds); baris
-- 'kegiatan': each supporting kegiatan with pagu, realisasi, serapan %.
-- KOTA rows: every SKPD's rows, with skpd_asal naming the SKPD.
CREATE OR REPLACE VIEW laporan.tabel_3_efisiensi AS
WITH keg AS (
    SELECT d.tahun, d.kode_skpd, d.iku_no, d.urutan, d.kode_kegiatan AS kode,
           coalesce(k.uraian, d.nama_kegiatan) AS kegiatan,
           coalesce(k.pagu, 0) AS pagu, coalesce(k.rp_realisasi, 0) AS realisasi
    FROM core.iku_kegiatan d
    LEFT JOIN core.kegiatan_rekap k ON k.kode_skpd = d.kode_skpd AND k.tahun = d.tahun AND k.kode = d.kode_kegiatan
), iku AS (
    SELECT i.tahun, i.kode_skpd, i.no, i.indikator, i.capaian_pct,
           CAST(coalesce(sum(k.pagu), 0) AS DECIMAL(18,2)) AS pagu,
           CAST(coalesce(sum(k.realisasi), 0) AS DECIMAL(18,2)) AS realisasi
    FROM core.iku i LEFT JOIN keg k ON k.kode_skpd = i.kode_skpd AND k.tahun = i.tahun AND k.iku_no = i.no
    GROUP BY i.tahun, i.kode_skpd, i.no, i.indikator, i.capaian_pct
), b AS (
    SELECT tahun, kode_skpd, no AS u1, 0 AS u2, 'iku' AS baris, no, indikator, NULL::VARCHAR AS kode, NULL::VARCHAR AS kegiatan,
           pagu, realisasi, core.serapan(realisasi, pagu) AS serapan_pct, capaian_pct,
           capaian_pct - core.serapan(realisasi, pagu) AS efisiensi_pct
    FROM iku
    UNION ALL
    SELECT tahun, kode_skpd, iku_no, urutan, 'kegiatan', iku_no, NULL, kode, kegiatan,
           CAST(pagu AS DECIMAL(18,2)), CAST(realisasi AS DECIMAL(18,2)), core.serapan(realisasi, pagu), NULL, NULL
    FROM keg
), s AS (
    SELECT b.*, sk.s_d_triwulan, NULL::VARCHAR AS skpd_asal FROM b JOIN core.skpd sk USING (kode_skpd, tahun)
    UNION ALL
    SELECT b.* REPLACE ('KOTA' AS kode_skpd), k.s_d_triwulan, b.kode_skpd FROM b JOIN core.kota k USING (tahun)
)
SELECT tahun, kode_skpd, s_d_triwulan,
       CAST(row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY skpd_asal, u1, u2) AS INTEGER) AS urutan,
       baris, no, indikator, kode, kegiatan, pagu, realisasi, serapan_pct, capaian_pct, efisiensi_pct,
       core.kategori_efisiensi(efisiensi_pct) AS kategori_efisiensi, skpd_asal
FROM s;
