"""Reading a big SIPD "Laporan Realisasi Per Dokumen" (docs/sipd.md 6b): the column-wise reader
(lkip/extract/realisasi_dokumen_fast.py) and the row reader against the floor, fastexcel reading
the sheet to Arrow, and python-calamine reading it to Python rows. Ratios, not seconds, are the
result (the machine is shared):

    .venv/bin/python bench/sipd_dokumen.py --rows 200000
    .venv/bin/python bench/sipd_dokumen.py --rows 300000 --skpd 40 --no-rows   # a city-wide file

The file repeats the rows of tests/sipd_builders.default_docs() (every kind of the rule); with
``--skpd N`` it is a city-wide file (docs/sipd.md "City-wide files"): the rows go round the N SKPD
(each with its own Kode SKPD, every fifth SKPD's TBP rows from a Sub SKPD), and the column-wise
reader's time includes telling each row's SKPD; ``split_s`` is cutting the read file into its
per-SKPD parts (lkip/skpd_parts.py), done once when the file is staged. ``fast_path`` says the
column-wise reader read it (it must, for a big city file)."""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def skpd_codes(n: int) -> list[str]:
    return [f"{1 + k // 20}.{1 + k % 20:02d}.0.00.0.00.01.0000" for k in range(n)]


def city_docs(docs: list[dict], n: int) -> list[dict]:
    """Each document once per SKPD (round the SKPD row by row)."""
    out = []
    for d in docs:
        for k, code in enumerate(skpd_codes(n)):
            sub = code[:-1] + "1" if k % 5 == 0 and str(d.get("Jenis Dokumen", "")).startswith("TBP") else code
            out.append({**d, "Kode SKPD": code, "Nama SKPD": f"DINAS {code}", "Kode Sub SKPD": sub,
                        "Nomor Dokumen": f"{code}/{d.get('Nomor Dokumen')}"})
    return out


def write(path: Path, rows: int, skpd: int = 0) -> Path:
    import xlsxwriter

    from tests import sipd_builders as B

    cols = B.layouts.DOKUMEN_COLUMNS
    docs = B.default_docs()[1:]          # the SPP UP has no codes; every other case of the rule
    if skpd:
        docs = city_docs(docs, skpd)
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


def measure_stage(path: Path) -> dict[str, float]:
    """The file through ``lkip.ingest`` (prepare: open, read, validate, raw cells; stage: the parts
    and their raw rows into an in-memory warehouse, one transaction), as a run stages it."""
    from lkip import ingest, stage
    from lkip.config import load_config

    cfg = load_config(workspace=path.parent)
    con = stage.connect(cfg, path=":memory:")
    t = time.perf_counter()
    prep = ingest.prepare(path, cfg)
    out = {"prepare_s": time.perf_counter() - t}
    t = time.perf_counter()
    res = ingest.stage(con, prep, "bench", cfg)
    out["stage_s"] = time.perf_counter() - t
    assert res.outcome != ingest.REJECTED, res.messages[:3]
    out["staged_rows"] = con.execute("SELECT count(*) FROM staging.realisasi_dokumen").fetchone()[0]
    con.close()
    if prep.meta.bagian:          # the same rows staged as if they were one SKPD's: the cost of the parts
        single = copy.copy(prep)
        single.meta = dataclasses.replace(prep.meta, kode_skpd=next(iter(prep.meta.bagian)), bagian={})
        con = stage.connect(cfg, path=":memory:")
        t = time.perf_counter()
        ingest.stage(con, single, "bench", cfg)
        out["stage_one_skpd_s"] = time.perf_counter() - t
        out["stage_parts_over_one"] = out["stage_s"] / out["stage_one_skpd_s"]
        con.close()
    return out


def measure(path: Path, skpd: int = 0, row_reader: bool = True, stage: bool = False) -> dict[str, float]:
    import fastexcel

    from lkip import sipd_rules, skpd_parts
    from lkip.extract import realisasi_dokumen as R
    from lkip.extract import realisasi_dokumen_fast as F
    from lkip.extract.workbook import open_workbook

    rules = sipd_rules.load_rules()
    out: dict[str, float] = {}
    t = time.perf_counter()
    fastexcel.read_excel(str(path)).load_sheet(0, header_row=None, dtypes="string").to_arrow()
    out["floor_s"] = time.perf_counter() - t
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    out["calamine_s"] = time.perf_counter() - t
    fast_calls: list[bool] = []
    read_fast = F.read_fast

    def counted(*a, **kw):
        got = read_fast(*a, **kw)
        fast_calls.append(got is not None)
        return got
    F.read_fast = counted
    try:
        for name, min_rows in (("columns_s", 0), ("rows_s", 10**12)):
            if name == "rows_s" and not row_reader:
                continue
            F.FAST_MIN_ROWS = min_rows
            t = time.perf_counter()
            res = R.read(open_workbook(path), rules)
            out[name] = time.perf_counter() - t
            assert not res.errors and len(res.tables["realisasi_dokumen"]) > 0
            assert len(res.meta.bagian) == skpd
            if name == "columns_s":
                out["fast_path"] = fast_calls == [True]
                t = time.perf_counter()
                parts = skpd_parts.split("0" * 64, res.meta, res.tables)
                out["split_s"] = time.perf_counter() - t
                assert len(parts) == skpd
    finally:
        F.read_fast = read_fast
    out["columns_over_floor"] = out["columns_s"] / out["floor_s"]
    out["columns_over_calamine"] = out["columns_s"] / out["calamine_s"]
    if stage:
        out.update(measure_stage(path))
    if "rows_s" in out:
        out["rows_over_columns"] = out["rows_s"] / out["columns_s"]
    return out


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--skpd", type=int, default=0, help="a city-wide file of this many SKPD (0: one SKPD)")
    ap.add_argument("--no-rows", action="store_true", help="leave out the row reader (slow on a city file)")
    ap.add_argument("--stage", action="store_true", help="also prepare and stage the file (lkip.ingest)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        path = write(Path(tmp) / "dokumen.xlsx", args.rows, args.skpd)
        written = time.perf_counter() - t
        got = measure(path, args.skpd, not args.no_rows, args.stage)
    got["write_s"] = written
    got["rows"] = args.rows
    got["skpd"] = args.skpd
    print(json.dumps(got, indent=2))
    return got


if __name__ == "__main__":
    main()
