"""Reading a big SIPD "Laporan Realisasi Per Dokumen" (docs/sipd.md 6b): the column-wise reader
(lkip/extract/realisasi_dokumen_fast.py) and the row reader against the floor, fastexcel reading
the sheet to Arrow. Ratios, not seconds, are the result (the machine is shared):

    .venv/bin/python bench/sipd_dokumen.py --rows 200000

The file repeats the rows of tests/sipd_builders.default_docs() (every kind of the rule)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def write(path: Path, rows: int) -> Path:
    import xlsxwriter

    from tests import sipd_builders as B

    cols = B.layouts.DOKUMEN_COLUMNS
    docs = B.default_docs()[1:]          # the SPP UP has no codes; every other case of the rule
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Data Realisasi Dokumen")
    for i, t in enumerate(["LAPORAN REALISASI PER DOKUMEN", B.PEMDA, "TAHUN ANGGARAN 2024", ""]):
        ws.write(i, 0, t)
    ws.write_row(4, 0, ["No", *cols])
    for r in range(rows):
        d = docs[r % len(docs)]
        ws.write_row(5 + r, 0, [r + 1, *[d.get(c) for c in cols]])
    wb.close()
    return path


def measure(path: Path) -> dict[str, float]:
    import fastexcel

    from lkip import sipd_rules
    from lkip.extract import realisasi_dokumen as R
    from lkip.extract import realisasi_dokumen_fast as F
    from lkip.extract.workbook import open_workbook

    rules = sipd_rules.load_rules()
    out: dict[str, float] = {}
    t = time.perf_counter()
    fastexcel.read_excel(str(path)).load_sheet(0, header_row=None, dtypes="string").to_arrow()
    out["floor_s"] = time.perf_counter() - t
    for name, min_rows in (("columns_s", 0), ("rows_s", 10**12)):
        F.FAST_MIN_ROWS = min_rows
        t = time.perf_counter()
        res = R.read(open_workbook(path), rules)
        out[name] = time.perf_counter() - t
        assert not res.errors and len(res.tables["realisasi_dokumen"]) > 0
    out["columns_over_floor"] = out["columns_s"] / out["floor_s"]
    out["rows_over_columns"] = out["rows_s"] / out["columns_s"]
    return out


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        got = measure(write(Path(tmp) / "dokumen.xlsx", args.rows))
    got["rows"] = args.rows
    print(json.dumps(got, indent=2))
    return got


if __name__ == "__main__":
    main()
