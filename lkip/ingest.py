"""One file end to end: open → detect → read → validate → stage → archive.

``prepare`` touches no database (it runs in parallel: threads, processes or Dask workers);
``stage`` is the single writer; ``archive`` moves the file only after its rows are committed, so a
crash at any point leaves the file in input/ and the next run converges to the same state.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lkip import replacement
from lkip.cells import locate, name_cells
from lkip import stage as stage_mod
from lkip.error_report import write_error_report
from lkip.extract.base import FileMeta
from lkip import sipd_codes, skpd_parts
from lkip.issues import ERROR, FileIncomplete, FileRejected, Issue, error, warning

from lkip.discover import SKIP_DIRS, SKIP_NAME, discover, still_being_copied  # noqa: F401  (ingest.discover)

ACCEPTED = "accepted"
ACCEPTED_WITH_WARNINGS = "accepted_with_warnings"
REJECTED = "rejected"
DUPLICATE = "duplicate"

VERDICT_ID = {
    ACCEPTED: "DITERIMA",
    ACCEPTED_WITH_WARNINGS: "DITERIMA DENGAN PERINGATAN",
    REJECTED: "DITOLAK",
    DUPLICATE: "SUDAH PERNAH DIPROSES (isi sama)",
}


@dataclass
class Prepared:
    path: Path
    rel_path: str
    sha256: str
    size: int
    kind: str | None = None
    meta: FileMeta = field(default_factory=FileMeta)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    raw: list[Any] | None = None       # raw.baris parts (see raw_rows); picklable
    seconds: float = 0.0
    report: Path | None = None     # the .errors.xlsx written by validate_files
    headers: dict[str, Any] = field(default_factory=dict)   # lkip.cells.sheet_labels, to name cells
    mtime_ns: int | None = None    # when read: archive leaves a file that changed since in input/
    read_at: float = 0.0           # time.time() when prepare began

    @property
    def has_errors(self) -> bool:
        return any(i.is_error for i in self.issues)

    @property
    def outcome(self) -> str:
        if self.has_errors:
            return REJECTED
        return ACCEPTED_WITH_WARNINGS if self.issues else ACCEPTED

    @property
    def n_rows(self) -> int:
        return sum(len(t) for t in self.tables.values())


@dataclass
class FileOutcome:
    path: Path
    sha256: str
    kind: str | None
    kode_skpd: str | None
    tahun: int | None
    outcome: str
    n_rows: int = 0
    n_warnings: int = 0
    n_errors: int = 0
    messages: list[str] = field(default_factory=list)
    archived_to: Path | None = None
    report: Path | None = None
    seconds: float = 0.0
    issues: list[Issue] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path.name), "path": str(self.path), "sha256": self.sha256, "kind": self.kind,
            "kode_skpd": self.kode_skpd, "tahun": self.tahun, "outcome": self.outcome,
            "n_rows": self.n_rows, "n_warnings": self.n_warnings, "n_errors": self.n_errors,
            "messages": self.messages[:50], "archived_to": str(self.archived_to) if self.archived_to else None,
            "seconds": round(self.seconds, 3),
        }


# ---------------------------------------------------------------------------------------------
# Prepare (no database)
# ---------------------------------------------------------------------------------------------

def prepare(path: Path, cfg: Any, rel_to: Path | None = None) -> Prepared:
    from lkip.extract import detect as detect_mod
    from lkip.extract.workbook import open_workbook, sha256_of

    started = time.perf_counter()
    path = Path(path)
    root = Path(rel_to) if rel_to else Path(getattr(cfg, "input_dir", path.parent))
    try:
        rel = str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        rel = path.name
    st = path.stat()
    prepared = Prepared(path=path, rel_path=rel, sha256=sha256_of(path), size=st.st_size, mtime_ns=st.st_mtime_ns,
                        read_at=time.time())
    wb = None
    try:
        wb = open_workbook(path, cfg.get("limits") if cfg is not None else None, sha256=prepared.sha256)
        module, issues = detect_mod.detect(wb)
        prepared.issues.extend(issues)
        if module is not None:
            # a reader whose rules are configuration (SIPD documents: [[sipd.dokumen]]) gets the config
            result = module.read(wb, config=cfg) if module.reads_config else module.read(wb)
            prepared.kind = result.kind
            prepared.meta = result.meta
            prepared.tables = result.tables
            prepared.issues.extend(result.issues)
            name_cells(prepared, wb)       # the header positions: schema issues are told by cell
            prepared.issues.extend(schema_issues(result, prepared.headers))
            prepared.issues.extend(_formula_issues(wb, result))
            prepared.issues.extend(_meta_issues(result.meta, result.issues))
            prepared.raw = raw_rows(wb, result.tables)
    except FileRejected as exc:
        prepared.issues.extend(exc.issues)
    except FileIncomplete:
        raise
    except Exception as exc:  # a reader bug must not stop the drop: reject this file, say why
        prepared.issues.append(error(
            f"Berkas tidak dapat dibaca ({exc.__class__.__name__}: {exc}). Laporkan ke pengelola sistem.",
        ))
    prepared.issues = [_with_file(i, path.name) for i in prepared.issues]
    name_cells(prepared, wb)
    prepared.seconds = time.perf_counter() - started
    return prepared


def schema_issues(result: Any, headers: dict[str, Any] | None = None) -> list[Issue]:
    """The kind's validation (``lkip.sources.validate``: typed schemas and cross-row checks) of
    the frames the reader returned. A cell the reader already reported is not reported twice
    (``headers``: lkip.cells.sheet_labels; without the cell, the row)."""
    from lkip import sources

    found = sources.validate(result.kind, result.tables, result.meta)
    if not found:
        return []
    told = locate(list(result.issues), headers)
    cells = {(i.sheet, i.sel) for i in told if i.sel}
    rows = {(i.sheet, i.excel_row) for i in told if i.excel_row is not None}
    rows_no_cell = {(i.sheet, i.excel_row) for i in told if i.excel_row is not None and not i.sel}

    def repeated(i: Issue) -> bool:
        if i.excel_row is None:
            return False
        if i.sel:
            return (i.sheet, i.sel) in cells or (i.sheet, i.excel_row) in rows_no_cell
        return (i.sheet, i.excel_row) in rows
    return [i for i in locate(found, headers) if not repeated(i)]


def raw_rows(wb: Any, tables: dict[str, pd.DataFrame]) -> list[Any]:
    """The staged rows as read, for the raw layer's lineage (raw.baris: each row's cells as JSON
    text). One part per table and sheet: ``stage.RawCells`` for a big sheet read column-wise (the
    JSON is built by DuckDB when the file is staged), else an Arrow table of the JSON rows."""
    import pyarrow as pa

    sheets = {s.name: s for s in wb.sheets}
    parts: list[Any] = []
    for table, df in tables.items():
        if df is None or df.empty or "excel_row" not in df.columns:
            continue
        for name, rows in df.groupby("sheet", sort=False)["excel_row"]:
            sheet = sheets.get(name)
            if sheet is None:
                continue
            excel_rows = rows.astype("int64").to_numpy()
            if not sheet.rows_loaded and getattr(sheet, "strings_origin", None):
                parts.append(_raw_from_strings(sheet, excel_rows, name, table))   # a big sheet read column-wise
                continue
            cells = sheet.rows
            nilai = [json.dumps(["" if v is None else str(v) for v in cells[r - 1]], ensure_ascii=False)
                     if 0 < r <= len(cells) else None for r in excel_rows.tolist()]
            parts.append(pa.table({
                "sheet": pa.array([name] * len(excel_rows), pa.string()),
                "excel_row": pa.array(excel_rows, pa.int64()),
                "tabel": pa.array([table] * len(excel_rows), pa.string()),
                "nilai": pa.array(nilai, pa.string()),
            }))
    return parts


def _raw_from_strings(sheet: Any, excel_rows: Any, name: str, table: str) -> stage_mod.RawCells:
    """The rows' cells in the sheet's Arrow text table (not copied): DuckDB makes each row's JSON
    in the INSERT of ``stage.insert_file`` (no per-cell Python, no JSON held in memory)."""
    origin, c0 = sheet.strings_origin
    cells = sheet.strings()
    positions = excel_rows - origin
    if len(positions) and (positions.min() < 0 or positions.max() >= cells.num_rows):
        raise IndexError(f"baris Excel di luar tabel teks lembar {name!r}")
    return stage_mod.RawCells(sheet=name, tabel=table, cells=cells, positions=positions, origin=origin, lead=c0)


def _with_file(issue: Issue, name: str) -> Issue:
    if issue.file:
        return issue
    return Issue(**{**issue.__dict__, "file": name})


def _formula_issues(wb: Any, result: Any) -> list[Issue]:
    """Formula cells with no cached value in the sheets the reader used: the values are unknown."""
    from lkip.extract.workbook import col_letters

    used = set()
    for df in result.tables.values():
        if "sheet" in df.columns and not df.empty:
            used.update(df["sheet"].dropna().unique().tolist())
    out = []
    for sheet in wb.visible_sheets:
        if used and sheet.name not in used:
            continue
        for row, col in sheet.formula_cells_without_value[:50]:
            out.append(error(
                "Sel berisi rumus tanpa nilai tersimpan: buka dan simpan ulang berkas di Excel",
                sheet=sheet.name, excel_row=row, kolom=col_letters(col),
                diharapkan="nilai hasil rumus tersimpan di berkas",
            ))
    return out


def _meta_issues(meta: FileMeta, reported: list[Issue] | None = None) -> list[Issue]:
    """A missing SKPD or year, unless the reader already reported it (one problem, one message)."""
    said = " ".join(i.pesan.lower() for i in reported or [] if i.is_error)
    out = []
    if not meta.kode_skpd and not meta.bagian and "perangkat daerah" not in said:
        out.append(error("Kode Perangkat Daerah tidak ditemukan di judul berkas",
                         diharapkan="baris judul seperti 'Perangkat Daerah : 4.01.03 - SEKRETARIAT DAERAH'"))
    if not meta.tahun and "tahun" not in said:
        out.append(error("Tahun anggaran tidak ditemukan di judul berkas",
                         diharapkan="baris judul seperti 'TAHUN ANGGARAN 2020'"))
    return out


# ---------------------------------------------------------------------------------------------
# Stage (the single writer)
# ---------------------------------------------------------------------------------------------

def stage(con: duckdb.DuckDBPyConnection, prepared: Prepared, run_id: str, cfg: Any = None,
          archive_plan: Any = None) -> FileOutcome:
    """One file into the warehouse, one transaction. ``archive_plan(outcome)``: where the file will
    be archived (lkip.archiving.plan), recorded in that same transaction."""
    started = time.perf_counter()
    existing = stage_mod.staged_file(con, prepared.sha256)
    if existing and existing["outcome"] in (ACCEPTED, ACCEPTED_WITH_WARNINGS):
        return FileOutcome(
            path=prepared.path, sha256=prepared.sha256, kind=existing["kind"],
            kode_skpd=existing["kode_skpd"], tahun=existing["tahun"], outcome=DUPLICATE,
            messages=[f"Isi berkas sama dengan berkas yang sudah diproses ({existing['source_file']}); tidak dimuat dua kali."],
            seconds=time.perf_counter() - started,
        )
    parts = skpd_parts.split(prepared.sha256, prepared.meta, prepared.tables, prepared.kind)   # [] for one SKPD
    issues = list(prepared.issues) + warehouse_issues(con, prepared, parts=parts)
    outcome = REJECTED if any(i.is_error for i in issues) else (ACCEPTED_WITH_WARNINGS if issues else ACCEPTED)
    stage_mod.insert_file(
        con,
        kind=prepared.kind or "tidak_dikenal",
        meta=prepared.meta,
        tables=prepared.tables if outcome != REJECTED else {},
        sha256=prepared.sha256,
        source_file=prepared.path.name,
        original_path=prepared.rel_path,
        size=prepared.size,
        run_id=run_id,
        issues=issues,
        outcome=outcome,
        raw_rows=prepared.raw if outcome != REJECTED else None,
        parts=parts,
        archived_path=archive_plan(outcome) if archive_plan is not None else None,
    )
    return FileOutcome(
        path=prepared.path, sha256=prepared.sha256, kind=prepared.kind,
        kode_skpd=prepared.meta.kode_skpd, tahun=prepared.meta.tahun, outcome=outcome,
        n_rows=prepared.n_rows if outcome != REJECTED else 0,
        n_warnings=sum(1 for i in issues if not i.is_error),
        n_errors=sum(1 for i in issues if i.is_error),
        messages=[i.text() for i in issues],
        seconds=time.perf_counter() - started + prepared.seconds,
        issues=issues,
    )


def warehouse_issues(con: duckdb.DuckDBPyConnection, prepared: Prepared,
                     batch_renja: dict[tuple, set[str]] | None = None,
                     parts: list[skpd_parts.Part] | None = None) -> list[Issue]:
    """The checks against the warehouse, run whatever the file's other problems (every problem of
    a file in one pass): codes against the Renja, then, for a file that will be staged, what its
    replacement of an earlier version removes (lkip.replacement). A file of several SKPD
    (``parts``, lkip.skpd_parts) is checked part by part, each as a file of that SKPD alone."""
    if parts is None:
        parts = skpd_parts.split(prepared.sha256, prepared.meta, prepared.tables, prepared.kind)
    units = [(p.id, p.meta, p.tables) for p in parts] or [(prepared.sha256, prepared.meta, prepared.tables)]
    found = [skpd_parts.naming(i, meta, parts) for _, meta, tables in units
             for i in cross_file_checks(con, prepared, batch_renja, meta, tables)]
    if not prepared.has_errors and not any(i.is_error for i in found) and prepared.kind:
        replaced: list[str] = []
        for unit, meta, tables in units:
            key = stage_mod.replacement_key(prepared.kind, meta)
            found += [skpd_parts.naming(i, meta, parts) for i in replacement.replacement_issues(
                con, prepared.kind, key, unit, tables, meta.kode_skpd if parts else None)]
            if parts:
                upto = replacement.cumulative_upto(prepared.kind, meta.periode_akhir)
                replaced += [old["file_sha256"] for old in replacement.earlier_versions(con, key, unit, upto)]
        found += skpd_parts.left_behind(con, replaced, parts)
    return locate([_with_file(i, prepared.path.name) for i in found], prepared.headers)


def cross_file_checks(con: duckdb.DuckDBPyConnection, prepared: Prepared,
                      batch_renja: dict[tuple, set[str]] | None = None, meta: FileMeta | None = None,
                      tables: dict[str, pd.DataFrame] | None = None) -> list[Issue]:
    """SP2D and form kegiatan must exist in the Renja of the same SKPD and year (``batch_renja``:
    the kegiatan of Renja files checked in the same `lkip validate`, as a run would stage them first).
    ``meta``/``tables``: one SKPD's part of a file of several (lkip.skpd_parts)."""
    from lkip import sources

    meta = prepared.meta if meta is None else meta
    tables = prepared.tables if tables is None else tables
    reader = sources.reader(prepared.kind)     # which kinds, against what: the Reader's renja_check
    if reader is None or reader.renja_check is None or meta is None:
        return []
    if meta.kode_skpd is None or meta.tahun is None:
        return []   # which Renja to check against is unknown; the reader has already said so, once
    table, kolom, severity, *column = reader.renja_check
    column = column[0] if column else "kode_kegiatan"      # SIPD documents: kode_sub_kegiatan
    df = tables.get(table)
    if df is None or df.empty or column not in df.columns:
        return []
    if column != "kode_kegiatan":
        df = df.rename(columns={"kode_kegiatan": "_kode_kegiatan", column: "kode_kegiatan"})
    renja_key = (meta.kode_skpd, meta.tahun)
    if batch_renja and renja_key in batch_renja:
        known: set[str] | None = batch_renja[renja_key]
    else:
        known = stage_mod.kegiatan_in_renja(con, meta.kode_skpd, meta.tahun)
    if known is None:
        return [warning(
            f"Renja/DPA {meta.kode_skpd} tahun {meta.tahun} belum dimuat: "
            "kode kegiatan di berkas ini belum dapat dicocokkan",
            diharapkan="berkas Renja/DPA Perangkat Daerah yang sama ikut diletakkan di input/",
        )]
    out = []
    # SIPD era: codes compared canonical (two- and four-digit sub kegiatan tails), program codes
    # included (their indicators are on the form too); lkip.sipd_codes.
    known, codes = sipd_codes.comparable(meta.kode_skpd, known, df["kode_kegiatan"])
    mask = df["kode_kegiatan"].notna() & ~codes.isin(known)
    if not mask.any():   # the usual case: no row to select (a selection copies every column asked)
        return out
    for rec in df.loc[mask, ["sheet", "excel_row", "kode_kegiatan"]].itertuples(index=False):
        out.append(Issue(
            pesan=f"Kode kegiatan {rec.kode_kegiatan} tidak ada di Renja/DPA {meta.kode_skpd} tahun {meta.tahun}"
                  + ("" if severity == ERROR else ": baris dimuat tetapi tidak dihitung di tabel"),
            severity=severity, sheet=rec.sheet, excel_row=int(rec.excel_row), kolom=kolom,
            nilai=rec.kode_kegiatan, diharapkan="kode kegiatan yang tercantum di Renja/DPA",
            file=prepared.path.name,
        ))
    return out


