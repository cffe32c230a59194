"""SIPD-RI Register SP2D (docs/sipd.md 6c): the `sipd` layout of the `register_sp2d` kind.

Flat (`No | Tanggal Pembuatan | Tanggal Pencairan | Nomor SP2D | SKPD | Nama Penerima | Keterangan
| Jenis SP2D | Bruto | Potongan | Neto`) or with a two-row header (`Tanggal SP2D` over Pembuatan |
Pencairan; `Pajak/Potongan` over Jenis | Nama | Jumlah; Kode Billing, Nomor NTPN) where one SP2D
spans several deduction rows and its own cells are merged vertically over them (the grid shows
them on the first row only; an export that repeats them on every row is read the same way).

Each SP2D is staged once (`staging.register_sp2d`: nilai = Bruto, tanggal = Tanggal Pencairan, no
kegiatan code: SKPD totals and reconciliation only). Checks, each an error naming the row and
column: all rows of one SP2D agree on Bruto; Neto = Bruto - Potongan and Potongan = the sum of the
listed deductions (tolerance Rp 1); Jenis SP2D one of LS, UP, GU, GU KKPD (also GU-KKPD), TU,
GU NIHIL; dates within the year. An SP2D without Tanggal Pencairan is not disbursed yet: left
out with a warning. A city-wide register (no SKPD in the title, SP2D of several units) gets each
SP2D's SKPD (its `SKPD` cell's code, else the unit code in its number) and is staged as one part
per SKPD (lkip.skpd_parts, docs/sipd.md "City-wide files").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from lkip.extract.base import ReadResult
from lkip.extract.header import Header, find_header, iter_data_rows, load_column_map, read_title_meta, title_lines
from lkip.extract.parse import ParseError, parse_date, to_money
from lkip.extract.skpd import resolve_skpd
from lkip.issues import Issue, error, warning

KIND = "register_sp2d"
MAP = "register_sp2d_sipd"
TOLERANCE = Decimal("1")
JENIS = ("LS", "UP", "GU", "GU KKPD", "TU", "GU NIHIL")
COLUMNS = ["urutan", "no", "tanggal", "nomor_sp2d", "kode_kegiatan", "kode_rekening", "uraian",
           "jenis", "nilai", "has_kode_kegiatan", "sheet", "excel_row"]
LABEL = {"bruto": "Bruto", "potongan": "Potongan", "neto": "Neto", "tanggal": "Tanggal Pencairan",
         "tanggal_pembuatan": "Tanggal Pembuatan", "jenis": "Jenis SP2D", "nomor_sp2d": "Nomor SP2D",
         "potongan_jumlah": "Pajak/Potongan Jumlah"}
SP2D_FIELDS = ("no", "tanggal_pembuatan", "tanggal", "nomor_sp2d", "skpd", "penerima", "uraian", "jenis",
               "bruto", "potongan", "neto")
_UNIT = re.compile(r"(?<![\d.])(\d+(?:\.\d+){7})(?![\d.])")   # the eight-segment unit code in a Nomor SP2D


def header_of(rows: list[list[Any]]) -> Header | None:
    """The SIPD register header (it has Bruto and Neto, which SIMDA's register has not), or None."""
    header = find_header(rows, load_column_map(MAP))
    if header is None or not {"bruto", "neto", "nomor_sp2d"} <= header.columns.keys():
        return None
    return header


def normalise_jenis(value: Any) -> str | None:
    """'GU-KKPD' / 'gu kkpd' -> 'GU KKPD'; 'LS Gaji' -> 'LS'; None when unknown."""
    if value is None:
        return None
    s = re.sub(r"[^A-Z0-9]+", " ", str(value).upper()).strip()
    s = re.sub(r"^SP2D\s+", "", s)
    if s in JENIS:
        return s
    if s.replace(" ", "") == "GUNIHIL":
        return "GU NIHIL"
    if re.match(r"^LS\b", s):
        return "LS"
    return None


@dataclass
class _Sp2d:
    first_row: int
    cells: dict[str, Any]
    rows: list[int] = field(default_factory=list)
    deductions: list[tuple[int, Any]] = field(default_factory=list)   # (row, Jumlah as printed)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def read_sheet(sheet: Any, rows: list[list[Any]], header: Header) -> ReadResult:
    name = sheet.name
    meta = read_title_meta(title_lines(rows, header.row + 1 - (header.n_rows - 1)))
    issues: list[Issue] = []
    cols = header.columns
    lbl = {f: (header.printed[c] if c < len(header.printed) and header.printed[c] else LABEL.get(f, f))
           for f, c in cols.items()}

    def err(row: int, f: str, value: Any, expected: str, pesan: str) -> None:
        issues.append(error(pesan, sheet=name, excel_row=row, kolom=lbl.get(f, LABEL.get(f, f)), nilai=value,
                            diharapkan=expected))

    # Group the rows: a row with a Nomor SP2D starts (or repeats) an SP2D; a row without one is a
    # further deduction of the SP2D above (its cells merged over it).
    groups: dict[str, _Sp2d] = {}
    order: list[str] = []
    current: _Sp2d | None = None
    for dr in iter_data_rows(rows, header, text_fields={"uraian", "penerima"}, key_fields=("nomor_sp2d",),
                             label_fields=("no", "tanggal_pembuatan", "nomor_sp2d")):
        if dr.is_total:
            continue
        v = dr.values
        nomor = None if _blank(v.get("nomor_sp2d")) else re.sub(r"\s+", "", str(v["nomor_sp2d"]))
        if nomor is None:
            if current is None:
                err(dr.excel_row, "nomor_sp2d", None, "nomor SP2D", "Nomor SP2D kosong")
                continue
        elif nomor in groups:
            current = groups[nomor]
            prev = current.cells.get("bruto")
            if not _blank(v.get("bruto")) and not _blank(prev) and _money(prev) != _money(v.get("bruto")):
                err(dr.excel_row, "bruto", v.get("bruto"), f"Bruto yang sama dengan baris {current.first_row}",
                    f"SP2D {nomor}: Bruto {v.get('bruto')!r} berbeda dari baris {current.first_row} ({prev!r})")
        else:
            current = groups[nomor] = _Sp2d(dr.excel_row, {f: v.get(f) for f in SP2D_FIELDS})
            order.append(nomor)
        current.rows.append(dr.excel_row)
        if not _blank(v.get("potongan_jumlah")):
            current.deductions.append((dr.excel_row, v.get("potongan_jumlah")))

    records = []
    for nomor in order:
        rec = _record(groups[nomor], nomor, err, issues, name, lbl)
        if rec is not None:
            rec.update(urutan=len(records) + 1, sheet=name)
            records.append(rec)
    units: set[str] = set()
    if meta.kode_skpd is None:
        units = {m.group(1) for nomor in order for m in [_UNIT.search(nomor)] if m}
        if len(units) == 1:
            meta.kode_skpd = next(iter(units))          # the unit code inside the SP2D numbers
    several = meta.kode_skpd is None and len(units | {_skpd_of(r) for r in records} - {None}) > 1
    if not several:
        resolve_skpd(meta, [], set(), name, issues)
    if meta.tahun is None:
        years = pd.Series([r["tanggal"].year for r in records if r["tanggal"] is not None])
        if not years.empty:
            meta.tahun = int(years.mode().iloc[0])
    if meta.tahun is not None:
        for r in records:
            for f in ("tanggal", "tanggal_pembuatan"):
                d = r.get(f)
                if d is not None and d.year != meta.tahun:
                    err(r["excel_row"], f, d.strftime("%d/%m/%Y"), f"tanggal dalam tahun anggaran {meta.tahun}",
                        f"{LABEL[f]} {d:%d/%m/%Y} di luar tahun anggaran {meta.tahun}")
    if several:                                   # a city-wide register: one part per SKPD (lkip.skpd_parts)
        _split(meta, records, name, lbl, issues)
    dates = [r["tanggal"] for r in records if r["tanggal"] is not None]
    if dates and meta.periode_akhir is None:
        meta.periode_akhir = max(dates)
    if not records:
        issues.append(error("Register SP2D tidak berisi baris SP2D", sheet=name, excel_row=header.excel_row + 1,
                            diharapkan="minimal satu baris SP2D di bawah judul kolom"))
    columns = COLUMNS + (["kode_skpd"] if several else [])
    df = pd.DataFrame(records, columns=columns) if records else pd.DataFrame(
        {c: pd.Series(dtype="object") for c in columns})
    df["urutan"] = pd.array(df["urutan"], dtype="Int64")
    df["excel_row"] = pd.array(df["excel_row"], dtype="Int64")
    df["has_kode_kegiatan"] = df["has_kode_kegiatan"].astype("bool")
    issues.sort(key=lambda x: (x.excel_row or 0))
    return ReadResult(KIND, meta, {"register_sp2d": df}, issues)


_SKPD_COLUMN = re.compile(r"^\s*(\d+(?:\.\d+){7})\b")     # `1.02.0.00.0.00.01.0000 - DINAS KESEHATAN`


def _skpd_of(rec: dict[str, Any]) -> str | None:
    """An SP2D's SKPD: the code its `SKPD` cell starts with, else the unit code in its number."""
    m = _SKPD_COLUMN.match(str(rec.get("skpd") or ""))
    if m:
        return m.group(1)
    m = _UNIT.search(rec["nomor_sp2d"])
    return m.group(1) if m else None


def _split(meta: Any, records: list[dict[str, Any]], sheet: str, lbl: dict[str, str], issues: list[Issue]) -> None:
    """A register of several SKPD (BPKAD's city-wide export, no SKPD in the title): each SP2D's SKPD
    (``kode_skpd``; an SP2D that names none is an error naming its row) and, per SKPD, the metadata
    its own register would have (``meta.bagian``: its last Tanggal Pencairan, unless the title gives
    the period)."""
    from lkip.extract.base import FileMeta

    ends: dict[str, Any] = {}
    for r in records:
        r["kode_skpd"] = kode = _skpd_of(r)
        if kode is None:
            issues.append(error(
                f"SP2D {r['nomor_sp2d']}: Perangkat Daerah tidak dikenali (kolom SKPD tanpa kode, Nomor SP2D tanpa "
                "kode unit): register memuat beberapa Perangkat Daerah, SP2D ini tidak dapat dibagikan",
                sheet=sheet, excel_row=r["excel_row"], kolom=lbl.get("skpd", "SKPD"), nilai=r.get("skpd"),
                diharapkan="'1.02.0.00.0.00.01.0000 - DINAS KESEHATAN' di kolom SKPD"))
            continue
        d = r["tanggal"]
        ends[kode] = max(filter(None, [ends.get(kode), d]), default=None)
    meta.bagian = {k: FileMeta(kode_skpd=k, tahun=meta.tahun, periode_awal=meta.periode_awal,
                               periode_akhir=meta.periode_akhir or ends[k], s_d_triwulan=meta.s_d_triwulan)
                   for k in sorted(ends)}


def _money(v: Any) -> Decimal | None:
    try:
        return to_money(v)
    except ParseError:
        return None


def _record(g: _Sp2d, nomor: str, err: Any, issues: list[Issue], sheet: str,
            lbl: dict[str, str]) -> dict[str, Any] | None:
    """One SP2D's staged row (None when it cannot be staged: its errors or warning are added)."""
    c, row = g.cells, g.first_row
    values: dict[str, Any] = {}
    for f in ("bruto", "potongan", "neto"):
        try:
            values[f] = to_money(c.get(f))
        except ParseError as exc:
            err(row, f, c.get(f), exc.expected, f"{LABEL[f]} {c.get(f)!r} bukan {exc.expected}")
            return None
    for f in ("tanggal", "tanggal_pembuatan"):
        try:
            values[f] = parse_date(c.get(f))
        except ParseError as exc:
            err(row, f, c.get(f), exc.expected, f"{LABEL[f]} {c.get(f)!r} bukan {exc.expected}")
            return None
    bruto, potongan, neto = values["bruto"], values["potongan"], values["neto"]
    if bruto is None:
        err(row, "bruto", None, "angka rupiah", f"SP2D {nomor}: Bruto kosong")
        return None
    deductions = []
    for drow, raw in g.deductions:
        try:
            deductions.append(to_money(raw) or Decimal(0))
        except ParseError as exc:
            err(drow, "potongan_jumlah", raw, exc.expected, f"Jumlah potongan {raw!r} bukan {exc.expected}")
    if potongan is None and deductions:
        potongan = sum(deductions, Decimal("0.00"))
    if neto is not None and abs(bruto - (potongan or 0) - neto) > TOLERANCE:
        err(row, "neto", c.get("neto"), f"Bruto - Potongan = {bruto - (potongan or 0)}",
            f"SP2D {nomor}: Neto {neto} tidak sama dengan Bruto {bruto} - Potongan {potongan or 0}")
    if deductions and potongan is not None and abs(sum(deductions, Decimal(0)) - potongan) > TOLERANCE:
        err(row, "potongan", c.get("potongan"), f"jumlah rincian potongan = {sum(deductions, Decimal(0))}",
            f"SP2D {nomor}: Potongan {potongan} tidak sama dengan jumlah rincian pajak/potongan "
            f"{sum(deductions, Decimal(0))}")
    jenis_raw = c.get("jenis")
    jenis = normalise_jenis(jenis_raw) if not _blank(jenis_raw) else normalise_jenis(_jenis_in_nomor(nomor))
    if jenis is None:
        err(row, "jenis", jenis_raw, "salah satu dari " + ", ".join(JENIS), f"Jenis SP2D tidak dikenal: {jenis_raw!r}")
        return None
    if values["tanggal"] is None:
        issues.append(warning(f"SP2D {nomor} belum dicairkan (Tanggal Pencairan kosong): tidak dihitung",
                              sheet=sheet, excel_row=row, kolom=lbl.get("tanggal", LABEL["tanggal"]), nilai=None,
                              diharapkan="tanggal pencairan SP2D"))
        return None
    uraian = None if _blank(c.get("uraian")) else re.sub(r"\s+", " ", str(c["uraian"])).strip()
    return {"no": None if _blank(c.get("no")) else str(c["no"]).strip(), "tanggal": values["tanggal"],
            "tanggal_pembuatan": values["tanggal_pembuatan"], "nomor_sp2d": nomor, "kode_kegiatan": None,
            "kode_rekening": None, "uraian": uraian, "jenis": jenis, "nilai": bruto, "has_kode_kegiatan": False,
            "excel_row": row, "skpd": c.get("skpd")}


def _jenis_in_nomor(nomor: str) -> str | None:
    """'.../000003/LS/2.19.3.26.0.00.01.0000/M/2/2024' -> 'LS' (also GU-KKPD)."""
    m = re.search(r"/(LS|UP|GU[-_ ]?KKPD|GU[-_ ]?NIHIL|GU|TU)/", nomor, re.I)
    return m.group(1) if m else None
