"""A layout fuzzer (metamorphic): the bundled example's DATA re-rendered in random layouts.

The values come from the bundled example read by the readers (``canonical_data``); a ``Layout``
per file, drawn by the hypothesis strategies below, says how to print them: title block (0-10
rows, with or without the Pemda, the SKPD line, the year), header row anywhere in the first 30,
one-row or two-row merged header, column order, header synonyms with case/spacing/punctuation
variants, extra columns holding label-like values (``Jumlah``, ``Terakhir``...), numbers as
numeric cells or Indonesian text, codes with SIMDA spaces or trailing dots, dates as Excel dates or
text, blank repeated dates, page-break header repeats, blank rows, a JUMLAH row (correct), a
signature block, a hidden sheet, renamed sheets, a Renja/LRA split over several sheets, files in
sub-folders with misleading names. ``render`` writes the drop; tests/test_fuzz_layouts.py runs
the pipeline on it and compares every ``laporan.*`` view with the canonical run's.

Each draw is a small integer or a choice so hypothesis shrinks a failure to the plainest layout
that still fails; the per-cell choices come from ``random.Random(layout.cell_seed)``.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from openpyxl import Workbook

from layout_fuzz_cells import CARA, code_cell, date_cell, money_cell, number_cell, percent_cell, variant

EXAMPLE_INPUT = Path(__file__).resolve().parents[1] / "examples" / "bekasi-setda-2020" / "input"
FILES = {"renja": "renja_perubahan_2020.xlsx", "lra": "lra_sd_31_desember_2020.xlsx",
         "register_sp2d": "register_sp2d_2020.xlsx", "realisasi_fisik": "form_realisasi_kinerja_2020.xlsx",
         "pk_iku": "pk_iku_2020.xlsx"}
KINDS = ("renja", "lra", "register_sp2d", "realisasi_fisik")
ROMAN = ["I", "II", "III", "IV"]

# ---------------------------------------------------------------------------------------------
# The data (values, not files)
# ---------------------------------------------------------------------------------------------


def _clean(v: Any) -> Any:
    try:
        import pandas as pd

        if v is None or (not isinstance(v, (str, Decimal, dt.date)) and pd.isna(v)):
            return None
    except (TypeError, ValueError):
        pass
    return v


@lru_cache(maxsize=1)
def canonical_data() -> dict[str, list[dict[str, Any]]]:
    """The staged rows of the bundled example, per kind, as read by the readers."""
    from lkip.extract import lra, realisasi_fisik, register_sp2d, renja
    from lkip.extract.workbook import open_workbook

    out = {}
    for kind, mod in (("renja", renja), ("lra", lra), ("register_sp2d", register_sp2d),
                      ("realisasi_fisik", realisasi_fisik)):
        res = mod.read(open_workbook(EXAMPLE_INPUT / FILES[kind]))
        assert not res.errors, (kind, [i.text() for i in res.errors][:3])
        df = res.tables[kind]
        out[kind] = [{k: _clean(v) for k, v in r.items()} for r in df.to_dict("records")]
    return out


# ---------------------------------------------------------------------------------------------
# Column specs: field -> (value type, single-row synonyms, group (top label) or None, sub labels)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    field: str
    kind: str                        # code, text, money, number, percent, date, jenis, cara, int
    names: tuple[str, ...]           # one-row header texts (synonyms of inputs.md)
    group: tuple[str, ...] = ()      # two-row header: group labels over ...
    subs: tuple[str, ...] = ()       # ... these sub-labels


def _tw(prefix: str, i: int) -> tuple[str, ...]:
    r = ROMAN[i - 1]
    return (f"{prefix} TW {r}", f"{prefix} Triwulan {r}", f"{prefix} TW {i}")


def _kas(i: int) -> Col:
    r = ROMAN[i - 1]
    return Col(f"kas_tw{i}", "money", (f"Anggaran Kas TW {r}", f"Triwulan {r}", f"TW {i}"),
               ("Anggaran Kas per Triwulan", "Anggaran Kas per Triwulan (Rp)"), (f"TW {r}", f"Triwulan {r}", f"TW {i}"))


SPECS: dict[str, list[Col]] = {
    "renja": [
        Col("kode", "code", ("Kode Rekening", "Kode", "Kode Rek.")),
        Col("uraian", "text", ("Program / Kegiatan", "Uraian", "Program/Kegiatan", "Nama Program/Kegiatan")),
        Col("indikator", "text", ("Indikator Kinerja", "Indikator",
                                  "Indikator Kinerja Program (outcome)/Kegiatan (output)")),
        Col("target", "number", ("Target", "Target Kinerja"), ("Target Kinerja",), ("Target",)),
        Col("satuan", "text", ("Satuan",), ("Target Kinerja",), ("Satuan",)),
        Col("cara_hitung", "cara", ("Cara Hitung",)),
        Col("pagu_murni", "money", ("Pagu Murni", "Pagu Sebelum Perubahan", "Anggaran Murni"),
            ("Pagu Anggaran (Rp)", "Pagu"), ("Sebelum Perubahan", "Murni")),
        Col("pagu_perubahan", "money", ("Pagu Perubahan", "Pagu Setelah Perubahan", "Pagu Anggaran"),
            ("Pagu Anggaran (Rp)", "Pagu"), ("Setelah Perubahan", "Perubahan")),
        *[_kas(i) for i in range(1, 5)],
        Col("penanggung_jawab", "text", ("Penanggung Jawab", "Bagian", "Unit Kerja")),
    ],
    "lra": [
        Col("kode", "code", ("Kode Rekening", "Kode")),
        Col("uraian", "text", ("Uraian", "Nama Rekening")),
        Col("anggaran", "money", ("Anggaran", "Anggaran Setelah Perubahan", "Pagu")),
        Col("realisasi_sd_lalu", "money", ("Realisasi s.d. Periode Lalu",), ("Realisasi",), ("s.d. Periode Lalu",)),
        Col("realisasi_periode_ini", "money", ("Realisasi Periode Ini",), ("Realisasi",), ("Periode Ini",)),
        Col("realisasi_sd_ini", "money", ("Realisasi s.d. Periode Ini", "Jumlah Realisasi"), ("Realisasi",),
            ("s.d. Periode Ini",)),
        Col("sisa", "money", ("Sisa Anggaran", "Lebih/(Kurang)")),
        Col("persen", "percent", ("%", "Persentase")),
    ],
    "register_sp2d": [
        Col("no", "int", ("No", "No. Urut")),
        Col("tanggal", "date", ("Tanggal SP2D", "Tanggal", "Tgl SP2D")),
        Col("nomor_sp2d", "text", ("Nomor SP2D", "No SP2D")),
        Col("kode_kegiatan", "code", ("Kode Kegiatan", "Kegiatan")),
        Col("kode_rekening", "code", ("Kode Rekening", "Rekening", "Kode Akun")),
        Col("uraian", "text", ("Uraian", "Keterangan")),
        Col("jenis", "jenis", ("Jenis SP2D", "Jenis")),
        Col("nilai", "money", ("Nilai", "Nilai SP2D", "Jumlah (Rp)", "Nilai SP2D (Rp)")),
    ],
    "realisasi_fisik": [
        Col("kode_kegiatan", "code", ("Kode Kegiatan", "Kode")),
        Col("nama_kegiatan", "text", ("Nama Kegiatan", "Kegiatan")),
        Col("indikator", "text", ("Indikator Kinerja", "Indikator")),
        Col("target", "number", ("Target",)),
        Col("satuan", "text", ("Satuan",)),
        *[Col(f"k_tw{i}", "number", _tw("Realisasi", i), ("Realisasi", "Realisasi Kinerja", "Realisasi Fisik"),
              (f"TW {ROMAN[i - 1]}", f"Triwulan {ROMAN[i - 1]}", f"TW {i}")) for i in range(1, 5)],
        *[Col(f"rp_tw{i}", "money", _tw("Realisasi Rp", i), ("Realisasi Keuangan (Rp)", "Realisasi Rp"),
              (f"TW {ROMAN[i - 1]}", f"Triwulan {ROMAN[i - 1]}")) for i in range(1, 5)],
    ],
}
# Extra columns (names, label-like values); one is used only when it fits no field of the kind.
EXTRAS = [("No", None), ("Cara Hitung", ("Jumlah", "Terakhir", "Rata-rata")), ("Unit Kerja", ("Jumlah", "Total")),
          ("Keterangan", ("Jumlah", "Total", "JUMLAH", "-")), ("Sumber Dana", ("Jumlah", "APBD", "Total"))]
LABEL = {"renja": "uraian", "lra": "uraian", "register_sp2d": "uraian", "realisasi_fisik": "nama_kegiatan"}

# ---------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------


@dataclass
class Layout:
    kind: str
    pemda: bool = True
    skpd_line: bool = True
    doc_line: bool = True
    year_line: bool = True
    extra_title: int = 0             # further title rows (Urusan, Unit Kerja ...)
    pad: int = 1                     # blank rows between title and header
    two_row: bool = False
    order: list[int] = field(default_factory=list)      # permutation of the kind's columns
    synonym: list[int] = field(default_factory=list)    # synonym index per column
    case: list[int] = field(default_factory=list)       # 0 as is, 1 upper, 2 lower, 3 spaces/punctuation
    extras: list[int] = field(default_factory=list)     # indexes into EXTRAS
    numbers: str = "numeric"         # numeric, text, mixed
    codes: str = "plain"             # plain, simda, trailing, mixed
    dates: str = "excel"             # excel, slash, long, mixed
    repeat_dates_blank: bool = False
    repeat_header_every: int = 0     # 0: never
    blank_rows: int = 0              # blank rows sprinkled among the data
    total_row: bool = True
    total_label_at: int = 0          # 0 label column, 1 first column
    signature: bool = True
    hidden_sheet: bool = False
    sheet_name: int = 0
    split_sheets: int = 1            # Renja/LRA/form: rows over this many sheets (program/kegiatan boundaries)
    cont_code_blank: bool = False    # form: no code on a kegiatan's further indicator rows
    alt: bool = False                # the kind's other layout (tests/layout_fuzz_alt.py)
    folder: int = 0
    files: int = 1                   # form: one file per Bagian; LRA: 2 = an earlier period's file too
    split_folders: list[int] = field(default_factory=list)    # their folders (layout_fuzz_split.FOLDERS)
    cell_seed: int = 0


def plain_layout(kind: str, **kw: Any) -> Layout:
    """The plainest layout of a kind (columns in spec order, first synonyms), with ``kw`` changes:
    for the explicit regression examples."""
    n = len(SPECS[kind])
    return Layout(kind, **{"order": list(range(n)), "synonym": [0] * n, "case": [0] * n, **kw})


SHEET_NAMES = ["Sheet1", "Data", "Lap", "Export", "Cetak", "Hal 1", "Laporan (2)", "renja", "LRA", "form"]
FOLDERS = ["", "lra", "arsip/renja", "register/lama", "Bagian Umum", "kiriman 2021/final", "form"]


def spec_of(lay: Layout) -> list[Col]:
    from layout_fuzz_alt import alt_spec

    return alt_spec(lay.kind) if lay.alt else SPECS[lay.kind]


def records_of(lay: Layout) -> list[dict[str, Any]]:
    from layout_fuzz_alt import alt_records

    recs = canonical_data()[lay.kind]
    return alt_records(lay.kind, recs) if lay.alt else recs


def layouts(kind: str, alt_ok: bool = False) -> st.SearchStrategy[Layout]:
    from layout_fuzz_alt import ALT_KINDS, alt_spec

    @st.composite
    def draw(d: Any) -> Layout:
        lay = Layout(kind)
        lay.alt = alt_ok and kind in ALT_KINDS and d(st.booleans())
        n = len(alt_spec(kind) if lay.alt else SPECS[kind])
        lay.pemda = d(st.booleans())
        lay.skpd_line = d(st.booleans())
        lay.doc_line = True if kind in ("renja", "lra") else d(st.booleans())
        lay.year_line = True if kind in ("renja", "realisasi_fisik") else d(st.booleans())
        lay.extra_title = d(st.integers(0, 4))
        lay.two_row = d(st.booleans())
        lay.order = d(st.permutations(range(n)))
        lay.synonym = d(st.lists(st.integers(0, 3), min_size=n, max_size=n))
        lay.case = d(st.lists(st.integers(0, 3), min_size=n, max_size=n))
        lay.extras = d(st.lists(st.integers(0, len(EXTRAS) - 1), max_size=3, unique=True))
        lay.numbers = d(st.sampled_from(["numeric", "text", "mixed"]))
        lay.codes = d(st.sampled_from(["plain", "simda", "trailing", "mixed"]))
        lay.dates = d(st.sampled_from(["excel", "slash", "long", "mixed"]))
        lay.repeat_dates_blank = d(st.booleans())
        lay.repeat_header_every = d(st.sampled_from([0, 0, 7, 25, 50]))
        lay.blank_rows = d(st.integers(0, 5))
        lay.total_row = d(st.booleans())
        lay.total_label_at = d(st.integers(0, 1))
        lay.signature = d(st.booleans())
        lay.hidden_sheet = d(st.booleans())
        lay.sheet_name = d(st.integers(0, len(SHEET_NAMES) - 1))
        lay.split_sheets = d(st.integers(1, 3)) if kind in ("renja", "lra", "realisasi_fisik") else 1
        lay.cont_code_blank = kind == "realisasi_fisik" and d(st.booleans())
        lay.folder = d(st.integers(0, len(FOLDERS) - 1))
        if kind in ("realisasi_fisik", "lra"):
            from layout_fuzz_split import split_draw
            split_draw(d, lay)
        if lay.alt and kind == "register_sp2d":
            lay.skpd_line = True             # no codes: only the title says the SKPD
        n_title = lay.pemda + lay.skpd_line + lay.doc_line + lay.year_line + 2 + lay.extra_title
        lay.pad = d(st.integers(0, max(0, 27 - n_title)))
        lay.cell_seed = d(st.integers(0, 2 ** 16))
        return lay

    return draw()


def drops() -> st.SearchStrategy[dict[str, Any]]:
    from layout_fuzz_pk import pk_layouts

    def name_somewhere(drop: dict[str, Any]) -> dict[str, Any]:
        # The SKPD's name is data printed only in a title's SKPD line: one file keeps it.
        if not any(lay.skpd_line for lay in drop.values()):
            drop["renja"].skpd_line = True
        return drop

    return st.fixed_dictionaries({**{k: layouts(k) for k in KINDS}, "pk_iku": pk_layouts()}).map(name_somewhere)


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


@dataclass
class Rendered:
    path: Path
    sheets: list[str]
    # (sheet, excel row, field) -> header text of that column as the reader prints it
    cells: dict[tuple[str, int, str], str] = field(default_factory=dict)
    data_rows: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    col_of: dict[str, int] = field(default_factory=dict)


def _columns(lay: Layout) -> tuple[list[Col | tuple[str, Any]], list[str], list[str]]:
    """The printed columns in order (Col or an extra), top and sub header rows."""
    from lkip.extract.header import load_column_map, normalize_header

    cmap = load_column_map(lay.kind)
    spec = spec_of(lay)
    cols: list[Col | tuple[str, Any]] = [spec[i] for i in lay.order]
    for e in lay.extras:
        name, vals = EXTRAS[e]
        if not cmap.match([normalize_header(name)]):      # a column that fits no field of the kind
            cols.insert(lay.cell_seed % (len(cols) + 1), (name, vals))
    if lay.two_row:
        # keep each group's members together (a merged group label spans adjacent columns)
        out: list[Col | tuple[str, Any]] = []
        for c in cols:
            if c in out:
                continue
            if isinstance(c, Col) and c.group:
                out.extend(m for m in cols if isinstance(m, Col) and m.group == c.group and m not in out)
            else:
                out.append(c)
        cols = out
    top, sub = [], []
    prev_group = None
    for c in cols:
        if isinstance(c, tuple):
            top.append(c[0])
            sub.append(None)
            prev_group = None
            continue
        k = lay.synonym[spec.index(c)]
        case = lay.case[spec.index(c)]
        if lay.two_row and c.group:
            top.append(c.group[lay.cell_seed % len(c.group)] if prev_group != c.group else None)
            sub.append(variant(c.subs[k % len(c.subs)], case))
            prev_group = c.group
        else:
            top.append(variant(c.names[k % len(c.names)], case))
            sub.append(None)
            prev_group = None
    return cols, top, sub


def _printed(top: list[Any], sub: list[Any], j: int) -> str:
    """What the reader prints as that column's label (group label + sub label)."""
    if not any(sub):
        return str(top[j]).strip()
    group = ""
    for i in range(j + 1):
        if top[i]:
            group = str(top[i]).strip()
        elif not sub[i]:
            group = ""
    t = str(top[j]).strip() if top[j] else ""
    s = str(sub[j]).strip() if sub[j] else ""
    label = t or (group if s else "")
    return f"{label} {s}".strip() if s and label != s else (label or s)


