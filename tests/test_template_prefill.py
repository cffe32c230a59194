"""Issue 15.10: the Form Realisasi Kinerja pre-filled from the warehouse's Renja (codes locked as
text, dropdowns), read back and accepted once the quarterly values are typed; the PK/IKU dropdowns."""

from __future__ import annotations

import openpyxl
import pytest
from typer.testing import CliRunner

from lkip import cli, ingest, model, stage
from lkip.config import load_config
from lkip.extract.templates import write_template
from tests.xlsx_builders import build_renja, renja_records


def _records():
    recs = renja_records()
    for r in recs:                                       # kegiatan 29.01 belongs to another Bagian
        if r.get("kode") == "4.01.4.01.03.29.01":
            r["penanggung_jawab"] = "Bagian Hukum"
    return recs


@pytest.fixture()
def workspace(tmp_path):
    cfg = load_config(workspace=tmp_path)
    renja = tmp_path / "input" / "renja.xlsx"
    renja.parent.mkdir(parents=True)
    build_renja(renja, _records())
    con = stage.connect(cfg)
    assert ingest.stage(con, ingest.prepare(renja, cfg), "run1", cfg).outcome == ingest.ACCEPTED
    model.build(con, cfg)
    n = con.execute("SELECT count(*) FROM core.indikator").fetchone()[0]
    con.close()
    return cfg, tmp_path, n


def _template(root, out, *extra):
    r = CliRunner().invoke(cli.app, ["template", "realisasi-fisik", "--skpd", "4.01.03", "--workspace", str(root),
                                     "-o", str(out), *extra])
    assert r.exit_code == 0, r.output
    return openpyxl.load_workbook(out)


def _lists(ws):
    return {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}


def test_prefilled_form_has_every_renja_indicator_locked_and_reads_back_accepted(workspace, tmp_path):
    cfg, root, n_indikator = workspace
    out = tmp_path / "form.xlsx"
    wb = _template(root, out)
    ws = wb["Form"]
    assert ws["A3"].value == "TAHUN ANGGARAN 2020"
    assert ws["A4"].value.startswith("Perangkat Daerah : 4.01.03")
    data = [r for r in ws.iter_rows(min_row=9) if r[3].value]
    assert len(data) == n_indikator == 10
    first = data[0]
    assert (first[1].value, first[3].value, first[4].value, first[5].value) == (
        "4.01.4.01.03.01.02", "Jumlah rekening telepon, Air, Listrik", 432, "Rekening")
    # codes are text, locked; the quarterly values are open; the sheet is protected
    assert all(r[1].data_type == "s" and r[1].number_format == "@" and r[1].protection.locked for r in data)
    assert all(not r[6].protection.locked and not r[9].protection.locked for r in data)
    assert ws.protection.sheet
    # dropdowns: s.d. Triwulan on its title cell, kegiatan codes of the Renja on the spare rows
    lists = _lists(ws)
    assert lists.get("A6") == '"s.d. Triwulan I,s.d. Triwulan II,s.d. Triwulan III,s.d. Triwulan IV"'
    code_list = [f for ref, f in lists.items() if ref.startswith("B")]
    assert code_list and code_list[0].startswith("Petunjuk!$A$")
    listed = [c.value for c in wb["Petunjuk"]["A"] if c.value and str(c.value).startswith("4.01.")]
    assert listed == ["4.01.4.01.03.01.02", "4.01.4.01.03.01.03", "4.01.4.01.03.29.01", "4.01.4.01.03.29.35",
                      "4.01.4.01.03.29.36"]

    # the officer types the quarterly values and the quarter, saves, drops it: accepted, all matched
    ws["A6"] = "s.d. Triwulan II"
    for k, r in enumerate(data, 1):
        r[6].value, r[7].value = k, k + 1
    wb.save(out)
    con = stage.connect(cfg)
    try:
        res = ingest.stage(con, ingest.prepare(out, cfg), "run2", cfg)
        assert res.outcome == ingest.ACCEPTED, res.messages
        model.build(con, cfg)
        cocok, semua, tw2 = con.execute(
            "SELECT count(*) FILTER (WHERE cocok), count(*), sum(k_tw2) FROM core.realisasi_fisik").fetchone()
    finally:
        con.close()
    assert cocok == semua == 10 and tw2 == sum(range(2, 12))


def test_prefilled_form_of_one_bagian(workspace, tmp_path):
    cfg, root, _ = workspace
    ws = _template(root, tmp_path / "hukum.xlsx", "--bagian", "hukum")["Form"]
    rows = [(r[1].value, r[3].value) for r in ws.iter_rows(min_row=9) if r[3].value]
    assert rows == [("4.01.4.01.03.29.01", "Raperda yang disusun"),
                    ("4.01.4.01.03.29.01", "Raperda yang sudah di asistensi")]
    assert ws["A5"].value == "Unit Kerja : Bagian Hukum"


def test_prefill_says_why_it_cannot(workspace, tmp_path):
    cfg, root, _ = workspace
    r = CliRunner().invoke(cli.app, ["template", "realisasi-fisik", "--skpd", "4.01.03", "--bagian", "Keuangan",
                                     "--workspace", str(root), "-o", str(tmp_path / "x.xlsx")])
    assert r.exit_code == 1 and "Bagian Umum" in r.output and "Bagian Hukum" in r.output
    r = CliRunner().invoke(cli.app, ["template", "realisasi-fisik", "--skpd", "4.01.03",
                                     "--workspace", str(tmp_path / "kosong"), "-o", str(tmp_path / "x.xlsx")])
    assert r.exit_code == 1 and "lkip run" in r.output
    assert not (tmp_path / "x.xlsx").exists()


def test_blank_form_has_the_triwulan_dropdown_and_pk_template_its_lists(tmp_path):
    ws = openpyxl.load_workbook(write_template("realisasi-fisik", tmp_path / "f.xlsx"))["Form"]
    assert "A6" in _lists(ws)
    pk = openpyxl.load_workbook(write_template("pk-iku", tmp_path / "pk.xlsx"))
    akip = list(_lists(pk["AKIP"]).values())
    bumd = list(_lists(pk["BUMD"]).values())
    assert '"AA,A,BB,B,CC,C,D"' in akip
    assert '"WTP,WDP,TW,TMP"' in bumd and any(f.startswith('"Sehat,Kurang Sehat,Tidak Sehat') for f in bumd)
