"""Benchmark: raw Excel readers against the LKIP pipeline's stages, in one run, on one machine.

Every measurement runs in a fresh Python process (``run_bench.py --child MEASURE FILE``) and is
repeated ``--repeat`` times; the report quotes the median. Per run two figures are taken:

* ``op s``: the wall time of the operation itself, timed inside the child after its imports (so
  interpreter start-up and ``import pandas`` do not blur a 0,1 s read);
* ``peak MB``: the child's peak resident memory (``ru_maxrss`` from ``os.wait4``), imports included.

Whole commands (``lkip run``) are timed from outside (process wall time).

    .venv/bin/python bench/run_bench.py --sizes 10000,100000,1000000 --city --repeat 3 \
        --out bench/results/$(date +%F).md

The Markdown report (and a JSON file beside it) holds the hardware, every figure and the ratios
against the targets of issue 5.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

RAW_READERS = [
    ("unzip", "unzip (zipfile, all members)"),
    ("openpyxl_ro", "openpyxl read-only iter_rows"),
    ("pandas_openpyxl", "pandas.read_excel(engine='openpyxl')"),
    ("pandas_calamine", "pandas.read_excel(engine='calamine')"),
    ("calamine", "python-calamine to_python"),
    ("fastexcel", "fastexcel to Arrow (type inference)"),
    ("fastexcel_str", "fastexcel to Arrow (all columns string)"),
]
SLOW = {"openpyxl_ro", "pandas_openpyxl"}
STAGES = [
    ("read", "read: open_workbook (safety scan) + cells (Arrow text for big sheets, typed grid for small)"),
    ("parse", "parse: register reader read() (cells already read)"),
    ("validate", "validate: pandera schema (schemas.register_sp2d)"),
    ("stage", "stage: DuckDB commit (stage.insert_file)"),
    ("ingest", "full ingest: ingest.prepare (scan, read, parse, validate) + ingest.stage"),
    ("tables", "tables: lkip.model.build"),
    ("publish", "publish: lkip.publish.publish_all"),
]


# =============================================================================================
# Children: one operation each, printing one JSON line


def _cfg(workdir: Path):
    from lkip.config import load_config

    return load_config(workspace=workdir, input_dir=workdir / "input", output_dir=workdir / "output")


PIPELINE_MODULES = (
    "duckdb", "pandas", "pyarrow", "pyarrow.compute", "fastexcel", "openpyxl", "python_calamine",
    "defusedxml.ElementTree", "pandera.pandas", "lkip.ingest", "lkip.stage", "lkip.extract.detect",
    "lkip.extract.workbook", "lkip.extract.register_sp2d", "lkip.extract.register_fast",
    "lkip.extract.renja", "lkip.extract.lra", "lkip.extract.realisasi_fisik", "lkip.extract.pk_iku",
    "schemas.register_sp2d", "schemas.realisasi_fisik", "schemas.pk_iku", "schemas.renja",
    "schemas.lra",
)


def _import_pipeline() -> float:
    """Import what the pipeline's ingest imports (once per process, however many files follow),
    as every raw reader imports its library before its clock starts; returns the seconds."""
    import importlib

    t = time.perf_counter()
    for name in PIPELINE_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    return time.perf_counter() - t


def _timed_parts(timings: dict[str, float]) -> Callable[[], None]:
    """Wrap the ingest's steps with timers (no change in what runs); returns the undo."""
    from lkip import ingest, stage
    from lkip.extract import workbook

    undo: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, attr: str, key: str, minus: tuple[str, ...] = ()) -> None:
        orig = getattr(owner, attr)

        def timed(*a: Any, **k: Any) -> Any:
            before = {m: timings.get(m, 0.0) for m in minus}
            t = time.perf_counter()
            try:
                return orig(*a, **k)
            finally:
                spent = time.perf_counter() - t - sum(timings.get(m, 0.0) - before[m] for m in minus)
                timings[key] = timings.get(key, 0.0) + spent

        setattr(owner, attr, timed)
        undo.append((owner, attr, orig))

    wrap(workbook, "open_workbook", "scan")
    wrap(workbook.Sheet, "strings", "text")
    from lkip.extract import register_sp2d

    wrap(register_sp2d, "read", "parse", minus=("text",))
    # ingest reaches the reader through its Reader (lkip.sources), not the module attribute
    import dataclasses

    from lkip import sources

    undo.append((sources, "READERS", sources.READERS))
    sources.READERS = tuple(dataclasses.replace(r, read=register_sp2d.read) if r is register_sp2d.READER else r
                            for r in sources.READERS)
    wrap(ingest, "schema_issues", "validate")
    wrap(ingest, "raw_rows", "raw")
    wrap(stage, "insert_file", "stage")

    def restore() -> None:
        for owner, attr, orig in reversed(undo):
            setattr(owner, attr, orig)

    return restore


