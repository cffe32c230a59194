"""Publishing, old code against new, same warehouse, same minutes: CPU seconds per part and outputs compared.

    .venv/bin/python bench/publish_ab.py --warehouse WS/output/lkip.duckdb --old dc24477 \
        --rounds 2 --out bench/results/X.md

* Each round publishes the whole warehouse (`publish_all(force=True, workers=1)`) once with the
  old code and once with the new, each in a fresh process. Old = `git archive <commit> lkip` put
  first on PYTHONPATH; new = this worktree. The child measures its own CPU (process_time: user+sys
  of the process) for the whole publish and for each part, by wrapping the functions
  `publish_unit` calls (CSV, charts per chart type, narrative, workbook, validasi, HTML, docx) and
  the runner's reading of the views (`load_units`) and digests.
* Then the outputs of the last round are compared: CSV files byte for byte, every workbook cell
  (value) by cell, `word/document.xml` of every docx, the HTML with its base64 images taken out, the
  set of chart files and their pixel sizes (the PNG bytes themselves may differ).

`--redrop` (issue 13's re-drop): each child publishes the whole warehouse on 2 processes (full
publish, wall and CPU of the process tree), removes the manifests of the first SKPD and of the city
(what one SKPD's re-dropped file changes) and times the flow's publish step
(`flows.publish_step.publish_units` in a Prefect flow, after a first flow run that started the
temporary server): wall clock and CPU of the process tree of that step alone (its worker processes
joined before the CPU is read; the Prefect server's own CPU is not counted). Old and new
alternate, `--rounds` times; old = `git archive <commit> lkip flows`.

`--profile-only` runs the new code once and prints the parts (no A/B); with `--workers 2` it
publishes on 2 processes and reports the CPU of the whole process tree and the wall time. CPU
seconds, not wall times, are the figures to read on a shared machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# (module, attribute, part): what the child wraps; publish_unit calls these through the package
PARTS = [
    ("lkip.publish.runner", "load_units", "read views (load_units)"),
    ("lkip.publish.runner", "unit_digest", "digest"),
    ("lkip.publish.runner", "unit_digests", "digest"),  # in DuckDB (plan_digest), since the re-drop work
    ("lkip.publish.runner", "write_manifest", "manifest"),
    ("lkip.publish", "write_csv", "CSV"),
    ("lkip.publish", "build_charts", "charts"),
    ("lkip.publish", "render_narrative", "narrative"),
    ("lkip.publish", "write_workbook", "workbook"),
    ("lkip.publish", "write_validasi_workbook", "validasi.xlsx"),
    ("lkip.publish", "write_html", "HTML"),
    ("lkip.publish", "write_docx", "docx"),
]
CHART_FNS = ["kurva_s", "serapan_program", "capaian_iku", "tren_iku"]


def _cpu_tree() -> float:
    """User+sys CPU of this process and of its children that ended (the publishing workers)."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def child(out: str, warehouse: str, workers: int = 1) -> int:
    """Publish the warehouse into `out` with whatever `lkip` is first on the path; print JSON.

    With workers > 1 the parts are not measured (they run in the worker processes); `cpu_tree`
    then holds the CPU of this process and its workers."""
    c0 = time.process_time()
    import importlib

    import duckdb

    from lkip.config import load_config
    import lkip.publish as pub
    import lkip.publish.charts as charts
    import lkip.publish.runner  # noqa: F401

    imports = time.process_time() - c0
    cpu: dict[str, float] = {}
    calls: dict[str, int] = {}
    depth = [0]

    def wrap(fn: Any, part: str) -> Any:
        @functools.wraps(fn)
        def timed(*a: Any, **k: Any) -> Any:
            depth[0] += 1
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                depth[0] -= 1
                cpu[part] = cpu.get(part, 0.0) + time.process_time() - t
                calls[part] = calls.get(part, 0) + 1
        return timed

    for mod, attr, part in PARTS:
        m = importlib.import_module(mod)
        if hasattr(m, attr):
            setattr(m, attr, wrap(getattr(m, attr), part))
    for name in CHART_FNS:
        if hasattr(charts, name):
            setattr(charts, name, wrap(getattr(charts, name), f"chart: {name}"))
    config = load_config(workspace=Path(out))
    con = duckdb.connect(warehouse, read_only=True)
    t, c, tree = time.perf_counter(), time.process_time(), _cpu_tree()
    paths = pub.publish_all(con, Path(out), config, force=True, workers=workers)
    total, wall, tree = time.process_time() - c, time.perf_counter() - t, _cpu_tree() - tree
    con.close()
    print(json.dumps({"cpu": total if workers <= 1 else tree, "cpu_tree": tree, "wall": wall,
                      "imports_cpu": imports, "files": len(paths), "workers": workers,
                      "parts": cpu, "calls": calls, "load": os.getloadavg()}))
    return 0


