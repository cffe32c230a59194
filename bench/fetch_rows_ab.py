"""The city's reconciliation rows read into Python (what snapshot.load_units does for each view)
by DuckDB's fetchall (A) against lkip.publish.fetch_rows (B: Arrow, one list per column),
alternating.

    .venv/bin/python bench/fetch_rows_ab.py [--skpd 44] [--rows 404] [--rounds 7] [--out bench/results/X.md]

A synthetic `laporan.rekonsiliasi` (seeded; its column names and types): `--skpd` SKPD blocks of
`--rows` rows (the 44-SKPD bench city has ~17 800), nine DECIMAL columns, a third of them NULL as
in the city. Each round reads every row both ways, in alternating order, and checks both give the
same dicts (values, types, Decimal exponents). Reported: CPU seconds (time.process_time) of one
read, medians, and B / A.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from run_bench import write_result  # noqa: E402

from lkip.publish.fetch_rows import fetch_dicts  # noqa: E402

TABLE = """
CREATE TABLE rekonsiliasi AS
SELECT 2020 AS tahun, printf('4.01.%02d', s) AS kode_skpd, 4 AS s_d_triwulan, i AS urutan,
       'kegiatan' AS level, printf('4.01.4.01.%02d.%02d.%02d', s, i // 40, i % 40) AS kode_kegiatan,
       'Penyediaan Jasa Surat Menyurat ' || i AS uraian, 1 + i % 4 AS triwulan,
       CASE WHEN i % 3 = 0 THEN NULL ELSE CAST(hash(s, i, 1) % 60000000000 AS DECIMAL(18,2)) END AS lra,
       CAST(hash(s, i, 2) % 60000000000 AS DECIMAL(18,2)) / 100 AS sp2d,
       CAST(hash(s, i, 3) % 60000000000 AS DECIMAL(18,2)) / 100 AS form,
       CAST(lra - sp2d AS DECIMAL(19,2)) AS selisih_lra_sp2d, CAST(lra - form AS DECIMAL(19,2)) AS selisih_lra_form,
       CAST(sp2d - form AS DECIMAL(19,2)) AS selisih_sp2d_form, printf('4.01.%02d', s) AS skpd_asal,
       CAST(NULL AS DECIMAL(18,2)) AS dokumen, CAST(NULL AS DECIMAL(19,2)) AS selisih_dokumen_sp2d,
       CAST(NULL AS DECIMAL(19,2)) AS selisih_dokumen_form
FROM range(1, ? + 1) a(s), range(0, ?) b(i)
"""
SQL = "select * from rekonsiliasi order by urutan"


def by_fetchall(con: duckdb.DuckDBPyConnection) -> list[dict]:
    cur = con.execute(SQL)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def by_columns(con: duckdb.DuckDBPyConnection) -> list[dict]:
    return fetch_dicts(con, SQL)[1]


def _same(a: list[dict], b: list[dict]) -> bool:
    if len(a) != len(b):
        return False
    for ra, rb in zip(a, b):
        for k, x in ra.items():
            y = rb[k]
            if type(x) is not type(y) or x != y:
                return False
            if isinstance(x, Decimal) and x.as_tuple() != y.as_tuple():
                return False
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skpd", type=int, default=44)
    ap.add_argument("--rows", type=int, default=404)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    con = duckdb.connect()
    con.execute(TABLE, [args.skpd, args.rows])
    n = con.execute("select count(*) from rekonsiliasi").fetchone()[0]
    a_cpu, b_cpu, same = [], [], True
    for r in range(args.rounds):
        order = [("A", by_fetchall), ("B", by_columns)]
        if r % 2:
            order.reverse()
        got = {}
        for name, fn in order:
            t = time.process_time()
            got[name] = fn(con)
            (a_cpu if name == "A" else b_cpu).append(time.process_time() - t)
        same = same and _same(got["A"], got["B"])
    a, b = statistics.median(a_cpu), statistics.median(b_cpu)
    lines = [
        "# Publishing's rows read from DuckDB: fetchall (A) vs one list per column (B)",
        "",
        f"Command: `python bench/fetch_rows_ab.py --skpd {args.skpd} --rows {args.rows} --rounds {args.rounds}`",
        "",
        f"- rows: {n} (a synthetic laporan.rekonsiliasi of the city, 18 columns, 9 DECIMAL)",
        f"- A fetchall + zip: median {a:.3f} CPU-s ({', '.join(f'{x:.3f}' for x in a_cpu)})",
        f"- B fetch_rows.fetch_dicts: median {b:.3f} CPU-s ({', '.join(f'{x:.3f}' for x in b_cpu)})",
        f"- B / A: **{b / a:.2f}**",
        f"- same rows (values, types, Decimal exponents) every round: {same}",
    ]
    write_result(args.out, "\n".join(lines) + "\n")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
