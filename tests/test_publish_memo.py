"""memo.unit_scope: the workbook, HTML and docx of a unit share each table's layout, and nothing
is kept outside a unit's publish (a table changed between two publishes is laid out again)."""

from __future__ import annotations

from decimal import Decimal

from lkip.publish import memo
from lkip.publish.data import Table
from lkip.publish.layout import column_kind, display_columns, display_rows, row_style


def _table() -> Table:
    rows = [{"kode": "1.01", "program": "Program A", "level": "program", "pagu": Decimal("1000.00")},
            {"kode": "1.01.01", "program": "Kegiatan A1", "level": "kegiatan", "pagu": Decimal("600.50")},
            {"kode": "", "program": "JUMLAH", "level": "jumlah", "pagu": Decimal("1600.50")}]
    return Table("tabel_3_31", ["kode", "program", "level", "pagu"], rows)


def _layout(t: Table):
    cols = display_columns(t)
    kinds = {c: column_kind(t, c) for c in cols}
    return kinds, display_rows(t, cols, kinds), [row_style(t, r) for r in t.rows]


def test_inside_a_scope_the_layout_is_worked_out_once():
    t = _table()
    with memo.unit_scope():
        kinds1, rows1, styles1 = _layout(t)
        with memo.unit_scope():  # publish_unit -> publish_workbook: one store
            kinds2, rows2, styles2 = _layout(t)
        assert rows2 is rows1 and kinds2 == kinds1 and styles2 == styles1
        assert memo.active()
    assert not memo.active()
    assert kinds1["pagu"].kind == "money" and kinds1["pagu"].decimals == 2
    assert [s[2] for s in styles1] == ["program", "", "total"]


def test_outside_a_scope_a_changed_table_is_laid_out_again():
    t = _table()
    with memo.unit_scope():
        _, before, _ = _layout(t)
    t.rows[1]["pagu"] = Decimal("600")
    t.rows[2]["program"] = "Total"
    t.rows[2]["pagu"] = Decimal("1600")
    kinds, after, styles = _layout(t)
    assert after is not before
    assert kinds["pagu"].decimals == 0  # no fraction left
    assert after[1][1]["pagu"] == Decimal("600")
    with memo.unit_scope():
        assert _layout(t)[1] is not before


def test_same_layout_with_and_without_the_scope():
    t = _table()
    plain = _layout(t)
    with memo.unit_scope():
        kept = _layout(t)
    assert plain == kept
