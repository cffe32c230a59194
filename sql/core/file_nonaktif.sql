CREATE OR REPLACE TABLE core.file_nonaktif AS
SELECT file_sha256 FROM meta.files
WHERE file_sha256 NOT IN (SELECT file_sha256 FROM core.file_aktif);
