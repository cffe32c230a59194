"""The sample drop re-typed as another SKPD and year, the way other offices' exports differ:
titles moved down, merged headers unmerged, money as Indonesian text, codes with stray spaces.
Every table must come out with the sample's numbers (expected.json) under the new codes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from conftest import EXAMPLE, ingest_folder, make_workspace

OLD_CODE, NEW_CODE = "4.01.4.01.03", "1.02.1.02.01"
OLD_SKPD, NEW_SKPD = "4.01.03 - SEKRETARIAT DAERAH", "1.02.01 - DINAS KESEHATAN"


def _indonesian(value: float | int) -> str:
    whole = f"{int(round(value)):,}".replace(",", ".")
    return f"Rp {whole},00" if int(value) % 2 else whole


def _retype(src: Path, dst: Path) -> None:
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        for rng in list(ws.merged_cells.ranges):
            ws.unmerge_cells(str(rng))
        money_cols = set()
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if isinstance(v, str):
                    v = v.replace(OLD_SKPD, NEW_SKPD).replace("2020", "2024")
                    if v.strip().startswith(OLD_CODE):
                        v = " " + v.strip().replace(OLD_CODE, NEW_CODE).replace(".", " . ", 1)
                    if any(k in v.lower() for k in ("pagu", "anggaran", "nilai sp2d", "realisasi keuangan", "kas")):
                        money_cols.add(cell.column)
                    cell.value = v
                elif isinstance(v, dt.datetime):
                    cell.value = v.replace(year=2024)
        if ws.title == "Renja-P 2020" or "SP2D" in ws.title:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.column in money_cols and isinstance(cell.value, (int, float)) and cell.value >= 1000:
                        cell.value = _indonesian(cell.value)
        ws.insert_rows(1, 2)  # the title block starts lower than in the sample
    wb.save(dst)


@pytest.fixture(scope="module")
def variant(tmp_path_factory):
    from lkip import model

    src_dir = tmp_path_factory.mktemp("variant_src")
    files = []
    for f in sorted((EXAMPLE / "input").glob("*.xlsx")):
        dst = src_dir / f"lain_{f.name}"
        _retype(f, dst)
        files.append(dst)
    cfg = make_workspace(tmp_path_factory.mktemp("variant"), files)
    con, outcomes = ingest_folder(cfg)
    model.build(con, cfg)
    yield con, outcomes
    con.close()


def test_all_retyped_files_are_accepted(variant):
    _con, outcomes = variant
    assert sorted(o.kind for o in outcomes) == ["lra", "pk_iku", "realisasi_fisik", "register_sp2d", "renja"]
    assert {o.outcome for o in outcomes} == {"accepted"}, [m for o in outcomes for m in o.messages][:10]
    assert {(o.kode_skpd, o.tahun) for o in outcomes} == {("1.02.01", 2024)}


def test_lampiran_3_numbers_match_the_sample_under_new_codes(variant):
    con, _ = variant
    expected = json.loads((EXAMPLE / "expected.json").read_text(encoding="utf-8"))["tables"]["lampiran_3"]
    cur = con.execute(
        "SELECT level, kode, indikator, pagu, rp_realisasi, capaian_k_pct, capaian_rp_pct FROM laporan.lampiran_3 "
        "WHERE kode_skpd = '1.02.01' AND tahun = 2024 ORDER BY urutan"
    )
    got = cur.fetchall()
    assert len(got) == len(expected) == 300
    for g, e in zip(got, expected):
        assert g[0] == e["level"]
        assert g[1] == e["kode"].replace(OLD_CODE, NEW_CODE)
        assert (g[3] is None and e["pagu"] is None) or float(g[3]) == e["pagu"], (g, e)
        assert (g[4] is None and e["rp_realisasi"] is None) or float(g[4]) == e["rp_realisasi"], (g, e)
        for gi, key in ((5, "capaian_k_pct"), (6, "capaian_rp_pct")):
            assert (g[gi] is None and e[key] is None) or abs(g[gi] - e[key]) < 1e-6, (g, e, key)


def test_iku_mean_and_totals_match_the_sample(variant):
    con, _ = variant
    (mean,) = con.execute(
        "SELECT rata_rata_capaian_pct FROM laporan.tabel_3_1 WHERE kode_skpd = '1.02.01' AND baris = 'rata_rata'"
    ).fetchall()[0]
    assert round(mean, 2) == 133.10
    murni, perubahan = con.execute(
        "SELECT pagu_murni, pagu_perubahan FROM laporan.tabel_3_30 WHERE kode_skpd = '1.02.01' AND level <> 'program'"
    ).fetchall()[0]
    assert (int(murni), int(perubahan)) == (85575010100, 66023815630)
