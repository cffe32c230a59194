-- The rows of the files that count, per staging table.
CREATE OR REPLACE MACRO core.aktif(tabel) AS TABLE
SELECT s.* FROM query_table(tabel) s ANTI JOIN core.file_nonaktif n ON s.file_sha256 = n.file_sha256;
