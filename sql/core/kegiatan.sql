-- Kegiatan and (Permendagri 90/2019) sub kegiatan. The parent is kode_induk as the reader gives
-- it, else the longest program/kegiatan code that is a prefix of the code. A row whose parent is
-- a kegiatan is a sub kegiatan; the program is the longest program code prefixing the code.
CREATE OR REPLACE TABLE core.kegiatan AS
WITH k AS (
    SELECT * FROM core.renja WHERE baris_jenis IN ('kegiatan', 'sub_kegiatan') AND kode IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY kode_skpd, tahun, kode ORDER BY urutan) = 1
), induk_kandidat AS (
    SELECT kode_skpd, tahun, kode, 'program' AS jenis FROM core.program
    UNION ALL
    SELECT kode_skpd, tahun, kode, 'kegiatan' FROM k
), berinduk AS (
    SELECT k.*,
           coalesce(
               k.kode_induk,
               (SELECT c.kode FROM induk_kandidat c
                WHERE k.kode_induk IS NULL   -- (only looked for when needed: every pair of an SKPD's codes)
                  AND c.kode_skpd = k.kode_skpd AND c.tahun = k.tahun AND starts_with(k.kode, c.kode || '.')
                ORDER BY length(c.kode) DESC LIMIT 1)) AS induk
    FROM k
)
SELECT b.kode_skpd, b.tahun, b.kode, b.uraian, b.induk AS kode_induk,
       coalesce(
           (SELECT p.kode FROM core.program p
            WHERE p.kode_skpd = b.kode_skpd AND p.tahun = b.tahun
              AND (starts_with(b.kode, p.kode || '.') OR p.kode = b.induk)
            ORDER BY (p.kode = b.induk) DESC, length(p.kode) DESC LIMIT 1),
           b.induk) AS kode_program,
       CASE WHEN EXISTS (SELECT 1 FROM k k2 WHERE k2.kode_skpd = b.kode_skpd AND k2.tahun = b.tahun
                                              AND k2.kode = b.induk)
            THEN 'sub_kegiatan' ELSE 'kegiatan' END AS tingkat,
       b.pagu_murni, b.pagu_perubahan, b.kas_tw1, b.kas_tw2, b.kas_tw3, b.kas_tw4,
       b.penanggung_jawab, b.urutan
FROM berinduk b;
