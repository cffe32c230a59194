-- IKU, their evidence (SKM, AKIP, BUMD), Dukungan Anggaran, Indikator Program, Renstra.

-- IKM per unit: Nilai IKM, or mean(U1..U9) * 25 when given as NRR per element.
CREATE OR REPLACE TABLE core.skm AS
SELECT kode_skpd, tahun, no, unit, excel_row,
       coalesce(nilai_ikm, list_avg([u1, u2, u3, u4, u5, u6, u7, u8, u9]) * 25) AS ikm
FROM core.stg_skm
WHERE nullif(trim(unit), '') IS NOT NULL;

-- AKIP: kategori as given, else from nilai by the configured scale.
CREATE OR REPLACE TABLE core.akip AS
SELECT a.kode_skpd, a.tahun, a.no, a.perangkat_daerah, a.nilai, a.excel_row,
       coalesce(nullif(upper(trim(a.kategori)), ''), core.skala_kode('akip', a.nilai)) AS kategori
FROM core.stg_akip a;

CREATE OR REPLACE TABLE core.akip AS
SELECT a.*, a.kategori IN (SELECT kode FROM core.skala WHERE skala = 'akip_b_ke_atas') AS b_ke_atas
FROM core.akip a;

-- BUMD: kelompok (Sehat / Kurang Sehat / Tidak Sehat) from the kategori text (a kelompok name or
-- a grade of the scale), else from skor by the configured scale.
CREATE OR REPLACE TABLE core.bumd AS
WITH b AS (
    SELECT b.*, nullif(trim(b.kategori), '') AS kat FROM core.stg_bumd b
)
SELECT b.kode_skpd, b.tahun, b.no, b.nama, b.opini, b.skor, b.excel_row,
       coalesce(b.kat, core.skala_kode('bumd', b.skor)) AS kategori,
       coalesce(
           (SELECT DISTINCT s.kelompok FROM core.skala s
             WHERE s.skala = 'bumd' AND core.kunci(s.kelompok) = core.kunci(b.kat)),
           (SELECT max(s.kelompok) FROM core.skala s
             WHERE s.skala = 'bumd' AND upper(s.kode) = upper(b.kat)),
           core.skala_kelompok('bumd', b.skor)) AS kelompok
FROM b;

CREATE OR REPLACE TABLE core.bumd AS
SELECT *, coalesce(core.kunci(kelompok) = 'sehat', false) AS sehat FROM core.bumd;

CREATE OR REPLACE TABLE core.iku AS
WITH bukti AS (
    SELECT s.kode_skpd, s.tahun,
           (SELECT core.mean(ikm) FROM core.skm x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun) AS skm,
           (SELECT count(*) FILTER (WHERE b_ke_atas) * 100.0 / nullif(count(*), 0)
              FROM core.akip x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun) AS akip,
           (SELECT count(*) FILTER (WHERE sehat) * 100.0 / nullif(count(*), 0)
              FROM core.bumd x WHERE x.kode_skpd = s.kode_skpd AND x.tahun = s.tahun) AS bumd
    FROM core.skpd s
)
SELECT i.kode_skpd, i.tahun, i.no, i.excel_row, trim(i.sasaran) AS sasaran, trim(i.indikator) AS indikator,
       i.satuan, coalesce(nullif(lower(trim(i.polaritas)), ''), 'naik') AS polaritas,
       i.target, i.target_tw1, i.target_tw2, i.target_tw3, i.target_tw4,
       upper(nullif(trim(i.dihitung_dari), '')) AS dihitung_dari, i.sumber_data,
       i.realisasi AS realisasi_input,
       CASE upper(nullif(trim(i.dihitung_dari), ''))
           WHEN 'SKM' THEN b.skm WHEN 'AKIP' THEN b.akip WHEN 'BUMD' THEN b.bumd
           ELSE i.realisasi END AS realisasi,
       core.kunci(i.indikator) AS kunci
FROM core.stg_iku i
LEFT JOIN bukti b ON b.kode_skpd = i.kode_skpd AND b.tahun = i.tahun
WHERE nullif(trim(i.indikator), '') IS NOT NULL;

CREATE OR REPLACE TABLE core.iku AS
SELECT *, core.capaian(realisasi, target, polaritas) AS capaian_pct FROM core.iku;

-- Dukungan Anggaran: which kegiatan support which IKU (in sheet order).
CREATE OR REPLACE TABLE core.iku_kegiatan AS
SELECT d.kode_skpd, d.tahun, i.no AS iku_no, trim(d.indikator) AS iku, core.kode(d.kode_kegiatan) AS kode_kegiatan,
       d.nama_kegiatan, row_number() OVER (PARTITION BY d.kode_skpd, d.tahun ORDER BY d.excel_row, d.file_sha256) AS urutan
FROM core.stg_dukungan_anggaran d
LEFT JOIN core.iku i ON i.kode_skpd = d.kode_skpd AND i.tahun = d.tahun AND i.kunci = core.kunci(d.indikator)
WHERE core.kode(d.kode_kegiatan) IS NOT NULL;

CREATE OR REPLACE TABLE core.iku_indikator_program AS
SELECT p.kode_skpd, p.tahun, i.no AS iku_no, trim(p.iku) AS iku, trim(p.indikator_program) AS indikator_program,
       p.satuan, p.target, p.realisasi,
       core.capaian(p.realisasi, p.target, 'naik') AS capaian_pct,
       row_number() OVER (PARTITION BY p.kode_skpd, p.tahun ORDER BY p.excel_row, p.file_sha256) AS urutan
FROM core.stg_iku_indikator_program p
LEFT JOIN core.iku i ON i.kode_skpd = p.kode_skpd AND i.tahun = p.tahun AND i.kunci = core.kunci(p.iku);

CREATE OR REPLACE TABLE core.renstra AS
SELECT kode_skpd, tahun, lower(trim(tingkat)) AS tingkat, nullif(trim(uraian), '') AS uraian,
       trim(indikator) AS indikator, satuan, tahun_data, lower(trim(jenis)) AS jenis, nilai,
       core.kunci(indikator) AS kunci, excel_row,
       dense_rank() OVER (PARTITION BY kode_skpd, tahun ORDER BY excel_row, core.kunci(indikator)) AS urutan
FROM core.stg_renstra;
