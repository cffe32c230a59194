"""PUBLISH layer: the report outputs of every (tahun, SKPD) and of the city from `laporan.*` views.

    publish_all(con, output_dir, config, tahun=None, kode_skpd=None) -> list[Path]

writes under `output_dir/<tahun>/<kode_skpd | kota>/`:
  LKIP_<kode>_<tahun>.xlsx      Sampul, Daftar Isi, one sheet per table (named by its number) + Grafik + Validasi
  csv/<id>.csv                  UTF-8 with BOM, ';' separated, decimal comma ([publish] csv_separator)
  charts/*.png                  kurva S (SKPD and programs), serapan, capaian IKU, tren IKU
  laporan_<kode>_<tahun>.html   self-contained page: narrative, charts, tables
  BAB_III_<kode>_<tahun>.docx   draft of BAB III
  validasi.xlsx                 the warnings of the files behind the numbers
Every file is written to a temporary name and renamed into place. Each view is read once per run
(snapshot.py); runner.py publishes only the units whose digest changed (digest.py), one unit's
failure never stopping the others.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import duckdb

from .chart_cache import ChartCache
from .charts import Chart, build_charts
from lkip.safe_fs import ensure_tree

from .csv_out import write_csv
from .data import KOTA, UnitData
from .docx_out import write_docx
from lkip.fmt import format_angka, format_persen, format_rupiah
from .html import write_html
from .memo import unit_scope
from .narrative import render_narrative
from .safe_text import file_stem
from .xlsx import write_validasi_workbook, write_workbook

__all__ = [
    "publish_all", "publish_unit", "PublishError", "format_angka", "format_persen", "format_rupiah", "KOTA",
]

log = logging.getLogger(__name__)


class PublishError(RuntimeError):
    """Some units could not be published (the others were); the message says which and why."""


def publish_unit(unit: UnitData, output_dir: Path, config: Any = None, reuse_charts: bool = False) -> list[Path]:
    """All outputs of one loaded SKPD/city; returns the paths written (or, for charts, kept).

    reuse_charts: a chart drawn from the same inputs by the previous build is kept as it is
    (chart_cache.py); off, every chart is drawn. The same as its three parts one after the other
    (PARTS: the runner may run a big unit's workbook and documents on two processes).
    """
    with unit_scope():  # the three publishers share each table's layout (memo.py)
        written, charts = publish_base(unit, output_dir, config, reuse_charts)
        written += publish_workbook(unit, output_dir, config, charts)
        written += publish_documents(unit, output_dir, config, charts)
    return written


PARTS = ("workbook", "documents")  # what runs after publish_base, each on its own when a unit is split


def _names(unit: UnitData, output_dir: Path) -> tuple[Path, str, int]:
    folder = Path(output_dir) / str(unit.tahun) / unit.folder
    return folder, (unit.kode_skpd if unit.is_kota else file_stem(unit.kode_skpd)), unit.tahun


def publish_base(unit: UnitData, output_dir: Path, config: Any = None,
                 reuse_charts: bool = False) -> tuple[list[Path], list[Chart]]:
    """The unit's folder, its CSVs and its charts (which the workbook and the documents show)."""
    folder, _, _ = _names(unit, output_dir)
    ensure_tree(output_dir, (str(unit.tahun), unit.folder), ("csv",), ("charts",))  # no link followed
    written: list[Path] = []

    for table in unit.tables.values():
        written.append(write_csv(folder / "csv" / f"{table.id}.csv", table, config))

    cache = ChartCache(folder / "charts", reuse=reuse_charts)
    charts: list[Chart] = build_charts(unit, folder / "charts", cache)
    cache.save()
    written.extend(c.path for c in charts)
    return written, charts


def publish_workbook(unit: UnitData, output_dir: Path, config: Any, charts: list[Chart],
                     before_images: Any = None) -> list[Path]:
    """LKIP_<kode>_<tahun>.xlsx (after publish_base: its Grafik sheet shows the chart files; or,
    with `before_images`, beside it: `charts` are then planned_charts, and before_images() returns
    once they are drawn, before the Grafik sheet reads them: handoff.py)."""
    folder, kode, tahun = _names(unit, output_dir)
    with unit_scope():
        return [write_workbook(folder / f"LKIP_{kode}_{tahun}.xlsx", unit, [(c.label, c.path) for c in charts],
                               before_images)]


class _NoDraw:
    """A chart cache that draws nothing (planned_charts)."""

    def draw(self, path: Path, fn: Any, args: Any) -> tuple[int, int]:
        return 0, 0


def planned_charts(unit: UnitData, output_dir: Path) -> list[Chart]:
    """The charts publish_base makes for `unit` (keys, labels, paths; sizes 0), none drawn."""
    folder, _, _ = _names(unit, output_dir)
    return build_charts(unit, folder / "charts", _NoDraw())


def publish_documents(unit: UnitData, output_dir: Path, config: Any, charts: list[Chart]) -> list[Path]:
    """validasi.xlsx, the HTML page and the docx (after publish_base: both show the charts)."""
    folder, kode, tahun = _names(unit, output_dir)
    with unit_scope():
        narrative = render_narrative(unit, config)
        return [write_validasi_workbook(folder / "validasi.xlsx", unit),
                write_html(folder / f"laporan_{kode}_{tahun}.html", unit, narrative, charts, config),
                write_docx(folder / f"BAB_III_{kode}_{tahun}.docx", unit, narrative, charts)]


def publish_all(
    con: duckdb.DuckDBPyConnection,
    output_dir: Path,
    config: Any,
    tahun: int | None = None,
    kode_skpd: str | None = None,
    force: bool = True,
    workers: int = 1,
) -> list[Path]:
    """Publish every (tahun, kode_skpd) of laporan.lampiran_3, the city ('KOTA' -> folder kota) included.

    `tahun` / `kode_skpd` restrict the set (kode_skpd='KOTA' publishes only the city). With
    force=False only the units whose digest changed are written (the others' paths are not
    returned); `workers` > 1 publishes on that many processes. Every unit is attempted; when some
    failed, PublishError names them after the others were written.
    """
    from .runner import publish_changed

    results = publish_changed(con, Path(output_dir), config, tahun, kode_skpd, force=force, workers=workers)
    failed = [r.error for r in results if r.error]
    if failed:
        raise PublishError("\n".join(failed))
    return [Path(p) for r in results for p in r.paths]
