-- Realisation: money (LRA, SP2D register, form) and physical output.

-- LRA files: one cumulative file per period; its quarter is s_d_triwulan or the quarter of
-- periode_akhir. Several files in one quarter: the latest periode_akhir counts.
CREATE OR REPLACE TABLE core.lra_file AS
SELECT * FROM (
    SELECT kode_skpd, tahun, file_sha256,
           max(coalesce(s_d_triwulan, quarter(periode_akhir))) AS triwulan,
           max(periode_akhir) AS periode_akhir_file
    FROM core.stg_lra
    GROUP BY kode_skpd, tahun, file_sha256
) f
WHERE triwulan IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY kode_skpd, tahun, triwulan
                           ORDER BY periode_akhir_file DESC NULLS LAST, file_sha256 DESC) = 1;

-- Cumulative realisation per kegiatan (and sub kegiatan) code as of each LRA file.
CREATE OR REPLACE TABLE core.lra_kumulatif AS
WITH dari_file AS (
    SELECT l.kode_skpd, l.tahun, f.triwulan,
           core.kode(coalesce(l.kode_kegiatan, l.kode)) AS kode_kegiatan,
           sum(coalesce(l.realisasi_sd_ini, 0)) AS realisasi_sd_ini,
           sum(l.realisasi_sd_lalu) AS realisasi_sd_lalu
    FROM core.stg_lra l
    JOIN core.lra_file f ON f.file_sha256 IS NOT DISTINCT FROM l.file_sha256
                        AND f.kode_skpd = l.kode_skpd AND f.tahun = l.tahun
    WHERE lower(l.baris_jenis) IN ('kegiatan', 'sub_kegiatan')
    GROUP BY ALL
)
SELECT kode_skpd, tahun, triwulan, kode_kegiatan, realisasi_sd_ini, true AS dari_file FROM dari_file
UNION ALL
-- 'Realisasi s.d. periode lalu' of a file gives the cumulative of the quarter before it when
-- that quarter's own file is absent (e.g. only the December LRA was dropped).
SELECT d.kode_skpd, d.tahun, d.triwulan - 1, d.kode_kegiatan, d.realisasi_sd_lalu, false
FROM dari_file d
WHERE d.triwulan > 1 AND d.realisasi_sd_lalu IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM core.lra_file f WHERE f.kode_skpd = d.kode_skpd AND f.tahun = d.tahun
                                                  AND f.triwulan = d.triwulan - 1);

-- SKPD total of each LRA file (program rows when given, else kegiatan rows), for reconciliation.
CREATE OR REPLACE TABLE core.lra_total AS
SELECT l.kode_skpd, l.tahun, f.triwulan,
       coalesce(sum(CASE WHEN lower(l.baris_jenis) = 'program' THEN l.realisasi_sd_ini END),
                sum(CASE WHEN lower(l.baris_jenis) IN ('kegiatan') THEN l.realisasi_sd_ini END), 0) AS realisasi_sd_ini
FROM core.stg_lra l
JOIN core.lra_file f ON f.file_sha256 IS NOT DISTINCT FROM l.file_sha256
                    AND f.kode_skpd = l.kode_skpd AND f.tahun = l.tahun
GROUP BY ALL;

-- Quarter N from the LRA = realisasi_sd_ini of the file ending in quarter N minus that of the
-- previous available file (0 for the first one).
-- `lengkap`: the previous quarter's cumulative is known (or this is quarter 1), so the value is
-- that quarter's own realisation; otherwise it also holds the earlier, unknown quarters.
CREATE OR REPLACE TABLE core.realisasi_rp_lra AS
WITH kum AS (
    SELECT kode_skpd, tahun, triwulan, kode_kegiatan, realisasi_sd_ini AS kumulatif
    FROM core.lra_kumulatif
), q AS (
    SELECT *, lag(kumulatif) OVER w AS sebelum, lag(triwulan) OVER w AS tw_sebelum
    FROM kum WINDOW w AS (PARTITION BY kode_skpd, tahun, kode_kegiatan ORDER BY triwulan)
)
SELECT kode_skpd, tahun, kode_kegiatan, triwulan,
       CAST(kumulatif - coalesce(sebelum, 0) AS DECIMAL(18,2)) AS nilai,
       (triwulan = 1 OR tw_sebelum = triwulan - 1) AS lengkap
FROM q;

CREATE OR REPLACE TABLE core.realisasi_rp_lra_total AS
SELECT kode_skpd, tahun, triwulan,
       CAST(realisasi_sd_ini - coalesce(lag(realisasi_sd_ini) OVER (PARTITION BY kode_skpd, tahun ORDER BY triwulan), 0)
            AS DECIMAL(18,2)) AS nilai
FROM core.lra_total;

