-- Scalar helper macros used by every core and laporan file: code / text normalisation, the
-- percentage rules (capaian, serapan, efisiensi) and the grading scales. The one file that holds
-- several objects: they are one concern (the report's calculation rules, one function each), read
-- no model table, only core.skala and core.param, which lkip/model.py loads from the
-- configuration (lkip/default_config.toml, overridable in lkip.toml) before any SQL file runs.

-- A code as SIMDA / SIENCANG print it ('4 . 01 . 03 .', ' 4.01.03') -> '4.01.03'.
CREATE OR REPLACE MACRO core.kode(x) AS
    nullif(rtrim(regexp_replace(CAST(x AS VARCHAR), '\s+', '', 'g'), '.'), '');

-- Matching key of an indicator / name: lower case, whitespace collapsed, punctuation stripped.
-- Whitespace and punctuation are both removed, so 'Surat / Dinas' and 'Surat/Dinas' match.
CREATE OR REPLACE MACRO core.kunci(x) AS
    nullif(regexp_replace(lower(CAST(x AS VARCHAR)), '[^\p{L}\p{N}]+', '', 'g'), '');

-- Mean of a group that does not depend on the order rows arrive in (avg over doubles in parallel
-- partial aggregates can differ in the last bits from run to run; reruns must be identical).
CREATE OR REPLACE MACRO core.mean(x) AS list_avg(list(x ORDER BY x));

CREATE OR REPLACE MACRO core.param_teks(n) AS (SELECT nilai FROM core.param WHERE nama = n);
CREATE OR REPLACE MACRO core.param_angka(n) AS (SELECT TRY_CAST(nilai AS DOUBLE) FROM core.param WHERE nama = n);

-- Capaian %: naik r/t*100; turun (2t-r)/t*100 floored at 0 (config rules.capaian_turun =
-- 'rasio': t/r*100); target 0 or NULL -> 0 (a warning is listed in laporan.peringatan).
-- rules.cap_capaian = true caps the result at rules.cap_capaian_pct.
CREATE OR REPLACE MACRO core.capaian_mentah(r, t, pol) AS
    CASE
        WHEN t IS NULL OR t = 0 THEN 0.0
        WHEN lower(coalesce(trim(pol), 'naik')) = 'turun' THEN
            CASE
                WHEN core.param_teks('capaian_turun') = 'rasio' THEN
                    CASE WHEN coalesce(r, 0) = 0 THEN 0.0 ELSE CAST(t AS DOUBLE) / r * 100 END
                ELSE greatest((2 * CAST(t AS DOUBLE) - coalesce(r, 0)) / t * 100, 0.0)
            END
        ELSE CAST(coalesce(r, 0) AS DOUBLE) / t * 100
    END;

CREATE OR REPLACE MACRO core.capaian(r, t, pol) AS
    CASE
        WHEN core.param_teks('cap_capaian') = 'true'
            THEN least(core.capaian_mentah(r, t, pol), core.param_angka('cap_capaian_pct'))
        ELSE core.capaian_mentah(r, t, pol)
    END;

-- Serapan %: realisasi / pagu * 100; pagu 0 or NULL -> 0.
CREATE OR REPLACE MACRO core.serapan(real, pagu) AS
    CASE WHEN pagu IS NULL OR pagu = 0 THEN 0.0
         ELSE CAST(coalesce(real, 0) AS DOUBLE) / CAST(pagu AS DOUBLE) * 100 END;

-- Grade of a value on a scale whose grades apply strictly above `min` (predikat, akip, bumd).
CREATE OR REPLACE MACRO core.skala_kode(nama, x) AS
    (SELECT s.kode FROM core.skala s WHERE s.skala = nama AND x > s.min ORDER BY s.min DESC LIMIT 1);
CREATE OR REPLACE MACRO core.skala_label(nama, x) AS
    (SELECT s.label FROM core.skala s WHERE s.skala = nama AND x > s.min ORDER BY s.min DESC LIMIT 1);
CREATE OR REPLACE MACRO core.skala_kelompok(nama, x) AS
    (SELECT s.kelompok FROM core.skala s WHERE s.skala = nama AND x > s.min ORDER BY s.min DESC LIMIT 1);
-- IKM mutu applies at or above `min`.
CREATE OR REPLACE MACRO core.mutu_kode(x) AS
    (SELECT s.kode FROM core.skala s WHERE s.skala = 'ikm_mutu' AND x >= s.min ORDER BY s.min DESC LIMIT 1);
CREATE OR REPLACE MACRO core.mutu_label(x) AS
    (SELECT s.label FROM core.skala s WHERE s.skala = 'ikm_mutu' AND x >= s.min ORDER BY s.min DESC LIMIT 1);

CREATE OR REPLACE MACRO core.kategori_efisiensi(e) AS
    CASE WHEN e IS NULL THEN NULL
         WHEN e > core.param_angka('efisien_di_atas') THEN 'efisien'
         WHEN e < core.param_angka('tidak_efisien_di_bawah') THEN 'tidak efisien'
         ELSE 'cukup efisien' END;

-- Normalised jenis SP2D: 'GU-Nihil', 'gu_nihil', 'GU  NIHIL' -> 'GU NIHIL'.
CREATE OR REPLACE MACRO core.jenis_sp2d(j) AS upper(trim(regexp_replace(CAST(j AS VARCHAR), '[\s_\-]+', ' ', 'g')));

-- Cara hitung: jumlah (default) / terakhir / rata-rata.
CREATE OR REPLACE MACRO core.cara_hitung(c) AS
    CASE
        WHEN c IS NULL OR trim(c) = '' THEN 'jumlah'
        WHEN regexp_replace(lower(c), '[^a-z]', '', 'g') IN ('ratarata', 'rerata', 'mean', 'average') THEN 'rata-rata'
        WHEN regexp_replace(lower(c), '[^a-z]', '', 'g') IN ('terakhir', 'last', 'akhir') THEN 'terakhir'
        ELSE 'jumlah'
    END;

-- SIPD-RI era (Permendagri 90/2019, docs/sipd.md): an SKPD whose code has eight segments
-- (1.02.0.00.0.00.01.0000). Its plan has three levels and its codes are made canonical below.
CREATE OR REPLACE MACRO core.era_sipd(kode_skpd) AS
    coalesce(len(string_split(CAST(kode_skpd AS VARCHAR), '.')) = 8, false);

-- Canonical sub kegiatan code: 2021-2022 exports print two-digit tails (1.02.02.2.02.33), later
-- ones four (1.02.02.2.02.0033); the same sub kegiatan when the numbers are equal. The tail of a
-- six-segment code is re-printed with four digits; other codes only as core.kode.
CREATE OR REPLACE MACRO core.kode_sipd(x) AS
    CASE WHEN len(string_split(core.kode(x), '.')) = 6
              AND regexp_matches(string_split(core.kode(x), '.')[6], '^\d{1,4}$')
         THEN array_to_string(string_split(core.kode(x), '.')[1:5], '.') || '.'
              || lpad(string_split(core.kode(x), '.')[6], 4, '0')
         ELSE core.kode(x) END;

-- A program / kegiatan / sub kegiatan code of one SKPD's row: canonical in the SIPD era, as
-- printed (core.kode) otherwise (a 13/2006 kegiatan 4.01.4.01.03.01 has six segments too).
CREATE OR REPLACE MACRO core.kode_era(kode_skpd, x) AS
    CASE WHEN core.era_sipd(kode_skpd) THEN core.kode_sipd(x) ELSE core.kode(x) END;
