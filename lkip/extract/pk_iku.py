"""Perjanjian Kinerja / IKU workbook: sheets IKU, Renstra, Dukungan Anggaran, Indikator Program and
the evidence sheets SKM, AKIP, BUMD -> one ReadResult with one table per sheet kind.

Sheets are found by name first ("IKU", "Renstra", ...), else by a header that fits the column map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from lkip.extract.base import FileMeta, ReadResult
from lkip.extract.header import (
    Header,
    find_header,
    iter_data_rows,
    load_column_map,
    normalize_header,
    read_title_meta,
    title_lines,
)
from lkip.extract.parse import ParseError, normalize_code, to_float
from lkip.extract.common import cell_error, printed_label, text_or_none
from lkip.extract.sheets import bounding, grid, title_text
from lkip.extract.skpd import resolve_skpd
from lkip.extract.sheets import visible_sheets as sheets_of
from lkip.extract.sheets import head_grid
from lkip.extract.reader import Reader
from lkip.issues import Issue, error, warning
from lkip.tables.base import INTEGER, NUMBER, Table
from lkip.tables.pk_iku import (AKIP, BUMD, DUKUNGAN_ANGGARAN, IKU, IKU_INDIKATOR_PROGRAM, RENSTRA, SKM,
                                TABLES)
from schemas import pk_iku as schema

KIND = "pk_iku"



@dataclass(frozen=True)
class SheetSpec:
    """One sheet kind of the workbook and the table it fills: the column map, the sheet names
    that find it (normalised), its text fields, the fields that make a row data (``key_fields``)
    and where a JUMLAH/TOTAL label counts (``label_fields``), its rank when found by header only
    (most specific map first), its row reader, and the template sheet's name and header."""

    table: Table
    column_map: str
    names: tuple[str, ...]
    text_fields: frozenset[str]
    key_fields: tuple[str, ...]
    label_fields: tuple[str, ...]
    header_rank: int
    rows: Callable[..., list[dict[str, Any]]]
    template_sheet: str
    template_header: tuple[str, ...]


EVIDENCE = {"SKM": "skm", "AKIP": "akip", "BUMD": "bumd"}
_POLARITAS = {
    "naik": "naik", "positif": "naik", "maksimal": "naik", "maksimum": "naik", "max": "naik", "maximize": "naik",
    "semakin tinggi semakin baik": "naik", "tinggi": "naik", "meningkat": "naik", "up": "naik",
    "turun": "turun", "negatif": "turun", "minimal": "turun", "minimum": "turun", "min": "turun",
    "minimize": "turun", "semakin rendah semakin baik": "turun", "rendah": "turun", "menurun": "turun",
    "down": "turun",
}
_YEAR_COL = re.compile(r"\b(target|realisasi|capaian)\b(?:\s+tahun)?\s+((?:19|20)\d{2})\b")


def normalize_polaritas(value: Any) -> str | None:
    if value is None:
        return None
    return _POLARITAS.get(normalize_header(value))


def normalize_dihitung_dari(value: Any) -> str | None | ParseError:
    t = normalize_header(value)
    if t in ("", "-"):
        return None
    toks = set(t.split())
    if toks & {"skm", "ikm"} or "kepuasan" in toks:
        return "SKM"
    if toks & {"akip", "sakip", "lhe"}:
        return "AKIP"
    if "bumd" in toks:
        return "BUMD"
    return ParseError(value, "kosong, SKM, AKIP atau BUMD")


def matches(sheet: Any) -> int:
    rows = head_grid(sheet)
    title = title_text(rows)
    score = 0
    if re.search(r"PERJANJIAN\s+KINERJA|INDIKATOR\s+KINERJA\s+UTAMA", title):
        score += 100
    if bounding():   # detection's upper bound (lkip.extract.sheets.score_bounds)
        return score + 5 * len(load_column_map("pk_iku").fields) + 60
    header = find_header(rows, load_column_map("pk_iku"))
    if header is not None:
        score += 5 * len(header.columns)
        if normalize_header(sheet.name) == "iku":
            score += 60
    elif score:
        score //= 2
    return score


