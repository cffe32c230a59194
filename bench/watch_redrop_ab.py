"""A re-drop inside a running `lkip watch`, old code against new, on copies of one city workspace.

    .venv/bin/python bench/watch_redrop_ab.py --workspace WS --old HEAD~3 --rounds 3 \
        --out bench/results/2026-12-07-redrop16-watch.md

WS: a city workspace after a full `lkip run` (bench/data/city_44_25000's folders in WS/input, their
mtimes an hour back, `lkip run --workspace WS` once). For each code a copy of WS whose units that
code published (`lkip report --force`: a change of lkip/publish republishes every unit once, not
to be measured). Each round, for the old code (`git archive
<commit>` of lkip, flows, sql, schemas first on PYTHONPATH) and the new (this worktree),
alternating, on a fresh copy of WS: `lkip watch --stable-seconds 1 --max-runs 2` is started and
left 10 s, then SKPD 4.01.03 drops two corrected registers (bench/generate.py `write_redrop`, as
bench/city_run.py `watch_redrops` does), one after the other run. The second run is measured (the
first pays a fresh watch's warm-up): wall from watch's line "menjalankan pipeline" to "Run
selesai", and the CPU seconds of watch's whole process tree between those two lines (every
descendant's user+sys from /proc, the reaped ones through their parent's counts; the temporary
Prefect server included), and the run's own durations. Which unit folders the run rewrote is read
from the files (bytes, mtimes) and must be 4.01.03 and kota. Medians of the rounds.

After the rounds, the outputs of the last old and new workspaces are compared (every CSV, HTML
byte for byte; every workbook's cell values; the docx's document.xml).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from city_run import _outputs, _settle  # noqa: E402
from run_bench import write_result  # noqa: E402
from redrop_ab import _tree  # noqa: E402  (the old code: git archive of a commit)

TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int) -> float:
    """user+sys seconds of `root` and every live descendant, plus what their reaped children used."""
    parent: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        pid = int(entry)
        parent[pid] = int(fields[1])
        times[pid] = sum(int(x) for x in fields[11:15]) / TICK  # utime stime cutime cstime
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo.extend(p for p, pp in parent.items() if pp == pid)
    return total


def one(tree: Path | None, ready: Path, ws: Path, rows: int) -> dict[str, Any]:
    shutil.copytree(ready, ws, symlinks=True)
    env = _env(tree)
    cmd = [str(Path(sys.executable).with_name("lkip")), "watch", "--workspace", str(ws), "--stable-seconds", "1",
           "--max-runs", "2"]
    proc = subprocess.Popen(cmd, env=env, cwd=ws, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: "queue.Queue[tuple[float, float, str]]" = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put((time.perf_counter(), tree_cpu(proc.pid), line.rstrip()))
        lines.put((time.perf_counter(), 0.0, ""))

    threading.Thread(target=pump, daemon=True).start()

    def until(text: str, limit: float) -> tuple[float, float]:
        end = time.perf_counter() + limit
        while time.perf_counter() < end:
            try:
                at, cpu, line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if text in line:
                return at, cpu
        raise RuntimeError(f"no line {text!r} from lkip watch")

    out: dict[str, Any] = {}
    try:
        until("Mengawasi", 120)
        time.sleep(10)
        inp = ws / "input"
        for n, fewer in enumerate((40, 55)):
            before = _outputs(ws / "output")
            generate.write_redrop(inp, 3, rows, 100, fewer=fewer)
            _settle(inp)
            (s, c0), (e, c1) = until("menjalankan pipeline", 60), until("Run selesai", 300)
            runs = sorted((ws / "output" / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
            rep = json.loads(runs[-1].read_text())
            after = _outputs(ws / "output")
            changed = sorted({r.split("/")[1] for r in set(before) | set(after) if before.get(r) != after.get(r)})
            out[f"run{n + 1}"] = {"wall": e - s, "cpu": c1 - c0, "durations": rep.get("durations_seconds"),
                                  "changed": changed}
    finally:
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return out


def _env(tree: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PYTHONUNBUFFERED"] = "1"
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    return env


def _ready(tree: Path | None, workspace: Path, dest: Path) -> Path:
    """A copy of the workspace whose every unit was published by this code (`lkip report --force`):
    a code change republishes every unit once (its digest holds lkip/publish's source), which
    must not fall into the measured runs."""
    shutil.copytree(workspace, dest, symlinks=True)
    subprocess.run([str(Path(sys.executable).with_name("lkip")), "report", "--workspace", str(dest), "--force"],
                   env=_env(tree), cwd=dest, check=True, capture_output=True, timeout=600)
    return dest


def _cells(path: Path) -> dict[str, list[list[Any]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        wb.close()


def compare(a: Path, b: Path) -> dict[str, Any]:
    """The published files of two output folders: same names; CSV/HTML bytes, workbook cells, docx XML."""
    names = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file() and p.relative_to(a).parts[0].isdigit()
                   and p.suffix in (".csv", ".html", ".xlsx", ".docx", ".png"))
    other = sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.is_file() and p.relative_to(b).parts[0].isdigit()
                   and p.suffix in (".csv", ".html", ".xlsx", ".docx", ".png"))
    differ = []
    for rel in names:
        x, y = a / rel, b / rel
        if not y.exists():
            differ.append(rel)
        elif rel.endswith((".csv", ".html", ".png")):
            if x.read_bytes() != y.read_bytes():
                differ.append(rel)
        elif rel.endswith(".xlsx"):
            if _cells(x) != _cells(y):
                differ.append(rel)
        elif rel.endswith(".docx"):
            with zipfile.ZipFile(x) as za, zipfile.ZipFile(y) as zb:
                if za.read("word/document.xml") != zb.read("word/document.xml"):
                    differ.append(rel)
    return {"files": len(names), "same_names": names == other, "differ": differ}


def markdown(res: dict[str, Any]) -> str:
    def med(name: str, key: str, run: str = "run2") -> float:
        return statistics.median(r[run][key] for r in res[name])

    def dur(name: str, key: str) -> float:
        return statistics.median(r["run2"]["durations"][key] for r in res[name])

    rows = [f"| run 2: wall (s) | {med('old', 'wall'):.2f} | {med('new', 'wall'):.2f} | "
            f"{med('new', 'wall') / med('old', 'wall'):.2f} |",
            f"| run 2: CPU of the process tree (s) | {med('old', 'cpu'):.2f} | {med('new', 'cpu'):.2f} | "
            f"{med('new', 'cpu') / med('old', 'cpu'):.2f} |",
            f"| run 1: wall (s) | {med('old', 'wall', 'run1'):.2f} | {med('new', 'wall', 'run1'):.2f} | "
            f"{med('new', 'wall', 'run1') / med('old', 'wall', 'run1'):.2f} |"]
    for key in ("prepare", "stage", "model", "publish", "total"):
        rows.append(f"| run 2: flow duration `{key}` (s) | {dur('old', key):.2f} | {dur('new', key):.2f} | "
                    f"{dur('new', key) / dur('old', key):.2f} |")
    each = "\n".join(
        f"- round {i + 1}: old run2 {o['run2']['wall']:.2f} s / {o['run2']['cpu']:.2f} CPU-s "
        f"(durations {o['run2']['durations']}), new run2 {n['run2']['wall']:.2f} s / {n['run2']['cpu']:.2f} CPU-s "
        f"(durations {n['run2']['durations']}); folders rewritten old {o['run2']['changed']}, new {n['run2']['changed']}"
        for i, (o, n) in enumerate(zip(res["old"], res["new"])))
    cmp = res["compare"]
    return f"""# A re-drop inside `lkip watch`, old against new (issue 13), {res['when']}

Machine: {res['machine']}; load average at start {res['load'][0]}, at end {res['load'][1]} (the 2
cores are shared with other sessions: read the CPU seconds and the ratios of alternating rounds).

Command: `{res['command']}`

Workspace: a 44-SKPD city after a full `lkip run` (bench/data/city_44_25000), every unit then
published by the code measured (`lkip report --force`); each round a fresh copy, `lkip watch --stable-seconds 1 --max-runs 2`, SKPD 4.01.03 drops two corrected registers. Old:
`{res['old_commit']}`; new: this tree (`{res['new_commit']}`). Medians of {len(res['old'])} alternating
rounds (wall: watch's line "menjalankan pipeline" to "Run selesai"; CPU: watch's whole process
tree between those lines, temporary Prefect server included).

| | old | new | new / old |
|---|---:|---:|---:|
{chr(10).join(rows)}

{each}

Outputs of the last round, old workspace against new: {cmp['files']} files (CSV, HTML, PNG, xlsx,
docx), same names: {cmp['same_names']}, differing: {cmp['differ'] or 'none'} (CSV/HTML/PNG bytes,
workbook cell values, docx document.xml).
"""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", type=Path, required=True)
    ap.add_argument("--old", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rows", type=int, default=25_000)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)
    load0 = os.getloadavg()
    res: dict[str, Any] = {"old": [], "new": []}
    with tempfile.TemporaryDirectory(prefix="watch-redrop-ab-") as tmp:
        t = Path(tmp)
        trees = {"old": _tree(a.old, t / "old-tree"), "new": None}
        ready = {name: _ready(tree, a.workspace, t / f"ready-{name}") for name, tree in trees.items()}
        last: dict[str, Path] = {}
        for i in range(a.rounds):
            for name in (("old", "new") if i % 2 == 0 else ("new", "old")):
                ws = t / f"{name}-{i}"
                r = one(trees[name], ready[name], ws, a.rows)
                res[name].append(r)
                print(name, i, json.dumps(r), file=sys.stderr)
                if name in last:
                    shutil.rmtree(last[name], ignore_errors=True)
                last[name] = ws
        res["compare"] = compare(last["old"] / "output", last["new"] / "output")
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    res.update(when=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), load=(load0, os.getloadavg()),
               machine=f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}",
               command="python bench/watch_redrop_ab.py " + " ".join(argv), old_commit=a.old, new_commit=head)
    write_result(a.out, markdown(res), res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
