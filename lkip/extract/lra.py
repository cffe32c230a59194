"""SIMDA Laporan Realisasi Anggaran per kegiatan, both layouts (docs/input-formats.md section 2).

* layout ``lra``: program, kegiatan and belanja account rows; anggaran, realisasi s.d. periode lalu /
  periode ini / s.d. periode ini, sisa, %.
* layout ``realisasi_per_kegiatan`` ("Realisasi Belanja (Langsung) per Kegiatan"): REALISASI merged
  over PEGAWAI | BARANG & JASA | MODAL | TOTAL | %, then SISA ANGGARAN; program subtotal rows, no
  account rows; ``realisasi_sd_ini`` = TOTAL.

Program/kegiatan vs rekening: a code prefixed by a program/kegiatan code already seen is a
kegiatan (or sub kegiatan); an account code (``5.2.2.03.01``: a one-digit second segment, or not
sharing the urusan prefix of the program codes) is a rekening of the kegiatan above.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pandas as pd

from lkip.extract.base import FileMeta, ReadResult
from lkip.extract.header import Header, iter_data_rows, read_title_meta
from lkip.extract.parse import ParseError, normalize_code, to_float, to_money
from lkip.extract.reader import Reader
from lkip.extract.common import (
    check_jumlah_row,
    blank,
    cell_issue,
    code_parents,
    column_label,
    no_header_issue,
    text_or_none,
)
from lkip.extract.skpd import column_codes, resolve_skpd
from lkip.extract.sheets import chosen_sheets, head_grid, locate_table, visible_sheets
from lkip.extract.sheets import recognition_score
from lkip.issues import Issue, error, warning
from lkip.tables.lra import LRA
from schemas import lra as schema

KIND = "lra"
TABLE = "lra"
MONEY = ["anggaran", "realisasi_sd_lalu", "realisasi_periode_ini", "realisasi_sd_ini", "sisa",
         "belanja_pegawai", "belanja_barang_jasa", "belanja_modal"]
COLUMNS = LRA.reader_columns

_TITLE = re.compile(r"LAPORAN\s+REALISASI\s+ANGGARAN|REALISASI\s+BELANJA(\s+\(?LANGSUNG\)?)?(\s+PER)?\s+KEGIATAN")


def matches(sheet: Any) -> int:
    return recognition_score(head_grid(sheet), _TITLE, KIND)


def _empty_frame() -> pd.DataFrame:
    return LRA.empty_frame()


def read(workbook: Any) -> ReadResult:
    sheets = visible_sheets(workbook)
    if not sheets:
        return ReadResult(KIND, FileMeta(), {TABLE: _empty_frame()},
                          [error("Workbook tidak memiliki sheet yang terlihat")])
    chosen = chosen_sheets(workbook, matches)
    meta: FileMeta | None = None
    frames, issues = [], []
    for sheet in chosen:
        m, df, iss = read_sheet(sheet)
        if meta is None:
            meta = m
        elif (m.kode_skpd, m.periode_akhir) != (meta.kode_skpd, meta.periode_akhir):
            iss.append(error(f"Sheet '{sheet.name}' berbeda Perangkat Daerah/periode dari sheet pertama",
                             sheet=sheet.name, nilai=f"{m.kode_skpd} {m.periode_akhir}",
                             diharapkan=f"{meta.kode_skpd} {meta.periode_akhir}"))
        frames.append(df)
        issues.extend(iss)
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if not df.empty:
        df["urutan"] = range(1, len(df) + 1)
    return ReadResult(KIND, meta or FileMeta(), {TABLE: df}, issues)


def _meta(lines: list[str], sheet: str, issues: list[Issue]) -> FileMeta:
    meta = read_title_meta(lines)
    if meta.periode_akhir is None and meta.s_d_triwulan and meta.tahun:
        month = meta.s_d_triwulan * 3
        nxt = dt.date(meta.tahun + (month == 12), month % 12 + 1, 1)
        meta.periode_akhir = nxt - dt.timedelta(days=1)
    if meta.periode_akhir is not None and meta.periode_awal is None:
        meta.periode_awal = dt.date(meta.periode_akhir.year, 1, 1)
    if meta.periode_awal is not None and (meta.periode_awal.month, meta.periode_awal.day) != (1, 1):
        issues.append(warning(f"Periode dimulai {meta.periode_awal:%d/%m/%Y}, bukan 1 Januari; LRA dianggap "
                              "kumulatif sejak 1 Januari", sheet=sheet, nilai=str(meta.periode_awal),
                              diharapkan="periode 1 Januari s.d. ..."))
    if meta.periode_akhir is None:
        issues.append(error("Judul tidak memuat periode (mis. 'Periode : 1 Januari 2020 s.d. 31 Maret 2020')",
                            sheet=sheet, diharapkan="judul dengan periode laporan"))
    if meta.tahun is None:
        issues.append(error("Judul tidak memuat tahun anggaran", sheet=sheet, diharapkan="'TAHUN ANGGARAN 2020'"))
    return meta


def _is_account(code: str, activity_codes: list[str]) -> bool:
    segs = code.split(".")
    if len(segs) >= 2 and len(segs[1]) == 1:
        return True                     # 5.2.2.03.01, 5.1.02.01.01.0001, 4.1.1.01
    if activity_codes:
        head = ".".join(segs[:2])
        return all(".".join(a.split(".")[:2]) != head for a in activity_codes)
    return False


def read_sheet(sheet: Any) -> tuple[FileMeta, pd.DataFrame, list[Issue]]:
    name = sheet.name
    rows, header, lines = locate_table(sheet, KIND)
    issues: list[Issue] = []
    meta = _meta(lines, name, issues)
    if header is None:
        issues.append(no_header_issue(name, rows, KIND, "LRA"))
        return meta, _empty_frame(), issues
    cols = header.columns
    layout = ("realisasi_per_kegiatan"
              if cols.keys() & {"belanja_pegawai", "belanja_barang_jasa", "belanja_modal"}
              or re.search(r"REALISASI\s+BELANJA", " ".join(lines).upper()) else "lra")

    parsed: list[dict[str, Any]] = []
    totals = []
    skpd_cells: list[Any] = []
    for dr in iter_data_rows(rows, header, {"kode", "uraian"}, key_fields=("kode",),
                             label_fields=("kode", "uraian")):
        if dr.is_total:
            totals.append(dr)
            continue
        v = dr.values
        skpd_cells.append(v.get("kode_skpd"))
        raw_code = v.get("kode")
        if blank(raw_code):
            if not blank(v.get("uraian")):
                issues.append(error(f"Baris '{text_or_none(v.get('uraian'))}' tidak memiliki Kode Rekening",
                                    sheet=name, excel_row=dr.excel_row, kolom=column_label(header, "kode"),
                                    nilai=text_or_none(v.get("uraian")), diharapkan="kode program/kegiatan/rekening"))
            continue
        try:
            kode = normalize_code(raw_code)
        except ParseError as exc:
            issues.append(cell_issue(name, dr.excel_row, header, "kode", raw_code, exc))
            kode = re.sub(r"\s+", "", str(raw_code)).rstrip(".") or "?"
        rec: dict[str, Any] = {"kode": kode, "uraian": text_or_none(v.get("uraian")), "sheet": name,
                               "excel_row": dr.excel_row, "layout": layout,
                               "periode_awal": meta.periode_awal, "periode_akhir": meta.periode_akhir,
                               "s_d_triwulan": meta.s_d_triwulan}
        for f in MONEY:
            if f not in cols:
                rec[f] = None
                continue
            try:
                val = to_money(v.get(f))
            except ParseError as exc:
                issues.append(cell_issue(name, dr.excel_row, header, f, v.get(f), exc))
                val = None
            rec[f] = Decimal("0.00") if val is None else val
        try:
            rec["persen"] = to_float(v.get("persen")) if "persen" in cols else None
        except ParseError as exc:
            issues.append(cell_issue(name, dr.excel_row, header, "persen", v.get("persen"), exc))
            rec["persen"] = None
        parsed.append(rec)

    _classify(parsed, name, issues)
    resolve_skpd(meta, [r["kode"] for r in parsed if r["baris_jenis"] in ("program", "kegiatan")],
                 column_codes(skpd_cells), name, issues, column_label(header, "kode"),
                 column_label(header, "kode_skpd"))
    df = pd.DataFrame(parsed, columns=COLUMNS) if parsed else _empty_frame()
    for dr in totals:
        _check_total(name, header, dr, parsed, issues)
    return meta, df, issues


def _classify(parsed: list[dict[str, Any]], sheet: str, issues: list[Issue]) -> None:
    activity: list[str] = []          # program/kegiatan codes seen so far
    activity_set: set[str] = set()
    for rec in parsed:
        code = rec["kode"]
        segs = code.split(".")
        prefixed = any(".".join(segs[:k]) in activity_set for k in range(1, len(segs)))
        if not prefixed and _is_account(code, activity):
            rec["baris_jenis"] = "rekening"
            continue
        rec["baris_jenis"] = "activity"
        activity.append(code)
        activity_set.add(code)
    codes = [r["kode"] for r in parsed if r["baris_jenis"] == "activity"]
    parents = code_parents(codes)
    any_child = any(p is not None for p in parents.values())
    for rec in parsed:
        if rec["baris_jenis"] == "rekening":
            continue
        code = rec["kode"]
        if parents.get(code) is None:
            named_program = (rec["uraian"] or "").lower().startswith("program")
            rec["baris_jenis"] = "program" if (any_child or named_program) else "kegiatan"
        else:
            rec["baris_jenis"] = "kegiatan"
        rec["kode_kegiatan"] = code if rec["baris_jenis"] == "kegiatan" else None
    # rekening rows: the kegiatan (not program) above
    current = None
    for rec in parsed:
        if rec["baris_jenis"] == "kegiatan":
            current = rec["kode"]
        elif rec["baris_jenis"] == "program":
            current = None
        elif rec["baris_jenis"] == "rekening":
            rec["kode_kegiatan"] = current
            if current is None:
                issues.append(error(f"Rekening {rec['kode']} tidak berada di bawah kegiatan", sheet=sheet,
                                    excel_row=rec["excel_row"], kolom=LRA.column("kode").title, nilai=rec["kode"],
                                    diharapkan="baris kegiatan di atas baris rekening"))
    for i, rec in enumerate(parsed, 1):
        rec["urutan"] = i


def _check_total(sheet: str, header: Header, dr: Any, parsed: list[dict[str, Any]], issues: list[Issue]) -> None:
    programs = [r for r in parsed if r["baris_jenis"] == "program"]
    what = "program"
    if not programs:
        programs = [r for r in parsed if r["baris_jenis"] == "kegiatan" and r.get("_root", True)]
        what = "kegiatan"
    check_jumlah_row(sheet, header, dr, programs, MONEY, what, issues)


READER = Reader(kind=KIND, label="LRA", order=2, tables=(LRA,), matches=matches, read=read,
                column_map=KIND, validate=schema.validate_frames, replaced_by="period",
                replacement_codes=(TABLE, "kode_kegiatan", "kode_kegiatan IS NOT NULL", "kegiatan"))
