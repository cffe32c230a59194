-- Budget per program / kegiatan (murni and perubahan) and planned cash per quarter, long.
CREATE OR REPLACE VIEW core.pagu AS
SELECT kode_skpd, tahun, 'program' AS level, kode, pagu_murni, pagu_perubahan FROM core.program
UNION ALL
SELECT kode_skpd, tahun, tingkat, kode, pagu_murni, pagu_perubahan FROM core.kegiatan;