def _title(lay: Layout, rng: random.Random, sheet_no: int, periode: str = "31 Desember 2020") -> list[str]:
    kind = lay.kind
    lines = []
    if lay.pemda:
        lines.append("PEMERINTAH KOTA BEKASI")
    if lay.doc_line:
        lines.append({"renja": "RENCANA KERJA PERUBAHAN PERANGKAT DAERAH (RENJA-P)",
                      "lra": ("REALISASI BELANJA LANGSUNG PER KEGIATAN" if lay.alt
                              else "LAPORAN REALISASI ANGGARAN PENDAPATAN DAN BELANJA DAERAH"),
                      "register_sp2d": "REGISTER SP2D",
                      "realisasi_fisik": "FORM REALISASI KINERJA"}[kind])
    if lay.year_line:
        lines.append("TAHUN ANGGARAN 2020")
    if lay.skpd_line:
        lines.append(rng.choice(["Perangkat Daerah : 4.01.03 - SEKRETARIAT DAERAH", "SKPD : 4.01.03 - SEKRETARIAT DAERAH",
                                 "Perangkat Daerah: 4 . 01 . 03 - SEKRETARIAT DAERAH"]))
    if kind == "lra":
        lines.append(f"Periode : 1 Januari 2020 s.d. {periode}")
    if kind == "realisasi_fisik":
        lines.append("s.d. Triwulan IV")
    if kind == "renja" and not lay.doc_line:
        lines.append("RENCANA KERJA PERUBAHAN")
    for k in range(lay.extra_title):
        lines.append(["Urusan Pemerintahan : Otonomi Daerah", "Unit Kerja : Seluruh Bagian",
                      "Dicetak dari aplikasi", "Halaman 1"][k % 4])
    return lines