# ---------------------------------------------------------------------------------------------
# Validate only (lkip validate)
# ---------------------------------------------------------------------------------------------

def validate_files(paths: list[Path], cfg: Any, report_dir: Path | None = None) -> list[Prepared]:
    """Check files without staging; write an error report for each file that has issues. When the
    workspace has a warehouse, the files are also checked against it as a run would (read-only)."""
    out = [prepare(Path(p), cfg, rel_to=Path(p).parent) for p in paths]
    _check_against_warehouse(out, cfg)
    for prep in out:
        p = prep.path
        if prep.issues:
            target_dir = Path(report_dir) if report_dir else p.parent
            prep.report = write_error_report(target_dir / p.name, p.name, prep.issues, VERDICT_ID[prep.outcome])[0]
    return out


def _check_against_warehouse(prepared: list[Prepared], cfg: Any) -> None:
    """Add to each file the issues a run would add when staging it (lkip.validate_ws)."""
    from lkip import validate_ws

    con, why = validate_ws.open_read_only(cfg)
    if con is None:
        from lkip import sources

        for prep in prepared if why else []:
            reader = sources.reader(prep.kind)
            if reader is not None and reader.renja_check is not None:
                prep.issues.append(warning(why, file=prep.path.name))
        return
    try:
        batch = validate_ws.batch_renja(prepared)
        for prep in sort_for_staging(prepared):
            seen = stage_mod.staged_file(con, prep.sha256)
            if seen and seen["outcome"] in (ACCEPTED, ACCEPTED_WITH_WARNINGS):
                prep.issues.append(warning(
                    f"Isi berkas sama dengan berkas yang sudah diproses ({seen['source_file']}); "
                    "run tidak akan memuatnya lagi", file=prep.path.name))
                continue
            prep.issues.extend(warehouse_issues(con, prep, batch))
    finally:
        con.close()


def sort_for_staging(prepared: list[Prepared]) -> list[Prepared]:
    # Within a kind and period the order given is kept (sorted paths for a run, archive order for a
    # rebuild): a later form replaces the rows it holds, so a rebuild must stage in drop order.
    from lkip import sources

    # Staging order (lkip.sources): the Renja first, so that SP2D and form rows can be checked against it.
    order = sources.staging_order()
    return sorted(prepared, key=lambda p: (order.get(p.kind, order[None]), p.meta.periode_akhir or dt.date.min))
