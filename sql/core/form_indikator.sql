-- Physical realisation per Renja indicator and quarter, matched by kegiatan code + normalised
-- indicator text (duplicates of one text within a kegiatan pair up in order). Quarters after
-- s_d_triwulan are NULL.
-- (core.kunci computed once per row, in the subquery: inside the window's PARTITION BY it costs
-- several times more.)
CREATE OR REPLACE TABLE core.form_indikator AS
SELECT *, row_number() OVER (PARTITION BY kode_skpd, tahun, kode_kegiatan, kunci ORDER BY urutan) AS ke
FROM (SELECT f.*, core.kunci(f.indikator) AS kunci
      FROM core.form f
      WHERE nullif(trim(f.indikator), '') IS NOT NULL);
