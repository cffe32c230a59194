"""What a newer version of a file replaces, and what it says when it removes something.

Two ways a file replaces an earlier one (inputs: "What a file gets"):

- whole file (Renja, LRA, SP2D register, PK/IKU): the newer file of the same kind, SKPD, year and
  period replaces every row of the earlier one (``stage._supersede``);
- per row (Form Realisasi Kinerja: its Reader's ``replaced_by="row"``, ``per_row``): forms come per Bagian and corrections per
  row, so a newer form replaces only the rows it holds, keyed by kegiatan code and normalised
  indicator text; rows it does not hold keep their latest value. The core view ``core.form``
  takes, per key, the rows of the latest staged form; an earlier form whose every key a newer
  one holds is marked superseded here (its rows would never count again).

A replacement that removes rows or codes says so as a warning (``replacement_issues``): the
officer who dropped a partial export learns it at once, not from a report that fell by 90 %.

This module does not import ``lkip.stage`` (which calls it): it works on the warehouse tables.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from lkip import skpd_parts
from lkip.issues import Issue, warning

ACCEPTED_OUTCOMES = ("accepted", "accepted_with_warnings")


def per_row(kind: str | None) -> bool:
    """A kind whose newer file replaces only the rows it holds (its Reader's ``replaced_by``)."""
    from lkip import sources

    reader = sources.reader(kind)
    return reader is not None and reader.replaced_by == "row"


def cumulative_upto(kind: str | None, periode_akhir: Any) -> Any:
    """The date up to which a file of ``kind`` replaces earlier versions (None: all of them). A
    cumulative export (the Reader's ``replaced_by`` ``"cumulative"``: SIPD Realisasi Per Dokumen,
    every document up to the file's last date) replaces only the versions up to its own last date;
    core.realisasi_dokumen takes the latest."""
    from lkip import sources

    reader = sources.reader(kind)
    return periode_akhir if reader is not None and reader.replaced_by == "cumulative" else None


def _codes(kind: str | None) -> tuple[str, str, str, str] | None:
    """The codes whose disappearance a whole-file replacement reports (the Reader's
    ``replacement_codes``): (staging table, code column, the SQL condition of the rows that carry
    such a code, the word for them)."""
    from lkip import sources

    reader = sources.reader(kind)
    return reader.replacement_codes if reader is not None else None


def _rows(kind: str | None) -> tuple[str, str] | None:
    """The frame rows that carry the codes (the Reader's ``replacement_rows``: column, value), when
    not every row with a code does."""
    from lkip import sources

    reader = sources.reader(kind)
    return reader.replacement_rows if reader is not None else None


SHOWN_CODES = 10  # codes named in the warning; the rest are counted

# Matching key of an indicator text, as core.kunci (sql/core/macros.sql) builds it.
KUNCI = "nullif(regexp_replace(lower(CAST({x} AS VARCHAR)), '[^\\p{{L}}\\p{{N}}]+', '', 'g'), '')"


def _kode(x: str) -> str:
    """A code as core.kode (sql/core/macros.sql) normalises it."""
    return f"nullif(rtrim(regexp_replace(CAST({x} AS VARCHAR), '\\s+', '', 'g'), '.'), '')"


def earlier_versions(con: duckdb.DuckDBPyConnection, key: tuple, sha256: str,
                     upto: Any = None) -> list[dict[str, Any]]:
    """The accepted, not yet superseded files that ``key`` (``stage.replacement_key``) replaces.
    ``upto``: the last date of a cumulative file (``cumulative_upto``), which replaces only files
    up to that date (an older export dropped later does not replace a newer one)."""
    kind, kode_skpd, tahun, periode = key
    cur = con.execute(
        """SELECT file_sha256, source_file, n_rows FROM meta.files
           WHERE kind = ? AND kode_skpd IS NOT DISTINCT FROM ? AND tahun IS NOT DISTINCT FROM ?
             AND (? IS NULL OR periode_akhir = ?)
             AND (? IS NULL OR periode_akhir IS NULL OR periode_akhir <= ?)
             AND outcome IN ('accepted', 'accepted_with_warnings') AND superseded_by IS NULL
             AND file_sha256 <> ?
           ORDER BY staged_at, file_sha256""",
        [kind, kode_skpd, tahun, periode, periode, upto, upto, sha256],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _new_codes(kind: str, tables: dict[str, pd.DataFrame]) -> set[str] | None:
    codes = _codes(kind)
    if codes is None:
        return None
    table, column, _, _ = codes
    df = tables.get(table)
    if df is None or df.empty or column not in df.columns:
        return set()
    rows = _rows(kind)
    if rows is not None and rows[0] in df.columns:
        df = df[df[rows[0]] == rows[1]]
    # each distinct code once (a register of 25 000 rows holds ~100 kegiatan codes)
    distinct = pd.Series(df[column].dropna().unique(), dtype=object)
    values = distinct.astype(str).str.replace(r"\s+", "", regex=True).str.rstrip(".")
    return set(values[values != ""].tolist())


def _old_codes(con: duckdb.DuckDBPyConnection, kind: str, sha256: str) -> set[str]:
    table, column, condition, _ = _codes(kind)  # type: ignore[misc]
    rows = con.execute(
        f"SELECT DISTINCT {_kode(column)} FROM staging.{table} WHERE file_sha256 = ? AND {condition}",
        [sha256],
    ).fetchall()
    return {r[0] for r in rows if r[0] is not None}


def replacement_issues(con: duckdb.DuckDBPyConnection, kind: str | None, key: tuple, sha256: str,
                       tables: dict[str, pd.DataFrame], skpd: str | None = None) -> list[Issue]:
    """A warning per earlier version this file replaces with fewer rows or without some codes:
    ``menggantikan <file>: 180 → 5 baris, 41 kegiatan tidak ada lagi (…)``. A form
    (``per_row``) replaces only the rows it holds, so it never removes any: no warning.
    ``skpd``: the SKPD of one part of a file of several (lkip.skpd_parts), named in the text."""
    if kind is None or per_row(kind):
        return []
    new_rows = sum(len(df) for df in tables.values() if df is not None)
    new_codes: set[str] | None = None
    out = []
    dates = [df["periode_akhir"].dropna().max() for df in tables.values()
             if df is not None and "periode_akhir" in df.columns and df["periode_akhir"].notna().any()]
    upto = cumulative_upto(kind, max(dates) if dates else None)
    earlier = earlier_versions(con, key, sha256, upto)
    if earlier:  # the codes of the new file only when it replaces one (a city drop: mostly not)
        new_codes = _new_codes(kind, tables)
    for old in earlier:
        old_rows = int(old["n_rows"] or 0)
        gone: list[str] = []
        if new_codes is not None:
            gone = sorted(_old_codes(con, kind, old["file_sha256"]) - new_codes)
        if new_rows >= old_rows and not gone:
            continue
        of = skpd or skpd_parts.skpd_of(old["file_sha256"])      # replacing a part of a city-wide file
        part = f" untuk Perangkat Daerah {of}" if of else ""
        text = f"menggantikan {old['source_file']}{part}: {old_rows} → {new_rows} baris"
        if gone:
            word = _codes(kind)[3]  # type: ignore[index]
            shown = ", ".join(gone[:SHOWN_CODES]) + (f", … (+{len(gone) - SHOWN_CODES})" if len(gone) > SHOWN_CODES else "")
            text += f", {len(gone)} {word} tidak ada lagi ({shown})"
        out.append(warning(
            text,
            diharapkan="berkas pengganti memuat semua baris berkas sebelumnya (berkas lengkap, bukan sebagian)",
        ))
    return out


def replacement_note(issues: list[Issue]) -> str | None:
    """The replacement warnings of a file as one text, for meta.files.penggantian."""
    notes = [i.pesan for i in issues if i.pesan.startswith("menggantikan ")]
    return "; ".join(notes) if notes else None


def supersede_covered_rows(con: duckdb.DuckDBPyConnection, kind: str, meta: Any, sha256: str) -> list[str]:
    """After a per-row file's rows are staged: the earlier files of the same kind, SKPD and year
    whose every (kegiatan, indicator) key the new file holds are superseded by it (their rows are
    removed from staging, as a whole-file replacement does). Files it covers only in part stay:
    ``core.form`` takes the latest row per key. Returns the superseded hashes."""
    if not per_row(kind):
        return []
    args = [kind, getattr(meta, "kode_skpd", None), getattr(meta, "tahun", None), sha256]
    if not con.execute(   # no earlier form of that SKPD and year (a first drop): nothing to compare
            """SELECT count(*) FROM meta.files
               WHERE kind = ? AND kode_skpd IS NOT DISTINCT FROM ? AND tahun IS NOT DISTINCT FROM ?
                 AND outcome IN ('accepted', 'accepted_with_warnings') AND superseded_by IS NULL
                 AND file_sha256 <> ?""", args).fetchone()[0]:
        return []
    kunci = KUNCI.format(x="indikator")
    rows = con.execute(
        f"""WITH lama AS (
                SELECT file_sha256 FROM meta.files
                WHERE kind = ? AND kode_skpd IS NOT DISTINCT FROM ? AND tahun IS NOT DISTINCT FROM ?
                  AND outcome IN ('accepted', 'accepted_with_warnings') AND superseded_by IS NULL
                  AND file_sha256 <> ?
            ), baru AS (
                SELECT DISTINCT {_kode('kode_kegiatan')} AS kode, {kunci} AS kunci
                FROM staging.{kind} WHERE file_sha256 = ?
            )
            SELECT l.file_sha256 FROM lama l
            WHERE NOT EXISTS (
                SELECT 1 FROM staging.{kind} s
                WHERE s.file_sha256 = l.file_sha256
                  AND NOT EXISTS (SELECT 1 FROM baru b
                                  WHERE b.kode IS NOT DISTINCT FROM {_kode('s.kode_kegiatan')}
                                    AND b.kunci IS NOT DISTINCT FROM {KUNCI.format(x='s.indikator')}))
            ORDER BY 1""",
        [kind, getattr(meta, "kode_skpd", None), getattr(meta, "tahun", None), sha256, sha256],
    ).fetchall()
    old = [r[0] for r in rows]
    for sha in old:
        con.execute(f"DELETE FROM staging.{kind} WHERE file_sha256 = ?", [sha])
        con.execute("DELETE FROM raw.baris WHERE file_sha256 = ?", [sha])
        con.execute("UPDATE meta.files SET superseded_by = ? WHERE file_sha256 = ?", [sha256, sha])
    return old
