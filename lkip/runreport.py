"""The run report: `output/runs/<run id>.json` and a short human summary.

The JSON is written to a temporary name and renamed into place, so a reader never sees half of
it. Nothing here imports prefect: `lkip validate` and the tests use it directly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

OUTCOME_LABELS = {
    "accepted": "diterima",
    "accepted_with_warnings": "diterima dengan peringatan",
    "rejected": "ditolak",
    "duplicate": "duplikat (sudah dimuat)",
    "failed": "gagal diproses",
    "skipped": "dilewati",
}


# Run statuses (meta.runs.status, the run report's "status") and the command's exit code for each.
WITH_REJECTIONS = "completed_with_rejections"
COMPLETED_STATUSES = ("completed", WITH_REJECTIONS)
EXIT_CODES = {"completed": 0, "failed": 1, WITH_REJECTIONS: 3}
STATUS_LABELS = {"completed": "selesai", WITH_REJECTIONS: "selesai, ada berkas ditolak", "failed": "gagal",
                 "running": "berjalan"}


def run_status(files: list[dict[str, Any]]) -> str:
    """failed when a file could not be processed; completed_with_rejections when a file was rejected."""
    outcomes = {f.get("outcome") for f in files}
    if "failed" in outcomes:
        return "failed"
    return WITH_REJECTIONS if "rejected" in outcomes else "completed"


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def new_run_id() -> str:
    # Sortable, unique enough for one office server, safe as a file name.
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{os.getpid()}-{os.urandom(2).hex()}"


def atomic_write_text(path: Path, text: str) -> Path:
    """``path`` replaced as a whole, on disk before the rename, with the mode of other outputs."""
    from lkip.fmt import write_text_atomic

    return write_text_atomic(Path(path), text, fsync=True)


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "item"):  # numpy / decimal-like scalars
        try:
            return value.item()
        except Exception:
            pass
    return str(value)


def outcome_record(outcome: Any) -> dict[str, Any]:
    """One file's line of the report, from a FileOutcome (or a dict with the same fields)."""
    get = (lambda k, d=None: outcome.get(k, d)) if isinstance(outcome, dict) else (
        lambda k, d=None: getattr(outcome, k, d)
    )
    rec = {
        "file": str(get("path", "")),
        "name": Path(str(get("path", ""))).name,
        "sha256": get("sha256"),
        "kind": get("kind"),
        "kode_skpd": get("kode_skpd"),
        "tahun": get("tahun"),
        "outcome": get("outcome"),
        "n_rows": get("n_rows", 0) or 0,
        "n_warnings": get("n_warnings", 0) or 0,
        "n_errors": get("n_errors", 0) or 0,
        "messages": list(get("messages", []) or [])[:50],
        "archived_to": get("archived_to"),
        "error_report": get("report") if get("outcome") == "rejected" else None,
        "seconds": get("seconds"),
    }
    return _jsonable(rec)


def error_reports(rec: dict[str, Any]) -> list[str]:
    """[<file>.errors.xlsx, <file>.errors.txt] of a rejected file's record (none for other outcomes)."""
    if rec.get("outcome") != "rejected":
        return []
    written = str(rec.get("error_report") or "")
    for suffix in (".errors.txt", ".errors.xlsx"):
        if written.endswith(suffix):
            stem = written[: -len(suffix)]
            return [stem + ".errors.xlsx", stem + ".errors.txt"]
    archived = rec.get("archived_to")
    return [str(archived) + ".errors.xlsx", str(archived) + ".errors.txt"] if archived else []


