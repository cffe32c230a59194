"""What readers see: no internal names, tables numbered as the report, a BAB III draft that is complete
as a document, CSVs that open in columns with Indonesian regional settings.

The warehouse here has the shapes the SQL views give (`baris`/`level` row kinds, `TOTAL` rows, the
reconciliation columns, `laporan.peringatan`), built by the test itself.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn

from lkip.config import load_config
from lkip.publish import charts as charts_mod
from lkip.publish import publish_all
from lkip.publish.csv_out import csv_options
from lkip.publish.labels import collapse_repeats, judul_laporan, sheet_name, table_title

KODE, TAHUN, NAMA = "9.01.01", 2020, "Dinas Contoh"
# what must never reach a reader: view ids, schema names, raw row kinds, raw column names
INTERNAL = re.compile(r"\b(?:tabel_\d\w*|lampiran_3|laporan\.\w+|rata_rata|selisih_\w+|rekonsiliasi)\b")
RAW_KINDS = {"unit", "rata_rata", "rekap", "opd", "bumd", "iku", "jumlah", "total", "kegiatan", "program"}
RAW_HEADERS = {"Lra", "Sp2d", "Selisih lra sp2d", "Selisih lra form", "Selisih sp2d form", "Baris"}


def _build(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema laporan")
    lineage = f"{TAHUN} tahun, '{KODE}' kode_skpd, 4 s_d_triwulan"
    con.execute(f"""create table laporan.tabel_3_1 as select {lineage}, * from (values
        (1, 'iku', 1, 'Sasaran A', 'IKU satu', 'Persen', 100.0, 100.0, 100.0::double, 'AA', 'Sangat Memuaskan', null::int, null::double),
        (2, 'iku', 2, 'Sasaran A', 'IKU dua', 'Persen', 50.0, 20.0, 40.0, 'C', 'Kurang', null, null),
        (3, 'sasaran', null, 'Sasaran A', null, null, null, null, null, 'BB', 'Sangat Baik', 2, 70.0),
        (4, 'rata_rata', null, null, null, null, null, null, null, 'BB', 'Sangat Baik', 2, 70.0)
      ) t(urutan, baris, no, sasaran, indikator, satuan, target, realisasi, capaian_pct, predikat, predikat_label,
          jumlah_iku, rata_rata_capaian_pct)""")
    con.execute(f"""create table laporan.tabel_3_skm as select {lineage}, * from (values
        (1, 'unit', 'Tata Usaha', 84.41, 'B', 'Baik', null::double),
        (2, 'unit', 'Hukum', 79.33, 'B', 'Baik', null),
        (3, 'rata_rata', null, 81.87, 'B', 'Baik', 81.87)
      ) t(urutan, baris, unit, ikm, mutu, kinerja, rata_rata)""")
    con.execute(f"""create table laporan.tabel_3_akip as select {lineage}, * from (values
        (1, 'opd', 'SETDA', 79.66, 'BB', true, null::int, null::int, null::double),
        (2, 'rekap', null, null, null, null, 1, 1, 100.0)
      ) t(urutan, baris, perangkat_daerah, nilai, kategori, b_ke_atas, jumlah_opd, jumlah_b_ke_atas,
          persen_b_ke_atas)""")
    con.execute(f"""create table laporan.tabel_3_31 as select {lineage}, * from (values
        (1, 'program', '9.01.01.01', 'Program Berpagu', 1000000::decimal(18,2), 900000::decimal(18,2), 90.0),
        (2, 'program', '9.01.01.02', 'Program Tanpa Pagu', 0, 0, 0.0),
        (3, 'jumlah', null, 'TOTAL', 1000000, 900000, 90.0)
      ) t(urutan, level, kode, program, pagu, realisasi, persen)""")
    con.execute(f"""create table laporan.tabel_3_30 as select {lineage}, * from (values
        (1, 'program', '9.01.01.01', 'Program Berpagu', 1200000::decimal(18,2), 1000000::decimal(18,2)),
        (2, 'program', '9.01.01.02', 'Program Tanpa Pagu', 0, 0),
        (3, 'jumlah', null, 'TOTAL', 1200000, 1000000)
      ) t(urutan, level, kode, program, pagu_murni, pagu_perubahan)""")
    con.execute(f"""create table laporan.rekonsiliasi as select {lineage}, * from (values
        (1, 'kegiatan', '9.01.01.01.01', 'Kegiatan A', 4, 900000.50::decimal(18,2), 900000.50::decimal(18,2),
         900000.50::decimal(18,2), 0::decimal(18,2), 0::decimal(18,2), 0::decimal(18,2)),
        (2, 'skpd', null, 'TOTAL SKPD', 4, 900000.50, 900000.50, 900000.50, 0, 0, 0)
      ) t(urutan, level, kode_kegiatan, uraian, triwulan, lra, sp2d, form, selisih_lra_sp2d, selisih_lra_form,
          selisih_sp2d_form)""")
    con.execute(f"""create table laporan.lampiran_3 as select {lineage}, * from (values
        (1, 'program', '9.01.01.01', 'Program Berpagu', null, 1000000::decimal(18,2), 900000::decimal(18,2),
         80.0, 90.0),
        (2, 'jumlah', null, 'JUMLAH', null, 1000000, 900000, 80.0, 90.0)
      ) t(urutan, level, kode, uraian, indikator, pagu, rp_realisasi, capaian_k_pct, capaian_rp_pct)""")
    con.execute(f"""create table laporan.peringatan as select {TAHUN} tahun, '{KODE}' kode_skpd,
        'lampiran_3' tabel, '9.01.01.01.01' kode, 'Indikator A' indikator,
        'Target indikator kegiatan nol atau kosong: capaian dihitung 0 %' pesan""")
    # the city, consolidated: its name in config already starts with "Pemerintah"
    con.execute("""insert into laporan.tabel_3_31 select tahun, 'KOTA', s_d_triwulan, urutan, level, kode, program,
        pagu, realisasi, persen from laporan.tabel_3_31""")
    con.execute("""insert into laporan.lampiran_3 select tahun, 'KOTA', s_d_triwulan, urutan, level, kode, uraian,
        indikator, pagu, rp_realisasi, capaian_k_pct, capaian_rp_pct from laporan.lampiran_3""")
    con.close()
    return path


def _config(tmp: Path, **publish):
    return load_config(workspace=tmp, overrides={"skpd": {KODE: NAMA},
                                                 "publish": {"nama_kota": "Pemerintah Kota Contoh", **publish}})


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("labels")
    wh = _build(tmp / "lkip.duckdb")
    con = duckdb.connect(str(wh), read_only=True)
    try:
        publish_all(con, tmp / "output", _config(tmp))
    finally:
        con.close()
    return tmp / "output" / str(TAHUN)


@pytest.fixture(scope="module")
def wb(out):
    return openpyxl.load_workbook(out / KODE / f"LKIP_{KODE}_{TAHUN}.xlsx")


def _cells(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


# ---- the label map -------------------------------------------------------------------------------------

def test_label_map_numbers_titles_and_sheet_names():
    used: set[str] = set()
    assert sheet_name("tabel_3_30", used) == "Tabel 3-30"
    assert sheet_name("tabel_3_efisiensi", used) == "Tabel 3-2"
    assert sheet_name("tabel_3_1_sasaran", used) == "Tabel 3-1 Sasaran"
    assert sheet_name("lampiran_3", used) == "Lampiran III"
    assert sheet_name("tabel_3_30", used) == "Tabel 3-30 (2)"  # unique, case-insensitively
    assert sheet_name("view_baru_dengan_nama_yang_sangat_panjang_sekali", used).startswith("View baru")
    assert all(len(n) <= 31 for n in used)
    assert table_title("tabel_3_skm", "Dinas X", "Tahun 2020").startswith("Tabel 3-5 Hasil Perhitungan")
    assert collapse_repeats("Instansi Pemerintah Pemerintah Pemerintah Kota Bekasi") == "Instansi Pemerintah Kota Bekasi"
    assert judul_laporan("Pemerintah Kota Bekasi", "Tahun 2020") == \
        "Laporan Kinerja Instansi Pemerintah Kota Bekasi Tahun 2020"
    assert judul_laporan("Sekretariat Daerah", "Tahun 2020") == \
        "Laporan Kinerja Instansi Pemerintah Sekretariat Daerah Tahun 2020"


# ---- workbook ------------------------------------------------------------------------------------------

def test_workbook_sheets_are_table_numbers_with_cover_and_contents(wb):
    names = wb.sheetnames
    assert names[:2] == ["Sampul", "Daftar Isi"] and names[-1] == "Validasi"
    assert {"Tabel 3-1", "Tabel 3-5", "Tabel 3-6", "Tabel 3-30", "Tabel 3-31", "Lampiran III"} <= set(names)
    assert not [n for n in names if INTERNAL.search(n) or "_" in n]
    cover = _cells(wb["Sampul"])
    assert "LAPORAN KINERJA INSTANSI PEMERINTAH" in cover and NAMA.upper() in cover and "TAHUN 2020" in cover
    toc = wb["Daftar Isi"]
    links = {c.value: c.hyperlink.location for row in toc.iter_rows(min_row=4) for c in row if c.hyperlink}
    table_sheets = [n for n in names if n not in ("Sampul", "Daftar Isi")]
    assert set(links) == set(table_sheets)  # every sheet listed, each linked to itself
    assert all(loc == f"'{name}'!A1" for name, loc in links.items())
    titles = [toc.cell(r, 2).value for r in range(4, toc.max_row + 1)]
    assert f"Tabel 3-30 Pagu Anggaran {NAMA} Per Program Tahun 2020" in titles
    assert wb.properties.creator == NAMA and "python" not in (wb.properties.creator or "").lower()
    assert wb.properties.title == f"Laporan Kinerja Instansi Pemerintah {NAMA} Tahun 2020"


def test_no_internal_names_in_visible_cells(wb):
    for ws in wb.worksheets:
        for text in _cells(ws):
            assert not INTERNAL.search(text), (ws.title, text)
            assert text not in RAW_KINDS, (ws.title, text)
            if ws.title != "Validasi":  # there "Baris" is the row of the officer's file
                assert text not in RAW_HEADERS, (ws.title, text)
            assert not text.upper().startswith("TOTAL"), (ws.title, text)  # one word for totals: JUMLAH


def test_row_kinds_headers_and_totals_read_as_the_report(wb):
    skm = wb["Tabel 3-5"]
    assert [skm.cell(4, c).value for c in range(1, 3)] == ["Unit Kerja", "Nilai IKM"]  # no "Baris" column
    assert "Rata-rata" in _cells(skm)
    assert skm.cell(_row(skm, "Rata-rata"), 1).font.b
    akip = wb["Tabel 3-6"]
    assert akip.cell(_row(akip, "Rekapitulasi"), 5).value == 1  # jumlah_opd on the labelled summary row
    t31 = wb["Tabel 3-1"]
    assert t31.cell(_row(t31, "Rata-rata"), 2).value == "Rata-rata"  # the overall mean row says what it is
    rek = wb["Rekonsiliasi Realisasi"]
    heads = [rek.cell(4, c).value for c in range(1, rek.max_column + 1)]
    assert {"LRA", "SP2D", "Selisih LRA – SP2D", "Selisih LRA – Form", "Selisih SP2D – Form"} <= set(heads)
    assert "JUMLAH SKPD" in _cells(rek)
    t30 = wb["Tabel 3-30"]
    row = _row(t30, "JUMLAH")
    assert [t30.cell(row, 3).value, t30.cell(row, 4).value] == [1200000, 1000000]  # numbers untouched
    assert t30.cell(row, 2).font.b and not t30.cell(_row(t30, "Program Berpagu"), 2).font.b  # programs only: plain


def _row(ws, text: str) -> int:
    for row in ws.iter_rows():
        for c in row:
            if c.value == text:
                return c.row
    raise AssertionError(f"{text!r} not in {ws.title}")


def test_validasi_names_the_table_not_the_view(wb, out):
    for ws in (wb["Validasi"], openpyxl.load_workbook(out / KODE / "validasi.xlsx")["Validasi"]):
        cells = _cells(ws)
        assert "Perhitungan laporan" in cells and "Lampiran III" in cells and "Kode 9.01.01.01.01" in cells
        assert not [t for t in cells if "laporan." in t or t == "lampiran_3"]


def test_city_title_says_pemerintah_once(out):
    html = (out / "kota" / f"laporan_KOTA_{TAHUN}.html").read_text(encoding="utf-8")
    assert "<title>Laporan Kinerja Instansi Pemerintah Kota Contoh Tahun 2020</title>" in html
    kota_wb = openpyxl.load_workbook(out / "kota" / f"LKIP_KOTA_{TAHUN}.xlsx")
    texts = [t for ws in kota_wb.worksheets for t in _cells(ws)] + [kota_wb.properties.title]
    doc = Document(str(out / "kota" / f"BAB_III_KOTA_{TAHUN}.docx"))
    texts += [p.text for p in doc.paragraphs] + [doc.core_properties.title]
    for text in texts + [html]:
        assert not re.search(r"Pemerintah\s+Pemerintah", text, re.I), text[:200]


# ---- HTML --------------------------------------------------------------------------------------------

def test_html_percent_sign_once_and_readable_names(out):
    html = (out / KODE / f"laporan_{KODE}_{TAHUN}.html").read_text(encoding="utf-8")
    assert "<th>Capaian (%)</th>" in html or ">Capaian (%)<" in html
    assert not re.search(r"<td[^>]*>[\d.,]+ %</td>", html)  # the header says (%) once
    assert '<td class="num">100,00</td>' in html
    body = re.sub(r'(?:id|href)="[^"]*"', "", html)  # anchors keep the stable ids
    assert not INTERNAL.search(body), INTERNAL.search(body)
    assert ">TOTAL<" not in html and ">JUMLAH<" in html
    assert "Perhitungan laporan" in html and "laporan.peringatan" not in html


# ---- charts ------------------------------------------------------------------------------------------

def test_zero_pagu_program_is_marked_not_charted_as_zero(tmp_path, monkeypatch):
    seen = {}
    real = charts_mod.serapan_program

    def spy(target, judul, program, persen, total):
        seen.update(program=program, persen=persen)
        return real(target, judul, program, persen, total)

    monkeypatch.setattr(charts_mod, "serapan_program", spy)
    wh = _build(tmp_path / "w.duckdb")
    con = duckdb.connect(str(wh), read_only=True)
    try:
        publish_all(con, tmp_path / "o", _config(tmp_path), kode_skpd=KODE)
    finally:
        con.close()
    assert seen["program"] == ["Program Berpagu", "Program Tanpa Pagu"]
    assert seen["persen"] == [90.0, None]  # no 0,00 % bar: marked "tanpa pagu"
    assert (tmp_path / "o" / str(TAHUN) / KODE / "charts" / "serapan_program.png").stat().st_size > 5000
    assert charts_mod.TANPA_PAGU == "tanpa pagu"


# ---- BAB III docx ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def doc(out):
    return Document(str(out / KODE / f"BAB_III_{KODE}_{TAHUN}.docx"))


def test_docx_every_caption_has_its_table(doc):
    captions = [p._p for p in doc.paragraphs if p.style.name == "Caption" and p.text.startswith("Tabel ")]
    names = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in captions]
    assert [n.split(" ")[1] for n in names] == ["3-1", "3-5", "3-6", "3-30", "3-31"]  # every BAB III table
    for p in captions:  # the caption is right above its table
        assert p.getnext().tag == qn("w:tbl"), "caption without a table"
    t31 = doc.tables[0]
    texts = [c.text for row in t31.rows for c in row.cells]
    assert "IKU satu" in texts and "IKU dua" in texts and "Rata-rata" in texts and "40,00" in texts
    assert "Capaian (%)" in texts


def test_docx_wide_tables_on_landscape_pages_with_the_same_footer(doc):
    from docx.enum.section import WD_ORIENT

    assert [s.orientation for s in doc.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert all(s.footer.is_linked_to_previous for s in doc.sections[1:])
    landscape = doc.sections[1]
    assert landscape.page_width > landscape.page_height


def test_docx_header_rows_repeat_and_rows_do_not_split(doc):
    for t in doc.tables:
        first = t.rows[0]._tr.trPr
        assert first is not None and first.find(qn("w:tblHeader")) is not None
        body_rows = [r for r in t.rows if r._tr.trPr is None or r._tr.trPr.find(qn("w:tblHeader")) is None]
        assert body_rows and all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in body_rows)


def test_docx_page_numbers_and_figure_numbers(doc, out):
    footer = doc.sections[0].footer._element
    instr = [i.text.strip() for i in footer.iter(qn("w:instrText"))]
    assert instr == ["PAGE", "NUMPAGES"]
    assert "Halaman" in "".join(t.text for t in footer.iter(qn("w:t")))
    figures = [p for p in doc.paragraphs if p.text.startswith("Gambar ")]
    assert [p.text.split(" ")[1] for p in figures] == [f"3.{i}" for i in range(1, len(figures) + 1)]
    assert [p.text for p in figures] == [f"Gambar 3.1 Capaian kinerja per IKU {NAMA}",
                                         f"Gambar 3.2 Serapan anggaran per program {NAMA}"]
    for p in figures:
        assert [i.text.strip() for i in p._p.iter(qn("w:instrText"))] == ["SEQ Gambar \\* ARABIC"]
        prev = p._p.getprevious()
        assert prev is not None and prev.find(f".//{qn('w:drawing')}") is not None  # the picture is above


def test_docx_properties_name_the_skpd(doc, out):
    cp = doc.core_properties
    assert cp.author == NAMA and cp.last_modified_by == NAMA
    assert cp.title == f"BAB III Akuntabilitas Kinerja — Laporan Kinerja Instansi Pemerintah {NAMA} Tahun 2020"
    assert "LKIP" in cp.subject and "Tahun 2020" in cp.subject
    with zipfile.ZipFile(out / KODE / f"BAB_III_{KODE}_{TAHUN}.docx") as z:
        props = z.read("docProps/core.xml").decode()
    assert "python-docx" not in props


# ---- CSV ---------------------------------------------------------------------------------------------

def _read(path: Path, sep: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=sep))


def test_csv_semicolon_and_decimal_comma_by_default_same_values(out, tmp_path):
    rows = _read(out / KODE / "csv" / "rekonsiliasi.csv", ";")
    assert list(rows[0])[:4] == ["tahun", "kode_skpd", "s_d_triwulan", "urutan"]  # ids stay the view's
    assert "selisih_lra_sp2d" in rows[0]
    assert rows[0]["lra"] == "900000,50" and rows[1]["uraian"] == "TOTAL SKPD"  # the view's values
    t1 = _read(out / KODE / "csv" / "tabel_3_1.csv", ";")
    assert [r["capaian_pct"] for r in t1][:2] == ["100,0", "40,0"]
    # the same values as the machine-readable convention, only the decimal mark differs
    wh = _build(tmp_path / "w.duckdb")
    con = duckdb.connect(str(wh), read_only=True)
    try:
        publish_all(con, tmp_path / "o", _config(tmp_path, csv_separator=","), kode_skpd=KODE)
    finally:
        con.close()
    for name in ("rekonsiliasi.csv", "tabel_3_1.csv", "tabel_3_31.csv", "tabel_3_akip.csv"):
        semi = _read(out / KODE / "csv" / name, ";")
        comma = _read(tmp_path / "o" / str(TAHUN) / KODE / "csv" / name, ",")
        assert len(semi) == len(comma) and list(semi[0]) == list(comma[0])
        for a, b in zip(semi, comma):
            for k in a:
                if re.fullmatch(r"-?\d+(?:[.,]\d+)?(?:e-?\d+)?", b[k] or ""):
                    assert Decimal(a[k].replace(",", ".")) == Decimal(b[k]), (name, k)
                else:
                    assert a[k] == b[k], (name, k)


def test_csv_config_is_checked(tmp_path):
    assert csv_options(None) == (";", ",")
    assert csv_options(_config(tmp_path, csv_separator=",")) == (",", ".")
    assert csv_options(_config(tmp_path, csv_separator="tab")) == ("\t", ",")
    with pytest.raises(ValueError, match="csv_separator"):
        csv_options(_config(tmp_path, csv_separator="|"))
    with pytest.raises(ValueError, match="sama dengan"):
        csv_options(_config(tmp_path, csv_separator=",", csv_decimal=","))
