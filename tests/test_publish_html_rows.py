"""The page's table rows written by lkip (html_rows.py) are what the template's own loop printed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from lkip.config import load_config
from lkip.publish.data import Table, UnitData
from lkip.publish.html import render_html

BUNDLED = Path(__file__).resolve().parents[1] / "lkip" / "templates" / "laporan.html.j2"
# the bundled template's loop before body_html: a workspace template may still loop over t.body
LOOP = """    <tbody>
    {% for r in t.body %}<tr{% if r['cls'] %} class="{{ r['cls'] }}"{% endif %}>{% for c in r['cells'] %}<td{% if c['cls'] %} class="{{ c['cls'] }}"{% endif %}>{{ c['text'] }}</td>{% endfor %}</tr>
    {% else %}<tr><td colspan="{{ t.ncols or 1 }}">Tidak ada data.</td></tr>
    {% endfor %}
    </tbody>"""
FAST = """    <tbody>
{{ t.body_html }}    </tbody>"""


def _unit() -> UnitData:
    cols = ["tahun", "kode_skpd", "level", "kode", "uraian", "pagu", "realisasi", "persen", "keterangan"]
    rows = [
        {"level": "program", "kode": "1.01", "uraian": 'Program <b>"A"</b> & \'B\'', "pagu": Decimal("1000000.50"),
         "realisasi": Decimal("900000"), "persen": 90.0, "keterangan": "<script>alert(1)</script>"},
        {"level": "kegiatan", "kode": "1.01.01", "uraian": "Kegiatan =SUM(A1)", "pagu": Decimal("1000000.50"),
         "realisasi": None, "persen": None, "keterangan": "&amp; sudah"},
        {"level": "sub_kegiatan", "kode": "1.01.01.1", "uraian": "Sub {{ 7*7 }} {% raw %}", "pagu": Decimal("0"),
         "realisasi": Decimal("-5"), "persen": 100.005, "keterangan": ""},
        {"level": "jumlah", "kode": None, "uraian": "TOTAL", "pagu": Decimal("2000001"), "realisasi": Decimal("1"),
         "persen": 0.0, "keterangan": None},
    ]
    for r in rows:
        r.update(tahun=2020, kode_skpd="4.01.03")
    tables = {"tabel_3_31": Table("tabel_3_31", cols, rows),
              "tabel_3_30": Table("tabel_3_30", ["tahun", "kode_skpd", "uraian"], [])}
    return UnitData(2020, "4.01.03", "Dinas <Uji> & Coba", 4, tables, [])


def test_rows_written_by_lkip_equal_the_template_loop(tmp_path):
    bundled = BUNDLED.read_text(encoding="utf-8")
    assert FAST in bundled
    unit = _unit()
    fast = render_html(unit, {"ikhtisar": [], "iku": [], "anggaran": []}, [], load_config(workspace=tmp_path))

    ws = tmp_path / "ws"
    (ws / "templates").mkdir(parents=True)
    (ws / "templates" / "laporan.html.j2").write_text(bundled.replace(FAST, LOOP), encoding="utf-8")
    looped = render_html(unit, {"ikhtisar": [], "iku": [], "anggaran": []}, [], load_config(workspace=ws))

    assert fast == looped
    assert "&lt;script&gt;" in fast and "<script>alert" not in fast  # escaped in both
    assert "&amp;amp; sudah" in fast and "&#34;A&#34;" in fast and "&#39;B&#39;" in fast
    assert "Sub {{ 7*7 }} {% raw %}" in fast  # data is never template code
    assert 'class="num"' in fast and "ind2" in fast and "Tidak ada data." in fast
