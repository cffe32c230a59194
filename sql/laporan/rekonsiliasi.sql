-- Rekonsiliasi realisasi: per kegiatan and quarter (up to s_d_triwulan) the realisation from the
-- SIMDA LRA (differences of cumulative files), from the SP2D register (LS, GU, GU NIHIL) and from
-- the form's Rp columns, and their differences (NULL when a source is absent). A register
-- without kegiatan codes is reconciled on the SKPD total rows (level 'skpd', kode '').
-- SIPD era (docs/sipd.md 7): `dokumen` is Realisasi Per Dokumen (core.realisasi_rp_dokumen) per sub
-- kegiatan, level the row's tingkat; the SIPD register has no sub kegiatan codes, so it is compared
-- on the SKPD total rows only.
-- KOTA rows: every SKPD's rows, with skpd_asal.
CREATE OR REPLACE VIEW laporan.rekonsiliasi AS
WITH ada AS (
    SELECT s.kode_skpd, s.tahun, s.s_d_triwulan,
           EXISTS (SELECT 1 FROM core.lra_file x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun) AS ada_lra,
           EXISTS (SELECT 1 FROM core.sp2d_ada x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun) AS ada_sp2d,
           EXISTS (SELECT 1 FROM core.sp2d_ada x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun
                                                  AND x.ada_kode) AS ada_sp2d_kode,
           EXISTS (SELECT 1 FROM core.form x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun
                   AND (x.rp_tw1 IS NOT NULL OR x.rp_tw2 IS NOT NULL OR x.rp_tw3 IS NOT NULL OR x.rp_tw4 IS NOT NULL)) AS ada_form,
           EXISTS (SELECT 1 FROM core.realisasi_dokumen x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun) AS ada_dokumen
    FROM core.skpd s
), kode AS (
    SELECT kode_skpd, tahun, kode AS kode_kegiatan, uraian, urutan, tingkat FROM core.kegiatan
    UNION ALL
    SELECT DISTINCT x.kode_skpd, x.tahun, x.kode_kegiatan, NULL, 2147483647, 'kegiatan' FROM (
        SELECT kode_skpd, tahun, kode_kegiatan FROM core.realisasi_rp_sp2d
        UNION ALL SELECT kode_skpd, tahun, kode_kegiatan FROM core.realisasi_rp_dokumen) x
    WHERE x.kode_kegiatan IS NOT NULL AND NOT EXISTS (SELECT 1 FROM core.kegiatan k WHERE k.kode_skpd = x.kode_skpd
                                                         AND k.tahun = x.tahun AND k.kode = x.kode_kegiatan)
), grid AS (
    SELECT k.*, a.s_d_triwulan, a.ada_lra, a.ada_sp2d, a.ada_sp2d_kode, a.ada_form, a.ada_dokumen, t.triwulan
    FROM kode k JOIN ada a USING (kode_skpd, tahun)
    CROSS JOIN (SELECT unnest([1, 2, 3, 4]) AS triwulan) t
    WHERE t.triwulan <= coalesce(a.s_d_triwulan, 0)
), keg AS (
    SELECT g.kode_skpd, g.tahun, g.s_d_triwulan, g.urutan,
           CASE WHEN core.era_sipd(g.kode_skpd) THEN g.tingkat ELSE 'kegiatan' END AS level, g.kode_kegiatan, g.uraian, g.triwulan,
           CASE WHEN g.ada_lra AND coalesce(l.lengkap, g.triwulan IN (SELECT x.triwulan FROM core.lra_file x WHERE x.kode_skpd = g.kode_skpd AND x.tahun = g.tahun)) THEN CAST(coalesce(l.nilai, 0) AS DECIMAL(18,2)) END AS lra,
           CASE WHEN g.ada_sp2d_kode THEN CAST(coalesce(p.nilai, 0) AS DECIMAL(18,2)) END AS sp2d,
           CASE WHEN g.ada_form THEN CAST(coalesce(f.nilai, 0) AS DECIMAL(18,2)) END AS form,
           CASE WHEN g.ada_dokumen THEN CAST(coalesce(d.nilai, 0) AS DECIMAL(18,2)) END AS dokumen
    FROM grid g
    LEFT JOIN core.realisasi_rp_lra l ON l.kode_skpd = g.kode_skpd AND l.tahun = g.tahun
         AND l.kode_kegiatan = g.kode_kegiatan AND l.triwulan = g.triwulan
    LEFT JOIN core.realisasi_rp_sp2d p ON p.kode_skpd = g.kode_skpd AND p.tahun = g.tahun
         AND p.kode_kegiatan = g.kode_kegiatan AND p.triwulan = g.triwulan
    LEFT JOIN core.realisasi_rp_form f ON f.kode_skpd = g.kode_skpd AND f.tahun = g.tahun
         AND f.kode_kegiatan = g.kode_kegiatan AND f.triwulan = g.triwulan
    LEFT JOIN core.realisasi_rp_dokumen d ON d.kode_skpd = g.kode_skpd AND d.tahun = g.tahun
         AND d.kode_kegiatan = g.kode_kegiatan AND d.triwulan = g.triwulan
    -- a kegiatan with sub kegiatan is reconciled on its sub kegiatan (SIMDA codes the leaves)
    WHERE NOT EXISTS (SELECT 1 FROM core.kegiatan c WHERE c.kode_skpd = g.kode_skpd AND c.tahun = g.tahun
                                                      AND c.kode_induk = g.kode_kegiatan)
), total AS (
    SELECT a.kode_skpd, a.tahun, a.s_d_triwulan, 2147483647 AS urutan, 'skpd' AS level, '' AS kode_kegiatan,
           'TOTAL SKPD' AS uraian, t.triwulan,
           (SELECT CAST(sum(x.nilai) AS DECIMAL(18,2)) FROM core.realisasi_rp_lra x
            WHERE x.kode_skpd = a.kode_skpd AND x.tahun = a.tahun AND x.triwulan = t.triwulan AND x.lengkap
              AND NOT EXISTS (SELECT 1 FROM core.kegiatan c WHERE c.kode_skpd = x.kode_skpd AND c.tahun = x.tahun
                                                              AND c.kode_induk = x.kode_kegiatan)),
           CASE WHEN a.ada_sp2d THEN (SELECT CAST(coalesce(sum(x.nilai), 0) AS DECIMAL(18,2)) FROM core.realisasi_rp_sp2d x
                                      WHERE x.kode_skpd = a.kode_skpd AND x.tahun = a.tahun AND x.triwulan = t.triwulan) END,
           CASE WHEN a.ada_form THEN (SELECT CAST(coalesce(sum(x.nilai), 0) AS DECIMAL(18,2)) FROM core.realisasi_rp_form x
                                      WHERE x.kode_skpd = a.kode_skpd AND x.tahun = a.tahun AND x.triwulan = t.triwulan) END,
           CASE WHEN a.ada_dokumen THEN (SELECT CAST(coalesce(sum(x.nilai), 0) AS DECIMAL(18,2)) FROM core.realisasi_rp_dokumen x
                                         WHERE x.kode_skpd = a.kode_skpd AND x.tahun = a.tahun AND x.triwulan = t.triwulan) END
    FROM ada a CROSS JOIN (SELECT unnest([1, 2, 3, 4]) AS triwulan) t
    WHERE t.triwulan <= coalesce(a.s_d_triwulan, 0)
), b AS (
    SELECT * FROM keg
    WHERE (CASE WHEN lra IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN sp2d IS NOT NULL THEN 1 ELSE 0 END
           + CASE WHEN form IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN dokumen IS NOT NULL THEN 1 ELSE 0 END) >= 1
    UNION ALL SELECT * FROM total
), semua AS (
    SELECT b.*, NULL::VARCHAR AS skpd_asal FROM b
    UNION ALL
    SELECT b.* REPLACE ('KOTA' AS kode_skpd, k.s_d_triwulan AS s_d_triwulan), b.kode_skpd FROM b JOIN core.kota k USING (tahun)
)
SELECT tahun, kode_skpd, s_d_triwulan,
       CAST(row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY skpd_asal, urutan, kode_kegiatan, triwulan) AS INTEGER) AS urutan,
       level, kode_kegiatan, uraian, triwulan, lra, sp2d, form,
       lra - sp2d AS selisih_lra_sp2d, lra - form AS selisih_lra_form, sp2d - form AS selisih_sp2d_form,
       skpd_asal, dokumen, dokumen - sp2d AS selisih_dokumen_sp2d, dokumen - form AS selisih_dokumen_form
FROM semua;
