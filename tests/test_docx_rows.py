"""docx tables whose body rows are copied XML (docx_rows.fill_body) are the tables python-docx's own
object API builds cell by cell (tests/docx_reference.py): same document.xml, byte for byte."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from lxml import etree

import lkip.publish.docx_out as docx_out
from docx_reference import add_table as reference_add_table
from fixtures_publish import KODE, TAHUN, build_warehouse
from lkip.config import load_config
from lkip.publish.data import KOTA, Table, UnitData, load_unit
from lkip.publish.docx_rows import EMPTY, OTHER, PLAIN, text_sort
from lkip.publish.narrative import render_narrative

EDGE_TEXTS = ["Program Pelayanan", "", " spasi di tepi", "akhir spasi ", "baris\nbaru", "tab\tdi", "cr\rdi",
              "=SUM(1+1)", "é & <b> \"kutip\"", "x", "  ", "Belanja Modal Gedung Kantor dan Bangunan Lainnya"]


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The bundled example's SKPD and city as the publisher loads them."""
    tmp = tmp_path_factory.mktemp("docx_rows")
    wh = build_warehouse(tmp / "lkip.duckdb")
    config = load_config(workspace=tmp / "ws", overrides={"skpd": {KODE: "SEKRETARIAT DAERAH"}})
    con = duckdb.connect(str(wh), read_only=True)
    try:
        units = [load_unit(con, TAHUN, kode, config) for kode in (KODE, KOTA)]
    finally:
        con.close()
    return units, config


def _fixture_unit() -> UnitData:
    """Tables with merged three- and two-level headers, more than 7 columns (7 pt), totals and
    program rows (bold), codes (centred), money (right), empty cells and texts python-docx does not
    write as one plain `w:t` (tabs, line breaks, surrounding spaces), in every column."""
    levels = ["program", "kegiatan", "sub_kegiatan", "rekening", "jumlah"]
    lamp = []
    for i in range(60):
        text = EDGE_TEXTS[i % len(EDGE_TEXTS)]
        lamp.append({"level": levels[i % len(levels)], "kode": f"4.01.{i:02d}" if i % 7 else text,
                     "uraian": text if i % 3 else f"Kegiatan {i}", "indikator": EDGE_TEXTS[(i + 5) % len(EDGE_TEXTS)],
                     "target": None if i % 4 == 0 else Decimal(i) * Decimal("1.5"), "satuan": "%",
                     "pagu": Decimal(1000 * i) + Decimal("0.25"), "k_tw1": i, "k_tw2": float(i) / 3,
                     "k_tw3": None, "k_tw4": i * 2, "rp_tw1": Decimal(i * 10), "rp_tw2": Decimal(7)})
    renstra = [{"no": i + 1, "indikator": EDGE_TEXTS[i % len(EDGE_TEXTS)], "satuan": "Nilai",
                "realisasi_lalu_2018": Decimal(i), "realisasi_lalu_2019": None,
                "target_tahun_ini": 80.0 + i, "realisasi_tahun_ini": 79.5 + i,
                "tahun_akhir_renstra": 2021, "target_akhir_renstra": 90.0} for i in range(14)]
    sedikit = [{"kode": "1", "program": "Satu baris"}]
    tables = {t.id: t for t in (
        Table("lampiran_3", list(lamp[0]), lamp),
        Table("tabel_3_renstra", list(renstra[0]), renstra),
        Table("tabel_3_30", list(sedikit[0]), sedikit),
    )}
    return UnitData(TAHUN, "9.99.99", "Dinas Uji Coba", 2, tables)


def _units(example):
    return [*example[0], _fixture_unit()]


def _table_xml(add, unit: UnitData, landscape: bool) -> bytes:
    doc = docx_out.new_document()
    if landscape:
        docx_out.page_orientation(doc, landscape=True)
    for t in unit.tables.values():
        if t.rows:
            add(doc, t, unit)
    return etree.tostring(doc.element)


@pytest.mark.parametrize("landscape", [False, True])
def test_every_table_as_python_docx_builds_it(example, landscape):
    """Every table of the example's units (not only those the draft prints) and of the fixture."""
    for unit in _units(example):
        new = _table_xml(docx_out.add_table, unit, landscape)
        assert new == _table_xml(reference_add_table, unit, landscape), unit.kode_skpd
        assert b"w:tblHeader" in new and b"w:cantSplit" in new and b"w:gridSpan" in new


def _document_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml")


def test_whole_draft_as_before(example, tmp_path, monkeypatch):
    """write_docx of each unit: the document XML with the copied rows equals python-docx's."""
    units, config = example
    fixture = _fixture_unit()  # its renstra table on a landscape page, tabel_3_30 on a portrait one
    for unit in [*units, fixture]:
        narrative = (render_narrative(unit, config) if unit is not fixture else
                     {"ikhtisar": ["Ikhtisar."], "iku": [], "anggaran": ["Anggaran."]})
        new = docx_out.write_docx(tmp_path / "new.docx", unit, narrative, [])
        with monkeypatch.context() as m:
            m.setattr(docx_out, "add_table", reference_add_table)
            old = docx_out.write_docx(tmp_path / "old.docx", unit, narrative, [])
        assert _document_xml(new) == _document_xml(old), unit.kode_skpd


def test_text_sorts():
    assert [text_sort(t) for t in EDGE_TEXTS] == [PLAIN, EMPTY, OTHER, OTHER, OTHER, OTHER, OTHER,
                                                  PLAIN, PLAIN, PLAIN, OTHER, PLAIN]


def test_a_table_without_rows_says_so(tmp_path):
    """A table whose view has no body row (no data for the unit) is written with its header and
    one row "Tidak ada data." (python-docx used to be asked for a row the table did not have)."""
    from docx import Document

    kosong = Table("tabel_3_30", ["kode", "program"], [])
    doc = docx_out.new_document()
    docx_out.add_table(doc, kosong, UnitData(TAHUN, "9.99.99", "Dinas Uji Coba", 2, {kosong.id: kosong}))
    doc.save(str(tmp_path / "kosong.docx"))
    table = Document(str(tmp_path / "kosong.docx")).tables[0]
    assert table.rows[-1].cells[0].text == "Tidak ada data."
    assert [c.text for c in table.rows[0].cells][:2] != ["Tidak ada data."] * 2   # the header is above it