def _find_sheets(sheets: list[Any]) -> dict[str, tuple[Any, Header]]:
    found: dict[str, tuple[Any, Header]] = {}
    used: set[str] = set()
    # 1. by name
    for table, (cmap_name, names, _t, _c) in SPECS.items():
        for s in sheets:
            if s.name in used:
                continue
            if normalize_header(s.name) in names:
                h = find_header(grid(s), load_column_map(cmap_name))
                if h is not None:
                    found[table] = (s, h)
                    used.add(s.name)
                    break
    # 2. by header, most specific maps first
    for table in [spec.table.name for spec in sorted(SHEETS, key=lambda spec: spec.header_rank)]:
        if table in found:
            continue
        best = None
        for s in sheets:
            if s.name in used:
                continue
            h = find_header(grid(s), load_column_map(SPECS[table][0]))
            if h is not None and (best is None or len(h.columns) > len(best[1].columns)):
                best = (s, h)
        if best is not None:
            found[table] = best
            used.add(best[0].name)
    return found


def read(workbook: Any) -> ReadResult:
    sheets = sheets_of(workbook)
    issues: list[Issue] = []
    found = _find_sheets(sheets)
    tables: dict[str, pd.DataFrame] = {}
    meta = FileMeta()
    if "iku" in found:
        s, h = found["iku"]
        meta = read_title_meta(title_lines(grid(s), h.row + 1 - (h.n_rows - 1)))
    else:
        issues.append(error("Sheet IKU tidak ditemukan (judul kolom: No | Sasaran Strategis | Indikator Kinerja | "
                            "Satuan | Polaritas | Target | ...)", diharapkan="sheet 'IKU' dengan judul kolomnya"))
    if meta.tahun is None:
        for s, h in found.values():
            m = read_title_meta(title_lines(grid(s), h.row))
            if m.tahun:
                meta = m
                break
    readers = {spec.table.name: spec.rows for spec in SHEETS}
    for table, (cmap_name, _n, text_fields, columns) in SPECS.items():
        if table not in found:
            tables[table] = pd.DataFrame(columns=columns + ["sheet", "excel_row"])
            continue
        s, h = found[table]
        ctx = _Ctx(s.name, h, issues)
        recs = []
        keys, labels = TOTAL_FIELDS[table]
        for dr in iter_data_rows(grid(s), h, text_fields, key_fields=keys, label_fields=labels):
            if dr.is_total:
                continue
            recs.extend(readers[table](ctx, dr.values, dr.excel_row, dr.raw))
        df = pd.DataFrame(recs, columns=columns + ["sheet", "excel_row"])
        df["excel_row"] = df["excel_row"].astype("Int64")
        tables[table] = df
    _typed(tables)
    dukungan = tables["dukungan_anggaran"]
    if meta.kode_skpd is None and not dukungan.empty:
        # No SKPD in the IKU title: the kegiatan codes of Dukungan Anggaran may carry it.
        resolve_skpd(meta, dukungan["kode_kegiatan"].dropna().tolist(), set(), found["dukungan_anggaran"][0].name,
                     issues, printed_label(found["dukungan_anggaran"][1], "kode_kegiatan", "Kode Kegiatan"))
    # IKU cross-sheet: Dihitung Dari names a sheet that must be present.
    iku = tables["iku"]
    for _, r in iku.iterrows():
        d = r["dihitung_dari"]
        if d is not None and not pd.isna(d) and tables[EVIDENCE[d]].empty:
            issues.append(error(f"Dihitung Dari '{d}' tetapi sheet {d} tidak ada atau kosong",
                                sheet=r["sheet"], excel_row=int(r["excel_row"]), kolom="Dihitung Dari", nilai=d,
                                diharapkan=f"sheet '{d}' berisi data bukti"))
    issues.sort(key=lambda x: (x.sheet or "", x.excel_row or 0))
    return ReadResult(KIND, meta, tables, issues)


