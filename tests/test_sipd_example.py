"""The SIPD-era example (examples/sipd-dinkes-2024): its generator, its independent oracle and the
values worked out by hand in its README. (The pipeline's own SIPD readers and three-level model are
checked against expected.json by their own tests once they exist.)"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests import sipd_builders as B

EXAMPLE = B.SIPD_EXAMPLE
oracle = B.load_example_module("expected")


def _cells(path):
    """Everything a reader can see of a workbook: sheet names and states, cell values, merged ranges."""
    wb = load_workbook(path)
    return [(ws.title, ws.sheet_state, [list(r) for r in ws.iter_rows(values_only=True)],
             sorted(str(m) for m in ws.merged_cells.ranges)) for ws in wb.worksheets]


def test_generator_reproduces_the_committed_workbooks(tmp_path):
    subprocess.run([sys.executable, str(EXAMPLE / "make_example.py"), str(tmp_path)], check=True,
                   capture_output=True)
    made = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    committed = sorted(p.name for p in (EXAMPLE / "input").glob("*.xlsx"))
    assert made == committed and len(made) == 5
    for name in made:
        assert _cells(tmp_path / name) == _cells(EXAMPLE / "input" / name), name


def test_oracle_reproduces_expected_json():
    assert oracle.compute() == json.loads((EXAMPLE / "expected.json").read_text(encoding="utf-8"))


def test_oracle_check_mode_agrees():
    r = subprocess.run([sys.executable, str(EXAMPLE / "expected.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def _readme_checks():
    """Rows of the README's hand-checked table: (check, table, level, kode, field, value)."""
    text = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    block = text[text.index("| check | table | level | kode | field | value |"):]
    rows = []
    for line in block.splitlines()[2:]:
        if not line.startswith("|"):
            break
        rows.append(tuple(c.strip() for c in line.strip("|").split("|")))
    return rows


def test_readme_hand_checked_values_are_the_oracles():
    checks = _readme_checks()
    assert len(checks) >= 3
    tables = oracle.compute()["tables"]
    for name, table, level, kode, field, value in checks:
        field, _, tw = field.partition("@")
        hits = [r for r in tables[table] if r["level"] == level and r["kode"] == kode
                and (not tw or r["triwulan"] == int(tw))]
        hits = [r for r in hits if r.get("indikator", "") == ""]  # the entity row, not its indicators
        assert len(hits) == 1, name
        assert Decimal(hits[0][field]) == Decimal(value), name


def test_readme_hand_sums_add_up():
    """The worked TW II sum of 1.02.02.2.02.0033 in the README equals its table value."""
    text = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("1.549.967.000 + "))
    terms = re.findall(r"([+−-])?\s*([\d.]+)", line.split("=")[0])
    total = sum((-1 if sign in ("−", "-") else 1) * int(n.replace(".", "")) for sign, n in terms)
    stated = int(re.search(r"\*\*([\d.]+)\*\*", line).group(1).replace(".", ""))
    assert total == stated == 3_119_704_000


def _rp(result, kode):
    return [Decimal(next(r for r in result["tables"]["lampiran_3"]
                         if r["level"] == "sub_kegiatan" and r["kode"] == kode)[f"rp_tw{q}"]) for q in (1, 2, 3, 4)]


@pytest.mark.parametrize("variant", [
    dict(dpa_tail=4, form_tail=2, register_layout="two_row"),
    dict(dpa_tail=2, form_tail=4, register_layout="flat"),
    dict(dpa_tail=2, form_tail=2, register_layout="flat", skpd_in="column", blank_parents=True),
    dict(dpa_tail=4, form_tail=4, register_layout="two_row", register_dates="text", dokumen_title=False),
    dict(dpa_tail=4, form_tail=2, register_layout="flat", register_dates="dmy"),
])
def test_oracle_on_builder_drops(tmp_path, variant):
    """The builders' layout variants read by the oracle give the realisation worked out by hand in
    sipd_builders (both tail widths, flat and two-row register, SKPD in a column, blank parents,
    register dates as Excel dates / `1 Juli 2024` / `01/07/2024`, documents without a title block)."""
    result = oracle.compute(B.write_drop(tmp_path, **variant))
    assert result["kode_skpd"] == B.SKPD[0]
    for kode, expected in B.DEFAULT_REALISASI.items():
        assert _rp(result, kode) == expected, kode
    skpd = [r for r in result["tables"]["rekonsiliasi"] if r["level"] == "skpd"]
    assert [Decimal(r["sp2d"]) for r in skpd] == B.DEFAULT_REGISTER
    assert [Decimal(r["dokumen"]) for r in skpd] == [sum(v[q] for v in B.DEFAULT_REALISASI.values()) for q in range(4)]
    assert [Decimal(r["selisih_dokumen_form"]) for r in skpd] == [0, 0, 0, 0]
    assert result["checks"]["dpa"] == [] and result["checks"]["register"] == []
    assert result["checks"]["form_indikator_cocok"] == result["checks"]["renja_indikator"] == 7
    keg = next(r for r in result["tables"]["lampiran_3"] if r["level"] == "kegiatan" and r["kode"] == "1.02.02.2.02")
    assert Decimal(keg["pagu"]) == 5_000_000 and Decimal(keg["rp_realisasi"]) == 3_780_000  # A 3.250.000 + B 530.000


@pytest.mark.parametrize("spelling", ["TBP_KKPD", "TBP KKPD", "tbp-kkpd"])
def test_oracle_reads_tbp_kkpd_spellings(tmp_path, spelling):
    B.write_drop(tmp_path, docs=B.default_docs(kkpd_spelling=spelling))
    assert _rp(oracle.compute(tmp_path), B.SUB_B[0])[1] == Decimal(150_000)


def test_oracle_flags_neto_and_bruto_faults(tmp_path):
    import datetime as dt
    B.write_drop(tmp_path)
    bad = B.default_sp2d() + [B.sp2d(6, "LS", 700_000, dt.date(2024, 9, 2), potongan=[("Pajak", "PPN", 10_000)],
                                     neto=Decimal(695_000))]
    B.write_register(tmp_path / B.FILES["register"], bad, layout="two_row")
    problems = oracle.compute(tmp_path)["checks"]["register"]
    assert len(problems) == 1 and "Neto" in problems[0]


def test_oracle_rejects_an_unknown_jenis_dokumen(tmp_path):
    import datetime as dt
    docs = B.default_docs() + [B.doc("SPJ", "GU", B.SUB_A, tanggal=dt.date(2024, 3, 1), nilai=1)]
    B.write_drop(tmp_path, docs=docs)
    with pytest.raises(ValueError, match="Jenis Dokumen"):
        oracle.compute(tmp_path)
