-- LRA files: one cumulative file per period; its quarter is s_d_triwulan or the quarter of
-- periode_akhir. Several files in one quarter: the latest periode_akhir counts.
CREATE OR REPLACE TABLE core.lra_file AS
SELECT * FROM (
    SELECT kode_skpd, tahun, file_sha256,
           max(coalesce(s_d_triwulan, quarter(periode_akhir))) AS triwulan,
           max(periode_akhir) AS periode_akhir_file
    FROM core.stg_lra
    GROUP BY kode_skpd, tahun, file_sha256
) f
WHERE triwulan IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY kode_skpd, tahun, triwulan
                           ORDER BY periode_akhir_file DESC NULLS LAST, file_sha256 DESC) = 1;