class _Ctx:
    def __init__(self, sheet: str, header: Header, issues: list[Issue]):
        self.sheet, self.header, self.issues = sheet, header, issues
        self.carry: dict[str, Any] = {}

    def label(self, f: str) -> str:
        return printed_label(self.header, f, f)

    def num(self, v: dict[str, Any], f: str, row: int) -> float | None:
        try:
            return to_float(v.get(f))
        except ParseError as exc:
            self.issues.append(cell_error(self.sheet, row, self.label(f), v.get(f), exc.expected))
            return None

    def no(self, v: dict[str, Any], row: int) -> int | None:
        raw = v.get("no")
        if raw is None:
            return None
        try:
            n = to_float(str(raw).strip().rstrip(".") if isinstance(raw, str) else raw)
        except ParseError:
            n = None
        if n is None or not float(n).is_integer():
            self.issues.append(warning(f"Nomor urut {raw!r} bukan bilangan bulat; diabaikan", sheet=self.sheet,
                                       excel_row=row, kolom=self.label("no"), nilai=raw, diharapkan="bilangan bulat"))
            return None
        return int(n)

    def text_carry(self, v: dict[str, Any], f: str) -> str | None:
        """Merged cells: a blank repeats the value above."""
        t = text_or_none(v.get(f))
        if t is None:
            return self.carry.get(f)
        self.carry[f] = t
        return t

    def lineage(self, rec: dict[str, Any], row: int) -> dict[str, Any]:
        rec["sheet"], rec["excel_row"] = self.sheet, row
        return rec


def _iku_rows(c: _Ctx, v: dict[str, Any], row: int, raw: list[Any]) -> list[dict[str, Any]]:
    indikator = text_or_none(v.get("indikator"))
    if indikator is None:
        return []
    rec: dict[str, Any] = {"no": c.no(v, row), "sasaran": c.text_carry(v, "sasaran"), "indikator": indikator,
                           "satuan": text_or_none(v.get("satuan")), "sumber_data": text_or_none(v.get("sumber_data"))}
    p_raw = v.get("polaritas")
    if text_or_none(p_raw) is None:
        rec["polaritas"] = "naik"
        c.issues.append(warning("Polaritas kosong; dianggap 'naik'", sheet=c.sheet, excel_row=row,
                                kolom=c.label("polaritas") if "polaritas" in c.header.columns else "Polaritas",
                                diharapkan="naik atau turun"))
    else:
        rec["polaritas"] = normalize_polaritas(p_raw)
        if rec["polaritas"] is None:
            c.issues.append(cell_error(c.sheet, row, c.label("polaritas"), p_raw, "naik atau turun",
                                       f"Polaritas tidak dikenal: {p_raw!r}"))
    for f in ["target", "target_tw1", "target_tw2", "target_tw3", "target_tw4", "realisasi"]:
        rec[f] = c.num(v, f, row)   # '-' -> NULL
    if rec["target"] is None and v.get("target") is None:
        c.issues.append(warning("Target IKU kosong", sheet=c.sheet, excel_row=row, kolom=c.label("target"),
                                diharapkan="angka target"))
    d = normalize_dihitung_dari(v.get("dihitung_dari"))
    if isinstance(d, ParseError):
        c.issues.append(cell_error(c.sheet, row, c.label("dihitung_dari"), v.get("dihitung_dari"), d.expected,
                                   f"Dihitung Dari tidak dikenal: {v.get('dihitung_dari')!r}"))
        d = None
    rec["dihitung_dari"] = d
    if rec["realisasi"] is None and d is None and v.get("realisasi") is None:
        c.issues.append(warning("Realisasi IKU kosong dan kolom Dihitung Dari tidak diisi", sheet=c.sheet,
                                excel_row=row, kolom="Realisasi", diharapkan="angka realisasi atau SKM/AKIP/BUMD"))
    return [c.lineage(rec, row)]


def _renstra_rows(c: _Ctx, v: dict[str, Any], row: int, raw: list[Any]) -> list[dict[str, Any]]:
    indikator = text_or_none(v.get("indikator"))
    if indikator is None:
        return []
    t = text_or_none(v.get("tingkat"))
    tingkat = None
    if t is not None:
        low = t.lower()
        tingkat = "tujuan" if "tujuan" in low else "sasaran" if "sasaran" in low else None
        if tingkat is None:
            c.issues.append(cell_error(c.sheet, row, c.label("tingkat"), t, "Tujuan atau Sasaran",
                                       f"Tingkat tidak dikenal: {t!r}"))
        c.carry["tingkat"] = tingkat
    else:
        tingkat = c.carry.get("tingkat") or "sasaran"
    base = {"tingkat": tingkat, "uraian": c.text_carry(v, "uraian"), "indikator": indikator,
            "satuan": text_or_none(v.get("satuan"))}
    out = []
    for j, text in enumerate(c.header.texts):
        m = _YEAR_COL.search(text)
        if not m or j >= len(raw):
            continue
        cell = raw[j]
        try:
            nilai = to_float(cell)
        except ParseError as exc:
            c.issues.append(cell_error(c.sheet, row, c.header.printed[j], cell, exc.expected))
            continue
        if nilai is None:
            continue
        jenis = "realisasi" if m.group(1) in ("realisasi", "capaian") else "target"
        out.append(c.lineage({**base, "tahun_data": int(m.group(2)), "jenis": jenis, "nilai": nilai}, row))
    return out