def _ingest(path: Path, workdir: Path, timings: dict[str, float] | None = None):
    """What the flow does with one file (ingest.prepare, which reads and validates, then
    ingest.stage into workdir/output/lkip.duckdb); returns (con, cfg, outcome, prepared)."""
    from lkip import ingest, stage

    cfg = _cfg(workdir)
    restore = _timed_parts(timings) if timings is not None else (lambda: None)
    try:
        t = time.perf_counter()
        prepared = _prepare(path, cfg)
        t1 = time.perf_counter()
        con = stage.connect(cfg)
        outcome = ingest.stage(con, prepared, "bench", cfg)
        t2 = time.perf_counter()
    finally:
        restore()
    if timings is not None:
        timings.update(prepare=t1 - t, stage_all=t2 - t1)
    return con, cfg, outcome, prepared


def _big(sheet: Any) -> bool:
    """A sheet the pipeline reads as Arrow text (the register fast path), not as a typed grid."""
    from lkip.extract.register_fast import FAST_MIN_ROWS

    return sheet.n_rows_hint >= FAST_MIN_ROWS


def _cells(sheet: Any) -> Any:
    return sheet.strings()


def _prepare(path: Path, cfg):
    from lkip import ingest

    return ingest.prepare(path, cfg)


def child(measure: str, path: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if measure in {k for k, _ in STAGES}:
        out["import_s"] = _import_pipeline()
    work = Path(tempfile.mkdtemp(prefix="lkip-bench-"))
    try:
        if measure == "unzip":
            import zipfile

            t = time.perf_counter()
            n = 0
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    with zf.open(info) as f:
                        while chunk := f.read(1 << 22):
                            n += len(chunk)
            out.update(seconds=time.perf_counter() - t, bytes=n)
        elif measure == "openpyxl_ro":
            import openpyxl

            t = time.perf_counter()
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
            wb.close()
            out.update(seconds=time.perf_counter() - t, rows=n)
        elif measure in ("pandas_openpyxl", "pandas_calamine"):
            import importlib

            import pandas as pd

            importlib.import_module("openpyxl" if measure == "pandas_openpyxl" else "python_calamine")

            t = time.perf_counter()
            df = pd.read_excel(path, engine=measure.split("_")[1], header=None)
            out.update(seconds=time.perf_counter() - t, rows=len(df))
        elif measure == "calamine":
            from python_calamine import CalamineWorkbook

            t = time.perf_counter()
            wb = CalamineWorkbook.from_path(str(path))
            rows = wb.get_sheet_by_index(0).to_python()
            out.update(seconds=time.perf_counter() - t, rows=len(rows))
        elif measure in ("fastexcel", "fastexcel_str"):
            import fastexcel
            import pyarrow  # noqa: F401 - to_arrow imports it on first use: not part of the read

            t = time.perf_counter()
            reader = fastexcel.read_excel(str(path))
            kw = {"dtypes": "string"} if measure == "fastexcel_str" else {}
            table = reader.load_sheet(0, header_row=None, **kw).to_arrow()
            out.update(seconds=time.perf_counter() - t, rows=table.num_rows)
        elif measure == "read":
            from lkip.extract.workbook import open_workbook

            t = time.perf_counter()
            wb = open_workbook(path)
            rows = sum(_cells(s).num_rows if _big(s) else len(s.rows) for s in wb.visible_sheets)
            out.update(seconds=time.perf_counter() - t, rows=rows)
        elif measure == "parse":
            from lkip.extract import register_sp2d
            from lkip.extract.workbook import open_workbook

            wb = open_workbook(path)
            for s in wb.visible_sheets:
                if _big(s):
                    _cells(s)        # the text is read before the clock: parse alone is timed
            t = time.perf_counter()
            res = register_sp2d.read(wb)
            out.update(seconds=time.perf_counter() - t, rows=res.n_rows, issues=len(res.issues))
        elif measure == "validate":
            from lkip.extract import register_sp2d
            from lkip.extract.workbook import open_workbook
            from schemas import register_sp2d as schema

            res = register_sp2d.read(open_workbook(path))
            df = res.tables["register_sp2d"]
            t = time.perf_counter()
            issues = schema.validate(df, tahun=res.meta.tahun)
            out.update(seconds=time.perf_counter() - t, rows=len(df), issues=len(issues))
        elif measure == "stage":
            cfg = _cfg(work)
            prepared = _prepare(path, cfg)
            from lkip import ingest, stage

            con = stage.connect(cfg)
            t = time.perf_counter()
            outcome = ingest.stage(con, prepared, "bench", cfg)
            out.update(seconds=time.perf_counter() - t, rows=outcome.n_rows, outcome=outcome.outcome)
        elif measure == "ingest":
            timings: dict[str, float] = {}
            t = time.perf_counter()
            con, cfg, outcome, _ = _ingest(path, work, timings)
            seconds = time.perf_counter() - t
            # Not part of the ingest: the checkpoint DuckDB makes when the run closes the warehouse
            # (once per run, whatever the number of files), reported beside it.
            t = time.perf_counter()
            con.close()
            timings["close_checkpoint"] = time.perf_counter() - t
            out.update(seconds=seconds, rows=outcome.n_rows, outcome=outcome.outcome,
                       n_errors=outcome.n_errors, n_warnings=outcome.n_warnings, parts=timings)
        elif measure in ("tables", "publish"):
            from lkip import model

            con, cfg, outcome, _ = _ingest(path, work)
            t = time.perf_counter()
            model.build(con, cfg)
            built = time.perf_counter() - t
            if measure == "tables":
                out.update(seconds=built, rows=outcome.n_rows)
            else:
                from lkip.publish import publish_all

                t = time.perf_counter()
                files = publish_all(con, cfg.output_dir, cfg)
                out.update(seconds=time.perf_counter() - t, rows=outcome.n_rows, files=len(files))
        else:
            raise SystemExit(f"unknown measure {measure}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


# =============================================================================================
# Parent


def run_child(args: list[str], timeout: float, env: dict | None = None,
              cwd: Path | None = None) -> dict[str, Any]:
    """Run one fresh process; return its JSON (if any), wall time and peak RSS (MB)."""
    t = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=cwd)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
        return {"error": f"timeout after {timeout:.0f} s", "wall": time.perf_counter() - t}
    wall = time.perf_counter() - t
    # communicate() reaped the child; its rusage is in the parent's RUSAGE_CHILDREN only as a max
    # over all children, so the children measure their own peak (see child_main).
    res: dict[str, Any] = {"wall": wall, "returncode": proc.returncode}
    line = next((ln for ln in reversed(stdout.splitlines()) if ln.startswith("{")), None)
    if line:
        res.update(json.loads(line))
    if proc.returncode != 0:
        res["error"] = (stderr.strip().splitlines() or ["exit %d" % proc.returncode])[-1][:300]
    return res


def write_result(out: Path | None, text: str, data: Any = None) -> None:
    """Print a benchmark's markdown; with `out`, write it there (UTF-8), and `data` beside it as
    JSON (same name, .json)."""
    print(text)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        if data is not None:
            Path(out).with_suffix(".json").write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")


def peak_of_command(args: list[str], timeout: float, env: dict | None = None,
                    cwd: Path | None = None) -> dict[str, Any]:
    """A whole command, timed from outside; peak RSS of its largest process via a wrapper."""
    wrapper = [sys.executable, str(Path(__file__).resolve()), "--wrap", "--"] + args
    return run_child(wrapper, timeout, env=env, cwd=cwd)


def measure(name: str, path: Path, repeat: int, timeout: float) -> dict[str, Any]:
    runs = []
    for _ in range(repeat):
        r = run_child([sys.executable, str(Path(__file__).resolve()), "--child", name, str(path)],
                      timeout)
        runs.append(r)
        if "error" in r:
            break
    ok = [r for r in runs if "error" not in r and "seconds" in r]
    out: dict[str, Any] = {"runs": runs}
    if ok:
        out["seconds"] = statistics.median(r["seconds"] for r in ok)
        out["wall"] = statistics.median(r["wall"] for r in ok)
        out["peak_mb"] = statistics.median(r["peak_mb"] for r in ok)
        for key in ("rows", "outcome", "issues", "n_errors", "n_warnings", "files"):
            if key in ok[0]:
                out[key] = ok[0][key]
        if "parts" in ok[0]:
            out["parts"] = {k: statistics.median(r["parts"][k] for r in ok) for k in ok[0]["parts"]}
    else:
        out["error"] = runs[-1].get("error", "failed")
    return out


def hardware() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        ram = psutil.virtual_memory().total / 2**30
    except ImportError:  # pragma: no cover
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = {}
    for mod in ("pandas", "pyarrow", "duckdb", "pandera", "openpyxl", "python_calamine", "fastexcel",
                "prefect"):
        try:
            from importlib.metadata import version

            versions[mod] = version(mod.replace("_", "-"))
        except Exception:  # noqa: BLE001
            versions[mod] = "?"
    return {"nproc": os.cpu_count(), "cpu": cpu or platform.processor(), "ram_gib": round(ram, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "versions": versions}


def lkip_run(input_src: list[Path], repeat_nothing_new: int, timeout: float) -> dict[str, Any]:
    """`lkip run` on a fresh workspace holding copies of input_src, then again with nothing new."""
    ws = Path(tempfile.mkdtemp(prefix="lkip-bench-ws-"))
    try:
        inp = ws / "input"
        inp.mkdir()
        for src in input_src:
            if src.is_dir():
                shutil.copytree(src, inp / src.name)
            else:
                shutil.copy2(src, inp / src.name)
        old = time.time() - 3600  # settled files: no waiting for the copy-in-progress check
        for p in inp.rglob("*"):
            os.utime(p, (old, old))
        lkip = str(Path(sys.executable).with_name("lkip"))
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        cmd = [lkip, "run", "--workspace", str(ws), "--no-progress"]
        full = peak_of_command(cmd, timeout, env=env, cwd=ws)
        again = [peak_of_command(cmd, timeout, env=env, cwd=ws) for _ in range(repeat_nothing_new)]
        res: dict[str, Any] = {"full": full, "nothing_new_runs": again}
        ok = [r for r in again if r.get("returncode") == 0]
        if ok:
            res["nothing_new"] = {"wall": statistics.median(r["wall"] for r in ok),
                                  "peak_mb": statistics.median(r["peak_mb"] for r in ok)}
        try:
            import duckdb

            con = duckdb.connect(str(ws / "output" / "lkip.duckdb"), read_only=True)
            res["files"] = dict(con.execute(
                "SELECT outcome, count(*) FROM meta.files GROUP BY 1").fetchall())
            res["rows"] = con.execute("SELECT count(*) FROM staging.register_sp2d").fetchone()[0]
            con.close()
        except Exception as exc:  # noqa: BLE001
            res["files_error"] = str(exc)[:200]
        return res
    finally:
        shutil.rmtree(ws, ignore_errors=True)


# =============================================================================================
# Report


def _fmt(v: Any, nd: int = 2) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{nd}f}"
    return str(v)


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def ratios(results: dict[str, Any], sizes: list[int]) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []
    per = results["sizes"]
    for n in sizes:
        r = per[str(n)]
        ingest = r["stages"].get("ingest", {}).get("seconds")
        raws = {k: v.get("seconds") for k, v in r["raw"].items() if k != "unzip" and v.get("seconds")}
        fastest = min(raws.items(), key=lambda kv: kv[1]) if raws else (None, None)
        checks.append({"what": f"full ingest / fastest raw reader ({fastest[0]}), {n:,} rows",
                       "value": _ratio(ingest, fastest[1]), "target": "≤ 2", "ok": _le(_ratio(ingest, fastest[1]), 2)})
        po = r["raw"].get("pandas_openpyxl", {}).get("seconds")
        checks.append({"what": f"pandas+openpyxl / full ingest, {n:,} rows", "value": _ratio(po, ingest),
                       "target": "≥ 15", "ok": None if _ratio(po, ingest) is None else _ratio(po, ingest) >= 15})
    big = max(sizes)
    peak = per[str(big)]["stages"].get("ingest", {}).get("peak_mb")
    checks.append({"what": f"peak RSS of the {big:,}-row ingest (MB)", "value": peak, "target": "≤ 1536",
                   "ok": _le(peak, 1536)})
    ordered = sorted(sizes)
    for a, b in zip(ordered, ordered[1:]):
        ta = per[str(a)]["stages"].get("ingest", {}).get("seconds")
        tb = per[str(b)]["stages"].get("ingest", {}).get("seconds")
        lin = _ratio(tb, ta * b / a) if ta else None
        checks.append({"what": f"linearity {a:,} → {b:,}: t({b:,}) / ({b // a}× t({a:,}))", "value": lin,
                       "target": "≤ 1,3", "ok": _le(lin, 1.3)})
    city = results.get("city")
    if city and city.get("nothing_new") and city["full"].get("wall"):
        inc = city["nothing_new"]["wall"] / city["full"]["wall"]
        checks.append({"what": "incremental run (nothing new) / full city run", "value": inc,
                       "target": "≤ 0,10", "ok": inc <= 0.10})
    return checks


def _le(v: float | None, limit: float) -> bool | None:
    return None if v is None else v <= limit


def markdown(results: dict[str, Any], sizes: list[int]) -> str:
    hw = results["hardware"]
    lines = [f"# Benchmark {results['date']}", "",
             f"Machine: {hw['nproc']} cores, {hw['cpu']}, {hw['ram_gib']} GiB RAM; Python {hw['python']}; "
             + ", ".join(f"{k} {v}" for k, v in hw["versions"].items()) + ".", "",
             f"Command: `{results['command']}`", "",
             f"Each figure is the median of {results['repeat']} fresh processes"
             + (f" ({results['slow_repeat']} for the openpyxl readers)" if results.get("slow_repeat") != results["repeat"] else "")
             + (f" ({results['large_repeat']} for the pipeline stages from {results['large']:,} rows)"
                if results.get("large_repeat", results["repeat"]) != results["repeat"] else "")
             + ". `op s`: the operation's wall time inside the process, after imports; `peak MB`: the "
             "process's peak RSS, imports included.", ""]
    lines += ["## Ratios against the targets", "", "| check | value | target | met |", "|---|---:|---|---|"]
    for c in results["ratios"]:
        ok = {True: "yes", False: "**no**", None: "–"}[c["ok"]]
        lines.append(f"| {c['what']} | {_fmt(c['value'])} | {c['target']} | {ok} |")
    lines.append("")
    files = {n: results["sizes"][str(n)].get("file_mb") for n in sizes}
    head = "| measurement | " + " | ".join(f"{n:,} rows ({_fmt(files[n], 1)} MB): op s / peak MB" for n in sizes) + " |"
    lines += ["## Raw readers and pipeline stages (register SP2D)", "", head,
              "|---|" + "---:|" * len(sizes)]
    for group, names in (("raw", RAW_READERS), ("stages", STAGES)):
        for key, label in names:
            cells = []
            for n in sizes:
                m = results["sizes"][str(n)][group].get(key)
                if m is None:
                    cells.append("not run")
                elif "seconds" not in m:
                    cells.append("n/a: " + str(m.get("error", ""))[:80].replace("|", "/"))
                else:
                    cells.append(f"{m['seconds']:.2f} / {m['peak_mb']:.0f}")
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    parts = [(n, results["sizes"][str(n)]["stages"].get("ingest", {}).get("parts")) for n in sizes]
    if any(p for _, p in parts):
        lines += ["Full ingest broken down (s): " + "; ".join(
            f"{n:,}: " + ", ".join(f"{k} {v:.2f}" for k, v in p.items()) for n, p in parts if p),
            "", "(`close_checkpoint`: DuckDB's checkpoint when the warehouse is closed, once per run "
            "whatever the number of files; not part of the full ingest, which ends at the commit.)", ""]
    city = results.get("city")
    if city:
        lines += ["## City drop and incremental run (`lkip run`, whole process)", ""]
        full, nn = city["full"], city.get("nothing_new")
        lines.append(f"- drop: {city.get('desc', '')}")
        lines.append(f"- full run: {_fmt(full.get('wall'))} s, peak {_fmt(full.get('peak_mb'), 0)} MB"
                     + (f", exit {full.get('returncode')}" if full.get("returncode") else "")
                     + (f" ({full['error']})" if full.get("error") else ""))
        lines.append(f"- files: {city.get('files', city.get('files_error'))}; register rows staged: {city.get('rows')}")
        if nn:
            lines.append(f"- second run, nothing new: {_fmt(nn['wall'])} s (median of {len(city['nothing_new_runs'])}), "
                         f"peak {_fmt(nn['peak_mb'], 0)} MB")
        lines.append("")
    return "\n".join(lines)


# =============================================================================================
# Entry points


def child_main(argv: list[str]) -> int:
    import resource

    name, path = argv[0], Path(argv[1])
    out = child(name, path)
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out, default=str))
    return 0


