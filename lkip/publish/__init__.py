"""PUBLISH layer: the report outputs of every (tahun, SKPD) and of the city from `laporan.*` views.

    publish_all(con, output_dir, config, tahun=None, kode_skpd=None) -> list[Path]

writes under `output_dir/<tahun>/<kode_skpd | kota>/`:
  LKIP_<kode>_<tahun>.xlsx      Sampul, Daftar Isi, one sheet per table (named by its number) + Grafik + Validasi
  csv/<id>.csv                  UTF-8 with BOM, ';' separated, decimal comma ([publish] csv_separator)
  charts/*.png                  kurva S (SKPD and programs), serapan, capaian IKU, tren IKU
  laporan_<kode>_<tahun>.html   self-contained page: narrative, charts, tables
  BAB_III_<kode>_<tahun>.docx   draft of BAB III
  validasi.xlsx                 the warnings of the files behind the numbers
Every file is written to a temporary name and renamed into place.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import duckdb

from .charts import Chart, build_charts
from lkip.safe_fs import ensure_tree

from .csv_out import write_csv
from .data import KOTA, UnitData, list_units, list_views, load_unit
from .docx_out import write_docx
from .fmt import format_angka, format_persen, format_rupiah
from .html import write_html
from .narrative import render_narrative
from .xlsx import write_validasi_workbook, write_workbook

__all__ = [
    "publish_all", "publish_unit", "format_angka", "format_persen", "format_rupiah", "KOTA",
]

log = logging.getLogger(__name__)


def publish_unit(unit: UnitData, output_dir: Path, config: Any = None) -> list[Path]:
    """All outputs of one loaded SKPD/city; returns the paths written."""
    folder = Path(output_dir) / str(unit.tahun) / unit.folder
    ensure_tree(output_dir, (str(unit.tahun), unit.folder), ("csv",), ("charts",))  # no link followed
    kode, tahun = unit.kode_skpd, unit.tahun
    written: list[Path] = []

    for table in unit.tables.values():
        written.append(write_csv(folder / "csv" / f"{table.id}.csv", table, config))

    charts: list[Chart] = build_charts(unit, folder / "charts")
    written.extend(c.path for c in charts)

    narrative = render_narrative(unit, config)
    written.append(write_workbook(folder / f"LKIP_{kode}_{tahun}.xlsx", unit,
                                  [(c.label, c.path) for c in charts]))
    written.append(write_validasi_workbook(folder / "validasi.xlsx", unit))
    written.append(write_html(folder / f"laporan_{kode}_{tahun}.html", unit, narrative, charts, config))
    written.append(write_docx(folder / f"BAB_III_{kode}_{tahun}.docx", unit, narrative, charts))
    return written


def publish_all(
    con: duckdb.DuckDBPyConnection,
    output_dir: Path,
    config: Any,
    tahun: int | None = None,
    kode_skpd: str | None = None,
) -> list[Path]:
    """Publish every (tahun, kode_skpd) of laporan.lampiran_3, the city ('KOTA' -> folder kota) included.

    `tahun` / `kode_skpd` restrict the set (kode_skpd='KOTA' publishes only the city).
    """
    views = list_views(con)
    written: list[Path] = []
    for t, k in list_units(con, tahun, kode_skpd):
        unit = load_unit(con, t, k, config, views)
        log.info("publish %s %s: %d tabel", t, k, len(unit.tables))
        written.extend(publish_unit(unit, Path(output_dir), config))
    return written
