"""The city's workbook and documents written with Python's cyclic collector on (A) and held off
(B: lkip.gc_pause.paused, as lkip.publish.runner runs every unit and part), alternating.

    .venv/bin/python bench/gc_pause_ab.py [--skpd 44] [--rows 404] [--rounds 6] [--out bench/results/X.md]

The synthetic city unit of bench/html_rows_ab.py (`--skpd` blocks of `--rows` reconciliation rows,
~17 800 for the 44-SKPD bench city), held by the process as a publish worker holds the unit it
writes. Each round writes its workbook and its documents (validasi, page, docx) both ways in
alternating order and checks that both ways wrote the same files. Reported: CPU seconds
(time.process_time), medians, and B / A.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from html_rows_ab import city_rows, unit  # noqa: E402
from run_bench import write_result  # noqa: E402


def _contents(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, a zip (xlsx, docx) by its members' bytes (their timestamps aside, and
    docProps/core.xml: the time of writing)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        if p.suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(p) as z:
                for n in sorted(z.namelist()):
                    if n != "docProps/core.xml":
                        out[f"{p.name}:{n}"] = z.read(n)
        else:
            out[p.name] = p.read_bytes()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skpd", type=int, default=44)
    ap.add_argument("--rows", type=int, default=404)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)

    from lkip import gc_pause
    from lkip.config import load_config
    from lkip.publish import publish_documents, publish_workbook
    from lkip.publish.memo import unit_scope

    cfg = load_config(workspace=Path(tempfile.mkdtemp(prefix="lkip-gcpause-")))
    u = unit(city_rows(a.skpd, a.rows))
    work = Path(tempfile.mkdtemp(prefix="lkip-gcpause-out-"))

    def write(where: Path) -> float:
        t = time.process_time()
        with unit_scope():
            publish_workbook(u, where, cfg, [])
            publish_documents(u, where, cfg, [])
        return time.process_time() - t

    write(work / "warm")  # imports, templates, fonts
    on, off, same = [], [], True
    for k in range(a.rounds):
        got = {}
        for mode in (("on", "off") if k % 2 == 0 else ("off", "on")):
            where = work / f"{mode}{k}"
            gc.collect()
            if mode == "on":
                on.append(write(where))
            else:
                with gc_pause.paused():
                    off.append(write(where))
            got[mode] = _contents(where)
        same = same and got["on"] == got["off"]
    mon, moff = statistics.median(on), statistics.median(off)
    text = "\n".join([
        f"# The city's workbook and documents: cyclic collector on vs held off, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"Command: `python bench/gc_pause_ab.py --skpd {a.skpd} --rows {a.rows} --rounds {a.rounds}`",
        f"Synthetic city unit: {a.skpd} SKPD × {a.rows} reconciliation rows ({len(u.tables['rekonsiliasi'].rows)} rows).",
        "",
        "| collector | CPU s (median) | rounds |",
        "|---|---:|---|",
        f"| on (A) | {mon:.3f} | {', '.join(f'{x:.3f}' for x in on)} |",
        f"| held off (B, gc_pause.paused) | {moff:.3f} | {', '.join(f'{x:.3f}' for x in off)} |",
        "",
        f"B / A: **{moff / mon:.2f}**; the same files both ways in every round: {same}",
        "",
    ])
    write_result(a.out, text, {"on": on, "off": off, "ratio": moff / mon, "same": same})
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