def _records(kind: str) -> list[dict[str, Any]]:
    return canonical_data()[kind]


def _program_starts(kind: str, recs: list[dict[str, Any]]) -> list[int]:
    """Where a sheet may start: a program row (Renja, LRA), a new kegiatan (form)."""
    if kind == "realisasi_fisik":
        return [i for i, r in enumerate(recs) if i == 0 or r["kode_kegiatan"] != recs[i - 1]["kode_kegiatan"]]
    return [i for i, r in enumerate(recs) if r.get("baris_jenis") == "program"]


def _cell(c: Col, rec: dict[str, Any], rng: random.Random, lay: Layout, prev: dict[str, Any] | None) -> Any:
    v = rec.get(c.field)
    if c.kind == "money":
        zero_dash = not (lay.kind == "renja" and rec.get("baris_jenis") == "indikator_program")
        if lay.kind == "realisasi_fisik":
            zero_dash = False                     # '-' in a form is blank (NULL), not 0
        return money_cell(v, rng, lay.numbers, zero_dash)
    if c.kind == "number":
        return number_cell(v, rng, lay.numbers)
    if c.kind == "percent":
        return percent_cell(v, rng, lay.numbers)
    if c.kind == "code":
        if lay.cont_code_blank and prev is not None and prev.get(c.field) == v:
            return None                       # a further indicator of the kegiatan above
        return code_cell(v, rng, lay.codes)
    if c.kind == "date":
        if lay.repeat_dates_blank and prev is not None and prev.get("tanggal") == v:
            return None
        return date_cell(v, rng, lay.dates)
    if c.kind == "jenis":
        return rng.choice([v, v.lower(), v.title()]) if v else v
    if c.kind == "cara":
        return rng.choice(CARA.get(v or "jumlah", (v,)))
    if c.kind == "int":
        return int(v) if v is not None and str(v).isdigit() and rng.random() < 0.5 else v
    return v


