"""A drop of files through the pipeline, as plain functions (no Prefect here).

    paths          = ingest.discover(cfg) | rebuild_paths(cfg)      which files
    prepared, recs = prepare_drop(cfg, paths, submit=...)           open, read, validate (parallel)
    staged         = stage_drop(cfg, con, prepared, run_id)         one writer, then archive
    if needs_rebuild(con, run_id, mode, staged.changed): model.build, publish
    status, error  = verdict(files, publish_summary)

The flow (flows/pipeline.py) maps ``prepare_drop`` over its task runner (``submit``) and runs
``stage_drop`` as one task; the tests call them as they are. Progress events and the
final summary reach the caller of a flow run in this process through an :class:`Observer`
(``with observing(callback) as obs: ...``), never through module state.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from lkip import runreport
from lkip.console_safe import inert

_log = logging.getLogger("lkip.drop")


# ---- what the caller of a run sees of it ------------------------------------------------------


class Observer:
    """Progress events ``(name, payload)`` of a run for a display, and the run's last summary."""

    def __init__(self, on_event: Callable[[str, dict[str, Any]], None] | None = None):
        self.on_event = on_event
        self.summary: dict[str, Any] | None = None

    def emit(self, event: str, **payload: Any) -> None:
        if self.on_event is not None:
            try:
                self.on_event(event, payload)
            except Exception:  # a display problem must never fail a run
                pass


_OBSERVER: ContextVar[Observer | None] = ContextVar("lkip_run_observer", default=None)


@contextmanager
def observing(on_event: Callable[[str, dict[str, Any]], None] | None = None) -> Iterator[Observer]:
    """The runs started inside this block report to the Observer yielded."""
    obs = Observer(on_event)
    token = _OBSERVER.set(obs)
    try:
        yield obs
    finally:
        _OBSERVER.reset(token)


def observer() -> Observer:
    """The Observer of the current run's caller (one that ignores everything when none)."""
    return _OBSERVER.get() or Observer()


# ---- which files -----------------------------------------------------------------------------


def archived_files(cfg: Any) -> list[str]:
    """Files of input/processed/ in the order they were archived (date folder, then rename time)."""
    root = Path(cfg.processed_dir)
    if not root.is_dir():
        return []
    files = []
    for p in root.rglob("*"):
        if p.is_symlink() or not p.is_file() or p.name.startswith(".") or p.name.endswith((".errors.xlsx", ".errors.txt")):
            continue
        try:
            rel = p.relative_to(root)
            st = p.stat()
            files.append((rel.parts[0] if len(rel.parts) > 1 else "", st.st_ctime_ns, str(rel), p))
        except OSError:
            continue
    return [str(f[3]) for f in sorted(files)]