def _become_subreaper() -> bool:
    """Linux: descendants orphaned when their parent ends (the fork server of `lkip run`'s read
    workers, which `lkip run` leaves to exit on its own after its os._exit) are re-parented to
    this process instead of init, so that waiting for them adds their CPU to RUSAGE_CHILDREN."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0   # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _reap_orphans(timeout: float = 30.0) -> None:
    """Wait for every remaining descendant (they end on their own once the command is gone)."""
    end = time.monotonic() + timeout
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if time.monotonic() > end:
                return
            time.sleep(0.05)


def _meminfo() -> dict[str, int]:
    """/proc/meminfo in MB ({} where there is none)."""
    out: dict[str, int] = {}
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            key, _, value = line.partition(":")
            out[key] = int(value.split()[0]) // 1024
    except (OSError, ValueError, IndexError):
        return {}
    return out


class MachineMemory:
    """While a command runs, every 0,1 s: how far the machine's available memory fell below what it
    was at the start (`MemAvailable`: every process, the DuckDB buffers, the files in /dev/shm, not
    the page cache it can drop) and how much /dev/shm grew (`Shmem`). The peak RSS of the largest
    process misses memory that lives in /dev/shm (lkip.read_ship's files) and other processes."""

    def __init__(self) -> None:
        import threading

        self.base = _meminfo()
        self.used = self.shmem = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            now = _meminfo()
            if "MemAvailable" in now and "MemAvailable" in self.base:
                self.used = max(self.used, self.base["MemAvailable"] - now["MemAvailable"])
                self.shmem = max(self.shmem, now.get("Shmem", 0) - self.base.get("Shmem", 0))

    def stop(self) -> dict[str, int | None]:
        self._stop.set()
        self._thread.join(2)
        ok = "MemAvailable" in self.base
        return {"machine_mb": self.used if ok else None, "shmem_mb": self.shmem if ok else None}


def wrap_main(argv: list[str]) -> int:
    """Run a command; print its wall time, the peak RSS of its largest descendant and how much of
    the machine's memory it took at most (MachineMemory)."""
    import resource

    subreaper = _become_subreaper()
    machine = MachineMemory()
    t = time.perf_counter()
    rc = subprocess.call(argv)
    wall = time.perf_counter() - t
    mem = machine.stop()
    if subreaper:
        _reap_orphans()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    # cpu: user+sys of every descendant that was waited for (workers, the temporary server, and,
    # as this process is their subreaper, those left behind when the command ended with os._exit:
    # the read workers' fork server and the workers it reaped): on a machine shared with other
    # work it moves much less than the wall time
    print(json.dumps({"seconds": wall, "peak_mb": ru.ru_maxrss / 1024, "rc": rc, "cpu": ru.ru_utime + ru.ru_stime,
                      **mem}))
    return rc


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child_main(argv[1:])
    if argv[:1] == ["--wrap"]:
        return wrap_main(argv[2:] if argv[1:2] == ["--"] else argv[1:])
    import generate

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--city", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--city-skpd", type=int, default=44)
    ap.add_argument("--city-rows", type=int, default=25_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--slow-repeat", type=int, default=None,
                    help="repeats of the openpyxl readers (default: --repeat)")
    ap.add_argument("--large", type=int, default=1_000_000,
                    help="sizes from this many rows use --large-repeat for the pipeline stages")
    ap.add_argument("--large-repeat", type=int, default=None,
                    help="repeats of the pipeline stages at large sizes (default: --repeat)")
    ap.add_argument("--large-skip", default="",
                    help="comma list of measures not run at large sizes (e.g. tables,publish)")
    ap.add_argument("--skip-at", action="append", default=[],
                    help="SIZE:m1,m2 -- measures not run at that size (repeatable)")
    ap.add_argument("--only", default="", help="comma list of measures to run (default: all)")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--data", type=Path, default=generate.DATA)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / f"{dt.date.today():%Y-%m-%d}.md")
    a = ap.parse_args(argv)
    sizes = [int(s) for s in a.sizes.split(",") if s.strip()]
    only = {s for s in a.only.split(",") if s}
    large_skip = {s for s in a.large_skip.split(",") if s}
    skip_at: dict[int, set[str]] = {}
    for spec in a.skip_at:
        size, _, names = spec.partition(":")
        skip_at.setdefault(int(size), set()).update(x for x in names.split(",") if x)
    slow_repeat = a.slow_repeat or a.repeat
    results: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"), "hardware": hardware(),
        "command": "python bench/run_bench.py " + " ".join(argv), "repeat": a.repeat,
        "slow_repeat": slow_repeat, "large": a.large, "large_repeat": a.large_repeat or a.repeat,
        "sizes": {}}
    log: Callable[[str], None] = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    for n in sizes:
        path = generate.ensure_register(n, a.data)
        entry: dict[str, Any] = {"file_mb": path.stat().st_size / 1e6, "raw": {}, "stages": {}}
        results["sizes"][str(n)] = entry
        for group, names in (("raw", RAW_READERS), ("stages", STAGES)):
            for key, label in names:
                if only and key not in only:
                    continue
                large = n >= a.large
                if (large and key in large_skip) or key in skip_at.get(n, set()):
                    continue
                rep = slow_repeat if key in SLOW else a.repeat
                if large and group == "stages" and a.large_repeat:
                    rep = a.large_repeat
                m = measure(key, path, rep, a.timeout)
                entry[group][key] = m
                log(f"{n:>9,} {key:<16} " + (f"{m['seconds']:8.3f} s {m['peak_mb']:7.0f} MB"
                                            if "seconds" in m else f"n/a: {m.get('error')}"))
    if a.city and (not only or "city" in only):
        folder = generate.ensure_city(a.city_skpd, a.city_rows, data=a.data)
        subdirs = sorted(p for p in folder.iterdir() if p.is_dir())
        city = lkip_run(subdirs, repeat_nothing_new=a.repeat, timeout=a.timeout)
        city["desc"] = (f"{len(subdirs)} SKPD × (Renja ~100 kegiatan, register {a.city_rows:,} rows, "
                        "form)")
        results["city"] = city
        log(f"city full {city['full'].get('wall')} s; nothing new {city.get('nothing_new')}")
    results["ratios"] = ratios(results, sizes) if not only else []
    md = markdown(results, sizes)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(md + "\n", encoding="utf-8")
    a.out.with_suffix(".json").write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
