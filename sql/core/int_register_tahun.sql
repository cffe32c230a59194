-- Per SKPD and year of the register rows that count: the latest quarter of an SP2D date (NULL
-- when no row has a date). core.skpd reads this small table instead of scanning the register's
-- million rows twice; lkip.model_partitions rebuilds it only for the SKPD-years whose rows changed.
CREATE OR REPLACE TABLE core.int_register_tahun AS
SELECT kode_skpd, tahun, max(quarter(tanggal)) AS tw
FROM core.stg_register_sp2d
GROUP BY ALL;
