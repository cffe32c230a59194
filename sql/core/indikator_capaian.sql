-- K % of an indicator: realisasi / target * 100, uncapped; target 0/NULL -> 0.
CREATE OR REPLACE TABLE core.indikator_capaian AS
SELECT rf.*, core.capaian(rf.k_realisasi, rf.target, 'naik') AS capaian_k_pct
FROM core.realisasi_fisik rf;
