-- SIPD "Laporan Realisasi Per Dokumen": the file is cumulative (every document up to its last
-- date), so per SKPD and year only the file with the latest periode_akhir counts (then the latest
-- staged). Codes canonical (core.kode_sipd); jenis normalised as the rule compares them.
CREATE OR REPLACE TABLE core.realisasi_dokumen AS
WITH per_file AS (
    SELECT d.kode_skpd, d.tahun, d.file_sha256, max(d.periode_akhir) AS periode_akhir, max(f.staged_at) AS staged_at
    FROM core.stg_realisasi_dokumen d LEFT JOIN meta.files f ON f.file_sha256 = d.file_sha256
    GROUP BY ALL
), pilih AS (
    SELECT * FROM per_file
    QUALIFY row_number() OVER (PARTITION BY kode_skpd, tahun
                               ORDER BY periode_akhir DESC NULLS LAST, staged_at DESC NULLS LAST, file_sha256 DESC) = 1
)
SELECT d.* REPLACE (core.kode_sipd(d.kode_sub_kegiatan) AS kode_sub_kegiatan, core.kode(d.kode_kegiatan) AS kode_kegiatan,
                    core.kode(d.kode_program) AS kode_program, core.jenis_sp2d(d.jenis_dokumen) AS jenis_dokumen,
                    core.jenis_sp2d(d.jenis_transaksi) AS jenis_transaksi)
FROM core.stg_realisasi_dokumen d
JOIN pilih p ON p.kode_skpd = d.kode_skpd AND p.tahun = d.tahun AND p.file_sha256 = d.file_sha256;
