-- Physical realisation per Renja indicator and quarter, matched by kegiatan code + normalised
-- indicator text (duplicates of one text within a kegiatan pair up in order). Quarters after
-- s_d_triwulan are NULL.
CREATE OR REPLACE TABLE core.form_indikator AS
SELECT f.*, core.kunci(f.indikator) AS kunci,
       row_number() OVER (PARTITION BY f.kode_skpd, f.tahun, f.kode_kegiatan, core.kunci(f.indikator)
                          ORDER BY f.urutan) AS ke
FROM core.form f
WHERE nullif(trim(f.indikator), '') IS NOT NULL;
