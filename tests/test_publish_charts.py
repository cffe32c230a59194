"""Charts drawn on a reused figure are the charts a fresh figure gives, byte for byte."""

from __future__ import annotations

import threading

from lkip.publish import charts

# (title, anggaran kas per quarter, realisasi per quarter, s.d. triwulan): long and short titles,
# a missing quarter, a quarter cut by s_d_triwulan, amounts of very different sizes
CASES = [
    ("Kurva S PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA (4.01.01) 2020 s.d. "
     "Triwulan IV dengan judul yang cukup panjang untuk dibungkus menjadi beberapa baris $100",
     [9.1e9, 2.2e9, 3.3e9, 4.4e9], [8.0e9, 2.0e9, 3.0e9, 1.0e9], 4),
    ("Kurva S pendek", [1.0e8, None, 5.0e7, 2.5e7], [None, 9.0e7, None, None], 2),
    ("Kurva S nol", [None, None, None, None], [None, None, None, None], None),
    ("Kurva S triwulan I", [7.5e11, 1.0e11, 1.0e11, 5.0e10], [7.0e11, 1.0e9, 0.0, 0.0], 1),
]


def _fresh(tmp_path, i, case) -> bytes:
    target = tmp_path / f"fresh_{i}.png"
    charts._KurvaS().draw(target, *case)  # a new figure for this chart alone
    return target.read_bytes()


def test_reused_kurva_s_figure_gives_the_bytes_of_a_fresh_one(tmp_path):
    # every chart drawn after the others on one figure, in two orders
    for order in (CASES, CASES[::-1]):
        reused = charts._KurvaS()
        for i, case in enumerate(order):
            target = tmp_path / f"reused_{i}.png"
            assert reused.draw(target, *case) == (880, 505)  # 8 x 4,6 in at 110 dpi
            assert target.read_bytes() == _fresh(tmp_path, i, case), case[0]


def test_kurva_s_figure_is_per_thread(tmp_path):
    charts.kurva_s(tmp_path / "main.png", *CASES[0])
    mine = charts._figures.kurva_s
    seen = []

    def other() -> None:
        charts.kurva_s(tmp_path / "thread.png", *CASES[0])
        seen.append(charts._figures.kurva_s)

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert seen and seen[0] is not mine
    assert (tmp_path / "main.png").read_bytes() == (tmp_path / "thread.png").read_bytes()


def test_one_pass_tight_layout_gives_the_two_pass_result(tmp_path, monkeypatch):
    """The Kurva S is laid out in one tight-layout pass; matplotlib's default (two) gives the same PNG."""
    from matplotlib.layout_engine import TightLayoutEngine

    assert charts._tight_engine(True)._params["rect"] is None
    assert charts._tight_engine(False)._params["rect"] == (0, 0, 1, 1)
    one = [charts._KurvaS().draw(tmp_path / f"one_{i}.png", *case) for i, case in enumerate(CASES)]
    monkeypatch.setattr(charts, "_tight_engine", lambda single_axes: TightLayoutEngine())
    two = [charts._KurvaS().draw(tmp_path / f"two_{i}.png", *case) for i, case in enumerate(CASES)]
    assert one == two
    for i in range(len(CASES)):
        assert (tmp_path / f"one_{i}.png").read_bytes() == (tmp_path / f"two_{i}.png").read_bytes()
