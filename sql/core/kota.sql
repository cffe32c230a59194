-- City consolidation ('KOTA'): one row per year. Its s_d_triwulan is the smallest of its SKPD
-- (the city covers a quarter only when every SKPD does); money is summed over SKPD, and the
-- city's % are the unweighted mean of the SKPD totals' % (the same mean-of-children rule).
CREATE OR REPLACE TABLE core.kota AS
SELECT tahun, CAST(min(s_d_triwulan) AS INTEGER) AS s_d_triwulan, count(*) AS n_skpd
FROM core.skpd GROUP BY tahun;
