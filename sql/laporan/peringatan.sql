-- laporan.peringatan: warnings of the model (messages in Bahasa Indonesia). It reads
-- laporan.rekonsiliasi; lkip/model.py builds it after that view (order from the references).
-- Ordered, so the Validasi sheet and the HTML list the same warnings in the same order on every run.
CREATE OR REPLACE VIEW laporan.peringatan AS
SELECT * FROM (
SELECT tahun, kode_skpd, 'lampiran_3' AS tabel, kode_kegiatan AS kode, indikator,
       'Target indikator kegiatan nol atau kosong: capaian dihitung 0 %' AS pesan
FROM core.indikator_capaian WHERE target IS NULL OR target = 0
UNION ALL
SELECT tahun, kode_skpd, 'tabel_3_1', CAST(no AS VARCHAR), indikator,
       'Target IKU nol atau kosong: capaian dihitung 0 %'
FROM core.iku WHERE target IS NULL OR target = 0
UNION ALL
SELECT tahun, kode_skpd, 'tabel_3_program_ind', CAST(iku_no AS VARCHAR), indikator_program,
       'Target indikator program nol atau kosong: capaian dihitung 0 %'
FROM core.iku_indikator_program WHERE target IS NULL OR target = 0
UNION ALL
SELECT tahun, kode_skpd, 'lampiran_3', kode, NULL,
       'Pagu kegiatan nol tetapi ada realisasi Rp ' || CAST(rp_realisasi AS VARCHAR) || ': serapan dihitung 0 %'
FROM core.kegiatan_rekap WHERE coalesce(pagu, 0) = 0 AND coalesce(rp_realisasi, 0) > 0
UNION ALL
SELECT a.tahun, a.kode_skpd, 'tabel_3_efisiensi', b.kode_kegiatan, a.iku,
       'Dukungan Anggaran IKU ' || coalesce(CAST(a.iku_no AS VARCHAR), '?') || ' menyebut kegiatan ' || a.kode_kegiatan
       || ' dan sub kegiatannya ' || b.kode_kegiatan || ': anggaran sub kegiatan itu terhitung dua kali'
FROM core.iku_kegiatan a
JOIN core.iku_kegiatan b ON b.kode_skpd = a.kode_skpd AND b.tahun = a.tahun AND b.iku_no IS NOT DISTINCT FROM a.iku_no
                        AND b.kode_kegiatan LIKE a.kode_kegiatan || '.%'
UNION ALL
SELECT tahun, kode_skpd, 'lampiran_3', kode_kegiatan, indikator,
       'Indikator pada form realisasi kinerja tidak ditemukan di Renja (baris ' || coalesce(CAST(excel_row AS VARCHAR), '?') || ')'
FROM core.realisasi_fisik_tak_cocok
UNION ALL
SELECT tahun, kode_skpd, 'rekonsiliasi', kode_kegiatan, NULL,
       'Selisih realisasi triwulan ' || triwulan || ': '
       || concat_ws('; ',
            CASE WHEN selisih_lra_sp2d <> 0 THEN 'LRA - SP2D = ' || CAST(selisih_lra_sp2d AS VARCHAR) END,
            CASE WHEN selisih_lra_form <> 0 THEN 'LRA - form = ' || CAST(selisih_lra_form AS VARCHAR) END,
            CASE WHEN selisih_sp2d_form <> 0 THEN 'SP2D - form = ' || CAST(selisih_sp2d_form AS VARCHAR) END,
            CASE WHEN selisih_dokumen_sp2d <> 0 THEN 'Dokumen - SP2D = ' || CAST(selisih_dokumen_sp2d AS VARCHAR) END,
            CASE WHEN selisih_dokumen_form <> 0 THEN 'Dokumen - form = ' || CAST(selisih_dokumen_form AS VARCHAR) END)
FROM laporan.rekonsiliasi
WHERE kode_skpd <> 'KOTA'
  AND (coalesce(selisih_lra_sp2d, 0) <> 0 OR coalesce(selisih_lra_form, 0) <> 0 OR coalesce(selisih_sp2d_form, 0) <> 0
       OR coalesce(selisih_dokumen_sp2d, 0) <> 0 OR coalesce(selisih_dokumen_form, 0) <> 0)
) ORDER BY tahun, kode_skpd, tabel, kode NULLS FIRST, indikator NULLS FIRST, pesan;
