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
       -- never NULL: a first file after quarter 1 (no earlier one) is not complete, and a NULL here
       -- let laporan.rekonsiliasi take that cumulative for the quarter's own realisation
       (triwulan = 1 OR coalesce(tw_sebelum = triwulan - 1, false)) AS lengkap
FROM q;
