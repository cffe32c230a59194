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
