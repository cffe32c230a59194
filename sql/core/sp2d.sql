-- SP2D register (SIMDA, and SIPD's with GU KKPD): LS, GU, GU KKPD and GU NIHIL only (UP and TU are cash advances, never realisation), by
-- quarter of tanggal. The same SP2D number staged from two files counts once.
-- A city has a million register rows and nearly every SP2D number once, so (the same rows as
-- `QUALIFY nomor_sp2d IS NULL OR row_number() OVER (PARTITION BY kode_skpd, tahun, nomor_sp2d
-- ORDER BY file_sha256 DESC, urutan) = 1` over every row, tests/test_model_partitions.py):
-- only the rows whose (kode_skpd, tahun, nomor_sp2d) hash occurs more than once go through the
-- window (equal keys have equal hashes; a collision only sends a few more rows through it), and
-- the code and jenis expressions run once per distinct value, not once per row.
-- lkip.model_partitions rebuilds this table only for the (kode_skpd, tahun) whose rows changed,
-- running this statement over those rows: every step must stay within one (kode_skpd, tahun).
CREATE OR REPLACE TABLE core.sp2d AS
WITH src AS (
    SELECT kode_skpd, tahun, kode_kegiatan, tanggal, jenis, nilai, nomor_sp2d, has_kode_kegiatan,
           file_sha256, urutan, hash(kode_skpd, tahun, nomor_sp2d) AS kunci
    FROM core.stg_register_sp2d
    WHERE tanggal IS NOT NULL
), ganda AS (
    SELECT kunci FROM src WHERE nomor_sp2d IS NOT NULL GROUP BY kunci HAVING count(*) > 1
), kode AS (
    SELECT kode_skpd, kode_kegiatan, core.kode_era(kode_skpd, kode_kegiatan) AS kode_era,
           core.kode(kode_kegiatan) IS NOT NULL AS ada_kode
    FROM (SELECT DISTINCT kode_skpd, kode_kegiatan FROM src)
), jenis AS (
    SELECT jenis, core.jenis_sp2d(jenis) AS jenis_sp2d FROM (SELECT DISTINCT jenis FROM src)
), sekali AS (
    SELECT * FROM src WHERE nomor_sp2d IS NULL OR kunci NOT IN (SELECT kunci FROM ganda)
    UNION ALL
    SELECT * FROM src WHERE nomor_sp2d IS NOT NULL AND kunci IN (SELECT kunci FROM ganda)
    QUALIFY row_number() OVER (PARTITION BY kode_skpd, tahun, nomor_sp2d ORDER BY file_sha256 DESC, urutan) = 1
)
SELECT s.kode_skpd, s.tahun, k.kode_era AS kode_kegiatan, s.tanggal, quarter(s.tanggal) AS triwulan,
       j.jenis_sp2d AS jenis, s.nilai, s.nomor_sp2d, coalesce(s.has_kode_kegiatan, k.ada_kode) AS has_kode_kegiatan
FROM sekali s
JOIN kode k ON k.kode_skpd IS NOT DISTINCT FROM s.kode_skpd AND k.kode_kegiatan IS NOT DISTINCT FROM s.kode_kegiatan
JOIN jenis j ON j.jenis IS NOT DISTINCT FROM s.jenis;