-- SP2D register: LS, GU and GU NIHIL only (UP and TU are cash advances, never realisation), by
-- quarter of tanggal. The same SP2D number staged from two files counts once.
CREATE OR REPLACE TABLE core.sp2d AS
SELECT kode_skpd, tahun, core.kode(kode_kegiatan) AS kode_kegiatan, tanggal, quarter(tanggal) AS triwulan,
       core.jenis_sp2d(jenis) AS jenis, nilai, nomor_sp2d,
       coalesce(has_kode_kegiatan, core.kode(kode_kegiatan) IS NOT NULL) AS has_kode_kegiatan
FROM core.stg_register_sp2d
WHERE tanggal IS NOT NULL
QUALIFY nomor_sp2d IS NULL
     OR row_number() OVER (PARTITION BY kode_skpd, tahun, nomor_sp2d ORDER BY file_sha256 DESC, urutan) = 1;

CREATE OR REPLACE TABLE core.realisasi_rp_sp2d AS
SELECT kode_skpd, tahun, kode_kegiatan, triwulan, CAST(sum(nilai) AS DECIMAL(18,2)) AS nilai
FROM core.sp2d
WHERE jenis IN ('LS', 'GU', 'GU NIHIL')
GROUP BY ALL;

-- Form Realisasi Kinerja: the latest form per SKPD/year (highest s_d_triwulan).
CREATE OR REPLACE TABLE core.form AS
WITH f AS (
    SELECT * FROM (SELECT kode_skpd, tahun, file_sha256, max(s_d_triwulan) AS s_d
                   FROM core.stg_realisasi_fisik GROUP BY kode_skpd, tahun, file_sha256) x
    QUALIFY row_number() OVER (PARTITION BY kode_skpd, tahun ORDER BY s_d DESC NULLS LAST, file_sha256 DESC) = 1
)
SELECT r.* REPLACE (core.kode(r.kode_kegiatan) AS kode_kegiatan)
FROM core.stg_realisasi_fisik r
JOIN f ON f.kode_skpd = r.kode_skpd AND f.tahun = r.tahun AND f.file_sha256 IS NOT DISTINCT FROM r.file_sha256;

-- A form row whose kegiatan is not in the SKPD's Renja is staged with a warning and left out.
CREATE OR REPLACE TABLE core.realisasi_rp_form AS
SELECT kode_skpd, tahun, kode_kegiatan, CAST(triwulan AS INTEGER) AS triwulan,
       CAST(sum(nilai) AS DECIMAL(18,2)) AS nilai
FROM (SELECT * FROM core.form f
      WHERE NOT EXISTS (SELECT 1 FROM core.kegiatan k WHERE k.kode_skpd = f.kode_skpd AND k.tahun = f.tahun)
         OR EXISTS (SELECT 1 FROM core.kegiatan k WHERE k.kode_skpd = f.kode_skpd AND k.tahun = f.tahun
                                                   AND k.kode = f.kode_kegiatan))
UNPIVOT (nilai FOR triwulan IN (rp_tw1 AS '1', rp_tw2 AS '2', rp_tw3 AS '3', rp_tw4 AS '4'))
GROUP BY ALL;

-- SKPD and year, with s_d_triwulan = the latest quarter covered by any realisation data
-- (LRA period, register: its meta period or latest SP2D date, form s.d. triwulan).
CREATE OR REPLACE TABLE core.skpd AS
WITH semua AS (
    SELECT DISTINCT kode_skpd, tahun FROM core.stg_renja
    UNION SELECT DISTINCT kode_skpd, tahun FROM core.stg_lra
    UNION SELECT DISTINCT kode_skpd, tahun FROM core.stg_register_sp2d
    UNION SELECT DISTINCT kode_skpd, tahun FROM core.stg_realisasi_fisik
    UNION SELECT DISTINCT kode_skpd, tahun FROM core.stg_iku
), tw AS (
    SELECT kode_skpd, tahun, max(triwulan) AS tw FROM core.lra_file GROUP BY ALL
    UNION ALL
    SELECT kode_skpd, tahun, max(quarter(tanggal)) FROM core.stg_register_sp2d GROUP BY ALL
    UNION ALL
    SELECT f.kode_skpd, f.tahun, max(coalesce(f.s_d_triwulan, quarter(f.periode_akhir)))
    FROM core.file_aktif f WHERE f.kind = 'register_sp2d' GROUP BY ALL
    UNION ALL
    SELECT kode_skpd, tahun, max(s_d_triwulan) FROM core.form GROUP BY ALL
)
-- The name: the configuration's [skpd] table first, else the title block of the SKPD's files.
SELECT s.kode_skpd, s.tahun,
       coalesce(n.nama_skpd, (SELECT max(m.nama_skpd) FROM meta.files m
                              WHERE m.kode_skpd = s.kode_skpd AND m.nama_skpd IS NOT NULL
                                AND m.outcome IN ('accepted', 'accepted_with_warnings'))) AS nama_skpd,
       CAST((SELECT max(tw.tw) FROM tw WHERE tw.kode_skpd = s.kode_skpd AND tw.tahun = s.tahun) AS INTEGER) AS s_d_triwulan
