-- Plan and budget (Renja / DPA). One Renja file per SKPD and year: a Perubahan document before
-- a murni one, then the latest staged.
CREATE OR REPLACE TABLE core.renja AS
WITH per_file AS (
    SELECT r.kode_skpd, r.tahun, r.file_sha256,
           bool_or(coalesce(r.is_perubahan, false)) AS perubahan,
           max(f.staged_at) AS staged_at
    FROM core.stg_renja r LEFT JOIN meta.files f ON f.file_sha256 = r.file_sha256
    GROUP BY ALL
), pilih AS (
    SELECT * FROM per_file
    QUALIFY row_number() OVER (PARTITION BY kode_skpd, tahun
                               ORDER BY perubahan DESC, staged_at DESC NULLS LAST, file_sha256 DESC NULLS LAST) = 1
)
SELECT r.* REPLACE (core.kode(r.kode) AS kode, core.kode(r.kode_induk) AS kode_induk,
                    lower(trim(r.baris_jenis)) AS baris_jenis)
FROM core.stg_renja r
JOIN pilih p ON p.kode_skpd = r.kode_skpd AND p.tahun = r.tahun
            AND p.file_sha256 IS NOT DISTINCT FROM r.file_sha256;

CREATE OR REPLACE TABLE core.program AS
SELECT kode_skpd, tahun, kode, uraian, nullif(trim(indikator), '') AS indikator, target, satuan,
       pagu_murni, pagu_perubahan, kas_tw1, kas_tw2, kas_tw3, kas_tw4, urutan
FROM core.renja
WHERE baris_jenis = 'program' AND kode IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY kode_skpd, tahun, kode ORDER BY urutan) = 1;

-- An indikator_program row heads the kegiatan that follow it (in urutan) until the next such
-- row or the next program. Its `kode` is the program's code; the group is identified by urutan.
CREATE OR REPLACE TABLE core.indikator_program AS
SELECT r.kode_skpd, r.tahun,
       coalesce(r.kode, (SELECT p.kode FROM core.program p
                          WHERE p.kode_skpd = r.kode_skpd AND p.tahun = r.tahun AND p.urutan < r.urutan
                          ORDER BY p.urutan DESC LIMIT 1)) AS kode_program,
       r.urutan AS grup, r.indikator, r.target, r.satuan,
       r.pagu_murni, r.pagu_perubahan, r.kas_tw1, r.kas_tw2, r.kas_tw3, r.kas_tw4, r.urutan
FROM core.renja r
WHERE r.baris_jenis = 'indikator_program';

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
                WHERE c.kode_skpd = k.kode_skpd AND c.tahun = k.tahun AND k.kode LIKE c.kode || '.%'
                ORDER BY length(c.kode) DESC LIMIT 1)) AS induk
    FROM k
)
SELECT b.kode_skpd, b.tahun, b.kode, b.uraian, b.induk AS kode_induk,
       coalesce(
           (SELECT p.kode FROM core.program p
            WHERE p.kode_skpd = b.kode_skpd AND p.tahun = b.tahun
              AND (b.kode LIKE p.kode || '.%' OR p.kode = b.induk)
            ORDER BY (p.kode = b.induk) DESC, length(p.kode) DESC LIMIT 1),
           b.induk) AS kode_program,
       CASE WHEN EXISTS (SELECT 1 FROM k k2 WHERE k2.kode_skpd = b.kode_skpd AND k2.tahun = b.tahun
                                              AND k2.kode = b.induk)
            THEN 'sub_kegiatan' ELSE 'kegiatan' END AS tingkat,
       b.pagu_murni, b.pagu_perubahan, b.kas_tw1, b.kas_tw2, b.kas_tw3, b.kas_tw4,
       b.penanggung_jawab, b.urutan
FROM berinduk b;

-- Group (indikator_program) of each kegiatan: the last group row of its program before it.
-- Sub kegiatan belong to the group of their kegiatan.
CREATE OR REPLACE TABLE core.kegiatan_grup AS
WITH top AS (
    SELECT k.kode_skpd, k.tahun, k.kode,
           (SELECT g.grup FROM core.indikator_program g
            JOIN core.program p ON p.kode_skpd = g.kode_skpd AND p.tahun = g.tahun AND p.kode = g.kode_program
            WHERE g.kode_skpd = k.kode_skpd AND g.tahun = k.tahun AND g.kode_program = k.kode_program
              AND g.urutan < k.urutan AND g.urutan > p.urutan
            ORDER BY g.urutan DESC LIMIT 1) AS grup
    FROM core.kegiatan k WHERE k.tingkat = 'kegiatan'
)
SELECT k.kode_skpd, k.tahun, k.kode,
       CASE WHEN k.tingkat = 'kegiatan' THEN t.grup ELSE tp.grup END AS grup
FROM core.kegiatan k
LEFT JOIN top t ON t.kode_skpd = k.kode_skpd AND t.tahun = k.tahun AND t.kode = k.kode
LEFT JOIN top tp ON tp.kode_skpd = k.kode_skpd AND tp.tahun = k.tahun AND tp.kode = k.kode_induk;

-- Kegiatan indicators (first on the kegiatan row, further ones on continuation rows).
CREATE OR REPLACE TABLE core.indikator AS
WITH r AS (
    SELECT *,
           coalesce(CASE WHEN baris_jenis = 'indikator' THEN kode END,
                    last_value(CASE WHEN baris_jenis IN ('kegiatan', 'sub_kegiatan') THEN kode END IGNORE NULLS)
                        OVER (PARTITION BY kode_skpd, tahun ORDER BY urutan
                              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS kode_kegiatan
    FROM core.renja
)
SELECT r.kode_skpd, r.tahun, r.kode_kegiatan, r.urutan, trim(r.indikator) AS indikator, r.target, r.satuan,
       core.cara_hitung(r.cara_hitung) AS cara_hitung, core.kunci(r.indikator) AS kunci,
       row_number() OVER (PARTITION BY r.kode_skpd, r.tahun, r.kode_kegiatan, core.kunci(r.indikator)
                          ORDER BY r.urutan) AS ke
FROM r
JOIN core.kegiatan k ON k.kode_skpd = r.kode_skpd AND k.tahun = r.tahun AND k.kode = r.kode_kegiatan
WHERE r.baris_jenis IN ('kegiatan', 'sub_kegiatan', 'indikator')
  AND nullif(trim(r.indikator), '') IS NOT NULL;

-- Budget per program / kegiatan (murni and perubahan) and planned cash per quarter, long.
CREATE OR REPLACE VIEW core.pagu AS
SELECT kode_skpd, tahun, 'program' AS level, kode, pagu_murni, pagu_perubahan FROM core.program
UNION ALL
SELECT kode_skpd, tahun, tingkat, kode, pagu_murni, pagu_perubahan FROM core.kegiatan;

CREATE OR REPLACE VIEW core.kas AS
SELECT kode_skpd, tahun, level, kode, triwulan, nilai
FROM (SELECT kode_skpd, tahun, 'program' AS level, kode, kas_tw1, kas_tw2, kas_tw3, kas_tw4 FROM core.program
      UNION ALL
      SELECT kode_skpd, tahun, tingkat, kode, kas_tw1, kas_tw2, kas_tw3, kas_tw4 FROM core.kegiatan)
UNPIVOT INCLUDE NULLS (nilai FOR triwulan IN (kas_tw1 AS '1', kas_tw2 AS '2', kas_tw3 AS '3', kas_tw4 AS '4'));
