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
