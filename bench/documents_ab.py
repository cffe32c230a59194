"""The HTML page and the docx of every unit, old code against new: CPU seconds of each, no charts.

    .venv/bin/python bench/documents_ab.py --warehouse WS/output/lkip.duckdb --old 981a817 --rounds 4 \
        --out bench/results/X.md

publish_ab.py measures these parts inside a whole publish, where the charts' ~11 CPU-s move by
±1 s from one publish to the next on a shared machine: more than the docx and the HTML cost
together. Here each child (a fresh process; old = `git archive <commit> lkip` first on
PYTHONPATH, new = this worktree) loads every unit of the warehouse once, then writes each unit's
HTML and docx twice in one `memo.unit_scope` (as `publish_documents` does: the page first) with
no charts, and reports the CPU (process_time) of the second pass only (python-docx's template,
Jinja2's templates and the imports warm, as in a publish worker). Old and new alternate, the order
swapped every round. The document.xml of every unit's docx of the last round is compared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from publish_ab import export_old  # noqa: E402


def child(warehouse: str, out: str) -> int:
    import duckdb

    from lkip.config import load_config
    from lkip.publish.docx_out import write_docx
    from lkip.publish.html import write_html
    from lkip.publish.memo import unit_scope
    from lkip.publish.narrative import render_narrative
    from lkip.publish.snapshot import load_units

    config = load_config(workspace=Path(out))
    con = duckdb.connect(warehouse, read_only=True)
    keys = con.execute("select distinct tahun, kode_skpd from laporan.lampiran_3 order by 2").fetchall()
    units = load_units(con, config, [(int(t), str(k)) for t, k in keys])
    con.close()
    narratives = [render_narrative(u, config) for u in units]
    cpu = {"HTML": 0.0, "docx": 0.0}
    for rep in range(2):
        for unit, narrative in zip(units, narratives):
            with unit_scope():
                t0 = time.process_time()
                write_html(Path(out) / f"{unit.folder}.html", unit, narrative, [], config)
                t1 = time.process_time()
                write_docx(Path(out) / f"{unit.folder}.docx", unit, narrative, [])
                t2 = time.process_time()
            if rep:
                cpu["HTML"] += t1 - t0
                cpu["docx"] += t2 - t1
    print(json.dumps({"units": len(units), **cpu, "load": os.getloadavg()}))
    return 0


def _run(code: Path | None, warehouse: Path, out: Path) -> dict:
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    out.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, __file__, "--child", str(warehouse), str(out)], env=env,
                          capture_output=True, text=True, cwd=str(out))
    line = next((ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("{")), None)
    if proc.returncode or line is None:
        raise SystemExit(f"child failed ({code or 'new'}): {proc.stderr[-2000:]}")
    return json.loads(line)


def _xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", nargs=2)
    ap.add_argument("--warehouse", type=Path)
    ap.add_argument("--old", default="981a817")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    if a.child:
        return child(*a.child)
    work = Path(tempfile.mkdtemp(prefix="lkip-docs-ab-"))
    old_code = export_old(a.old, work / "old")
    rows = []
    started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    for r in range(1, a.rounds + 1):
        for which in (("old", "new") if r % 2 else ("new", "old")):
            res = _run(old_code if which == "old" else None, a.warehouse.resolve(), work / which)
            rows.append((r, which, res))
            print(f"round {r} {which}: HTML {res['HTML']:.2f} docx {res['docx']:.2f} CPU-s", flush=True)
    docx = sorted(p.name for p in (work / "old").glob("*.docx"))
    same = sum(_xml(work / "old" / n) == _xml(work / "new" / n) for n in docx)
    new_rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()

    def fmt(x: float) -> str:
        return f"{x:.2f}".replace(".", ",")

    lines = [f"# Documents A/B (HTML + docx, no charts), {started}", "",
             f"Warehouse: {rows[0][2]['units']} units; old = `{a.old}` (`git archive`), new = this worktree "
             f"({new_rev}). CPU seconds of the second pass over all units (bench/documents_ab.py).", "",
             "| round | code | HTML CPU s | docx CPU s | HTML + docx | load |", "|---:|---|---:|---:|---:|---|"]
    for r, which, res in rows:
        lines.append(f"| {r} | {which} | {fmt(res['HTML'])} | {fmt(res['docx'])} | {fmt(res['HTML'] + res['docx'])} "
                     f"| {res['load'][0]:.1f} |")
    for part in ("HTML", "docx"):
        o = sum(res[part] for _, w, res in rows if w == "old") / a.rounds
        n = sum(res[part] for _, w, res in rows if w == "new") / a.rounds
        lines.append(f"\n**{part}: old {fmt(o)} → new {fmt(n)} CPU-s (mean), old / new {o / n:.2f}×**")
    lines.append(f"\ndocx word/document.xml of the last round, old against new: {same} of {len(docx)} equal.")
    text = "\n".join(lines) + "\n"
    shutil.rmtree(work, ignore_errors=True)
    print(text)
    if a.out:
        a.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
