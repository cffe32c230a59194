-- IKU with capaian % (core.capaian: polarity, configured turun rule and cap).
CREATE OR REPLACE TABLE core.iku AS
SELECT *, core.capaian(realisasi, target, polaritas) AS capaian_pct FROM core.int_iku_realisasi;
