"""html.table_rows inside a memo.unit_scope: the HTML page and the docx share one layout of a table
(worked out once), each gets a dict of its own, and the result equals the one worked out anew."""

from __future__ import annotations

from decimal import Decimal

import lkip.publish.html as html
from lkip.publish import memo
from lkip.publish.data import Table, UnitData


def _unit() -> UnitData:
    rows = [{"kode": f"1.{i}", "program": f"Program {i}", "pagu": Decimal(i * 1000), "realisasi": Decimal(i * 900),
             "persen": 90.0} for i in range(1, 6)]
    rows.append({"kode": "", "program": "JUMLAH", "pagu": Decimal(15000), "realisasi": Decimal(13500), "persen": 90.0})
    return UnitData(2020, "1.01.01", "Dinas Uji", 4, {"tabel_3_31": Table("tabel_3_31", list(rows[0]), rows)})


def test_one_layout_per_table_in_a_scope(monkeypatch):
    unit = _unit()
    t = unit.tables["tabel_3_31"]
    fresh = html.table_rows(t, unit)
    calls = []
    real = html._table_rows
    monkeypatch.setattr(html, "_table_rows", lambda *a: calls.append(a[2]) or real(*a))
    with memo.unit_scope():
        page = html.page_table(t, unit)   # the HTML first, then the docx's view
        view = html.table_view(t, unit)
        again = html.table_view(t, unit)
        subset = html.table_view(t, unit, ["program", "pagu"])
    assert calls == [None, ["program", "pagu"]]  # one layout per set of columns
    assert "rows" not in page and "rows" not in view and view is not again
    assert view["body"] == again["body"] == list(page["body"]) == list(html.BodyRows(fresh["rows"]))
    assert view["head"] == fresh["head"] and view["title"] == fresh["title"] and subset["ncols"] == 2
    with memo.unit_scope():  # a new scope: worked out again
        html.table_view(t, unit)
    assert len(calls) == 3
