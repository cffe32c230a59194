-- One row per counted document row of core.realisasi_dokumen, dated and signed by the configured
-- rule (core.aturan_dokumen, [[sipd.dokumen]] in the configuration; the first matching entry
-- applies): + |value| or - |value| (an STS reduces whatever its printed sign), dated by the first
-- non-blank date the entry lists. Rows an entry says to ignore (SPP UP/GU/TU, STS NIHIL) and rows
-- matching no entry (their file was rejected by the reader) are left out.
CREATE OR REPLACE TABLE core.dokumen_dihitung AS
WITH d AS (
    SELECT r.*, a.arah, a.nilai AS kolom_nilai, a.tanggal AS urutan_tanggal,
           row_number() OVER (PARTITION BY r.file_sha256, r.urutan ORDER BY a.urutan) AS k
    FROM core.realisasi_dokumen r
    JOIN core.aturan_dokumen a
      ON a.jenis_dokumen = r.jenis_dokumen
     AND (list_contains(a.jenis_transaksi, '*') OR list_contains(a.jenis_transaksi, r.jenis_transaksi))
), pilih AS (
    SELECT * FROM d WHERE k = 1 AND arah <> 'abaikan'
), t AS (            -- the candidate dates, long, ranked by the entry's order
    SELECT p.kode_skpd, p.tahun, p.kode_sub_kegiatan, p.file_sha256, p.urutan, p.excel_row, p.arah,
           CASE p.kolom_nilai WHEN 'nilai_setoran' THEN p.nilai_setoran WHEN 'nilai_sp2d' THEN p.nilai_sp2d
                              ELSE p.nilai_realisasi END AS nilai,
           u.kolom, u.tgl, list_position(p.urutan_tanggal, u.kolom) AS pos
    FROM pilih p
    CROSS JOIN LATERAL (VALUES ('tanggal_transfer', p.tanggal_transfer), ('tanggal_sp2d', p.tanggal_sp2d),
                               ('tanggal_dokumen', p.tanggal_dokumen)) u(kolom, tgl)
    WHERE u.tgl IS NOT NULL AND list_contains(p.urutan_tanggal, u.kolom)
)
SELECT kode_skpd, tahun, kode_sub_kegiatan AS kode_kegiatan, file_sha256, urutan, any_value(excel_row) AS excel_row,
       arg_min(tgl, pos) AS tanggal, any_value(arah) AS arah,
       CAST(CASE any_value(arah) WHEN 'kurang' THEN -1 ELSE 1 END * abs(coalesce(any_value(nilai), 0)) AS DECIMAL(18,2)) AS nilai
FROM t
GROUP BY kode_skpd, tahun, kode_sub_kegiatan, file_sha256, urutan;
