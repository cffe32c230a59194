CREATE OR REPLACE TABLE core.renstra AS
SELECT kode_skpd, tahun, lower(trim(tingkat)) AS tingkat, nullif(trim(uraian), '') AS uraian,
       trim(indikator) AS indikator, satuan, tahun_data, lower(trim(jenis)) AS jenis, nilai,
       core.kunci(indikator) AS kunci, excel_row,
       dense_rank() OVER (PARTITION BY kode_skpd, tahun ORDER BY excel_row, core.kunci(indikator)) AS urutan
FROM core.stg_renstra;
