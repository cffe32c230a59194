"""PUBLISH layer: workbook, CSV, charts, HTML, narrative and docx from a laporan.* fixture."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import openpyxl
import pytest
from docx import Document

from fixtures_publish import FORMULA_AKIP, FORMULA_TEXT, KODE, TAHUN, build_warehouse
from lkip.config import load_config
from lkip.publish import format_angka, format_persen, format_rupiah, publish_all
from lkip.publish.data import load_unit
from lkip.publish.fmt import atomic_path
from lkip.publish.narrative import render_narrative

NAMA = "Sekretariat Daerah"
# One worker under `make test` (pytest-xdist): the module publishes the fixture once (`published`).
pytestmark = pytest.mark.xdist_group("test_publish")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("wh") / "lkip.duckdb")


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return load_config(workspace=tmp_path_factory.mktemp("ws"), overrides={"skpd": {KODE: "SEKRETARIAT DAERAH"}})


@pytest.fixture(scope="module")
def published(warehouse, config, tmp_path_factory):
    out = tmp_path_factory.mktemp("output")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        paths = publish_all(con, out, config)
    finally:
        con.close()
    return out, paths


@pytest.fixture(scope="module")
def skpd_dir(published) -> Path:
    return published[0] / str(TAHUN) / KODE


@pytest.fixture(scope="module")
def workbook(skpd_dir):
    return openpyxl.load_workbook(skpd_dir / f"LKIP_{KODE}_{TAHUN}.xlsx")


@pytest.fixture(scope="module")
def narrative(warehouse, config):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        unit = load_unit(con, TAHUN, KODE, config)
    finally:
        con.close()
    return render_narrative(unit, config)


def _find_row(ws, col: int, text: str) -> int:
    for row in ws.iter_rows(min_col=col, max_col=col):
        if row[0].value == text:
            return row[0].row
    raise AssertionError(f"{text!r} not in column {col} of {ws.title}")


def _header_col(ws, text: str, rows=range(4, 8)) -> int:
    for r in rows:
        for c in ws[r]:
            if c.value == text:
                return c.column
    raise AssertionError(f"header {text!r} not in {ws.title}")


# ---- number style --------------------------------------------------------------------------------

def test_indonesian_number_helpers():
    assert format_angka(58279356766) == "58.279.356.766"
    assert format_angka(65.52) == "65,52"
    assert format_angka(100.0) == "100"
    assert format_angka(-1234.5) == "-1.234,50"
    assert format_angka(None) == ""
    assert format_persen(65.525) == "65,53 %"          # half up, not banker's rounding
    assert format_persen(133.10357921318447) == "133,10 %"
    assert format_persen(66.66666666666667, "persen") == "66,67 persen"
    assert format_rupiah(58279356766) == "Rp58.279.356.766,-"
    assert format_rupiah(1250.5) == "Rp1.250,50"


def test_atomic_write_keeps_previous_file_on_failure(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("lama")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("setengah")
            raise RuntimeError("crash")
    assert target.read_text() == "lama"
    assert list(tmp_path.iterdir()) == [target]


# ---- files -----------------------------------------------------------------------------------------

def test_outputs_written_for_skpd_and_city(published, skpd_dir):
    out, paths = published
    assert all(p.is_file() for p in paths)
    for name in (f"LKIP_{KODE}_{TAHUN}.xlsx", f"laporan_{KODE}_{TAHUN}.html", f"BAB_III_{KODE}_{TAHUN}.docx",
                 "csv/lampiran_3.csv", "csv/tabel_3_31.csv", "validasi.xlsx"):
        assert skpd_dir / name in paths, name
    kota = out / str(TAHUN) / "kota"
    assert (kota / f"LKIP_KOTA_{TAHUN}.xlsx").is_file()
    assert (kota / f"laporan_KOTA_{TAHUN}.html").is_file()
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")], "temporary files left behind"


def test_filters_select_nothing_for_other_year(warehouse, config, tmp_path):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert publish_all(con, tmp_path, config, tahun=2019) == []
    finally:
        con.close()


# ---- workbook ----------------------------------------------------------------------------------------

def test_workbook_sheets_titles_and_print_setup(workbook):
    names = workbook.sheetnames
    # sheets are named as the report numbers its tables (the view ids stay in the CSV file names)
    for name in ("Lampiran III", "Tabel 2-4", "Tabel 3-1", "Tabel 3-1 Sasaran", "Tabel 3-31", "Tabel 3-2",
                 "Tabel 3-2 Kegiatan", "Tabel 3-4", "Tabel 4-1"):
        assert name in names
    assert names[:2] == ["Sampul", "Daftar Isi"]
    assert names[-2:] == ["Grafik", "Validasi"]
    assert all(len(n) <= 31 for n in names)
    ws = workbook["Tabel 3-31"]
    assert ws["A1"].value == f"Tabel 3-31 Pagu Dan Realisasi Anggaran {NAMA} Setelah P-APBD Per Program Tahun 2020"
    assert ws["A1"].font.b
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.freeze_panes is not None
    assert ws.print_title_rows
    sumber = [c.value for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("Sumber:")]
    assert sumber and "SIMDA Keuangan" in sumber[0]


def test_lampiran_3_multirow_header(workbook):
    ws = workbook["Lampiran III"]
    assert ws["G4"].value == "Realisasi Kinerja dan Anggaran"
    assert [ws.cell(5, c).value for c in (7, 9, 11, 13)] == ["Triwulan I", "Triwulan II", "Triwulan III", "Triwulan IV"]
    assert [ws.cell(6, c).value for c in range(7, 15)] == ["K", "Rp"] * 4
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "G4:N4" in merged and "G5:H5" in merged
    assert "A4:A6" in merged  # a single-level header spans the header rows
    assert ws.freeze_panes == "A8"


def test_jumlah_totals_bold_and_formats(workbook):
    ws = workbook["Lampiran III"]
    row = _find_row(ws, 2, "JUMLAH")
    pagu, rp = _header_col(ws, "Pagu (Rp)"), _header_col(ws, "Rp", rows=[5])
    assert ws.cell(row, pagu).value == 66023815630
    assert ws.cell(row, rp).value == 57395091366
    assert ws.cell(row, pagu).number_format == "#,##0"
    assert ws.cell(row, pagu).font.b and ws.cell(row, 2).font.b
    cap_rp = 18  # Capaian (%) / Rp
    assert ws.cell(4, 17).value == "Capaian (%)" and ws.cell(5, cap_rp).value == "Rp"
    assert ws.cell(row, cap_rp).number_format == "#,##0.00"
    prog = _find_row(ws, 2, "Program Pelayanan Administrasi Perkantoran")
    assert round(ws.cell(prog, cap_rp).value, 2) == 73.53
    assert ws.cell(prog, 2).font.b
    # indentation by level: an indicator row is indented, a program row is not
    keg = _find_row(ws, 2, "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik")
    assert ws.cell(keg, 2).alignment.indent >= 1 and not ws.cell(prog, 2).alignment.indent

    t31 = workbook["Tabel 3-31"]
    total = _find_row(t31, 2, "JUMLAH")  # the view says TOTAL; readers see the report's one word
    assert [t31.cell(total, c).value for c in (3, 4)] == [66023815630, 57395091366]
    assert t31.cell(total, 5).number_format == "#,##0.00"
    assert t31.cell(total, 2).font.b


def test_percentage_cells_keep_full_precision(workbook):
    ws = workbook["Tabel 3-1"]
    col = _header_col(ws, "Capaian (%)", rows=[4])
    values = [ws.cell(r, col).value for r in range(6, 11)]
    assert round(values[4], 2) == 66.67 and values[4] != 66.67
    assert all(ws.cell(r, col).number_format == "#,##0.00" for r in range(6, 11))


def test_validasi_sheet_lists_warnings(workbook):
    ws = workbook["Validasi"]
    texts = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Target 0: capaian dihitung 0 %" in texts
    assert "Peringatan" in texts and "=1+2" in texts


def test_no_formula_cells_anywhere(workbook):
    found = []
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value!r}"
                if c.value in (FORMULA_TEXT, FORMULA_AKIP):
                    found.append((ws.title, c.data_type, c.quotePrefix))
    assert ("Lampiran III", "s", True) in found
    assert ("Tabel 3-6", "s", True) in found


def test_grafik_sheet_has_images(workbook):
    assert len(workbook["Grafik"]._images) >= 4


# ---- CSV ----------------------------------------------------------------------------------------------

def test_csv_bom_separator_and_neutralised(skpd_dir):
    raw = (skpd_dir / "csv" / "lampiran_3.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 300
    assert {"tahun", "kode_skpd", "s_d_triwulan", "level", "rp_realisasi"} <= set(rows[0])
    jumlah = [r for r in rows if r["uraian"] == "JUMLAH"][0]
    assert jumlah["pagu"] == "66023815630" and jumlah["rp_realisasi"] == "57395091366"
    assert "'" + FORMULA_TEXT in [r["uraian"] for r in rows]
    for path in (skpd_dir / "csv").glob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=";"):
            for cell in row:
                assert not cell.startswith(("=", "+", "@")), (path.name, cell)
    akip = (skpd_dir / "csv" / "tabel_3_akip.csv").read_text(encoding="utf-8-sig")
    assert "'" + FORMULA_AKIP in akip
    renstra = list(csv.DictReader(io.StringIO((skpd_dir / "csv" / "tabel_3_renstra.csv").read_text("utf-8-sig")),
                                  delimiter=";"))
    assert "realisasi_lalu_2019" in renstra[0]  # a MAP column flattened per key


# ---- charts -------------------------------------------------------------------------------------------

def test_charts_are_real_pngs(skpd_dir):
    import matplotlib.image as mpimg

    charts = skpd_dir / "charts"
    names = {p.name for p in charts.glob("*.png")}
    assert {"kurva_s_skpd.png", "serapan_program.png", "capaian_iku.png", "tren_iku.png"} <= names
    assert "kurva_s_program_4.01.4.01.03.01.png" in names
    assert "kurva_s_program_4.01.4.01.03.05.png" not in names  # pagu 0: no curve
    for p in charts.glob("*.png"):
        assert p.stat().st_size > 5_000, p.name
        img = mpimg.imread(p)
        assert img.shape[0] > 200 and img.shape[1] > 400
        assert img.std() > 0.01  # not a blank canvas


# ---- HTML ---------------------------------------------------------------------------------------------

def test_html_self_contained_with_key_figures(skpd_dir):
    html = (skpd_dir / f"laporan_{KODE}_{TAHUN}.html").read_text(encoding="utf-8")
    for figure in ("133,10", "57.395.091.366", "66.023.815.630", "Rp57.395.091.366,-", "65,52"):
        assert figure in html, figure
    assert '<td class="num">66,67</td>' in html  # under "Capaian (%)": the % is in the header only
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html, re.I)
    assert "@import" not in html and "<link" not in html and "<script" not in html
    assert html.count('src="data:image/png;base64,') >= 4
    assert 'name="viewport"' in html
    for tid in ("lampiran_3", "tabel_3_31", "tabel_3_1"):
        assert f'href="#{tid}"' in html and f'id="{tid}"' in html
    assert FORMULA_TEXT.replace('"', "&#34;") in html  # escaped text, not markup


@pytest.mark.timeout(90)
def test_html_renders_in_headless_chromium(skpd_dir, tmp_path):
    from browser import chromium_or_skip

    browser = chromium_or_skip()  # skipped with the reason without Chromium; CI requires it
    page = skpd_dir / f"laporan_{KODE}_{TAHUN}.html"
    res = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=80,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    dom = res.stdout
    assert "133,10" in dom and "57.395.091.366" in dom
    assert "tidak tercapai" in dom and "Lampiran III Realisasi Fisik dan Keuangan" in dom


# ---- narrative ----------------------------------------------------------------------------------------

def _iku(narrative, no: int) -> str:
    return " ".join(next(i for i in narrative["iku"] if i["no"] == no)["paragraf"])


def test_narrative_numbers_and_verdicts(narrative):
    iku5 = _iku(narrative, 5)
    assert "66,67 persen" in iku5 and "tidak tercapai" in iku5
    assert "predikat B (Baik)" in iku5
    iku2 = _iku(narrative, 2)
    assert "terlampaui" in iku2 and "tidak tercapai" not in iku2
    assert "38 persen" in iku2 and "65,52 persen" in iku2 and "172,42 persen" in iku2
    assert "tahun 2019" in iku2 and "menurun dari 65,74 persen" in iku2
    assert "target akhir Renstra tahun 2023 sebesar 40 persen" in iku2
    iku1 = _iku(narrative, 1)
    assert "Target IKU ini tercapai".lower() in iku1.lower()
    assert "Rp131.194.000,-" in iku1 and "Rp50.613.440,-" in iku1 and "38,58 persen" in iku1
    assert "61,42 persen" in iku1 and "kategori efisien" in iku1 and "10 kegiatan" in iku1
    iku3 = _iku(narrative, 3)
    assert "83,37" in iku3 and "104,21 persen" in iku3
    ikhtisar = " ".join(narrative["ikhtisar"])
    assert "133,10 persen" in ikhtisar and "predikat AA (Sangat Memuaskan)" in ikhtisar
    assert "3 IKU terlampaui, 1 IKU tercapai dan 1 IKU tidak tercapai" in ikhtisar
    assert "Rp66.023.815.630,-" in ikhtisar and "Rp57.395.091.366,-" in ikhtisar and "86,93 persen" in ikhtisar


def test_narrative_template_can_be_overridden(warehouse, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "narasi_iku.txt.j2").write_text(
        "IKU {{ iku.no }} capaian {{ iku.capaian_pct|persen }}: {{ iku.status }}.\n", encoding="utf-8")
    cfg = load_config(workspace=tmp_path)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        unit = load_unit(con, TAHUN, KODE, cfg)
    finally:
        con.close()
    out = render_narrative(unit, cfg)
    assert out["iku"][4]["paragraf"] == ["IKU 5 capaian 66,67 persen: tidak tercapai."]


def test_docx_bab_iii(skpd_dir):
    doc = Document(str(skpd_dir / f"BAB_III_{KODE}_{TAHUN}.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BAB III" in text and "AKUNTABILITAS KINERJA" in text
    assert "IKU 5: Persentase BUMD Dalam Kondisi Sehat" in text
    assert "66,67 persen" in text and "tidak tercapai" in text and "terlampaui" in text
    assert "Rp57.395.091.366,-" in text
    assert len(doc.inline_shapes) >= 3
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "57.395.091.366" in cells and "66,67" in cells


def test_single_view_shapes_long_renstra_and_peringatan(tmp_path, config):
    """The shapes the SQL views use: `baris` rows in one view, long renstra, laporan.peringatan."""
    from lkip.publish.layout import display_columns
    from lkip.publish.narrative import iku_facts, ringkasan

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema laporan")
    con.execute("""create table laporan.tabel_3_1 as select * from (values
        (2, 'iku', 2, 'S1', 'IKU dua', 'Persen', 100.0, 50.0, 50.0, null::double),
        (1, 'iku', 1, 'S1', 'IKU satu', 'Persen', 10.0, 20.0, 200.0, null),
        (3, 'sasaran', null, 'S1', null, null, null, null, null, 125.0),
        (4, 'rata_rata', null, null, null, null, null, null, null, 125.0)
      ) t(urutan, baris, no, sasaran, indikator, satuan, target, realisasi, capaian_pct, rata_rata_capaian_pct)""")
    con.execute("alter table laporan.tabel_3_1 add column tahun integer default 2020")
    con.execute("alter table laporan.tabel_3_1 add column kode_skpd varchar default '9.99'")
    con.execute("""create table laporan.tabel_3_renstra as select 2020 tahun, '9.99' kode_skpd, * from (values
        (1, 1, 'IKU satu', 2018, 5.0, 10.0, 2023, 30.0), (2, 1, 'IKU satu', 2019, 8.0, 10.0, 2023, 30.0)
      ) t(urutan, no, indikator, tahun_lalu, realisasi_lalu, target_tahun_ini, tahun_akhir_renstra,
          target_akhir_renstra)""")
    con.execute("""create table laporan.tabel_3_efisiensi as select 2020 tahun, '9.99' kode_skpd, * from (values
        (1, 'iku', 1, 'IKU satu', null, 1000::decimal(18,2), 500::decimal(18,2), 50.0, 200.0, 150.0, 'efisien'),
        (2, 'kegiatan', 1, null, 'Kegiatan A', 1000, 500, 50.0, null, null, null)
      ) t(urutan, baris, no, indikator, kegiatan, pagu, realisasi, serapan_pct, capaian_pct, efisiensi_pct,
          kategori_efisiensi)""")
    con.execute("""create table laporan.peringatan as select 2020 tahun, '9.99' kode_skpd, 'tabel_3_1' tabel,
        '1' kode, 'IKU satu' indikator, 'Target nol' pesan""")
    unit = load_unit(con, 2020, "9.99", config)
    con.close()
    assert "peringatan" not in unit.tables
    assert unit.issues[-1]["pesan"] == "Target nol" and unit.issues[-1]["sheet"] == "tabel_3_1"
    assert [r["no"] for r in unit.tables["tabel_3_1"].rows][:2] == [1, 2]  # ordered by urutan
    assert "baris" not in display_columns(unit.tables["tabel_3_1"])
    assert "urutan" not in display_columns(unit.tables["tabel_3_1"])
    facts = iku_facts(unit, config)
    assert [f["no"] for f in facts] == [1, 2]
    assert facts[0]["realisasi_lalu"] == [(2018, 5.0), (2019, 8.0)] and facts[0]["tren"] == "meningkat"
    assert facts[0]["anggaran"]["jumlah_kegiatan"] == 1 and facts[0]["status"] == "terlampaui"
    assert facts[1]["status"] == "tidak tercapai"
    assert ringkasan(unit, facts, config)["rata_rata_capaian_pct"] == 125.0
