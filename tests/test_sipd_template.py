"""`lkip template` for the SIPD era: the blank three-level form, and the form pre-filled from a
SIPD-era DPA (program, kegiatan and sub kegiatan indicators), read back and matched row for row."""

from __future__ import annotations

import openpyxl
from typer.testing import CliRunner

from lkip import cli, ingest, model, stage
from lkip.config import load_config
from tests import sipd_builders as B


def _workspace(tmp_path):
    cfg = load_config(workspace=tmp_path)
    dpa = tmp_path / "input" / B.FILES["dpa"]
    dpa.parent.mkdir(parents=True)
    B.write_dpa(dpa, tail=2)                        # the DPA prints two-digit tails
    con = stage.connect(cfg)
    assert ingest.stage(con, ingest.prepare(dpa, cfg), "run1", cfg).outcome == ingest.ACCEPTED
    model.build(con, cfg)
    con.close()
    return cfg


def _invoke(*args):
    r = CliRunner().invoke(cli.app, ["template", *args])
    assert r.exit_code == 0, r.output
    return r


def test_blank_sipd_form_has_three_level_header_and_its_instructions(tmp_path):
    out = tmp_path / "f.xlsx"
    _invoke("realisasi-fisik-sipd", "-o", str(out))
    wb = openpyxl.load_workbook(out)
    ws = wb["Form"]
    assert ws["B7"].value == "Kode Program/Kegiatan/Sub Kegiatan"
    assert "90/2019" in wb["Petunjuk"]["A1"].value
    # K must be >= 0; Rp may be net negative (returns): no >= 0 rule on the Rp columns
    ranges = {str(dv.sqref).split(":")[0] for dv in ws.data_validations.dataValidation if dv.type == "decimal"}
    assert "G9" in ranges and "K9" not in ranges


def test_prefilled_sipd_form_lists_every_level_and_reads_back_matched(tmp_path):
    cfg = _workspace(tmp_path)
    out = tmp_path / "form.xlsx"
    _invoke("realisasi-fisik", "--skpd", B.SKPD[0], "--workspace", str(tmp_path), "-o", str(out))
    wb = openpyxl.load_workbook(out)
    ws = wb["Form"]
    assert ws["B7"].value == "Kode Program/Kegiatan/Sub Kegiatan"   # the SKPD is SIPD-era
    data = [r for r in ws.iter_rows(min_row=9) if r[3].value]
    codes = [r[1].value for r in data]
    assert codes[0] == B.PROGRAM[0] and "1.02.02.2.02" in codes and "1.02.02.2.02.0033" in codes
    assert len(data) == 7                            # 1 program + 2 kegiatan + 3 sub kegiatan + 1 continuation
    ws["A6"].value = "s.d. Triwulan I"
    for r in data:
        r[6].value = 1
    ws.protection.sheet = False
    wb.save(out)
    con = stage.connect(cfg)
    assert ingest.stage(con, ingest.prepare(out, cfg), "run2", cfg).outcome == ingest.ACCEPTED
    model.build(con, cfg)
    assert con.execute("SELECT count(*) FROM core.realisasi_fisik WHERE cocok").fetchone()[0] == 7
    con.close()
