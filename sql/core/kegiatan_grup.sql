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