def child_redrop(out: str, warehouse: str) -> int:
    """Full publish on 2 processes, then the flow's publish step after one SKPD's re-drop; print JSON."""
    import duckdb
    from prefect import flow

    from flows.publish_step import publish_units
    from lkip.config import load_config
    import lkip.publish as pub
    from lkip.publish.data import list_units

    config = load_config(workspace=Path(out))
    con = duckdb.connect(warehouse, read_only=True)
    t, tree = time.perf_counter(), _cpu_tree()
    pub.publish_all(con, config.output_dir, config, force=True, workers=2)
    full_wall, full_cpu = time.perf_counter() - t, _cpu_tree() - tree
    units = list_units(con)
    skpd = next(k for _, k in units if k != "KOTA")
    for tahun, kode in units:
        if kode in (skpd, "KOTA"):
            folder = config.output_dir / str(tahun) / ("kota" if kode == "KOTA" else kode)
            (folder / ".lkip-terbit.json").unlink()

    @flow(persist_result=False)
    def warm_up() -> int:
        return 1

    @flow(persist_result=False)
    def step() -> Any:
        import multiprocessing

        t0, c0 = time.perf_counter(), _cpu_tree()
        _, summary = publish_units(config, con)
        wall = time.perf_counter() - t0
        for child_proc in multiprocessing.active_children():  # a worker still exiting: its CPU counts
            child_proc.join(30)
        return wall, _cpu_tree() - c0, summary

    warm_up()
    wall, cpu, summary = step()
    con.close()
    print(json.dumps({"full_wall": full_wall, "full_cpu": full_cpu, "redrop_wall": wall, "redrop_cpu": cpu,
                      "skpd": skpd, "summary": summary, "load": os.getloadavg()}))
    return 0


def redrop_ab(a: Any, work: Path) -> int:
    old_code = export_old(a.old, work / "old-code", ("lkip", "flows"))
    rows = []
    for i in range(a.rounds):
        for code in (("old", "new") if i % 2 == 0 else ("new", "old")):
            env = dict(os.environ, PYTHONPATH=str(old_code if code == "old" else ROOT), MPLBACKEND="Agg",
                       PREFECT_HOME=str(work / f"prefect-{code}"),
                       PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120")
            out = work / f"redrop-{code}"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(parents=True)
            proc = subprocess.run([sys.executable, __file__, "--child-redrop", str(out), str(a.warehouse.resolve())],
                                  env=env, capture_output=True, text=True, cwd=str(out))
            line = next((ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("{")), None)
            if proc.returncode or line is None:
                raise SystemExit(f"child failed ({code}): {proc.stderr[-3000:]}")
            r = json.loads(line)
            rows.append((i + 1, code, r))
            print(f"round {i + 1} {code}: re-drop {r['redrop_wall']:.2f} s", file=sys.stderr)
    new_rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
    lines = [f"# Publishing after one SKPD's re-drop, old against new, "
             f"{dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}", "",
             f"Warehouse `{a.warehouse}`; old = `{a.old}` (`git archive … lkip flows`), new = {new_rev}. Each "
             "child: the whole warehouse published on 2 processes (`publish_all(force=True, workers=2)`), then "
             "the manifests of the first SKPD and of the city removed (what a re-dropped file of that SKPD "
             "changes) and the flow's publish step (`flows.publish_step.publish_units`, in a Prefect flow) "
             "timed alone. 2 cores shared with other sessions: load average in the last column.", "",
             "| round | code | full publish wall s | full CPU s | re-drop step wall s | re-drop CPU s | units | load |",
             "|---:|---|---:|---:|---:|---:|---|---:|"]
    for i, code, r in rows:
        s_ = r["summary"]
        lines.append(f"| {i} | {code} | {_fmt(r['full_wall'])} | {_fmt(r['full_cpu'])} | {_fmt(r['redrop_wall'])} | "
                     f"{_fmt(r['redrop_cpu'])} | {s_.get('unit_diterbitkan')} + {s_.get('unit_tidak_berubah')} "
                     f"unchanged | {r['load'][0]:.1f} |")
    for key, label in (("redrop_wall", "re-drop step wall"), ("full_wall", "full publish wall")):
        old = min(r[key] for _, c, r in rows if c == "old")
        new = min(r[key] for _, c, r in rows if c == "new")
        lines.append(f"\n**{label}, best of the rounds: old {_fmt(old)} s, new {_fmt(new)} s ({old / new:.2f}×)**")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(text)
        a.out.with_suffix(".json").write_text(json.dumps(rows, indent=1, default=str))
    return 0


def export_old(commit: str, dest: Path, paths: tuple[str, ...] = ("lkip",)) -> Path:
    """`git archive <commit> lkip` unpacked under dest (the old package, first on PYTHONPATH)."""
    dest.mkdir(parents=True, exist_ok=True)
    tar = dest / "old.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(tar), commit, *paths], check=True)
    with tarfile.open(tar) as tf:
        tf.extractall(dest)
    tar.unlink()
    return dest


def run(code: Path, out: Path, warehouse: Path, workers: int = 1) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(code), MPLBACKEND="Agg")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    proc = subprocess.run([sys.executable, __file__, "--child", str(out), str(warehouse), str(workers)], env=env,
                          capture_output=True, text=True, cwd=str(out))
    line = next((ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("{")), None)
    if proc.returncode or line is None:
        raise SystemExit(f"child failed ({code}): {proc.stderr[-2000:]}")
    res = json.loads(line)
    code_seen = (out / "code.txt")
    code_seen.write_text(str(code))
    return res


