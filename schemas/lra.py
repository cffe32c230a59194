"""staging.lra: column checks (pandera) and cross-row checks, each failure an Issue."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from lkip.extract.base import FileMeta
from lkip.extract.common import TOLERANCE
from lkip.fmt import rupiah_pesan as _rp
from lkip.issues import Issue, error
from lkip.tables.lra import LRA
from schemas.base import run_schema
from schemas.table import build_schema

# The totals checked across rows, each with its declared label (lkip.tables.lra).
SUMMED = [(f, LRA.column(f).title) for f in ("anggaran", "realisasi_sd_ini")]


# The typed schema of staging.lra, generated from its declaration (lkip.tables.lra).
SCHEMA = build_schema(LRA)


def _num(v: Any) -> Decimal:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return Decimal(0)
    return Decimal(str(v))


def validate(df: pd.DataFrame, file: str | None = None) -> list[Issue]:
    issues = run_schema(SCHEMA, df, file=file)
    issues.extend(cross_row_checks(df, file=file))
    return issues


def validate_frames(frames: dict[str, pd.DataFrame], meta: FileMeta | None = None) -> list[Issue]:
    """The Reader's entry (lkip.sources.validate): the file's staging.lra frame."""
    df = frames.get(LRA.name)
    return [] if df is None or df.empty else validate(df)


def cross_row_checks(df: pd.DataFrame, file: str | None = None) -> list[Issue]:
    """A kegiatan = the sum of its rekening rows; a program = the sum of its kegiatan."""
    if df.empty:
        return []
    issues: list[Issue] = []
    recs = df.to_dict("records")
    # kegiatan <- rekening (only kegiatan that have rekening rows; layout 2 has none)
    rek: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in recs:
        if r["baris_jenis"] == "rekening" and isinstance(r.get("kode_kegiatan"), str):
            rek.setdefault((r["sheet"], r["kode_kegiatan"]), []).append(r)
    has_rekening = bool(rek)
    seen: set[tuple[str, str]] = set()
    for r in recs:
        if r["baris_jenis"] != "kegiatan":
            continue
        key = (r["sheet"], r["kode"])
        if key in seen:
            issues.append(error(f"Kode kegiatan {r['kode']} ganda", sheet=r["sheet"], excel_row=int(r["excel_row"]),
                                kolom=LRA.column("kode").title, nilai=r["kode"], diharapkan="kode kegiatan unik",
                                file=file))
            continue
        seen.add(key)
        kids = rek.get(key)
        if kids is None:
            if not has_rekening:
                continue
            # a kegiatan with children kegiatan (sub kegiatan) carries no rekening itself
            if any(o["baris_jenis"] == "kegiatan" and str(o["kode"]).startswith(r["kode"] + ".") for o in recs):
                continue
            kids = []
        for f, lab in SUMMED:
            if r.get(f) is None or pd.isna(r.get(f)):
                continue
            total = sum((_num(k[f]) for k in kids), Decimal(0))
            if abs(_num(r[f]) - total) > TOLERANCE:
                issues.append(error(
                    f"{lab} kegiatan {r['kode']} tidak sama dengan jumlah rekening-nya: tertulis "
                    f"{_rp(_num(r[f]))}, jumlah rekening {_rp(total)}",
                    sheet=r["sheet"], excel_row=int(r["excel_row"]), kolom=lab, nilai=r[f],
                    diharapkan=_rp(total), file=file))
    # program <- direct kegiatan
    activity = [r for r in recs if r["baris_jenis"] in ("program", "kegiatan")]
    codes = {r["kode"] for r in activity}
    children: dict[str, list[dict[str, Any]]] = {}
    for r in activity:
        segs = str(r["kode"]).split(".")
        for k in range(len(segs) - 1, 0, -1):
            p = ".".join(segs[:k])
            if p in codes:
                children.setdefault(p, []).append(r)
                break
    for r in activity:
        if r["baris_jenis"] != "program" or r["kode"] not in children:
            continue
        for f, lab in SUMMED:
            if r.get(f) is None or pd.isna(r.get(f)):
                continue
            total = sum((_num(k[f]) for k in children[r["kode"]]), Decimal(0))
            if abs(_num(r[f]) - total) > TOLERANCE:
                issues.append(error(
                    f"{lab} program {r['kode']} tidak sama dengan jumlah kegiatan-nya: tertulis "
                    f"{_rp(_num(r[f]))}, jumlah kegiatan {_rp(total)}",
                    sheet=r["sheet"], excel_row=int(r["excel_row"]), kolom=lab, nilai=r[f],
                    diharapkan=_rp(total), file=file))
    return issues
