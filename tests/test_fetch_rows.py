"""fetch_rows.fetch_dicts gives what zipping DuckDB's fetchall gives: values, their types and a
Decimal's exponent, for the column types it converts itself and for those it leaves to fetchall."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from lkip.publish import fetch_rows
from lkip.publish.data import _fetch


def _by_fetchall(con, sql, params=None):
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return cols, [dict(zip(cols, row)) for row in cur.fetchall()]


def _same(a, b):
    assert a[0] == b[0]
    assert len(a[1]) == len(b[1])
    for ra, rb in zip(a[1], b[1]):
        assert list(ra) == list(rb)
        for k in ra:
            x, y = ra[k], rb[k]
            assert type(x) is type(y), (k, x, y)
            if isinstance(x, float) and x != x:
                assert y != y
                continue
            assert x == y, (k, x, y)
            if isinstance(x, Decimal):
                assert x.as_tuple() == y.as_tuple(), (k, x, y)


@pytest.fixture()
def con():
    c = duckdb.connect()
    c.execute("""
        CREATE TABLE t AS SELECT * FROM (VALUES
          (2020, 'KOTA', 1::TINYINT, 7::SMALLINT, 9000000000::BIGINT, 46783014047.00::DECIMAL(18,2),
           -0.5::DECIMAL(19,2), 0::DECIMAL(18,2), 12::DECIMAL(18,0), 1.23456789::DECIMAL(38,10),
           true, 1.5::DOUBLE, DATE '2020-03-31', 'Penyediaan Jasa'),
          (2020, '4.01.03', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'nan'::DOUBLE, NULL, NULL),
          (2021, '', 0::TINYINT, -1::SMALLINT, -1::BIGINT, 99999999999999.99::DECIMAL(18,2), 0.01::DECIMAL(19,2),
           -1234567.89::DECIMAL(18,2), -3::DECIMAL(18,0), 0::DECIMAL(38,10), false, -0.0::DOUBLE, DATE '1999-12-31',
           'Teks ''kutip'' = "x" ; é')
        ) v(tahun, kode_skpd, a, b, c, rp, selisih, nol, bulat, halus, ok, x, tanggal, uraian)""")
    yield c
    c.close()


def test_converted_columns_equal_fetchall(con):
    sql = "select * from t order by tahun, kode_skpd"
    assert all(fetch_rows._kind(str(t)) for t in con.sql(sql).types)  # every column on the Arrow path
    _same(fetch_rows.fetch_dicts(con, sql), _by_fetchall(con, sql))


def test_parameters_and_no_rows(con):
    sql = "select * from t where tahun = ? and kode_skpd in (?, ?) order by kode_skpd"
    _same(fetch_rows.fetch_dicts(con, sql, [2020, "KOTA", "4.01.03"]),
          _by_fetchall(con, sql, [2020, "KOTA", "4.01.03"]))
    cols, rows = fetch_rows.fetch_dicts(con, sql, [1900, "KOTA", "x"])
    assert rows == [] and cols == _by_fetchall(con, sql, [1900, "KOTA", "x"])[0]


@pytest.mark.parametrize("expr", [
    "12345678901234567890::HUGEINT",            # Arrow would give a Decimal, fetchall an int
    "[1, 2]", "{'a': 1, 'b': 'x'}", "MAP {'k': 1}", "'{\"a\": 1}'::JSON",
    "TIMESTAMP '2020-01-02 03:04:05'", "1.5::REAL", "'x'::BLOB",
])
def test_other_types_go_through_fetchall(con, expr):
    sql = f"select tahun, {expr} as v, rp from t order by tahun, kode_skpd"
    assert any(fetch_rows._kind(str(t)) is None for t in con.sql(sql).types)
    _same(fetch_rows.fetch_dicts(con, sql), _by_fetchall(con, sql))


def test_publishing_reads_through_it(con):
    # data._fetch (every view publishing reads) is fetch_dicts
    sql = "select * from t order by tahun, kode_skpd"
    _same(_fetch(con, sql, []), _by_fetchall(con, sql))
    kota = [r for r in _fetch(con, sql, [])[1] if r["kode_skpd"] == "KOTA"]
    assert isinstance(kota[0]["tanggal"], dt.date) and kota[0]["rp"] == Decimal("46783014047.00")


def test_fetch_view_tells_what_load_units_looked_for(con):
    from lkip.publish.data import Table, flatten
    from lkip.publish.safe_text import rows_clean

    con.execute("""CREATE TABLE v AS SELECT * FROM (VALUES
        (1, 'biasa', '{"2019": 5, "2018": 4}', 'teks', 2.5::DECIMAL(18,2)),
        (2, NULL, '[{"a": 1}]', 'lain', NULL)) x(no, a, j, b, rp)""")
    sql = "select * from v order by no"
    cols, rows, tidy, plain = fetch_rows.fetch_view(con, sql)
    assert (cols, rows) == fetch_rows.fetch_dicts(con, sql)
    assert tidy is True and tidy == rows_clean(rows)
    assert plain == {"no", "a", "b", "rp"}          # j holds JSON text: flatten reads it
    assert [(t.id, t.columns, t.rows) for t in flatten(Table("v", cols, rows), plain)] == \
        [(t.id, t.columns, t.rows) for t in flatten(Table("v", cols, rows))]

    for bad in ("bel \x07", "escape _x0007_ here", "\ufffe"):
        con.execute("UPDATE v SET b = ? WHERE no = 2", [bad])
        cols, rows, tidy, plain = fetch_rows.fetch_view(con, sql)
        assert tidy is False and rows_clean(rows) is False, bad
        assert plain == {"no", "rp"}   # texts are looked at again once cleaned ('{a}\x07' -> '{a}')

    # a type left to fetchall: nothing known, load_units looks at every value as before
    cols, rows, tidy, plain = fetch_rows.fetch_view(con, "select no, [1, 2] as l from v order by no")
    assert tidy is None and plain == frozenset() and rows[0] == {"no": 1, "l": [1, 2]}


def test_nama_skpd_all_names_every_code_as_one_code_at_a_time():
    from lkip.publish.data import nama_skpd_all

    class Cfg:
        def __init__(self, d):
            self.d = d

        def get(self, key, default=None):
            return self.d.get(key, default)

    cfg = Cfg({"skpd": {"4.01.09": "  dinas   dari konfigurasi "}, "publish.nama_kota": "Kota Bekasi"})
    c = duckdb.connect()
    assert nama_skpd_all(c, cfg, ["4.01.01", "KOTA"]) == {"4.01.01": "SKPD 4.01.01", "KOTA": "Kota Bekasi"}
    c.execute("CREATE SCHEMA core")
    c.execute("""CREATE TABLE core.skpd AS SELECT * FROM (VALUES
        ('4.01.01', 2019, 'SEKRETARIAT   DAERAH'), ('4.01.01', 2020, 'Nama lain'),
        ('4.01.02', 2020, NULL), ('4.01.02', 2021, 'Dinas Kedua'),
        ('4.01.03', 2020, ''), ('4.01.09', 2020, 'dari gudang')) t(kode_skpd, tahun, nama_skpd)""")
    got = nama_skpd_all(c, cfg, ["4.01.01", "4.01.02", "4.01.03", "4.01.09", "4.01.99", "KOTA", "4.01.01"])
    assert got == {"4.01.01": "Sekretariat Daerah", "4.01.02": "Dinas Kedua", "4.01.03": "SKPD 4.01.03",
                   "4.01.09": "dinas dari konfigurasi", "4.01.99": "SKPD 4.01.99", "KOTA": "Kota Bekasi"}
    # one code at a time (data.nama_skpd) gives the same names
    from lkip.publish.data import nama_skpd
    assert {k: nama_skpd(c, k, cfg, 2020) for k in got} == got
