"""layout.row_style: the emphasis of each row as the per-row set of upper-cased texts gave it, inside
a memo.unit_scope (all of a table's rows worked out at once) and outside one."""

from __future__ import annotations

from decimal import Decimal

from lkip.publish import memo
from lkip.publish.data import Table
from lkip.publish.layout import CHILD_LEVELS, INDENT, TOTAL_WORDS, _has_children, row_style

COLS = ("uraian", "program", "kode", "indikator", "sasaran", "nama", "unit", "perangkat_daerah")


def reference(table: Table, row: dict) -> tuple[bool, int, str]:
    """row_style before it stopped at the first text saying a total (the rule as first written)."""
    level = str(row.get("level") or row.get("baris") or "").lower()
    texts = {str(row.get(c) or "").strip().upper() for c in COLS}
    if level in ("jumlah", "total", "rata_rata", "rata-rata", "rekap") or texts & TOTAL_WORDS:
        return True, 0, "total"
    if level in CHILD_LEVELS and _has_children(table, level):
        return True, 0, "program"
    return False, INDENT.get(level, 0), ""


VALUES = [None, "", "  ", 0, 1, Decimal("0"), Decimal("12.5"), False, True, " jumlah ", "Total", "TOTAL SKPD",
          "rata-rata", "Rata Rata\n", "Jumlah/Rata-rata", "JUMLAHAN", "Program A", "jumlah skpd", "x total"]
LEVELS = [None, "", "program", "kegiatan", "sub_kegiatan", "JUMLAH", "Rata_Rata", "rekap", "iku", "indikator",
          "rekening", "tujuan", "sasaran", 3]


def _table(with_children: bool) -> Table:
    rows = []
    for i in range(len(VALUES) * len(COLS)):
        level = LEVELS[i % len(LEVELS)]
        if not with_children and level in ("kegiatan", "sub_kegiatan", "indikator", "rekening"):
            level = "program"
        key = "baris" if i % 5 == 0 else "level"
        row = {key: level, "pagu": Decimal(i)}
        row[COLS[i % len(COLS)]] = VALUES[i % len(VALUES)]
        row[COLS[(i * 3 + 1) % len(COLS)]] = VALUES[(i * 7) % len(VALUES)]
        rows.append(row)
    return Table("lampiran_3", ["level", "baris", *COLS, "pagu"], rows)


def test_same_emphasis_inside_and_outside_a_scope():
    for with_children in (True, False):
        t = _table(with_children)
        want = [reference(t, r) for r in t.rows]
        assert {w[2] for w in want} == ({"total", "program", ""} if with_children else {"total", ""})
        assert [row_style(t, r) for r in t.rows] == want
        with memo.unit_scope():
            assert [row_style(t, r) for r in reversed(t.rows)] == want[::-1]
            assert [row_style(t, r) for r in t.rows] == want
            stranger = {"level": "jumlah"}  # a row not held by the table: worked out on its own
            assert row_style(t, stranger) == (True, 0, "total")
