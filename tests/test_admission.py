"""Memory admission of the prepare workers (issue 16, point 4): three huge files are not
prepared at once; files keep their order; the estimate comes from the zip's declared sizes."""

from __future__ import annotations

import concurrent.futures as cf
import threading
import time
import zipfile

import pytest

from lkip import admission
from lkip.config import load_config

pytestmark = pytest.mark.timeout(60)


class Workers:
    """Four workers, like the default task runner; records how many files are prepared at once."""

    def __init__(self):
        self.pool = cf.ThreadPoolExecutor(max_workers=4)
        self.lock = threading.Lock()
        self.now = self.peak = 0
        self.started: list[str] = []
        self.waits: list[str] = []

    def work(self, name):
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
            self.started.append(name)
        time.sleep(0.05)
        with self.lock:
            self.now -= 1
        return name.upper()

    def submit(self, name):
        return self.pool.submit(self.work, name)

    @staticmethod
    def wait_any(futures):
        done, _ = cf.wait(futures, return_when=cf.FIRST_COMPLETED)
        return next(iter(done))


def run(names, estimates, budget):
    w = Workers()
    futures = admission.submit_within_budget(names, estimates, budget, w.submit, w.wait_any,
                                             lambda item, need, used: w.waits.append(item))
    results = [f.result() for f in futures]
    w.pool.shutdown()
    return w, results


def test_three_huge_files_are_prepared_one_at_a_time():
    # each estimated above half the budget: never two at once, whatever the worker count
    w, results = run(["a", "b", "c"], [2000, 2000, 2000], 3072)
    assert results == ["A", "B", "C"] and w.peak == 1 and w.started == ["a", "b", "c"]
    assert w.waits == ["b", "c"]


def test_a_file_bigger_than_the_budget_still_runs_alone():
    w, results = run(["kecil", "raksasa", "kecil2"], [100, 9000, 100], 3072)
    assert results == ["KECIL", "RAKSASA", "KECIL2"] and w.peak == 1


def test_small_files_fill_the_workers():
    w, results = run([f"f{i}" for i in range(12)], [70] * 12, 3072)
    assert results == [f"F{i}" for i in range(12)] and w.peak == 4 and not w.waits


def test_estimate_uses_the_declared_uncompressed_size(tmp_path):
    p = tmp_path / "padat.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<c/>" * (16 * 1024 * 1024 // 4))   # 16 MB, compresses to KBs
    assert p.stat().st_size < 1024 * 1024
    assert admission.estimate_mb(p, 4) == pytest.approx(64 + 4 * 16)
    q = tmp_path / "bukan_zip.xlsx"
    q.write_bytes(b"x" * 1024 * 1024)
    assert admission.estimate_mb(q, 4) == pytest.approx(64 + 4)


def test_budget_comes_from_the_config(tmp_path):
    assert admission.budget_of(load_config(tmp_path)) == (3072.0, 4.0)
    (tmp_path / "lkip.toml").write_text("[limits]\nprepare_memory_mb = 512\nprepare_memory_factor = 6\n")
    assert admission.budget_of(load_config(tmp_path)) == (512.0, 6.0)
