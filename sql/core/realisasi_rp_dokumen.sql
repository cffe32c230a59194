-- SIPD realisation per sub kegiatan and quarter (the counted documents of core.dokumen_dihitung).
CREATE OR REPLACE TABLE core.realisasi_rp_dokumen AS
SELECT kode_skpd, tahun, kode_kegiatan, CAST(quarter(tanggal) AS INTEGER) AS triwulan,
       CAST(sum(nilai) AS DECIMAL(18,2)) AS nilai
FROM core.dokumen_dihitung
WHERE kode_kegiatan IS NOT NULL
GROUP BY ALL;