def _dukungan_rows(c: _Ctx, v: dict[str, Any], row: int, raw: list[Any]) -> list[dict[str, Any]]:
    try:
        kode = normalize_code(v.get("kode_kegiatan"))
    except ParseError as exc:
        c.issues.append(cell_error(c.sheet, row, c.label("kode_kegiatan"), v.get("kode_kegiatan"), exc.expected))
        return []
    if kode is None:
        return []
    return [c.lineage({"indikator": c.text_carry(v, "indikator"), "kode_kegiatan": kode,
                       "nama_kegiatan": text_or_none(v.get("nama_kegiatan"))}, row)]


def _program_rows(c: _Ctx, v: dict[str, Any], row: int, raw: list[Any]) -> list[dict[str, Any]]:
    ip = text_or_none(v.get("indikator_program"))
    if ip is None:
        return []
    return [c.lineage({"iku": c.text_carry(v, "iku"), "indikator_program": ip, "satuan": text_or_none(v.get("satuan")),
                       "target": c.num(v, "target", row), "realisasi": c.num(v, "realisasi", row)}, row)]


def _skm_rows(c: _Ctx, v: dict[str, Any], row: int, raw: list[Any]) -> list[dict[str, Any]]:
    unit = text_or_none(v.get("unit"))
    if unit is None:
        return []
    rec: dict[str, Any] = {"no": c.no(v, row), "unit": unit}
    us = {f"u{i}": c.num(v, f"u{i}", row) for i in range(1, 10)}
    has_u = any(f"u{i}" in c.header.columns for i in range(1, 10))
    rec["nilai_ikm"] = None if has_u and "nilai_ikm" not in c.header.columns else c.num(v, "nilai_ikm", row)
    rec.update(us)
    if rec["nilai_ikm"] is None and all(x is None for x in us.values()):
        c.issues.append(cell_error(c.sheet, row, "Nilai IKM", None, "Nilai IKM atau nilai U1..U9",
                                   f"Unit layanan {unit!r} tanpa nilai"))
    return [c.lineage(rec, row)]


def _akip_rows(c: _Ctx, v: dict[str, Any], row: int, raw: list[Any]) -> list[dict[str, Any]]:
    pd_name = text_or_none(v.get("perangkat_daerah"))
    if pd_name is None:
        return []
    nilai = c.num(v, "nilai", row)
    kat = text_or_none(v.get("kategori"))
    if nilai is None and kat is None:
        c.issues.append(cell_error(c.sheet, row, c.label("nilai"), v.get("nilai"), "nilai AKIP atau kategori",
                                   f"Perangkat daerah {pd_name!r} tanpa nilai AKIP"))
    return [c.lineage({"no": c.no(v, row), "perangkat_daerah": pd_name, "nilai": nilai,
                       "kategori": kat.upper() if kat else None}, row)]


def _bumd_rows(c: _Ctx, v: dict[str, Any], row: int, raw: list[Any]) -> list[dict[str, Any]]:
    nama = text_or_none(v.get("nama"))
    if nama is None:
        return []
    opini = text_or_none(v.get("opini"))
    skor = c.num(v, "skor", row)
    kat = text_or_none(v.get("kategori"))
    if kat is None and skor is None:
        c.issues.append(cell_error(c.sheet, row, "Kategori / Skor", None, "kategori (Sehat/Kurang Sehat) atau skor",
                                   f"BUMD {nama!r} tanpa kategori dan tanpa skor"))
    return [c.lineage({"no": c.no(v, row), "nama": nama, "opini": opini, "kategori": kat, "skor": skor,
                       "keterangan": text_or_none(v.get("keterangan"))}, row)]


