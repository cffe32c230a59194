"""snapshot.materialised: every laporan view once into a table; a view that reads another view
reads that view's table (the same rows, not a second evaluation)."""

from __future__ import annotations

import duckdb

from lkip.publish import snapshot


def _db():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA laporan")
    # a view whose every evaluation differs: what reads its table sees the very rows in it
    con.execute("CREATE VIEW laporan.rekonsiliasi AS SELECT i AS urutan, random() AS x, 'KOTA' AS kode_skpd "
                "FROM range(50) t(i)")
    con.execute("""CREATE VIEW laporan.peringatan AS
        -- laporan.rekonsiliasi in a comment and in 'laporan.rekonsiliasi' text stay as they are
        SELECT urutan, x, 'laporan.rekonsiliasi' AS asal FROM laporan.rekonsiliasi WHERE x >= 0
        UNION ALL SELECT urutan, x, 'lagi' FROM laporan.REKONSILIASI WHERE urutan < 3""")
    con.execute("CREATE VIEW laporan.lampiran_3 AS SELECT 2020 AS tahun, 'KOTA' AS kode_skpd, 1 AS urutan")
    return con


def test_a_view_reads_the_table_of_the_view_it_reads():
    con = _db()
    with snapshot.materialised(con) as tables:
        assert set(tables) == {"rekonsiliasi", "peringatan", "lampiran_3"}
        rk, pr = tables["rekonsiliasi"], tables["peringatan"]
        mine = con.execute(f"SELECT urutan, x FROM {rk} ORDER BY urutan").fetchall()
        read = con.execute(f"SELECT urutan, x FROM {pr} WHERE asal <> 'lagi' ORDER BY urutan").fetchall()
        assert read == mine and len(mine) == 50          # the same random numbers: its table was read
        again = con.execute(f"SELECT urutan, x FROM {pr} WHERE asal = 'lagi' ORDER BY urutan").fetchall()
        assert again == mine[:3]
        assert con.execute(f"SELECT DISTINCT asal FROM {pr} ORDER BY 1").fetchall() == \
            [("lagi",), ("laporan.rekonsiliasi",)]     # the text literal kept
        # the same columns and types as the view itself
        assert con.execute(f"DESCRIBE {pr}").fetchall() == con.execute("DESCRIBE laporan.peringatan").fetchall()
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()[0] == 0


def test_the_rewrite_leaves_other_text_alone():
    done = {"rekonsiliasi": "temp.main.lkip_terbit_0"}
    sql = ("SELECT 'laporan.rekonsiliasi', x FROM laporan.rekonsiliasi -- laporan.rekonsiliasi\n"
           "JOIN laporan.rekonsiliasi_lain USING (x) JOIN core.laporan.rekonsiliasi2 USING (x)")
    out = snapshot._reading_tables(sql, done)
    assert out == ("SELECT 'laporan.rekonsiliasi', x FROM temp.main.lkip_terbit_0 -- laporan.rekonsiliasi\n"
                   "JOIN laporan.rekonsiliasi_lain USING (x) JOIN core.laporan.rekonsiliasi2 USING (x)")
    assert snapshot._reading_tables("SELECT * FROM core.skpd", done) is None
