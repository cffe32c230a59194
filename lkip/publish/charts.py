"""Charts (matplotlib, Agg, object API only: no pyplot global state, safe in worker threads)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg", force=False)
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.layout_engine import TightLayoutEngine  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from . import labels  # noqa: E402
from . import png  # noqa: E402
from .fast_text import FastCanvas  # noqa: E402
from .chart_style import BLUE, DPI, GREEN, GREY, ORANGE, RED, wrap as _wrap  # noqa: E402
from .data import UnitData, num  # noqa: E402
from .kurva_s import kurva_s  # noqa: E402
from .serapan import TANPA_PAGU, serapan_program  # noqa: E402,F401  (one figure per thread, as kurva_s)
from lkip.fmt import atomic_path, format_angka, format_persen  # noqa: E402
from .safe_text import chart_text, file_stem  # noqa: E402


@dataclass
class Chart:
    key: str         # file stem, e.g. kurva_s_skpd
    label: str       # caption in Bahasa Indonesia
    path: Path
    width: int
    height: int


def _save(fig: Figure, target: Path) -> tuple[int, int]:
    """Laid out as fig.tight_layout() does, drawn once, written by png.py."""
    canvas = fig.canvas if isinstance(fig.canvas, FastCanvas) else FastCanvas(fig)
    # No layout engine left on the figure: with one set, each draw lays the figure out again.
    TightLayoutEngine().execute(fig)
    canvas.draw()
    return png.write_canvas(canvas, target)


def capaian_iku(target: Path, judul: str, iku: list[dict[str, Any]]) -> tuple[int, int]:
    fig = Figure(figsize=(9, 5), dpi=DPI)
    ax = fig.add_subplot()
    names = [chart_text(f"IKU {r['no']}") for r in iku]
    vals = [r["capaian_pct"] or 0.0 for r in iku]
    bars = ax.bar(names, vals, color=[GREEN if round(v, 2) >= 100 else RED for v in vals], width=0.6)
    for b, v in zip(bars, vals):
        ax.annotate(format_persen(v), (b.get_x() + b.get_width() / 2, v), textcoords="offset points",
                    xytext=(0, 4), ha="center", fontsize=9)
    ax.axhline(100, color=GREY, linestyle="--", linewidth=1.2, label="Target 100 %")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: format_angka(v) + " %"))
    ax.set_ylabel("Capaian kinerja (%)")
    ax.set_ylim(0, max(vals + [100.0]) * 1.15)
    ax.set_title(_wrap(judul, 80), fontsize=10)
    legend = "\n".join(_wrap(f"IKU {r['no']}: {r['indikator']}", 95) for r in iku)
    ax.legend(loc="upper right", fontsize=8)
    fig.text(0.01, 0.01, legend, fontsize=7, va="bottom", ha="left")
    fig.subplots_adjust(bottom=0.12 + 0.035 * legend.count("\n"))
    FastCanvas(fig)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format="png", dpi=DPI, bbox_inches="tight")
    w, h = fig.get_size_inches() * DPI
    return int(w), int(h)


def tren_iku(target: Path, judul: str, series: list[dict[str, Any]], tahun: int) -> tuple[int, int]:
    """Small multiples, one per IKU: realisasi per year, target this year, Renstra end target."""
    n = max(len(series), 1)
    ncols = 2 if n > 1 else 1
    nrows = (n + ncols - 1) // ncols
    fig = Figure(figsize=(9, 2.9 * nrows + 0.6), dpi=DPI)
    for i, s in enumerate(series):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        years = [y for y, _ in s["realisasi"]]
        vals = [v for _, v in s["realisasi"]]
        ax.plot([str(y) for y in years], vals, marker="o", color=BLUE, linewidth=2, label="Realisasi")
        for y, v in zip(years, vals):
            ax.annotate(format_angka(v), (str(y), v), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize=8)
        if s.get("target_tahun_ini") is not None and str(tahun) in [str(y) for y in years]:
            ax.plot([str(tahun)], [s["target_tahun_ini"]], marker="D", color=ORANGE, linestyle="none",
                    label=f"Target {tahun}")
        if s.get("target_akhir_renstra") is not None:
            ax.axhline(s["target_akhir_renstra"], color=GREEN, linestyle="--", linewidth=1,
                       label=chart_text(f"Target akhir Renstra {s.get('tahun_akhir_renstra') or ''}".strip()))
        top = max(vals + [s.get("target_akhir_renstra") or 0, s.get("target_tahun_ini") or 0, 1])
        ax.set_ylim(0, top * 1.25)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: format_angka(v)))
        ax.set_title(_wrap(f"IKU {s['no']}: {s['indikator']}", 55), fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    fig.suptitle(_wrap(judul, 90), fontsize=10)
    return _save(fig, target)


# ---- data for the charts ------------------------------------------------------------------------

def _is_total(row: dict[str, Any], *cols: str) -> bool:
    if str(row.get("level") or "").lower() in ("jumlah", "total"):
        return True
    return any(str(row.get(c) or "").strip().upper() in ("JUMLAH", "TOTAL") for c in cols)


def build_charts(unit: UnitData, charts_dir: Path, cache: Any = None) -> list[Chart]:
    """The unit's charts; with a chart_cache.ChartCache, those whose inputs did not change are kept."""
    out: list[Chart] = []
    nama, periode = unit.nama_skpd, unit.periode

    def add(key: str, label: str, fn, *args) -> None:
        path = charts_dir / f"{key}.png"
        w, h = cache.draw(path, fn, args) if cache is not None else fn(path, *args)
        out.append(Chart(key, label, path, w, h))

    kas_t, lamp = unit.get("tabel_2_4"), unit.get("lampiran_3")
    q = range(1, 5)
    if kas_t is not None and kas_t.has(*(f"kas_tw{i}" for i in q)):
        programs = [r for r in kas_t.rows if not _is_total(r, "program", "uraian") and r.get("kode")]
        totals = [r for r in kas_t.rows if _is_total(r, "program", "uraian")]
        kas_total = ([num(totals[0].get(f"kas_tw{i}")) for i in q] if totals else
                     [sum(num(r.get(f"kas_tw{i}")) or 0.0 for r in programs) for i in q])
        real_rows = {}
        real_total: list[float | None] = [None] * 4
        if lamp is not None and lamp.has(*(f"rp_tw{i}" for i in q)):
            for r in lamp.rows:
                lv = str(r.get("level") or "").lower()
                if lv == "program":
                    real_rows[r.get("kode")] = [num(r.get(f"rp_tw{i}")) for i in q]
                elif _is_total(r, "uraian"):
                    real_total = [num(r.get(f"rp_tw{i}")) for i in q]
            if all(v is None for v in real_total) and real_rows:
                real_total = [sum((v[i] or 0.0) for v in real_rows.values()) for i in range(4)]
        add("kurva_s_skpd", f"Kurva S realisasi anggaran {nama}", kurva_s,
            f"Kurva S Rencana dan Realisasi Anggaran {nama} {periode}", kas_total, real_total,
            unit.s_d_triwulan)
        for r in programs:
            kas = [num(r.get(f"kas_tw{i}")) for i in q]
            if not any(kas) and not any(real_rows.get(r.get("kode"), [])):
                continue  # a program without pagu has no curve worth drawing
            kode = str(r.get("kode"))
            nama_prog = r.get("program") or r.get("uraian") or kode
            add(f"kurva_s_program_{file_stem(kode.replace(' ', ''))}", f"Kurva S {nama_prog}", kurva_s,
                f"Kurva S {nama_prog} ({kode}) {periode}", kas, real_rows.get(r.get("kode"), [None] * 4),
                unit.s_d_triwulan)

    t31 = unit.get("tabel_3_31")
    if t31 is not None and "persen" in t31.columns:
        rows = [r for r in t31.rows if not _is_total(r, "program", "uraian")]
        total = [num(r.get("persen")) for r in t31.rows if _is_total(r, "program", "uraian")]
        if rows:
            add("serapan_program", f"Serapan anggaran per program {nama}", serapan_program,
                f"Serapan Anggaran Per Program {nama} {periode}",
                [labels.total_word(r.get("program") or r.get("uraian") or r.get("kode")) for r in rows],
                [(num(r.get("persen")) or 0.0) if num(r.get("pagu")) or "pagu" not in t31.columns else None
                 for r in rows], total[0] if total else None)

    from .narrative import iku_facts  # late import: narrative imports nothing from here

    facts = iku_facts(unit)
    if facts:
        add("capaian_iku", f"Capaian kinerja per IKU {nama}", capaian_iku,
            f"Capaian Kinerja Per Indikator Kinerja Utama {nama} {periode}", facts)
        series = []
        for f in facts:
            pts = [(y, v) for y, v in f["realisasi_lalu"] if v is not None]
            if f["realisasi"] is not None:
                pts.append((unit.tahun, f["realisasi"]))
            if pts:
                series.append({**f, "realisasi": pts})
        if series and any(len(s["realisasi"]) > 1 for s in series):
            add("tren_iku", f"Tren realisasi IKU {nama}", tren_iku,
                f"Tren Realisasi IKU dan Target Akhir Renstra {nama}", series, unit.tahun)
    return out