def _typed(tables: dict[str, pd.DataFrame]) -> None:
    """Numbers as Float64 and whole numbers as Int64 (NULL kept), as the tables declare them."""
    for table in TABLES:
        df = tables[table.name]
        for c in table.columns:
            if c.type is NUMBER:
                df[c.name] = pd.to_numeric(df[c.name]).astype("Float64")
            elif c.type is INTEGER:
                df[c.name] = pd.to_numeric(df[c.name]).astype("Int64")


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(IKU, "pk_iku", ("iku", "indikator kinerja utama", "perjanjian kinerja", "pk"),
              frozenset({"sasaran", "indikator", "satuan", "sumber_data"}), ("indikator",), ("no", "sasaran"),
              0, _iku_rows, "IKU",
              ("No", "Sasaran Strategis", "Indikator Kinerja", "Satuan", "Polaritas", "Target", "Target TW I",
               "Target TW II", "Target TW III", "Target TW IV", "Realisasi", "Dihitung Dari", "Sumber Data")),
    SheetSpec(RENSTRA, "pk_renstra", ("renstra",), frozenset({"uraian", "indikator", "satuan", "tingkat"}),
              ("indikator",), ("tingkat", "uraian"), 3, _renstra_rows, "Renstra",
              ("Tingkat", "Indikator Kinerja", "Satuan", "Target 2021", "Target 2022", "Target 2023",
               "Target 2024", "Target 2025", "Realisasi 2019", "Realisasi 2020")),
    SheetSpec(DUKUNGAN_ANGGARAN, "pk_dukungan_anggaran", ("dukungan anggaran", "dukungan"),
              frozenset({"indikator", "nama_kegiatan"}), ("kode_kegiatan",), ("indikator", "nama_kegiatan"),
              2, _dukungan_rows, "Dukungan Anggaran", ("Indikator Kinerja", "Kode Kegiatan", "Nama Kegiatan")),
    SheetSpec(IKU_INDIKATOR_PROGRAM, "pk_indikator_program", ("indikator program",),
              frozenset({"iku", "indikator_program", "satuan"}), ("indikator_program",), ("iku",),
              1, _program_rows, "Indikator Program",
              ("Indikator Kinerja (IKU)", "Indikator Program", "Satuan", "Target", "Realisasi")),
    SheetSpec(SKM, "pk_skm", ("skm", "ikm", "survei kepuasan masyarakat"), frozenset({"unit"}), (), ("no", "unit"),
              4, _skm_rows, "SKM", ("No", "Unit Layanan", "Nilai IKM")),
    SheetSpec(AKIP, "pk_akip", ("akip", "sakip"), frozenset({"perangkat_daerah", "kategori"}), (),
              ("no", "perangkat_daerah"), 6, _akip_rows, "AKIP", ("No", "Perangkat Daerah", "Nilai", "Kategori")),
    SheetSpec(BUMD, "pk_bumd", ("bumd",), frozenset({"nama", "opini", "kategori", "keterangan"}), (),
              ("no", "nama"), 5, _bumd_rows, "BUMD", ("No", "Nama BUMD", "Opini", "Kategori", "Skor", "Keterangan")),
)
assert [spec.table for spec in SHEETS] == list(TABLES), "one SheetSpec per PK/IKU table, in table order"
# table -> (column map, sheet-name keywords (normalised), text fields, staging columns)
SPECS: dict[str, tuple[str, tuple[str, ...], set[str], list[str]]] = {
    spec.table.name: (spec.column_map, spec.names, set(spec.text_fields), spec.table.column_names)
    for spec in SHEETS
}
# table -> (key fields: a filled one makes a row data; label fields: where a JUMLAH/TOTAL label counts)
TOTAL_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    spec.table.name: (spec.key_fields, spec.label_fields) for spec in SHEETS
}

READER = Reader(kind=KIND, label="PK/IKU", order=1, tables=TABLES, matches=matches, read=read,
                column_map=KIND, validate=schema.validate_frames,
                other_maps=tuple(spec.column_map for spec in SHEETS),
                replacement_codes=(IKU.name, "indikator", "indikator IS NOT NULL", "indikator IKU"),
                templates=("pk-iku",))
