-- SP2D register (SIMDA, and SIPD's with GU KKPD): LS, GU, GU KKPD and GU NIHIL only (UP and TU are cash advances, never realisation), by
-- quarter of tanggal. The same SP2D number staged from two files counts once.
CREATE OR REPLACE TABLE core.sp2d AS
SELECT kode_skpd, tahun, core.kode_era(kode_skpd, kode_kegiatan) AS kode_kegiatan, tanggal, quarter(tanggal) AS triwulan,
       core.jenis_sp2d(jenis) AS jenis, nilai, nomor_sp2d,
       coalesce(has_kode_kegiatan, core.kode(kode_kegiatan) IS NOT NULL) AS has_kode_kegiatan
FROM core.stg_register_sp2d
WHERE tanggal IS NOT NULL
QUALIFY nomor_sp2d IS NULL
     OR row_number() OVER (PARTITION BY kode_skpd, tahun, nomor_sp2d ORDER BY file_sha256 DESC, urutan) = 1;
