"""The serapan chart, old code against new: CPU of drawing a city's serapan charts, and the same PNGs.

    .venv/bin/python bench/serapan_ab.py --old 2e3d2ff --rounds 4 --out bench/results/X.md

A 44-SKPD city draws one `serapan_program` chart per SKPD (~10 programs each, generated names and
serapan, some programs without pagu) and one for the city (one bar per SKPD: 44 bars, 990 x 3132
px); after a re-drop, the city's chart is drawn again on the critical path. Each round runs the old
code and the new in two fresh processes (order swapped every round); each process draws

* `warmup`: one chart of other texts first (the process's one-time costs: fonts, the figure);
* `set`: then the 45 charts once, CPU (process_time) of the whole set (each text drawn for the
  first time: the glyph and layout caches hold only the warm-up chart's);
* `city`: the city's chart 5 times more, in the same process (warm), CPU per chart (median).

Old = `git archive <old> lkip` first on PYTHONPATH; new = this tree. The PNGs of the two processes
of every round are compared: same pixels (decoded by Pillow) required, same bytes counted. The
figures to read are the ratios new / old of CPU seconds (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

SKPD, PROGRAMS, CITY_REPEAT = 44, 10, 5


def charts_args() -> list[tuple]:
    """45 serapan charts as a 44-SKPD city has them: 44 SKPD (~10 programs), then the city (44 bars)."""
    from generate import PROGRAM_NAMA, SKPD_NAMA

    rng = random.Random(13)
    out = []
    for s in range(SKPD):
        n = PROGRAMS + rng.randint(-3, 3)
        names = [PROGRAM_NAMA[(s + i) % len(PROGRAM_NAMA)] for i in range(n)]
        persen = [None if rng.random() < 0.08 else round(rng.uniform(35, 125), 2) for _ in range(n)]
        out.append((f"Serapan Anggaran Per Program {SKPD_NAMA[s % len(SKPD_NAMA)]} Tahun 2020 s.d. Triwulan IV",
                    names, persen, round(rng.uniform(55, 100), 2)))
    city = [round(rng.uniform(40, 110), 2) for _ in range(SKPD)]
    out.append(("Serapan Anggaran Per Program Pemerintah Kota Contoh Tahun 2020 s.d. Triwulan IV",
                [SKPD_NAMA[i % len(SKPD_NAMA)] for i in range(SKPD)], city, round(sum(city) / SKPD, 2)))
    return out


def child(out: str) -> int:
    from lkip.publish import charts  # imports (matplotlib) before the clock starts

    cases = charts_args()
    target = Path(out)
    c = time.process_time()  # a first chart of other texts: the process's one-time costs (fonts, figure)
    charts.serapan_program(target / "warmup.png", "Pemanasan", ["PROGRAM PEMANASAN", "PROGRAM LAIN"], [50.0, None], 40.0)
    warmup = time.process_time() - c
    c = time.process_time()
    for i, case in enumerate(cases):
        charts.serapan_program(target / f"{i}.png", *case)
    total = time.process_time() - c
    city = []
    for _ in range(CITY_REPEAT):
        c = time.process_time()
        charts.serapan_program(target / "city.png", *cases[-1])
        city.append(time.process_time() - c)
    print(json.dumps({"warmup": warmup, "set": total, "city": statistics.median(city)}))
    return 0


def export_old(commit: str, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    tar = dest / "old.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(tar), commit, "lkip"], check=True)
    with tarfile.open(tar) as tf:
        tf.extractall(dest)
    tar.unlink()
    return dest


def run(code: Path, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(code), MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, __file__, "--child", str(out)], env=env, cwd=str(HERE),
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def same(a: Path, b: Path) -> tuple[bool, bool]:
    import numpy as np
    from PIL import Image

    pa, pb = np.asarray(Image.open(a).convert("RGBA")), np.asarray(Image.open(b).convert("RGBA"))
    return pa.shape == pb.shape and bool((pa == pb).all()), a.read_bytes() == b.read_bytes()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child")
    ap.add_argument("--old", default="2e3d2ff")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    if a.child:
        return child(a.child)
    work = Path(tempfile.mkdtemp(prefix="serapan_ab_"))
    old_code = export_old(a.old, work / "old_code")
    new_rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
    rows, pixels, byts, n = [], 0, 0, 0
    for r in range(a.rounds):
        sides = [("old", old_code), ("new", ROOT)]
        if r % 2:
            sides.reverse()
        res = {}
        for name, code in sides:
            res[name] = run(code, work / f"r{r}_{name}")
        for i in range(SKPD + 1):
            p, b = same(work / f"r{r}_old" / f"{i}.png", work / f"r{r}_new" / f"{i}.png")
            pixels, byts, n = pixels + p, byts + b, n + 1
        rows.append(res)
        print(r, res, file=sys.stderr)
    med = {side: {k: statistics.median(x[side][k] for x in rows) for k in ("warmup", "set", "city")}
           for side in ("old", "new")}
    text = "\n".join([
        f"# serapan_program: old ({a.old}) vs new ({new_rev}), {a.rounds} rounds, alternating",
        "",
        f"Each process draws one warm-up chart, then {SKPD} SKPD serapan charts (~{PROGRAMS} programs) and"
        f" the city's (44 bars, 990 x 3132 px), then the city's {CITY_REPEAT} times more (warm). CPU"
        " (process_time), medians over the rounds; old = `git archive` of the old commit first on"
        " PYTHONPATH, new = this tree, each round in two fresh processes, the order swapped every round.",
        "",
        "| | old | new | new / old |",
        "|---|---|---|---|",
        f"| warm-up chart, first of the process (CPU s) | {med['old']['warmup']:.3f} | {med['new']['warmup']:.3f} |"
        f" {med['new']['warmup'] / med['old']['warmup']:.2f} |",
        f"| 45 charts of a city (CPU s) | {med['old']['set']:.3f} | {med['new']['set']:.3f} |"
        f" {med['new']['set'] / med['old']['set']:.2f} |",
        f"| city chart, 44 bars (CPU ms, warm) | {med['old']['city'] * 1e3:.1f} | {med['new']['city'] * 1e3:.1f} |"
        f" {med['new']['city'] / med['old']['city']:.2f} |",
        "",
        "Per round (CPU s of the set / ms of the city chart): "
        + "; ".join(f"old {x['old']['set']:.3f} / {x['old']['city'] * 1e3:.1f}, new {x['new']['set']:.3f} /"
                    f" {x['new']['city'] * 1e3:.1f}" for x in rows),
        "",
        f"PNGs compared (old vs new, every chart of every round): {pixels} / {n} same pixels, {byts} / {n} same bytes.",
        "",
    ])
    print(text)
    if a.out:
        a.out.write_text(text, encoding="utf-8")
        a.out.with_suffix(".json").write_text(json.dumps({"rounds": rows, "median": med, "same_pixels": pixels,
                                                          "same_bytes": byts, "charts": n}, indent=1))
    return 0 if pixels == n else 1


if __name__ == "__main__":
    sys.exit(main())
