"""The layout fuzzer's kinds split over several files, in sub-folders with misleading names:

* the Form Realisasi Kinerja one file per Bagian (the kegiatan cut in 2-3 parts at kegiatan
  boundaries; a newer form replaces only the rows it holds, lkip/replacement.py, so the parts
  add up to the whole form);
* the LRA per period: besides the example's cumulative LRA to 31 December, the one to 30
  September, whose realisation s.d. periode ini is the December file's "s.d. periode lalu"
  (printed without the "s.d. periode lalu" and "periode ini" columns: a September file that
  printed its own "s.d. periode lalu", even blank, i.e. 0, would add a June cumulative the example
  does not have). The model takes the September cumulative from that file instead of from the
  December file's "s.d. periode lalu": the same values, so the same tables.

The first file (``render_drop``'s ``Rendered`` for the kind) is the one the negative twin corrupts.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

SEPT_WITHOUT = ("realisasi_sd_lalu", "realisasi_periode_ini")
FOLDERS = ["lama", "cadangan", "LRA_final_revisi", "Bagian Umum/kirim ulang", "", "form_lama (2)", "arsip/TW3"]


def split_draw(d: Any, lay: Any) -> None:
    """Draw how many files and their folders (hypothesis ``draw`` ``d``)."""
    lay.files = d(st.integers(1, 3)) if lay.kind == "realisasi_fisik" else d(st.integers(1, 2))
    lay.split_folders = d(st.lists(st.integers(0, len(FOLDERS) - 1), min_size=3, max_size=3))


def form_parts(recs: list[dict[str, Any]], n: int) -> list[list[dict[str, Any]]]:
    """The form's rows in ``n`` parts, each kegiatan (all its indicator rows) in one part."""
    starts = [i for i, r in enumerate(recs) if i == 0 or r["kode_kegiatan"] != recs[i - 1]["kode_kegiatan"]]
    step = max(1, len(starts) // n)
    cuts = sorted(set(starts[step::step]))[: n - 1]
    bounds = [0, *cuts, len(recs)]
    return [recs[a:b] for a, b in zip(bounds, bounds[1:])]


def lra_september(recs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The LRA to 30 September, from the December LRA's 's.d. periode lalu'."""
    out = []
    for r in recs:
        sd = r.get("realisasi_sd_lalu")
        ang = r.get("anggaran")
        row = {**r, "realisasi_sd_ini": sd, "realisasi_sd_lalu": None, "realisasi_periode_ini": None}
        row["sisa"] = None if ang is None or sd is None else ang - sd
        row["persen"] = (None if not ang or sd is None
                         else float((sd * 100 / ang).quantize(Decimal("0.01"), ROUND_HALF_UP)))
        out.append(row)
    return out


def render_split(lay: Any, input_dir: Path, folder: Path, name: str) -> Any:
    from layout_fuzz import records_of, render_file, spec_of

    def where(k: int) -> Path:
        sub = FOLDERS[lay.split_folders[k % len(lay.split_folders)]]
        return input_dir / sub if sub else input_dir

    recs = records_of(lay)
    if lay.kind == "lra":
        first = render_file(lay, folder, name)
        spec = spec_of(lay)
        sept = replace(lay, order=[i for i in lay.order if spec[i].field not in SEPT_WITHOUT])
        render_file(sept, where(0), "LRA_final_revisi.xlsx", records=lra_september(recs), periode="30 September 2020")
        return first
    parts = form_parts(recs, lay.files)
    first = render_file(lay, folder, name, records=parts[0])
    for k, part in enumerate(parts[1:]):
        render_file(lay, where(k), f"form_bagian_{k + 2}.xlsx", records=part)
    return first