def build_report(
    run_id: str,
    started_at: str,
    status: str,
    files: list[dict[str, Any]],
    durations: dict[str, float],
    reconciliation_differences: int | None = None,
    outputs: list[str] | None = None,
    error: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    counts = Counter(f.get("outcome") for f in files)
    report = {
        "run_id": run_id,
        "started_at": started_at,
        "finished_at": now_iso(),
        "status": status,
        "files_seen": len(files),
        "files_by_outcome": dict(sorted(counts.items(), key=lambda kv: str(kv[0]))),
        "rows_staged": sum(
            f.get("n_rows", 0) for f in files if f.get("outcome") in ("accepted", "accepted_with_warnings")
        ),
        "warnings": sum(f.get("n_warnings", 0) for f in files),
        "errors": sum(f.get("n_errors", 0) for f in files),
        "reconciliation_differences": reconciliation_differences,
        "durations_seconds": {k: round(v, 3) for k, v in durations.items()},
        "files": files,
        "outputs": outputs or [],
    }
    if error:
        report["error"] = error
    if extra:
        report.update(_jsonable(extra))
    return _jsonable(report)


def write_report(runs_dir: Path, report: dict[str, Any]) -> Path:
    from lkip.safe_fs import open_dir

    runs_dir = Path(runs_dir)
    with open_dir(runs_dir.parent, (runs_dir.name,), move_aside=False) as folder:  # no link followed
        return folder.write_atomic(f"{report['run_id']}.json",
                                   (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def print_summary(report: dict[str, Any], console: Any = None) -> None:
    """A short table for the officer: one line per file, then the totals."""
    from rich.console import Console
    from rich.table import Table

    from lkip.console_safe import plain

    console = console or Console(stderr=False)
    status = STATUS_LABELS.get(report.get("status") or "", report.get("status") or "")
    table = Table(title=f"Run {report['run_id']} — {status}", show_lines=False)
    table.add_column("Berkas", overflow="fold")
    table.add_column("Jenis")
    table.add_column("Hasil")
    table.add_column("Baris", justify="right")
    table.add_column("Peringatan", justify="right")
    table.add_column("Galat", justify="right")
    styles = {"rejected": "red", "failed": "bold red", "accepted_with_warnings": "yellow", "accepted": "green"}
    for f in report.get("files", []):
        oc = f.get("outcome") or ""
        table.add_row(
            plain(f.get("name") or ""),
            plain(f.get("kind") or "-"),
            f"[{styles.get(oc, 'white')}]{OUTCOME_LABELS.get(oc, oc)}[/]",
            str(f.get("n_rows", 0)),
            str(f.get("n_warnings", 0)),
            str(f.get("n_errors", 0)),
        )
    if report.get("files"):
        console.print(table)
    by = report.get("files_by_outcome", {})
    parts = [f"{OUTCOME_LABELS.get(k, k)}: {v}" for k, v in by.items()] or ["tidak ada berkas baru"]
    console.print(
        f"Berkas: {report.get('files_seen', 0)} ({', '.join(parts)}); "
        f"baris dimuat: {report.get('rows_staged', 0)}; peringatan: {report.get('warnings', 0)}"
    )
    tw = report.get("peringatan_laporan") or {}
    if tw:
        detail = ", ".join(f"{k}: {v}" for k, v in tw.items())
        console.print(f"[yellow]Peringatan pada tabel laporan: {sum(tw.values())} ({detail}); "
                      "lihat sheet Validasi atau laporan.peringatan[/]")
    rec = report.get("reconciliation_differences")
    if rec:
        console.print(f"[yellow]Selisih rekonsiliasi: {rec} baris (lihat laporan.peringatan)[/]")
    d = report.get("durations_seconds", {})
    if d:
        console.print("Durasi: " + ", ".join(f"{STAGE_LABELS.get(k, k)} {v:.1f} detik".replace(".", ",")
                                             for k, v in d.items()))
    # Paths are printed whole (soft_wrap): an operator copies them, whatever the terminal's width.
    for f in report.get("files", []):
        if f.get("outcome") == "rejected":
            dest = f.get("archived_to") or f.get("file")
            console.print(f"[red]Ditolak:[/] {plain(str(f.get('name')))} → {plain(str(dest))}", soft_wrap=True)
            for errors_xlsx in error_reports(f)[:1]:
                console.print(f"    Laporan kesalahan: {plain(errors_xlsx)}", soft_wrap=True)
            for m in f.get("messages", [])[:3]:
                console.print(f"    {plain(str(m))}", soft_wrap=True)
        elif f.get("outcome") in ("accepted", "accepted_with_warnings"):
            for m in f.get("messages", []):
                if m.startswith("menggantikan "):    # a replacement that removed rows (lkip.replacement)
                    console.print(f"[yellow]Peringatan:[/] {plain(str(f.get('name')))} {plain(m)}", soft_wrap=True)
        elif f.get("outcome") in ("failed", "skipped"):
            head = "[bold red]Gagal diproses:[/]" if f.get("outcome") == "failed" else "[yellow]Dilewati:[/]"
            console.print(f"{head} {plain(f.get('name'))}: {plain(' '.join(f.get('messages', [])[-1:]))}",
                          soft_wrap=True)
    for line in result_lines(report):
        console.print(plain(line), soft_wrap=True)
    if report.get("error"):
        console.print(f"[bold red]Run gagal:[/] {plain(str(report['error']))}", soft_wrap=True)
    console.print(f"Run {report['run_id']} {status}.", soft_wrap=True)


STAGE_LABELS = {"discover": "temukan berkas", "prepare": "baca dan validasi", "stage": "muat",
                "archive": "arsipkan", "model": "bangun model", "publish": "terbitkan", "total": "total"}


def _shown(path: Path) -> str:
    """A path as the operator types it: relative to the current folder when under it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def result_lines(report: dict[str, Any], max_folders: int = 6) -> list[str]:
    """`Hasil: output/2020/4.01.03/` per published folder, and where the summary page is."""
    out_dir = report.get("output_dir")
    if not out_dir:
        return []
    out_dir = Path(out_dir)
    folders: list[Path] = []
    for p in report.get("outputs") or []:
        try:
            rel = Path(p).resolve().relative_to(out_dir.resolve())
        except (ValueError, OSError):
            continue
        if len(rel.parts) >= 3 and (out_dir / rel.parts[0] / rel.parts[1]) not in folders:
            folders.append(out_dir / rel.parts[0] / rel.parts[1])
    sep = os.sep
    if not folders:
        lines = [f"Hasil: {_shown(out_dir)}{sep} (keluaran tidak berubah)"] if report.get("status") != "failed" else []
    elif len(folders) <= max_folders:
        lines = [f"Hasil: {_shown(f)}{sep}" for f in folders]
    else:
        years = sorted({f.parent for f in folders})
        lines = [f"Hasil: {_shown(y)}{sep} ({sum(1 for f in folders if f.parent == y)} folder SKPD)" for y in years]
    index = out_dir / "index.html"
    if index.exists():
        lines.append(f"Ringkasan semua run dan berkas: {_shown(index)}")
    return lines
