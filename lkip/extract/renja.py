"""SIENCANG Renja / DPA (plan and budget), docs/input-formats.md section 1.

Row kinds (design.md, ``staging.renja``):

* ``program`` / ``kegiatan``: a row with a code. Which is which comes from the parent/child relation
  of the codes present in the file (prefix rule: ``4.01.4.01.03.01`` is the parent of
  ``4.01.4.01.03.01.02``; ``4.01.01`` of ``4.01.01.2.01`` of ``4.01.01.2.01.01``), never from a
  fixed number of segments. Roots are programs; everything below is a kegiatan (a sub kegiatan is
  a ``kegiatan`` whose ``kode_induk`` is its kegiatan).
* ``indikator_program``: no code, no name, an indicator AND amounts (the group's pagu/kas).
* ``indikator``: no code, no name, an indicator and NO amounts: a further indicator of the
  kegiatan above (a further outcome indicator when the row above is a program or an
  indikator-program row: then it is staged as ``indikator_program`` without amounts).

The helpers it shares with the other readers are in :mod:`lkip.extract.common`. Staged as
``staging.renja`` (declared in :mod:`lkip.tables.renja`), checked by :mod:`schemas.renja` (``READER.validate``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from lkip.extract.base import FileMeta, ReadResult
from lkip.extract.common import (  # noqa: F401  (TOLERANCE, rupiah: old names kept)
    TOLERANCE,
    blank,
    cell_issue,
    check_jumlah_row,
    code_depth,
    code_parents,
    column_label,
    no_header_issue,
    text_or_none,
)
from lkip.extract.header import Header, iter_data_rows, read_title_meta
from lkip.extract.parse import ParseError, normalize_code, to_float, to_money
from lkip.extract.reader import Reader
from lkip.extract.skpd import column_codes, resolve_skpd
from lkip.extract.sheets import chosen_sheets, head_grid, locate_table, recognition_score, visible_sheets
from lkip.fmt import rupiah_pesan as rupiah  # noqa: F401
from lkip.issues import Issue, error, warning
from lkip.tables.renja import MONEY_COLUMNS, RENJA
from schemas import renja as schema

KIND = "renja"
TABLE = "renja"
# A row with a code or an indicator is data; a total label counts in the code/name column only.
KEY_FIELDS = ("kode", "indikator")
LABEL_FIELDS = ("kode", "uraian")

MONEY = list(MONEY_COLUMNS)
COLUMNS = RENJA.reader_columns

# ---------------------------------------------------------------------------------------------
# Recognition
# ---------------------------------------------------------------------------------------------

_TITLE = re.compile(r"RENCANA\s+KERJA|DOKUMEN\s+PELAKSANAAN(\s+PERUBAHAN)?\s+ANGGARAN|\bRENJA\b|\bDP?PA\b")


def matches(sheet: Any) -> int:
    return recognition_score(head_grid(sheet), _TITLE, KIND, header_needs={"pagu_murni", "pagu_perubahan", "target"})


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

_CARA = {
    "jumlah": "jumlah", "sum": "jumlah", "total": "jumlah", "penjumlahan": "jumlah",
    "kumulatif": "jumlah", "akumulasi": "jumlah", "akumulatif": "jumlah", "dijumlah": "jumlah",
    "dijumlahkan": "jumlah",
    "terakhir": "terakhir", "akhir": "terakhir", "nilai akhir": "terakhir", "posisi akhir": "terakhir",
    "nilai terakhir": "terakhir", "tw terakhir": "terakhir", "triwulan terakhir": "terakhir",
    "last": "terakhir",
    "rata rata": "rata-rata", "ratarata": "rata-rata", "rerata": "rata-rata", "rata2": "rata-rata",
    "rata": "rata-rata", "average": "rata-rata", "avg": "rata-rata", "mean": "rata-rata",
}


def normalize_cara_hitung(value: Any) -> str:
    """'Rata rata' / 'rerata' -> 'rata-rata'; blank -> 'jumlah'. Raises ParseError."""
    if blank(value):
        return "jumlah"
    key = re.sub(r"[^a-z0-9]+", " ", str(value).lower()).strip()
    if key in _CARA:
        return _CARA[key]
    raise ParseError(value, "cara hitung 'jumlah', 'terakhir' atau 'rata-rata'")


def _empty_frame() -> pd.DataFrame:
    return RENJA.empty_frame()


@dataclass
class _Row:
    excel_row: int
    kode: str | None
    has_code: bool
    uraian: str | None
    indikator: str | None
    target: float | None
    satuan: str | None
    cara_hitung: str | None
    money: dict[str, Decimal | None]
    has_amount: bool
    penanggung_jawab: str | None
    kind: str = ""            # 'coded', 'group', 'cont'
    owner: int | None = None  # index (in the coded/group list) of the row a continuation belongs to


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
        meta = meta or m
        if meta is not m:
            for f in ("kode_skpd", "tahun"):
                if getattr(m, f) is not None and getattr(meta, f) is not None and getattr(m, f) != getattr(meta, f):
                    iss.append(error(f"Sheet '{sheet.name}' menyebut {f} {getattr(m, f)}, berbeda dari "
                                     f"sheet pertama ({getattr(meta, f)})", sheet=sheet.name))
        frames.append(df)
        issues.extend(iss)
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if not df.empty:
        df["urutan"] = range(1, len(df) + 1)
    return ReadResult(KIND, meta or FileMeta(), {TABLE: df}, issues)


def read_sheet(sheet: Any) -> tuple[FileMeta, pd.DataFrame, list[Issue]]:
    name = sheet.name
    rows, header, lines = locate_table(sheet, KIND)
    issues: list[Issue] = []
    meta = _meta(lines, name, issues)
    if header is None:
        issues.append(no_header_issue(name, rows, KIND, "Renja/DPA"))
        return meta, _empty_frame(), issues

    parsed: list[_Row] = []
    totals = []
    skpd_cells: list[Any] = []
    for dr in iter_data_rows(rows, header, {"kode", "uraian", "indikator"},
                             key_fields=KEY_FIELDS, label_fields=LABEL_FIELDS):
        if dr.is_total:
            totals.append(dr)
            continue
        skpd_cells.append(dr.values.get("kode_skpd"))
        r = _parse_row(name, header, dr.excel_row, dr.values, issues)
        if r is not None:
            parsed.append(r)

    records = _classify(name, parsed, meta, issues, set(header.columns))
    resolve_skpd(meta, [r["kode"] for r in records if r["baris_jenis"] in ("program", "kegiatan")],
                 column_codes(skpd_cells), name, issues, column_label(header, "kode"),
                 column_label(header, "kode_skpd"))
    df = pd.DataFrame(records, columns=COLUMNS) if records else _empty_frame()
    for dr in totals:
        _check_total(name, header, dr, records, issues)
    return meta, df, issues


def _meta(lines: list[str], sheet: str, issues: list[Issue]) -> FileMeta:
    meta = read_title_meta(lines)
    title = " ".join(lines).upper()
    if re.search(r"DOKUMEN\s+PELAKSANAAN(\s+PERUBAHAN)?\s+ANGGARAN|\bDP?PA\b", title):
        meta.dokumen = "dpa"
    elif re.search(r"RENCANA\s+KERJA|\bRENJA\b", title):
        meta.dokumen = "renja"
    else:
        meta.dokumen = "renja"
        issues.append(warning("Judul tidak menyebut RENCANA KERJA atau DOKUMEN PELAKSANAAN ANGGARAN; "
                              "berkas dianggap Renja", sheet=sheet,
                              diharapkan="judul 'RENCANA KERJA ...' atau 'DOKUMEN PELAKSANAAN ANGGARAN ...'"))
    if re.search(r"\bDPPA\b|\bRENJA\s*-\s*P\b", title):
        meta.is_perubahan = True
    # A missing SKPD is resolved (from the codes or a Kode SKPD column) or reported once by
    # lkip.extract.skpd.resolve_skpd, after the rows are read.
    if meta.tahun is None:
        issues.append(error("Judul tidak memuat tahun (mis. 'TAHUN ANGGARAN 2020')", sheet=sheet,
                            diharapkan="judul dengan tahun anggaran"))
    return meta


def _parse_row(sheet: str, header: Header, excel_row: int, v: dict[str, Any], issues: list[Issue]) -> _Row | None:
    raw_code = v.get("kode")
    has_code = not blank(raw_code)
    kode = None
    if has_code:
        try:
            kode = normalize_code(raw_code)
        except ParseError as exc:
            issues.append(cell_issue(sheet, excel_row, header, "kode", raw_code, exc))
            kode = re.sub(r"\s+", "", str(raw_code)).rstrip(".") or "?"
    target = None
    if not blank(v.get("target")):
        try:
            target = to_float(v.get("target"))
        except ParseError as exc:
            issues.append(cell_issue(sheet, excel_row, header, "target", v.get("target"), exc))
    cara = None
    try:
        cara = normalize_cara_hitung(v.get("cara_hitung"))
    except ParseError as exc:
        issues.append(cell_issue(sheet, excel_row, header, "cara_hitung", v.get("cara_hitung"), exc))
    money: dict[str, Decimal | None] = {}
    has_amount = False
    for f in MONEY:
        raw = v.get(f)
        try:
            money[f] = to_money(raw)
        except ParseError as exc:
            issues.append(cell_issue(sheet, excel_row, header, f, raw, exc))
            money[f] = None
            has_amount = True      # something is written there
        if money[f] is not None:
            has_amount = True
    return _Row(
        excel_row=excel_row, kode=kode, has_code=has_code, uraian=text_or_none(v.get("uraian")),
        indikator=text_or_none(v.get("indikator")), target=target, satuan=text_or_none(v.get("satuan")),
        cara_hitung=cara, money=money, has_amount=has_amount,
        penanggung_jawab=text_or_none(v.get("penanggung_jawab")),
    )


def _classify(sheet: str, parsed: list[_Row], meta: FileMeta, issues: list[Issue],
              present: set[str]) -> list[dict[str, Any]]:
    kept: list[_Row] = []
    last_owner: int | None = None        # index in kept of the last coded or group row
    for r in parsed:
        if r.has_code:
            if r.uraian is None:
                issues.append(error(f"Kode {r.kode} tanpa uraian (nama program/kegiatan)", sheet=sheet,
                                    excel_row=r.excel_row, kolom="Program / Kegiatan",
                                    diharapkan="nama program/kegiatan"))
            r.kind = "coded"
        elif r.uraian is not None:
            issues.append(error(f"Baris '{r.uraian}' tidak memiliki Kode Rekening", sheet=sheet,
                                excel_row=r.excel_row, kolom=RENJA.column("kode").title, nilai=r.uraian,
                                diharapkan="kode program/kegiatan (mis. '4.01.4.01.03.01.02')"))
            continue
        elif r.indikator is not None:
            r.kind = "group" if r.has_amount else "cont"
            if r.kind == "group":
                if last_owner is None:
                    issues.append(error("Baris indikator program sebelum baris program pertama",
                                        sheet=sheet, excel_row=r.excel_row, kolom=RENJA.column("indikator").title,
                                        nilai=r.indikator, diharapkan="baris program di atasnya"))
                    continue
            else:
                if last_owner is None:
                    issues.append(error("Indikator lanjutan tanpa kegiatan di atasnya", sheet=sheet,
                                        excel_row=r.excel_row, kolom=RENJA.column("indikator").title,
                                        nilai=r.indikator,
                                        diharapkan="baris kegiatan di atasnya"))
                    continue
            r.owner = last_owner
        else:
            if r.has_amount:
                issues.append(error("Baris berisi angka tanpa kode, uraian maupun indikator", sheet=sheet,
                                    excel_row=r.excel_row,
                                    diharapkan="kode dan uraian, atau indikator program"))
            continue
        kept.append(r)
        if r.kind in ("coded", "group"):
            last_owner = len(kept) - 1

    codes = [r.kode for r in kept if r.kind == "coded" and r.kode]
    parents = code_parents(codes)
    root_len = min((len(c.split(".")) for c in codes if parents.get(c) is None), default=0)
    # A root deeper than the shallowest root is a kegiatan whose program is missing from the file.
    jenis_of: dict[str, str] = {}
    for c in codes:
        if parents[c] is None and len(c.split(".")) > root_len:
            jenis_of[c] = "kegiatan"
        else:
            jenis_of[c] = "program" if parents[c] is None else "kegiatan"
    for c in codes:
        if jenis_of[c] == "kegiatan" and parents[c] is None:
            issues.append(error(f"Kegiatan {c} tidak memiliki program induk di berkas ini", sheet=sheet,
                                kolom="Kode Rekening", nilai=c,
                                diharapkan="baris program dengan kode awalan kegiatan tersebut"))

    # Permendagri 90/2019 plans have three levels (program -> kegiatan -> sub kegiatan); there a
    # further indicator under a program row is that program's own indicator (docs/sipd.md 4).
    three_levels = any(code_depth(c, parents) >= 2 for c in codes)
    has_children = {p for p in parents.values() if p is not None}

    def program_of(code: str) -> str:
        while parents.get(code) is not None:
            code = parents[code]  # type: ignore[assignment]
        return code

    out: list[dict[str, Any]] = []
    for r in kept:
        rec: dict[str, Any] = {
            "baris_jenis": None, "kode": None, "kode_induk": None, "uraian": None,
            "indikator": r.indikator, "target": r.target, "satuan": r.satuan, "cara_hitung": r.cara_hitung,
            "penanggung_jawab": r.penanggung_jawab, "dokumen": meta.dokumen,
            "is_perubahan": bool(meta.is_perubahan), "sheet": sheet, "excel_row": r.excel_row,
        }
        amounts_zero = True
        if r.kind == "coded":
            rec.update(baris_jenis=jenis_of.get(r.kode, "program"), kode=r.kode,
                       kode_induk=parents.get(r.kode), uraian=r.uraian)
        else:
            owner = kept[r.owner]  # type: ignore[index]
            owner_code = owner.kode if owner.kind == "coded" else _group_code(owner, kept, program_of)
            owner_jenis = jenis_of.get(owner_code, "program") if owner.kind == "coded" else "group"
            if r.kind == "group":
                rec.update(baris_jenis="indikator_program", kode=program_of(owner_code) if owner_code else None)
            elif owner_jenis == "kegiatan" or (three_levels and owner.kind == "coded"):
                rec.update(baris_jenis="indikator", kode=owner_code, kode_induk=parents.get(owner_code))
                amounts_zero = False
            else:
                # A further outcome indicator of the program / indikator-program group above.
                rec.update(baris_jenis="indikator_program",
                           kode=program_of(owner_code) if owner_code else None)
                amounts_zero = False
        if r.kind == "coded" and r.kode in has_children and not r.has_amount:
            amounts_zero = False        # a parent printed without any amount: computed from its children
        for f in MONEY:
            val = r.money[f]
            # Blank/'-' is zero on program/kegiatan rows; a column the file lacks stays NULL.
            rec[f] = (Decimal("0.00") if val is None and amounts_zero and f in present else val)
        out.append(rec)
    for i, rec in enumerate(out, 1):
        rec["urutan"] = i
    return out


def _group_code(owner: _Row, kept: list[_Row], program_of: Any) -> str | None:
    """The program code of an indikator-program row (the program of its own owner)."""
    seen = 0
    while owner.kind != "coded" and owner.owner is not None and seen < len(kept):
        owner = kept[owner.owner]
        seen += 1
    return program_of(owner.kode) if owner.kind == "coded" and owner.kode else None


def _check_total(sheet: str, header: Header, dr: Any, records: list[dict[str, Any]], issues: list[Issue]) -> None:
    programs = [_with_computed(r, records) for r in records if r["baris_jenis"] == "program"]
    check_jumlah_row(sheet, header, dr, programs, MONEY, "program", issues)


def _with_computed(row: dict[str, Any], records: list[dict[str, Any]], depth: int = 0) -> dict[str, Any]:
    """The row with each blank amount computed from its children (a SIPD program or kegiatan
    printed without amounts, docs/sipd.md 6a); printed amounts as they are."""
    if depth > 20 or all(row.get(f) is not None for f in MONEY):
        return row
    kids = [_with_computed(r, records, depth + 1) for r in records
            if r["baris_jenis"] in ("program", "kegiatan") and r.get("kode_induk") == row.get("kode")]
    if not kids:
        return row
    out = dict(row)
    for f in MONEY:
        if out.get(f) is None and any(k.get(f) is not None for k in kids):
            out[f] = sum((k[f] for k in kids if k.get(f) is not None), Decimal("0.00"))
    return out


READER = Reader(kind=KIND, label="Renja/DPA", order=0, tables=(RENJA,), matches=matches, read=read,
                column_map=KIND, validate=schema.validate_frames,
                replacement_codes=(TABLE, "kode", "baris_jenis = 'kegiatan'", "kegiatan"),
                replacement_rows=("baris_jenis", "kegiatan"))
