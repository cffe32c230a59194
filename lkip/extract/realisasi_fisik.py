"""Form Realisasi Kinerja: realisasi fisik (K) and, optionally, Rp per indicator per quarter.

Blank K cells stay NULL (not 0): cara hitung 'terakhir' / 'rata-rata' depends on it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from lkip.extract.base import FileMeta, ReadResult
from lkip import sipd_codes
from lkip.extract.header import find_header, is_total_label, iter_data_rows, load_column_map, read_title_meta, title_lines
from lkip.extract.parse import ParseError, normalize_code, to_float, to_money
from lkip.extract.common import (
    TOLERANCE,
    cell_error,
    no_header_issue,
    printed_label,
    text_or_none,
)
from lkip.extract.sheets import chosen_sheets, grid, head_grid
from lkip.extract.skpd import column_codes, resolve_skpd
from lkip.extract.sheets import visible_sheets as sheets_of
from lkip.extract.sheets import recognition_score
from lkip.extract.reader import Reader
from lkip.issues import WARNING, Issue, error, warning
from lkip.tables.realisasi_fisik import REALISASI_FISIK
from schemas import realisasi_fisik as schema

KIND = "realisasi_fisik"
TABLE = "realisasi_fisik"
K = [f"k_tw{i}" for i in range(1, 5)]
RP = [f"rp_tw{i}" for i in range(1, 5)]
COLUMNS = REALISASI_FISIK.reader_columns


def matches(sheet: Any) -> int:
    return recognition_score(head_grid(sheet), r"FORM\s+REALISASI\s+(KINERJA|FISIK)|REALISASI\s+FISIK", KIND)


def _empty() -> pd.DataFrame:
    return REALISASI_FISIK.empty_frame()


def read(workbook: Any) -> ReadResult:
    sheets = sheets_of(workbook)
    if not sheets:
        return ReadResult(KIND, FileMeta(), {TABLE: _empty()}, [error("Workbook tidak memiliki sheet yang terlihat")])
    # Every recognised sheet that holds a form table (not an instructions sheet).
    cmap = load_column_map(KIND)
    chosen = ([s for s in chosen_sheets(workbook, matches) if find_header(head_grid(s), cmap) is not None]
              or [max(sheets, key=matches)])
    if len(chosen) == 1:
        return read_sheet(chosen[0])
    # The form of several Bagian in one workbook, a sheet each: their rows together.
    parts = [read_sheet(s) for s in chosen]
    meta, issues = parts[0].meta, []
    for s, part in zip(chosen, parts):
        issues.extend(part.issues)
        for f in ("kode_skpd", "tahun"):
            mine, first = getattr(part.meta, f), getattr(meta, f)
            if mine is not None and first is not None and mine != first:
                issues.append(error(f"Sheet '{s.name}' menyebut {f} {mine}, berbeda dari sheet pertama ({first})",
                                    sheet=s.name, nilai=str(mine), diharapkan=str(first)))
        if meta.kode_skpd is None:
            meta.kode_skpd = part.meta.kode_skpd
    sds = [p.meta.s_d_triwulan for p in parts if p.meta.s_d_triwulan is not None]
    meta.s_d_triwulan = max(sds) if sds else None
    df = pd.concat([p.tables[TABLE] for p in parts], ignore_index=True)
    df["urutan"] = pd.array(range(1, len(df) + 1), dtype="Int64")
    df["s_d_triwulan"] = pd.array([meta.s_d_triwulan] * len(df), dtype="Int64")
    return ReadResult(KIND, meta, {TABLE: df}, issues)


def read_sheet(sheet: Any) -> ReadResult:
    name = sheet.name
    rows = grid(sheet)
    issues: list[Issue] = []
    header = find_header(rows, load_column_map(KIND))
    if header is None:
        return ReadResult(KIND, FileMeta(), {TABLE: _empty()},
                          [no_header_issue(name, rows, KIND, "Form Realisasi Kinerja")])
    meta = read_title_meta(title_lines(rows, header.row + 1 - (header.n_rows - 1)))
    cols = header.columns
    lbl = {f: printed_label(header, f, f) for f in cols}

    def num(field: str, value: Any, row: int, money: bool = False) -> Any:
        try:
            return to_money(value) if money else to_float(value)
        except ParseError as exc:
            issues.append(cell_error(name, row, lbl[field], value, exc.expected))
            return None

    records: list[dict[str, Any]] = []
    negative_rp: list[Issue] = []
    totals: list[tuple[int, dict[str, Any], int]] = []
    last_kode: str | None = None
    skpd_cells: list[Any] = []
    for dr in iter_data_rows(rows, header, text_fields={"nama_kegiatan", "indikator", "satuan", "keterangan"},
                             key_fields=("kode_kegiatan", "indikator"), label_fields=("no", "nama_kegiatan")):
        v = dr.values
        # "Jumlah Kegiatan" is an indicator, not a JUMLAH row: a total row carries no code.
        if dr.is_total:
            totals.append((dr.excel_row, v, len(records)))
            continue
        row = dr.excel_row
        skpd_cells.append(v.get("kode_skpd"))
        try:
            kode = normalize_code(v.get("kode_kegiatan"))
        except ParseError as exc:
            issues.append(cell_error(name, row, lbl["kode_kegiatan"], v.get("kode_kegiatan"), exc.expected))
            kode = None
            last_kode = None
        indikator = text_or_none(v.get("indikator"))
        rec: dict[str, Any] = {
            "kode_kegiatan": kode,
            "nama_kegiatan": text_or_none(v.get("nama_kegiatan")),
            "indikator": indikator,
            "target": num("target", v.get("target"), row) if "target" in cols else None,
            "satuan": text_or_none(v.get("satuan")),
        }
        for f in K:
            rec[f] = num(f, v.get(f), row) if f in cols else None
        for f in RP:
            rec[f] = num(f, v.get(f), row, money=True) if f in cols else None
        has_values = any(rec[f] is not None for f in K + RP)
        if indikator is None:
            if has_values:
                issues.append(cell_error(name, row, lbl["indikator"], None, "teks indikator kinerja",
                                         "Indikator Kinerja kosong pada baris yang berisi realisasi"))
            continue  # a kegiatan heading without an indicator
        if kode is None and v.get("kode_kegiatan") is None:
            if last_kode is None:
                issues.append(cell_error(name, row, lbl["kode_kegiatan"], None, "kode kegiatan",
                                         "Kode Kegiatan kosong dan tidak ada kegiatan di baris sebelumnya"))
            kode = last_kode  # a further indicator of the kegiatan above
            rec["kode_kegiatan"] = kode
        if kode is not None:
            last_kode = kode
        for f in K + RP:
            if rec[f] is not None and rec[f] < 0:
                (negative_rp if f in RP else issues).append(
                    cell_error(name, row, lbl[f], v.get(f), "angka ≥ 0", f"Nilai negatif: {v.get(f)!r}"))
        rec["sheet"] = name
        rec["excel_row"] = row
        records.append(rec)

    # JUMLAH rows: Rp columns checked against the sum of the rows above.
    for row, v, pos in totals:
        for f in RP:
            if f not in cols or is_total_label(v.get(f)):
                continue
            try:
                total = to_money(v.get(f))
            except ParseError as exc:
                issues.append(cell_error(name, row, lbl[f], v.get(f), exc.expected))
                continue
            if total is None:
                continue
            s = sum((r[f] for r in records[:pos] if r[f] is not None), Decimal("0.00"))
            if abs(total - s) > TOLERANCE:
                issues.append(cell_error(name, row, lbl[f], v.get(f), f"jumlah baris di atasnya = {s}",
                                         f"Baris JUMLAH {total} tidak sama dengan jumlah baris di atasnya {s}"))

    resolve_skpd(meta, [r["kode_kegiatan"] for r in records], column_codes(skpd_cells), name, issues,
                 lbl.get("kode_kegiatan", "Kode Kegiatan"), lbl.get("kode_skpd", "Kode SKPD"))
    # SIPD era: a quarter's Rp may be net negative (returns, STS, above its spending; docs/sipd.md 6b).
    if not sipd_codes.era_sipd(meta.kode_skpd):
        issues.extend(negative_rp)

    # s.d. triwulan: from the title, else the last quarter with any value.
    sd = meta.s_d_triwulan
    if sd is None:
        filled = [q for q in range(1, 5) if any(r[K[q - 1]] is not None or r[RP[q - 1]] is not None for r in records)]
        sd = max(filled) if filled else None
        meta.s_d_triwulan = sd
        if sd is not None:
            issues.append(warning(f"Judul tidak menyebut 's.d. Triwulan'; dipakai triwulan terakhir yang terisi: {sd}",
                                  sheet=name, excel_row=1, diharapkan="judul 's.d. Triwulan IV'"))
    if meta.tahun is None:
        issues.append(warning("Tahun anggaran tidak ditemukan di judul form", sheet=name, excel_row=1,
                              diharapkan="judul 'TAHUN ANGGARAN 2020'"))
    if not records:
        issues.append(error("Form Realisasi Kinerja tidak berisi baris indikator", sheet=name,
                            excel_row=header.excel_row + 1, diharapkan="minimal satu baris indikator"))

    df = pd.DataFrame(records, columns=[c for c in COLUMNS if c not in ("urutan", "s_d_triwulan")])
    df.insert(0, "urutan", pd.array(range(1, len(df) + 1), dtype="Int64"))
    for f in ["target", *K]:
        df[f] = pd.to_numeric(df[f], errors="raise").astype("Float64")
    for f in RP:
        df[f] = df[f].astype("object")
    df["s_d_triwulan"] = pd.array([sd] * len(df), dtype="Int64")
    df["excel_row"] = df["excel_row"].astype("Int64")
    df = df[COLUMNS]
    issues.sort(key=lambda x: (x.excel_row or 0))
    return ReadResult(KIND, meta, {TABLE: df}, issues)


READER = Reader(kind=KIND, label="Form Realisasi Kinerja", order=4, tables=(REALISASI_FISIK,), matches=matches,
                read=read, column_map=KIND, validate=schema.validate_frames, replaced_by="row",
                # A form row for an unknown kegiatan is staged with a warning and left out of the
                # tables by the model (core.realisasi_fisik_tak_cocok); money (SP2D) is stricter.
                renja_check=(TABLE, "Kode Kegiatan", WARNING),
                templates=("realisasi-fisik", "realisasi-fisik-sipd"))   # the SIPD-era form: three code levels
