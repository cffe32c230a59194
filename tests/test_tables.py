"""A staged table is declared once (lkip/tables): the DDL, the typed schema, the reader's columns,
the core.stg_* view and docs/design.md all follow the declaration; one validation entry."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from conftest import EXAMPLE, ingest_folder, make_workspace
from lkip import ingest, model, sources, stage
from lkip.config import load_config
from lkip.tables import doc
from lkip.tables.base import INTEGER, TEXT, Column, Table
from schemas.table import build_schema, check_tables
from schemas.base import run_schema
from tests.xlsx_builders import (
    IKU_HEADER,
    LRA_TITLE,
    RENJA_TITLE,
    build_lra,
    build_renja,
    form_sheet,
    lra_records,
    open_test_workbook,
    pk_sheet,
    renja_records,
    write_sheets,
)

LINEAGE_COLUMNS = ["file_sha256", "source_file", "sheet", "excel_row", "run_id", "kode_skpd", "tahun"]


@pytest.fixture(scope="module")
def example_prepared(tmp_path_factory):
    cfg = make_workspace(tmp_path_factory.mktemp("tables"))
    return {p.kind: p for p in (ingest.prepare(f, cfg) for f in ingest.discover(cfg, settle_check=False))}


def test_every_table_a_reader_fills_is_declared_staged_and_viewed(tmp_path):
    declared = sources.tables()
    cfg = load_config(workspace=tmp_path)
    con = stage.connect(cfg)
    try:
        model.build(con, cfg)
        views = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'core' "
            "AND table_type = 'VIEW'").fetchall()}
        for reader in sources.readers():
            assert reader.tables, reader.kind
            for table in reader.tables:
                assert declared[table.name] is table
                assert stage.staging_columns(con, table.name) == LINEAGE_COLUMNS + table.column_names
                assert f"stg_{table.name}" in views, table.name
                assert con.execute(f"SELECT count(*) FROM core.stg_{table.name}").fetchall() == [(0,)]
    finally:
        con.close()
    assert sorted(declared) == sorted({t.name for r in sources.readers() for t in r.tables})


@pytest.fixture(scope="module")
def sipd_prepared(tmp_path_factory):
    """The SIPD-era example (examples/sipd-dinkes-2024): the kinds only it has (Realisasi Per Dokumen)."""
    from tests.sipd_builders import SIPD_EXAMPLE

    cfg = make_workspace(tmp_path_factory.mktemp("tables_sipd"), sorted((SIPD_EXAMPLE / "input").glob("*.xlsx")))
    return {p.kind: p for p in (ingest.prepare(f, cfg) for f in ingest.discover(cfg, settle_check=False))}


def test_reader_frames_have_the_declared_columns_in_order(example_prepared, sipd_prepared):
    prepared = {**sipd_prepared, **example_prepared}
    assert set(prepared) == {r.kind for r in sources.readers()}
    for kind, prep in prepared.items():
        assert not prep.has_errors, [i.text() for i in prep.issues][:5]
        reader = sources.reader(kind)
        assert set(prep.tables) == set(reader.table_names)
        for table in reader.tables:
            assert list(prep.tables[table.name].columns) == table.reader_columns, table.name


def test_design_doc_lists_the_declared_tables():
    text = doc.DESIGN.read_text(encoding="utf-8")
    assert doc.current(text) == doc.section(), "run `python -m lkip.tables.doc` to regenerate docs/design.md"


def test_staging_order_and_labels_come_from_the_readers():
    order = sources.staging_order()
    assert order["renja"] == min(order.values())          # the Renja first: other files check against it
    assert order[None] == max(order.values())
    assert sources.labels()["register_sp2d"] == "Register SP2D"


def test_renja_and_lra_schemas_check_column_types(example_prepared):
    renja = example_prepared["renja"].tables["renja"]
    assert sources.validate("renja", {"renja": renja}) == []
    bad = renja.copy()
    bad["target"] = bad["target"].astype(object)
    bad.loc[bad.index[0], "target"] = "seratus"                       # text in a number column
    bad["pagu_murni"] = bad["pagu_murni"].astype(object)
    bad.loc[bad.index[1], "pagu_murni"] = 1500.0                    # a float where money must be exact
    found = {(i.excel_row, i.pesan, i.diharapkan) for i in sources.validate("renja", {"renja": bad})}
    rows = bad["excel_row"].tolist()
    assert (rows[0], "Tipe data kolom Target tidak sesuai: 'seratus'", "angka") in found
    assert (rows[1], "Tipe data kolom Pagu Murni tidak sesuai: 1500", "angka rupiah") in found

    lra = example_prepared["lra"].tables["lra"]
    assert sources.validate("lra", {"lra": lra}) == []
    bad = lra.copy()
    bad["periode_akhir"] = "31/12/2020"                             # text where a date belongs
    found = {i.pesan for i in sources.validate("lra", {"lra": bad})}
    assert "Tipe data kolom periode_akhir tidak sesuai: '31/12/2020'" in found


def test_a_declared_unique_column_reports_every_repeat():
    table = Table("uji", (Column("kode", TEXT, nullable=False, unique=True, label="Kode Rekening"),
                          Column("n", INTEGER)))
    df = pd.DataFrame({"kode": ["A", "B", "A"], "n": [1, 2, 3], "sheet": ["S"] * 3, "excel_row": [5, 6, 7]})
    issues = run_schema(build_schema(table), df)
    assert sorted((i.excel_row, i.pesan) for i in issues) == [(5, "Kode ganda di kolom Kode Rekening: 'A'"),
                                                              (7, "Kode ganda di kolom Kode Rekening: 'A'")]
    assert check_tables([table], {"uji": df.drop_duplicates("kode")}) == []


def test_checks_for_an_undeclared_column_fail_at_start_up():
    with pytest.raises(KeyError, match="does not declare"):
        build_schema(sources.tables()["renja"], checks={"tidak_ada": []})


def test_validation_runs_once_outside_the_reader(tmp_path):
    """The reader only reads; lkip.sources.validate owns the schemas and cross-row checks, and
    ingest calls it once (the duplicate kegiatan is told once)."""
    recs = renja_records()
    recs[13]["kode"] = "4.01.4.01.03.29.35"                         # a kegiatan code twice
    recs[11]["pagu_perubahan"] = recs[11]["pagu_murni"] = 0
    for k in ("kas_tw1", "kas_tw2", "kas_tw3", "kas_tw4"):
        recs[11][k] = 0
    path, where, _t = build_renja(tmp_path / "r.xlsx", recs, total=None)

    read = sources.reader("renja").read(open_test_workbook(path))
    assert not [i for i in read.issues if "ganda" in i.pesan]
    prep = ingest.prepare(path, load_config(workspace=tmp_path), rel_to=tmp_path)
    assert [i.excel_row for i in prep.issues if "ganda" in i.pesan] == [where[13]]


def _no_skpd_files(tmp_path):
    """A file of each kind whose title names no SKPD and whose codes do not carry it (Permendagri
    90/2019 codes)."""
    recs = [dict(r) for r in renja_records()]
    for r in recs:
        if isinstance(r.get("kode"), str):
            r["kode"] = r["kode"].replace("4.01.4.01.03.", "4.01.")
    lra = [dict(r) for r in lra_records()]
    for r in lra:
        if isinstance(r.get("kode"), str):
            r["kode"] = r["kode"].replace("4.01.4.01.03.", "4.01.")
    iku = [1, "S", "Ind", "%", "naik", 100, None, None, None, 100, 90, None, None]
    return {
        "renja": build_renja(tmp_path / "renja.xlsx", recs, title=[t for t in RENJA_TITLE if "Perangkat" not in t])[0],
        "lra": build_lra(tmp_path / "lra.xlsx", lra, title=[t for t in LRA_TITLE if "Perangkat" not in t])[0],
        "realisasi_fisik": write_sheets(tmp_path / "form.xlsx", {"Form": form_sheet(
            [[1, "4.01.01.2.01", "X", "Ind A", 1, "Unit", 1, None, None, None]],
            title=["FORM REALISASI KINERJA", "TAHUN ANGGARAN 2020", "s.d. Triwulan IV"])}),
        "pk_iku": write_sheets(tmp_path / "pk.xlsx", {"IKU": pk_sheet(IKU_HEADER, [iku], title=(
            "PERJANJIAN KINERJA DAN INDIKATOR KINERJA UTAMA", "TAHUN 2020"))}),
    }


def test_a_missing_skpd_line_is_one_error_in_every_kind(tmp_path):
    cfg = load_config(workspace=tmp_path)
    for kind, path in _no_skpd_files(tmp_path).items():
        prep = ingest.prepare(path, cfg, rel_to=tmp_path)
        assert prep.kind == kind
        said = [i.pesan for i in prep.issues if i.is_error and "perangkat daerah" in i.pesan.lower()]
        assert len(said) == 1, (kind, said)


def test_money_declared_as_decimal_is_staged_exactly(tmp_path):
    cfg = make_workspace(tmp_path, [EXAMPLE / "input" / "renja_perubahan_2020.xlsx"])
    con, outcomes = ingest_folder(cfg)
    try:
        assert [o.outcome for o in outcomes] == ["accepted"]
        typ, total = con.execute("SELECT any_value(typeof(pagu_perubahan)), sum(pagu_perubahan) "
                                 "FROM staging.renja WHERE baris_jenis = 'program'").fetchall()[0]
        assert typ == "DECIMAL(18,2)" and isinstance(total, Decimal)
    finally:
        con.close()


def test_messages_name_a_column_by_its_declared_label():
    """The label is part of the declaration: the generated schema words its failures with it; a
    column without one is named by its own name."""
    table = Table("uji", (Column("kode", TEXT, nullable=False, label="Kode Barang"), Column("n", INTEGER, ge=0)))
    df = pd.DataFrame({"kode": [None], "n": [-1], "sheet": ["S"], "excel_row": [5]})
    issues = run_schema(build_schema(table), df)
    assert {(i.kolom, i.pesan) for i in issues} == {("Kode Barang", "Kolom Kode Barang kosong"),
                                                    ("n", "n negatif: -1")}
    assert table.labels() == {"kode": "Kode Barang"}
    assert sources.tables()["renja"].column("kode").title == "Kode Rekening"
    assert sources.tables()["register_sp2d"].column("kode_rekening").title == "Kode Rekening"