FROM semua s
LEFT JOIN core.skpd_nama n ON n.kode_skpd = s.kode_skpd
WHERE s.kode_skpd IS NOT NULL AND s.tahun IS NOT NULL;

-- Money realisation per kegiatan and quarter used by the report: the SP2D register when the
-- SKPD/year has one with kegiatan codes, else the LRA quarter differences. The form's Rp columns
-- are only reconciled (laporan.rekonsiliasi), never used instead of SIMDA.
CREATE OR REPLACE TABLE core.realisasi_rp AS
WITH sumber AS (
    SELECT s.kode_skpd, s.tahun,
           CASE WHEN EXISTS (SELECT 1 FROM core.sp2d p WHERE p.kode_skpd = s.kode_skpd AND p.tahun = s.tahun
                                                       AND p.kode_kegiatan IS NOT NULL AND p.has_kode_kegiatan)
                THEN 'sp2d'
                WHEN EXISTS (SELECT 1 FROM core.lra_file l WHERE l.kode_skpd = s.kode_skpd AND l.tahun = s.tahun)
                THEN 'lra' END AS sumber
    FROM core.skpd s
)
SELECT r.kode_skpd, r.tahun, r.kode_kegiatan, r.triwulan, r.nilai, 'sp2d' AS sumber
FROM core.realisasi_rp_sp2d r JOIN sumber s USING (kode_skpd, tahun)
WHERE s.sumber = 'sp2d' AND r.kode_kegiatan IS NOT NULL
UNION ALL
SELECT r.kode_skpd, r.tahun, r.kode_kegiatan, r.triwulan, r.nilai, 'lra'
FROM core.realisasi_rp_lra r JOIN sumber s USING (kode_skpd, tahun)
WHERE s.sumber = 'lra';

CREATE OR REPLACE VIEW core.realisasi_sumber AS
SELECT s.kode_skpd, s.tahun, (SELECT max(r.sumber) FROM core.realisasi_rp r
                              WHERE r.kode_skpd = s.kode_skpd AND r.tahun = s.tahun) AS sumber
FROM core.skpd s;

-- Physical realisation per Renja indicator and quarter, matched by kegiatan code + normalised
-- indicator text (duplicates of one text within a kegiatan pair up in order). Quarters after
-- s_d_triwulan are NULL.
CREATE OR REPLACE TABLE core.form_indikator AS
SELECT f.*, core.kunci(f.indikator) AS kunci,
       row_number() OVER (PARTITION BY f.kode_skpd, f.tahun, f.kode_kegiatan, core.kunci(f.indikator)
                          ORDER BY f.urutan) AS ke
FROM core.form f
WHERE nullif(trim(f.indikator), '') IS NOT NULL;

CREATE OR REPLACE TABLE core.realisasi_fisik AS
WITH m AS (
    SELECT i.kode_skpd, i.tahun, i.kode_kegiatan, i.urutan, i.indikator, i.target, i.satuan, i.cara_hitung,
           s.s_d_triwulan AS s_d,
           CASE WHEN coalesce(s.s_d_triwulan, 0) >= 1 THEN f.k_tw1 END AS k_tw1,
           CASE WHEN coalesce(s.s_d_triwulan, 0) >= 2 THEN f.k_tw2 END AS k_tw2,
           CASE WHEN coalesce(s.s_d_triwulan, 0) >= 3 THEN f.k_tw3 END AS k_tw3,
           CASE WHEN coalesce(s.s_d_triwulan, 0) >= 4 THEN f.k_tw4 END AS k_tw4,
           f.urutan IS NOT NULL AS cocok
    FROM core.indikator i
    JOIN core.skpd s ON s.kode_skpd = i.kode_skpd AND s.tahun = i.tahun
    LEFT JOIN core.form_indikator f
      ON f.kode_skpd = i.kode_skpd AND f.tahun = i.tahun AND f.kode_kegiatan = i.kode_kegiatan
     AND f.kunci = i.kunci AND f.ke = i.ke
)
SELECT m.*,
       CASE m.cara_hitung
           WHEN 'terakhir' THEN coalesce(k_tw4, k_tw3, k_tw2, k_tw1)
           WHEN 'rata-rata' THEN list_avg([k_tw1, k_tw2, k_tw3, k_tw4])
           ELSE list_sum([k_tw1, k_tw2, k_tw3, k_tw4])
       END AS k_realisasi
FROM m;

-- Form indicators that match no Renja indicator (reported in laporan.peringatan).
CREATE OR REPLACE TABLE core.realisasi_fisik_tak_cocok AS
SELECT f.kode_skpd, f.tahun, f.kode_kegiatan, f.indikator, f.sheet, f.excel_row
FROM core.form_indikator f
ANTI JOIN core.indikator i
  ON f.kode_skpd = i.kode_skpd AND f.tahun = i.tahun AND f.kode_kegiatan = i.kode_kegiatan
 AND f.kunci = i.kunci AND f.ke = i.ke;