# ---- comparing outputs ---------------------------------------------------------------------------

def _cells(path: Path) -> list[Any]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [(ws.title, [tuple(c for c in row) for row in ws.iter_rows(values_only=True)])
                for ws in wb.worksheets]
    finally:
        wb.close()


def _member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def _parts(path: Path) -> dict[str, bytes]:
    """Every member of an OOXML file but the pictures and docProps/core.xml (creation time)."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if "/media/" not in n and n != "docProps/core.xml"}


_IMG = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def compare(a: Path, b: Path) -> dict[str, Any]:
    """What differs between two publish outputs, by kind of file."""
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file() and p.relative_to(a).parts[0].isdigit()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file() and p.relative_to(b).parts[0].isdigit()}
    res: dict[str, Any] = {"only_old": sorted(map(str, files_a - files_b)),
                           "only_new": sorted(map(str, files_b - files_a))}
    kinds: dict[str, list[int]] = {}

    def tally(kind: str, same: bool, rel: Path) -> None:
        k = kinds.setdefault(kind, [0, 0])
        k[0 if same else 1] += 1
        if not same:
            res.setdefault("differ", []).append(str(rel))

    for rel in sorted(files_a & files_b):
        pa, pb = a / rel, b / rel
        suffix = rel.suffix
        if rel.name == ".lkip-grafik.json" or rel.name.startswith(".lkip"):
            continue  # records of what was built (digests carry the code version)
        if suffix == ".csv":
            tally("CSV byte for byte", pa.read_bytes() == pb.read_bytes(), rel)
        elif suffix == ".xlsx":
            tally("workbook cell for cell", _cells(pa) == _cells(pb), rel)
            tally("workbook parts but pictures and times (styles, drawings)", _parts(pa) == _parts(pb), rel)
        elif suffix == ".docx":
            tally("docx word/document.xml", _member(pa, "word/document.xml") == _member(pb, "word/document.xml"), rel)
            tally("docx parts but pictures and times", _parts(pa) == _parts(pb), rel)
        elif suffix == ".html":
            strip = [_IMG.sub("IMG", p.read_text(encoding="utf-8")) for p in (pa, pb)]
            tally("HTML (images taken out)", strip[0] == strip[1], rel)
        elif suffix == ".png":
            tally("PNG pixel size", _png_size(pa) == _png_size(pb), rel)
            k = kinds.setdefault("PNG byte for byte", [0, 0])
            k[0 if pa.read_bytes() == pb.read_bytes() else 1] += 1
    res["kinds"] = kinds
    return res


# ---- report ----------------------------------------------------------------------------------------

def _fmt(v: float) -> str:
    return f"{v:,.2f}".replace(",", " ").replace(".", ",")


def markdown(res: dict[str, Any]) -> str:
    lines = [f"# Publishing A/B, {res['date']}", "",
             f"Warehouse `{res['warehouse']}`; old = `{res['old']}` (`git archive`, first on PYTHONPATH), "
             f"new = this worktree ({res['new']}). Load average at start {res['load_start']}, at end "
             f"{res['load_end']} (2 cores, shared): read CPU seconds.", "",
             "| round | code | CPU s | wall s | files |", "|---:|---|---:|---:|---:|"]
    for i, rnd in enumerate(res["rounds"], 1):
        for code in ("old", "new"):
            r = rnd[code]
            lines.append(f"| {i} | {code} | {_fmt(r['cpu'])} | {_fmt(r['wall'])} | {r['files']} |")
    old = sum(r["old"]["cpu"] for r in res["rounds"])
    new = sum(r["new"]["cpu"] for r in res["rounds"])
    lines += ["", f"**CPU old / new: {old / new:.2f}×** (sum over the rounds)", "",
              "Per part (CPU s, mean over the rounds; calls per publish):", "",
              "| part | calls | old | new | old / new |", "|---|---:|---:|---:|---:|"]
    parts = list(dict.fromkeys(k for r in res["rounds"] for c in ("old", "new") for k in r[c]["parts"]))
    n = len(res["rounds"])
    for p in parts:
        o = sum(r["old"]["parts"].get(p, 0.0) for r in res["rounds"]) / n
        w = sum(r["new"]["parts"].get(p, 0.0) for r in res["rounds"]) / n
        calls = res["rounds"][0]["new"]["calls"].get(p, res["rounds"][0]["old"]["calls"].get(p, 0))
        lines.append(f"| {p} | {calls} | {_fmt(o)} | {_fmt(w)} | {o / w if w else 0:.1f}× |")
    cmp_ = res.get("compare") or {}
    if cmp_:
        lines += ["", "Outputs of the last round, old against new:", "", "| files | equal | differ |",
                  "|---|---:|---:|"]
        for kind, (same, diff) in cmp_["kinds"].items():
            lines.append(f"| {kind} | {same} | {diff} |")
        lines.append(f"\nFiles only in old: {cmp_['only_old'] or 'none'}; only in new: {cmp_['only_new'] or 'none'}.")
        bad = [d for d in cmp_.get("differ", []) if not d.endswith(".png")]
        if bad:
            lines.append(f"\n**Differ**: {bad[:20]}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(argv[1], argv[2], int(argv[3]) if len(argv) > 3 else 1)
    if argv[:1] == ["--child-redrop"]:
        return child_redrop(argv[1], argv[2])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--warehouse", type=Path, required=True)
    ap.add_argument("--old", default="dc24477")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--profile-only", action="store_true")
    ap.add_argument("--redrop", action="store_true", help="full publish, then the flow's publish step after "
                    "one SKPD's re-drop, old against new")
    ap.add_argument("--workers", type=int, default=1, help="with --profile-only: publish on this many processes")
    ap.add_argument("--work", type=Path, default=None, help="where outputs go (default: a temp folder)")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)
    work = a.work or Path(tempfile.mkdtemp(prefix="lkip-publish-ab-"))
    if a.redrop:
        return redrop_ab(a, work)
    if a.profile_only:
        r = run(ROOT, work / "new", a.warehouse.resolve(), a.workers)
        print(json.dumps(r, indent=1))
        if a.out:
            a.out.parent.mkdir(parents=True, exist_ok=True)
            a.out.write_text(json.dumps(r, indent=1))
        return 0
    old_code = export_old(a.old, work / "old-code")
    new_rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "lkip"], capture_output=True,
                           text=True).stdout.strip()
    res: dict[str, Any] = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                           "warehouse": str(a.warehouse), "old": a.old,
                           "new": new_rev + (" + uncommitted changes" if dirty else ""),
                           "load_start": os.getloadavg(), "rounds": []}
    for i in range(a.rounds):
        rnd = {}
        order = ("old", "new") if i % 2 == 0 else ("new", "old")
        for code in order:
            rnd[code] = run(old_code if code == "old" else ROOT, work / code, a.warehouse.resolve())
            print(f"round {i + 1} {code}: {rnd[code]['cpu']:.2f} CPU-s", file=sys.stderr)
        res["rounds"].append(rnd)
    res["compare"] = compare(work / "old", work / "new")
    res["load_end"] = os.getloadavg()
    text = markdown(res)
    print(text)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(text)
        a.out.with_suffix(".json").write_text(json.dumps(res, indent=1, default=str))
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
