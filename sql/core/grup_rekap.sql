-- indikator_program group: its (top-level) kegiatan.
CREATE OR REPLACE TABLE core.grup_rekap AS
SELECT g.kode_skpd, g.tahun, g.kode_program, g.grup, g.urutan, g.indikator, g.target, g.satuan,
       CAST(coalesce(sum(k.pagu), g.pagu_perubahan, 0) AS DECIMAL(18,2)) AS pagu,
       CAST(coalesce(sum(k.pagu_murni), g.pagu_murni) AS DECIMAL(18,2)) AS pagu_murni,
       CAST(sum(k.rp_tw1) AS DECIMAL(18,2)) AS rp_tw1, CAST(sum(k.rp_tw2) AS DECIMAL(18,2)) AS rp_tw2,
       CAST(sum(k.rp_tw3) AS DECIMAL(18,2)) AS rp_tw3, CAST(sum(k.rp_tw4) AS DECIMAL(18,2)) AS rp_tw4,
       CAST(coalesce(sum(k.rp_realisasi), 0) AS DECIMAL(18,2)) AS rp_realisasi,
       coalesce(core.mean(k.capaian_k_pct), 0.0) AS capaian_k_pct,
       coalesce(core.mean(k.capaian_rp_pct), 0.0) AS capaian_rp_pct,
       core.serapan(sum(k.rp_realisasi), coalesce(sum(k.pagu), g.pagu_perubahan)) AS rp_pct_tertimbang,
       count(k.kode) AS n_kegiatan
FROM core.indikator_program g
LEFT JOIN core.kegiatan_rekap k
  ON k.kode_skpd = g.kode_skpd AND k.tahun = g.tahun AND k.grup = g.grup AND k.tingkat = 'kegiatan'
GROUP BY g.kode_skpd, g.tahun, g.kode_program, g.grup, g.urutan, g.indikator, g.target, g.satuan,
         g.pagu_perubahan, g.pagu_murni;
