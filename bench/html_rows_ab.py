"""The city's page after one SKPD's re-drop, rendered with the rows kept from the last render
(lkip.publish.row_cache, as inside `lkip watch`) against a fresh render, alternating.

    .venv/bin/python bench/html_rows_ab.py [--skpd 44] [--rows 404] [--rounds 5] [--out bench/results/X.md]

A synthetic city unit (seeded): `--skpd` SKPD blocks of `--rows` reconciliation rows each (the
44-SKPD bench city has ~17 800). Each round changes one SKPD's block (a tenth of its amounts, its
last rows withdrawn: every later running number shifts) and renders the changed page (A) with the
cache empty and (B) after the unchanged page was rendered (the last run's rows kept), in
alternating order, checking that both pages are the same text. Reported: CPU seconds of the
changed page's render (time.process_time), medians, and B / A.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from run_bench import write_result  # noqa: E402

COLS = ["tahun", "kode_skpd", "s_d_triwulan", "urutan", "level", "kode_kegiatan", "uraian", "triwulan", "lra",
        "sp2d", "form", "selisih_lra_sp2d", "selisih_lra_form", "selisih_sp2d_form", "skpd_asal", "dokumen",
        "selisih_dokumen_sp2d", "selisih_dokumen_form"]


def city_rows(n_skpd: int, per: int, seed: int = 13) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for s in range(1, n_skpd + 1):
        for i in range(per):
            sp2d = Decimal(rng.randrange(10**10, 6 * 10**10))
            rows.append({"tahun": 2020, "kode_skpd": "KOTA", "s_d_triwulan": 4, "level": "kegiatan",
                         "kode_kegiatan": f"4.01.4.01.{s:02d}.{i // 4:02d}", "uraian": f"Kegiatan {s}-{i // 4}",
                         "triwulan": 1 + i % 4, "lra": None, "sp2d": sp2d, "form": sp2d,
                         "selisih_lra_sp2d": None, "selisih_lra_form": None, "selisih_sp2d_form": Decimal(0),
                         "skpd_asal": f"4.01.{s:02d}", "dokumen": None, "selisih_dokumen_sp2d": None,
                         "selisih_dokumen_form": None})
    return renumber(rows)


def renumber(rows: list[dict]) -> list[dict]:
    for i, r in enumerate(rows):
        r["urutan"] = i + 1
    return rows


def redrop(rows: list[dict], skpd: str, rng: random.Random) -> list[dict]:
    """One SKPD's block changed: some amounts, its last rows withdrawn."""
    out = [dict(r) for r in rows]
    block = [i for i, r in enumerate(out) if r["skpd_asal"] == skpd]
    for i in rng.sample(block, max(1, len(block) // 10)):
        out[i]["sp2d"] -= rng.randrange(1, 10**6)
        out[i]["selisih_sp2d_form"] = out[i]["sp2d"] - out[i]["form"]
    drop = set(block[-4:])
    return renumber([r for i, r in enumerate(out) if i not in drop])


def unit(rows: list[dict]):
    from lkip.publish.data import Table, UnitData

    return UnitData(2020, "KOTA", "Kota Bench", 4, {"rekonsiliasi": Table("rekonsiliasi", COLS, rows)}, [])


def render(u, cfg) -> tuple[str, float]:
    from lkip.publish import memo
    from lkip.publish.html import render_html

    t = time.process_time()
    with memo.unit_scope():
        page = render_html(u, {"ikhtisar": [], "iku": [], "anggaran": []}, [], cfg)
    return page, time.process_time() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skpd", type=int, default=44)
    ap.add_argument("--rows", type=int, default=404)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)
    import tempfile

    from lkip.config import load_config
    from lkip.publish import row_cache

    cfg = load_config(workspace=Path(tempfile.mkdtemp(prefix="lkip-htmlrows-")))
    rng = random.Random(7)
    rows = city_rows(a.skpd, a.rows)
    fresh, kept = [], []
    for k in range(a.rounds):
        later = redrop(rows, f"4.01.{1 + k % a.skpd:02d}", rng)
        pages = {}
        for mode in (("fresh", "kept") if k % 2 == 0 else ("kept", "fresh")):
            row_cache.HTML_ROWS.clear()
            if mode == "kept":
                render(unit(rows), cfg)       # the last run's page fills the cache
            pages[mode], s = render(unit(later), cfg)
            (fresh if mode == "fresh" else kept).append(s)
        if pages["fresh"] != pages["kept"]:
            print("the two pages differ", file=sys.stderr)
            return 1
        rows = later
    mf, mk = statistics.median(fresh), statistics.median(kept)
    n = len(rows)
    text = "\n".join([
        f"# The city's page after one SKPD's re-drop: rows kept (row_cache) vs fresh, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"Command: `python bench/html_rows_ab.py --skpd {a.skpd} --rows {a.rows} --rounds {a.rounds}`",
        f"Synthetic city: {a.skpd} SKPD × {a.rows} reconciliation rows ({n} rows); one SKPD's block changed per round.",
        "",
        "| render | CPU s (median) | rounds |",
        "|---|---:|---|",
        f"| fresh (cache empty) | {mf:.3f} | {', '.join(f'{x:.3f}' for x in fresh)} |",
        f"| rows kept from the last render | {mk:.3f} | {', '.join(f'{x:.3f}' for x in kept)} |",
        "",
        f"kept / fresh: **{mk / mf:.2f}** (the same page text in every round)",
        "",
    ])
    write_result(a.out, text, {"fresh": fresh, "kept": kept, "ratio": mk / mf, "rows": n})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