def _row_for(kind: str, rec: dict[str, Any]) -> dict[str, Any]:
    """A staged row as printed: the Renja's codes only on program/kegiatan rows."""
    r = dict(rec)
    if kind == "renja" and r.get("baris_jenis") not in ("program", "kegiatan"):
        r["kode"] = None
        r["uraian"] = None
    return r


def _totals(kind: str, recs: list[dict[str, Any]]) -> dict[str, Any]:
    if kind == "renja":
        tops = [r for r in recs if r.get("baris_jenis") == "program"]
        fields = ["pagu_murni", "pagu_perubahan", "kas_tw1", "kas_tw2", "kas_tw3", "kas_tw4"]
    elif kind == "lra":
        tops = [r for r in recs if r.get("baris_jenis") == "program"]
        fields = ["anggaran", "realisasi_sd_lalu", "realisasi_periode_ini", "realisasi_sd_ini", "sisa"]
    elif kind == "register_sp2d":
        tops, fields = recs, ["nilai"]
    else:
        tops, fields = recs, [f"rp_tw{i}" for i in range(1, 5)]
    return {f: sum((r.get(f) or Decimal(0) for r in tops), Decimal("0.00")) for f in fields
            if any(r.get(f) is not None for r in tops)}


def render_file(lay: Layout, folder: Path, name: str, records: list[dict[str, Any]] | None = None,
                periode: str = "31 Desember 2020") -> Rendered:
    """One file of ``lay`` (``records``: another part of the kind's data, tests/layout_fuzz_split.py)."""
    rng = random.Random(lay.cell_seed)
    kind = lay.kind
    recs = [_row_for(kind, r) for r in (records if records is not None else records_of(lay))]
    cols, top, sub = _columns(lay)
    width = len(cols)
    # sheets: split at program boundaries
    parts: list[list[dict[str, Any]]] = [recs]
    if lay.split_sheets > 1:
        starts = _program_starts(kind, recs)
        step = max(1, len(starts) // lay.split_sheets)
        cut = sorted(set(starts[step::step]))[: lay.split_sheets - 1]
        if cut:
            bounds = [0, *cut, len(recs)]
            parts = [recs[a:b] for a, b in zip(bounds, bounds[1:])]
    wb = Workbook()
    wb.remove(wb.active)
    base = SHEET_NAMES[lay.sheet_name]
    out = Rendered(path=folder / name, sheets=[])
    label_field = LABEL[kind]
    col_index = {c.field: j for j, c in enumerate(cols) if isinstance(c, Col)}
    for p, part in enumerate(parts):
        sname = base if p == 0 else f"{base} ({p + 1})"
        ws = wb.create_sheet(sname)
        out.sheets.append(sname)
        rows: list[list[Any]] = [[t] + [None] * (width - 1) for t in _title(lay, rng, p, periode)]
        rows += [[None] * width for _ in range(lay.pad)]
        header_rows = [list(top)] + ([list(sub)] if lay.two_row else [])
        header_at = len(rows) + 1
        rows += [list(h) for h in header_rows]
        blanks = set(rng.sample(range(len(part)), min(lay.blank_rows, len(part)))) if part else set()
        prev = None
        for k, rec in enumerate(part):
            if lay.repeat_header_every and k and k % lay.repeat_header_every == 0:
                rows.append([None] * width)
                rows += [list(h) for h in header_rows]
                prev = None
            row = []
            for c in cols:
                if isinstance(c, tuple):
                    name_, vals = c
                    row.append(k + 1 if vals is None else rng.choice(vals))
                else:
                    row.append(_cell(c, rec, rng, lay, prev))
            rows.append(row)
            out.data_rows.append((sname, len(rows), rec))
            prev = rec
            if k in blanks:
                rows.append([None] * width)
        if lay.total_row:                    # each sheet's JUMLAH totals that sheet's rows
            tot = _totals(kind, part)
            tr: list[Any] = [None] * width
            for f, v in tot.items():
                if f in col_index:
                    tr[col_index[f]] = money_cell(v, rng, lay.numbers, zero_dash=False)
            at = 0 if lay.total_label_at == 1 and tr[0] is None else col_index[label_field]
            tr[at] = rng.choice(["JUMLAH", "Jumlah", "TOTAL", "Jumlah Total"])
            rows.append(tr)
        if lay.signature:
            rows.append([None] * width)
            sc = max(0, width - 3)
            for s in ["Bekasi, 15 Januari 2021", "SEKRETARIS DAERAH,", None, "Dr. Hj. RENY HENDRAWATI, M.M.",
                      "Pembina Utama Madya", "NIP. 19650205 199011 2 002"]:
                rows.append([None] * sc + [s] + [None] * (width - sc - 1))
        for r in rows:
            ws.append(r)
        if lay.two_row:
            _merge(ws, top, sub, header_at)
        out.col_of = {c.field: j for j, c in enumerate(cols) if isinstance(c, Col)}
        out.cells.update({(sname, -1, f): _printed(top, sub, j) for f, j in out.col_of.items()})
    if lay.hidden_sheet:
        hs = wb.create_sheet("lama")
        hs.append(["JUMLAH", "tidak dipakai", 1])
        hs.sheet_state = "hidden"
    out.path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out.path)
    return out


