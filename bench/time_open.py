"""Manual timing of the safety scan and value read: ``python bench/time_open.py FILE.xlsx ...``
prints, per file, the seconds ``open_workbook`` took and each sheet's row count (reading every
grid). A quick look, not a benchmark: bench/run_bench.py measures the pipeline."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from lkip.extract.workbook import open_workbook


def main(paths: list[str]) -> None:
    for p in paths:
        t0 = time.perf_counter()
        wb = open_workbook(Path(p))
        print(p, f"{time.perf_counter() - t0:.2f}s", [(s.name, len(s.rows)) for s in wb.sheets])


if __name__ == "__main__":
    main(sys.argv[1:])
