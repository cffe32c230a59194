"""Adding a source kind touches only its own module, its column map and its table declaration.

The toy kind "Daftar Inventaris" lives in tmp: a column map CSV and one Python module holding the
table declaration and the Reader. Registered (as lkip/sources.py would list it), it is detected,
validated by its generated schema (its messages name its columns by their declared labels:
"Kode Barang", not another kind's "Kode Rekening"), staged, and visible as core.stg_inventaris; nothing in the
package is edited.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap

import pytest

from conftest import ingest_folder
from lkip import model, sources
from lkip.config import load_config
from lkip.extract import detect
from tests.xlsx_builders import open_test_workbook, write_sheets

COLUMN_MAP = """\
field,keywords,exclude,required
kode,kode barang,,yes
nama,nama barang,,yes
jumlah,jumlah,,yes
harga,harga,,
"""

MODULE = '''
"""A toy source kind: the inventory list of a perangkat daerah."""
from pathlib import Path

import pandas as pd

from lkip.extract.base import ReadResult
from lkip.extract.header import iter_data_rows, read_title_meta
from lkip.extract.parse import normalize_code, to_float, to_money
from lkip.extract.reader import Reader
from lkip.extract.sheets import chosen_sheets, head_grid, locate_table, recognition_score
from lkip.tables.base import INTEGER, MONEY, TEXT, Column, Table

MAP = Path(__file__).with_name("inventaris.csv")
INVENTARIS = Table("inventaris", (
    Column("urutan", INTEGER, nullable=False),
    Column("kode", TEXT, nullable=False, unique=True, label="Kode Barang"),
    Column("nama", TEXT),
    Column("jumlah", INTEGER, nullable=False, ge=0),
    Column("harga", MONEY, ge=0),
), doc="toy: one row per item")


def matches(sheet):
    return recognition_score(head_grid(sheet), r"DAFTAR\\s+INVENTARIS", MAP)


def read(workbook):
    sheet = chosen_sheets(workbook, matches)[0]
    rows, header, lines = locate_table(sheet, MAP)
    recs = []
    for dr in iter_data_rows(rows, header, {"nama"}, key_fields=("kode",), label_fields=("kode", "nama")):
        if dr.is_total:
            continue
        v = dr.values
        recs.append({"urutan": len(recs) + 1, "kode": normalize_code(v.get("kode")), "nama": v.get("nama"),
                     "jumlah": int(to_float(v.get("jumlah"))), "harga": to_money(v.get("harga")),
                     "sheet": sheet.name, "excel_row": dr.excel_row})
    df = pd.DataFrame(recs, columns=INVENTARIS.reader_columns)
    return ReadResult("inventaris", read_title_meta(lines), {INVENTARIS.name: df}, [])


READER = Reader(kind="inventaris", label="Daftar Inventaris", order=7, tables=(INVENTARIS,),
                matches=matches, read=read, column_map=MAP)
'''

TITLE = ["DAFTAR INVENTARIS BARANG", "TAHUN ANGGARAN 2020", "Perangkat Daerah : 4.01.03 - SEKRETARIAT DAERAH"]
HEADER = ["No", "Kode Barang", "Nama Barang", "Jumlah", "Harga"]


@pytest.fixture()
def toy_kind(tmp_path, monkeypatch):
    """The toy kind's two files, in tmp, and the registry listing it."""
    folder = tmp_path / "toy_kind"
    folder.mkdir()
    (folder / "inventaris.csv").write_text(COLUMN_MAP, encoding="utf-8")
    (folder / "inventaris_reader.py").write_text(textwrap.dedent(MODULE), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("inventaris_reader", folder / "inventaris_reader.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "inventaris_reader", module)
    spec.loader.exec_module(module)
    monkeypatch.setattr(sources, "READERS", (*sources.READERS, module.READER))
    return module


def _inventory(path, rows):
    sheet = [[t] + [None] * 4 for t in TITLE] + [[None] * 5, HEADER] + rows
    return write_sheets(path, {"Inventaris": sheet})


def test_a_toy_kind_is_detected_validated_staged_and_modelled(toy_kind, tmp_path):
    ws = tmp_path / "ws"
    (ws / "input").mkdir(parents=True)
    good = _inventory(ws / "input" / "inventaris.xlsx",
                      [[1, "1.3.2.05", "Laptop", 12, "15.000.000,00"], [2, "1.3.2.06", "Printer", 3, 2500000]])
    bad = _inventory(ws / "input" / "inventaris_salah.xlsx",
                     [[1, "1.3.2.07", "Meja", -2, 100], [2, "1.3.2.07", "Kursi", 4, 50]])

    reader, issues = detect.detect(open_test_workbook(good))
    assert reader is toy_kind.READER and issues == []
    assert sources.labels()["inventaris"] == "Daftar Inventaris"

    cfg = load_config(workspace=ws)
    con, outcomes = ingest_folder(cfg)
    try:
        by_file = {o.path.name: o for o in outcomes}
        assert by_file["inventaris.xlsx"].outcome == "accepted", by_file["inventaris.xlsx"].messages
        assert by_file["inventaris.xlsx"].kind == "inventaris"
        rejected = by_file["inventaris_salah.xlsx"]
        assert rejected.outcome == "rejected"
        assert {(i.excel_row, i.pesan) for i in rejected.issues} == {
            (6, "jumlah negatif: -2"),
            (6, "Kode ganda di kolom Kode Barang: '1.3.2.07'"),
            (7, "Kode ganda di kolom Kode Barang: '1.3.2.07'"),
        }
        typ = con.execute("SELECT data_type FROM information_schema.columns WHERE table_schema = 'staging' "
                          "AND table_name = 'inventaris' AND column_name = 'harga'").fetchall()
        assert typ == [("DECIMAL(18,2)",)]
        model.build(con, cfg)
        rows = con.execute("SELECT kode, nama, jumlah, CAST(harga AS VARCHAR), kode_skpd, tahun, excel_row "
                           "FROM core.stg_inventaris ORDER BY urutan").fetchall()
        assert rows == [("1.3.2.05", "Laptop", 12, "15000000.00", "4.01.03", 2020, 6),
                        ("1.3.2.06", "Printer", 3, "2500000.00", "4.01.03", 2020, 7)]
    finally:
        con.close()


def test_without_the_toy_kind_its_file_is_unknown(tmp_path):
    path = _inventory(tmp_path / "inventaris.xlsx", [[1, "1.3.2.05", "Laptop", 12, 100]])
    reader, issues = detect.detect(open_test_workbook(path))
    assert reader is None and issues[0].pesan.startswith("Jenis berkas tidak dikenali")
    assert "inventaris" not in sources.tables()