def _merge(ws: Any, top: list[Any], sub: list[Any], r1: int) -> None:
    from tests.xlsx_builders import header_merges

    for rng in header_merges(top, sub, r1):
        ws.merge_cells(rng)


MISLEADING = {"renja": "lra_sd_desember.xlsx", "lra": "register.xlsx", "register_sp2d": "renja_2020.xlsx",
              "realisasi_fisik": "pk_iku.xlsx"}


def render_drop(drop: dict[str, Any], input_dir: Path) -> dict[str, Rendered]:
    """Write the drop: every kind re-rendered (the PK/IKU workbook copied when it has no layout)."""
    from layout_fuzz_pk import render_pk

    from layout_fuzz_split import render_split

    input_dir.mkdir(parents=True, exist_ok=True)
    out = {}
    for kind, lay in drop.items():
        if kind == "pk_iku":
            continue
        folder = input_dir / FOLDERS[lay.folder] if FOLDERS[lay.folder] else input_dir
        if lay.files > 1:
            out[kind] = render_split(lay, input_dir, folder, MISLEADING[kind])
        else:
            out[kind] = render_file(lay, folder, MISLEADING[kind])
    if "pk_iku" in drop:
        render_pk(drop["pk_iku"], input_dir)
    else:
        shutil.copy(EXAMPLE_INPUT / FILES["pk_iku"], input_dir / "data_2020.xlsx")
    return out