def rebuild_paths(cfg: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """(files to rebuild from: only those the pipeline archived itself, the others as records)."""
    from lkip.archive_manifest import split_listed

    paths, strangers = split_listed(cfg, archived_files(cfg))
    return paths, [runreport.outcome_record(s) for s in strangers]


def archive_root(cfg: Any, path: str) -> str:
    """processed/<date>/ of an archived file, so its rel_path is the one it had in input/."""
    root = Path(cfg.processed_dir)
    try:  # lexical: a path outside processed/ (never listed by archived_files) reads as its folder
        rel = Path(os.path.normpath(path)).relative_to(root)
    except ValueError:
        return str(Path(path).parent)
    return str(root / rel.parts[0]) if len(rel.parts) > 1 else str(root)


def sweep_temp_files(output_dir: Path) -> int:
    """Remove temporary outputs (`.<name>.<random>.tmp`) that a killed run left behind.

    Called with the lock held, so no other writer can be using them. Readers never saw them:
    outputs only appear under their real name by rename.
    """
    n = 0
    root = Path(output_dir)
    if not root.is_dir():
        return 0
    for p in root.rglob(".*.tmp"):
        try:
            if p.is_file():
                p.unlink()
                n += 1
        except OSError:
            pass
    return n


# ---- prepare (parallel, no database) ----------------------------------------------------------


class _Done:
    """A future already resolved: what ``prepare_drop`` runs in this thread without a runner."""

    def __init__(self, fn: Callable[[], Any]):
        try:
            self._value, self._exc = fn(), None
        except Exception as exc:
            self._value, self._exc = None, exc

    def result(self) -> Any:
        if self._exc is not None:
            raise self._exc
        return self._value


def _prepare_here(cfg: Any) -> Callable[[str, str | None], _Done]:
    from lkip import ingest

    def submit(path: str, rel_to: str | None) -> _Done:
        if rel_to:
            return _Done(lambda: ingest.prepare(Path(path), cfg, rel_to=Path(rel_to)))
        return _Done(lambda: ingest.prepare(Path(path), cfg))
    return submit


def failed_outcome(path: str, exc: BaseException, seconds: float) -> dict[str, Any]:
    return {
        "path": path,
        "outcome": "failed",
        "n_rows": 0,
        "n_warnings": 0,
        "n_errors": 1,
        "messages": [f"Kesalahan tak terduga, berkas dibiarkan di input/: {type(exc).__name__}: {exc}"],
        "archived_to": None,
        "seconds": round(seconds, 3),
    }


def prepare_drop(cfg: Any, paths: list[str], *, submit: Callable[[str, str | None], Any] | None = None,
                 wait_any: Callable[[list[Any]], Any] | None = None, rel_to_parent: bool = False,
                 logger: Any = None) -> tuple[list[Any], list[dict[str, Any]]]:
    """Open, detect, read and validate every file; a file still being copied is left for the next run.

    ``submit(path, rel_to)`` returns a future (``.result()``) and ``wait_any(futures)`` the first
    one done: the flow's task runner; by default each file is prepared here, one after the other.
    Files go to the workers only while their estimated memory fits the budget. Returns (the
    Prepared files in staging order: Renja first, older periods first; the records of the files
    not prepared, skipped or failed)."""
    from lkip import admission, ingest

    logger = logger or _log
    obs = observer()
    records: list[dict[str, Any]] = []
    if not paths:
        return [], records
    if submit is None:
        submit, wait_any = _prepare_here(cfg), (lambda futures: futures[0])
    obs.emit("phase", name="Membaca dan memvalidasi", total=len(paths))
    budget, factor = admission.budget_of(cfg)
    futures = admission.submit_within_budget(
        paths, [admission.estimate_mb(p, factor) for p in paths], budget,
        lambda p: submit(p, archive_root(cfg, p) if rel_to_parent else None),
        wait_any,
        lambda p, need, used: logger.info(
            "%s (perkiraan memori %.0f MB) menunggu: %.0f MB dari anggaran %.0f MB sedang dipakai",
            Path(p).name, need, used, budget),
    )
    prepared: list[Any] = []
    for path, fut in zip(paths, futures):
        t_file = time.monotonic()
        try:
            prepared.append(fut.result())
        except Exception as exc:
            if type(exc).__name__ == "FileIncomplete":
                logger.info("%s masih disalin: dibiarkan untuk run berikutnya", inert(Path(path).name))
                records.append(runreport.outcome_record({
                    "path": path, "outcome": "skipped",
                    "messages": ["Berkas masih disalin; diproses pada run berikutnya."],
                }))
            else:  # a reader bug: keep the file where it is and report it
                logger.error("Gagal membaca %s: %s", inert(path), inert(exc))
                records.append(runreport.outcome_record(failed_outcome(path, exc, time.monotonic() - t_file)))
            obs.emit("file", name=Path(path).name, outcome=records[-1]["outcome"])
            continue
        obs.emit("file", name=None, outcome=None)
    return ingest.sort_for_staging(prepared), records


# ---- stage (one writer) and archive -----------------------------------------------------------


@dataclass
class Staged:
    outcomes: list[Any] = field(default_factory=list)       # ingest.FileOutcome, in staging order
    records: list[dict[str, Any]] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """Whether a file was accepted: the model and outputs must then be rebuilt."""
        return any(r["outcome"] in ("accepted", "accepted_with_warnings") for r in self.records)


def stage_drop(cfg: Any, con: Any, prepared: list[Any], run_id: str, *, move: bool = True,
               stage: Callable[..., Any] | None = None, archive: Callable[..., Any] | None = None,
               logger: Any = None, workers: int = 1) -> Staged:
    """Stage one file at a time (one transaction each), then move it (``move``): a file moves only
    after its commit. ``stage(prepared, run_id, cfg, con)`` and ``archive(prepared, outcome, cfg,
    con)`` default to ``ingest.stage`` / ``archiving.archive``; by default, with ``move``, the
    path the file will be archived to is recorded in its own transaction (``archiving.plan``), so
    the archive itself writes nothing to the warehouse unless the file went elsewhere.
    ``workers`` > 1 (and the default stage and archive): the files of different SKPD are staged
    side by side, each SKPD's in order (lkip.stage_parallel); the result is the serial one."""
    from lkip import archiving, ingest, stage_parallel

    logger = logger or _log
    obs = observer()
    planned: dict[str, str | None] = {}
    custom = stage is not None or archive is not None

    def plan(prep: Any) -> Callable[[str], str | None]:
        def at(verdict: str) -> str | None:
            planned[prep.sha256] = archiving.plan(prep, verdict, cfg)
            return planned[prep.sha256]
        return at

    stage = stage or (lambda prep, rid, c, cn: ingest.stage(cn, prep, rid, c, archive_plan=plan(prep) if move else None))
    archive = archive or (lambda prep, out, c, cn: archiving.archive(prep, out, c, cn, planned=planned.pop(prep.sha256, None)))
    out = Staged(durations={"stage": 0.0, "archive": 0.0})
    if prepared:
        obs.emit("phase", name="Memuat ke gudang data", total=len(prepared))
    moving = threading.Lock()   # the archive's folders are made and names picked one file at a time

    def one(prep: Any, cn: Any) -> tuple[Any, dict[str, Any], float]:
        t = time.monotonic()
        try:
            outcome = stage(prep, run_id, cfg, cn)
        except Exception as exc:   # the run fails here; the log says on which file
            logger.error("%s: gagal dimuat ke gudang data (%s: %s)", inert(Path(prep.path).name),
                         type(exc).__name__, inert(exc))
            raise
        took = time.monotonic() - t
        if move:
            with moving:
                t = time.monotonic()
                outcome = archive(prep, outcome, cfg, cn)
                out.durations["archive"] += time.monotonic() - t
        # its rows are in the warehouse now: let go of the frames (the drop's peak memory is the
        # prepared files waiting to be staged; each one staged frees its share)
        prep.tables, prep.raw = {}, None
        rec = runreport.outcome_record(outcome)
        obs.emit("file", name=rec["name"], outcome=rec["outcome"])
        (logger.warning if rec["outcome"] in ("rejected", "failed") else logger.info)(
            "%s: %s (%s baris)", inert(rec["name"]), rec["outcome"], rec["n_rows"])
        return outcome, rec, took

    keys = [stage_parallel.group_key(p) for p in prepared]
    if custom or not stage_parallel.worth_it(keys, workers):
        for prep in prepared:
            outcome, rec, took = one(prep, con)
            out.durations["stage"] += took
            out.outcomes.append(outcome)
            out.records.append(rec)
        return out
    t0 = time.monotonic()
    results = stage_parallel.run_groups(len(prepared), keys, workers, con, lambda i, cn: one(prepared[i], cn))
    for state, value in results:   # the first failure in staging order (logged by its worker)
        if state == "error":
            raise value
    for state, value in results:
        if state == "ok":
            out.outcomes.append(value[0])
            out.records.append(value[1])
    out.durations["stage"] = max(0.0, time.monotonic() - t0 - out.durations["archive"])
    return out


# ---- decide, then judge the run ----------------------------------------------------------------


def _scalar(con: Any, sql: str, params: list | None = None) -> Any:
    row = con.execute(sql, params or []).fetchone()
    return row[0] if row else None


def last_run_unfinished(con: Any, run_id: str) -> bool:
    """Whether the run before this one did not finish cleanly, or the report views are missing."""
    try:
        status = _scalar(
            con,
            "select status from meta.runs where run_id <> ? order by started_at desc limit 1",
            [run_id],
        )
    except Exception:
        return True
    if status not in runreport.COMPLETED_STATUSES:
        return True
    try:
        n_views = _scalar(con, "select count(*) from duckdb_views() where schema_name = 'laporan'")
    except Exception:
        return True
    return not n_views


def needs_rebuild(con: Any, run_id: str, mode: str = "run", changed: bool = False) -> bool:
    """Build the model and publish: new data, a report or rebuild run, or an unfinished last run."""
    return changed or mode != "run" or last_run_unfinished(con, run_id)


def verdict(files: list[dict[str, Any]], publish_summary: dict[str, Any]) -> tuple[str, str | None]:
    """(status, error) of a run that went through: failed files and failed units say why."""
    failed_files = [f for f in files if f.get("outcome") == "failed"]
    status, error = runreport.run_status(files), None
    if failed_files:
        error = f"{len(failed_files)} berkas gagal diproses (dibiarkan di input/ untuk run berikutnya)"
        error += "".join(f". {m}" for f in failed_files for m in f.get("messages", []) if "Disk penuh" in m)[:1000]
    if publish_summary.get("unit_gagal"):  # the other units were published
        status = "failed"
        error = "; ".join(filter(None, [error] + [u["pesan"] for u in publish_summary["unit_gagal"]]))
    return status, error


def model_checks(con: Any, run_id: str, rebuilt: bool,
                 counted: tuple[int | None, dict[str, int]] | None = None) -> tuple[int | None, dict[str, int]]:
    """(reconciliation differences, report-table warnings) of the warehouse's model. After a build
    they are counted from the laporan views (~0,3 s each on a 44-SKPD city), or are ``counted``
    when given: what `count_checks` found in this build's views (the publish plan evaluates every
    view once and counts them there, flows.publish_step); a run that built nothing (``rebuilt``
    False: nothing new, and the run before completed, ``needs_rebuild``) has the model that run
    left, so it reports that run's counts, kept in its meta.runs summary."""
    if rebuilt and counted is not None:
        return counted
    if not rebuilt:
        try:
            row = con.execute(
                "select status, summary from meta.runs where run_id <> ? order by started_at desc limit 1",
                [run_id]).fetchone()
            import json

            last = json.loads(row[1]) if row and row[0] in runreport.COMPLETED_STATUSES and row[1] else {}
            if "reconciliation_differences" in last and isinstance(last.get("peringatan_laporan"), dict):
                rec = last["reconciliation_differences"]
                return (None if rec is None else int(rec),
                        {str(k): int(v) for k, v in last["peringatan_laporan"].items()})
        except Exception:   # no usable summary: count them
            pass
    return reconciliation_differences(con), model_warnings(con)


def count_checks(con: Any, views: dict[str, str]) -> tuple[int | None, dict[str, int]]:
    """model_checks' counts read from `views` ({laporan view: a table holding its rows}, e.g. the
    publish plan's materialised copies) instead of evaluating the two views again."""
    rek = views.get("rekonsiliasi")
    return (reconciliation_differences(con, rek) if rek else reconciliation_differences(con),
            model_warnings(con, views.get("peringatan") or "laporan.peringatan"))


def model_warnings(con: Any, source: str = "laporan.peringatan") -> dict[str, int]:
    """Warnings the tables carry (target 0, pagu 0 with realisasi, unmatched indicators...), per table."""
    try:
        rows = con.execute(
            f"select tabel, count(*) from {source} where kode_skpd <> 'KOTA' group by 1 order by 1"
        ).fetchall()
    except Exception:
        return {}
    return {str(t): int(n) for t, n in rows}


def reconciliation_differences(con: Any, source: str | None = None) -> int | None:
    """Rows of laporan.rekonsiliasi (or of `source`, a copy of its rows) with a difference."""
    try:
        exists = source or _scalar(
            con,
            "select count(*) from information_schema.tables where table_schema = 'laporan' "
            "and table_name = 'rekonsiliasi'",
        )
        if not exists:
            return None
        return int(_scalar(con, f"select count(*) from {source or 'laporan.rekonsiliasi'} "
                               "where kode_skpd <> 'KOTA' and (coalesce(selisih_lra_sp2d, 0) <> 0 "
                               "or coalesce(selisih_lra_form, 0) <> 0 or coalesce(selisih_sp2d_form, 0) <> 0 "
                               "or coalesce(selisih_dokumen_sp2d, 0) <> 0 or coalesce(selisih_dokumen_form, 0) <> 0)") or 0)
    except Exception:
        return None
