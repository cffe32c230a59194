"""staging.renja: column checks (pandera) and cross-row checks, each failure an Issue."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from lkip.extract.base import FileMeta
from lkip.extract.common import TOLERANCE
from lkip.fmt import rupiah_pesan as _rp
from lkip.issues import Issue, error
from lkip.tables.renja import BARIS_JENIS, RENJA
from schemas.base import run_schema
from schemas.table import build_schema

KAS = ["kas_tw1", "kas_tw2", "kas_tw3", "kas_tw4"]
# The pagu checked against the children's sum, each with its declared label (lkip.tables.renja).
PAGU = [(f, RENJA.column(f).title) for f in ("pagu_murni", "pagu_perubahan")]


# The typed schema of staging.renja, generated from its declaration (lkip.tables.renja).
SCHEMA = build_schema(RENJA)


def _num(v: Any) -> Decimal:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return Decimal(0)
    return Decimal(str(v))


def validate(df: pd.DataFrame, file: str | None = None) -> list[Issue]:
    """Column checks, then the cross-row checks of docs/input-formats.md section 1."""
    issues = run_schema(SCHEMA, df, file=file)
    issues.extend(cross_row_checks(df, file=file))
    return issues


def validate_frames(frames: dict[str, pd.DataFrame], meta: FileMeta | None = None) -> list[Issue]:
    """The Reader's entry (lkip.sources.validate): the file's staging.renja frame."""
    df = frames.get(RENJA.name)
    return [] if df is None or df.empty else validate(df)


def cross_row_checks(df: pd.DataFrame, file: str | None = None) -> list[Issue]:
    if df.empty:
        return []
    issues: list[Issue] = []
    recs = df.to_dict("records")
    coded = [r for r in recs if r["baris_jenis"] in ("program", "kegiatan") and r["kode"] is not None]

    # Duplicate program / kegiatan codes.
    first: dict[str, dict[str, Any]] = {}
    for r in coded:
        k = r["kode"]
        if k in first:
            issues.append(error(
                f"Kode {k} ganda: sudah dipakai di baris {first[k]['excel_row']}",
                sheet=r["sheet"], excel_row=int(r["excel_row"]), kolom=RENJA.column("kode").title, nilai=k,
                diharapkan="kode program/kegiatan unik", file=file))
        else:
            first[k] = r

    # A parent's pagu = sum of its direct children (program <- kegiatan, kegiatan <- sub kegiatan).
    children: dict[str, list[dict[str, Any]]] = {}
    for r in coded:
        parent = r.get("kode_induk")
        if parent is not None and not (isinstance(parent, float) and pd.isna(parent)):
            children.setdefault(parent, []).append(r)
    def value(row: dict[str, Any], f: str, depth: int = 0) -> Decimal:
        """The row's amount as printed, else (blank parent, docs/sipd.md 6a) its children's sum."""
        v = row.get(f)
        if v is not None and not pd.isna(v):
            return _num(v)
        kids = children.get(row["kode"]) or []
        if not kids or depth > 20:
            return Decimal(0)
        return sum((value(k, f, depth + 1) for k in kids), Decimal(0))

    for code, parent in first.items():
        kids = children.get(code)
        if not kids and parent["baris_jenis"] == "kegiatan":
            continue
        kids = kids or []
        what = "kegiatan" if parent["baris_jenis"] == "program" else "sub kegiatan"
        for f, lab in PAGU:
            if parent.get(f) is None or pd.isna(parent.get(f)):
                continue
            total = sum((value(k, f) for k in kids), Decimal(0))
            if abs(_num(parent[f]) - total) > TOLERANCE:
                issues.append(error(
                    f"{lab} {parent['baris_jenis']} {code} tidak sama dengan jumlah {what}-nya: "
                    f"tertulis {_rp(_num(parent[f]))}, jumlah {what} {_rp(total)}",
                    sheet=parent["sheet"], excel_row=int(parent["excel_row"]), kolom=lab,
                    nilai=parent[f], diharapkan=_rp(total), file=file))

    # A kegiatan's kas TW I-IV sum to its pagu perubahan.
    for r in coded:
        if r["baris_jenis"] != "kegiatan":
            continue
        kas = [r.get(k) for k in KAS]
        if all(v is None or (isinstance(v, float) and pd.isna(v)) for v in kas):
            continue
        if r.get("pagu_perubahan") is None or pd.isna(r.get("pagu_perubahan")):
            continue
        total = sum((_num(v) for v in kas), Decimal(0))
        pagu = _num(r["pagu_perubahan"])
        if abs(total - pagu) > TOLERANCE:
            issues.append(error(
                f"Anggaran kas TW I-IV kegiatan {r['kode']} berjumlah {_rp(total)}, tidak sama dengan "
                f"pagu perubahan {_rp(pagu)}",
                sheet=r["sheet"], excel_row=int(r["excel_row"]), kolom="Anggaran Kas TW I-IV",
                nilai=_rp(total), diharapkan=_rp(pagu), file=file))
    return issues
