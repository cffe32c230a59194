-- Money realisation per kegiatan and quarter used by the report: SIPD's Realisasi Per Dokumen
-- when the SKPD/year has one (per sub kegiatan, core.realisasi_rp_dokumen), else the SP2D register when the
-- SKPD/year has one with kegiatan codes, else the LRA quarter differences. The form's Rp columns
-- are only reconciled (laporan.rekonsiliasi), never used instead of SIMDA.
CREATE OR REPLACE TABLE core.realisasi_rp AS
WITH sumber AS (
    SELECT s.kode_skpd, s.tahun,
           CASE WHEN EXISTS (SELECT 1 FROM core.realisasi_dokumen d WHERE d.kode_skpd = s.kode_skpd AND d.tahun = s.tahun)
                THEN 'dokumen'
                WHEN EXISTS (SELECT 1 FROM core.sp2d_ada p WHERE p.kode_skpd = s.kode_skpd AND p.tahun = s.tahun
                                                           AND p.ada_kode_register)
                THEN 'sp2d'
                WHEN EXISTS (SELECT 1 FROM core.lra_file l WHERE l.kode_skpd = s.kode_skpd AND l.tahun = s.tahun)
                THEN 'lra' END AS sumber
    FROM core.skpd s
)
SELECT r.kode_skpd, r.tahun, r.kode_kegiatan, r.triwulan, r.nilai, 'dokumen' AS sumber
FROM core.realisasi_rp_dokumen r JOIN sumber s USING (kode_skpd, tahun)
WHERE s.sumber = 'dokumen'
UNION ALL
SELECT r.kode_skpd, r.tahun, r.kode_kegiatan, r.triwulan, r.nilai, 'sp2d'
FROM core.realisasi_rp_sp2d r JOIN sumber s USING (kode_skpd, tahun)
WHERE s.sumber = 'sp2d' AND r.kode_kegiatan IS NOT NULL
UNION ALL
SELECT r.kode_skpd, r.tahun, r.kode_kegiatan, r.triwulan, r.nilai, 'lra'
FROM core.realisasi_rp_lra r JOIN sumber s USING (kode_skpd, tahun)
WHERE s.sumber = 'lra';
