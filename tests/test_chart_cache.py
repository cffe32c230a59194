"""A republished unit keeps the charts whose inputs did not change; the result equals a full rebuild."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from fixtures_publish import TAHUN
from lkip.config import load_config
from lkip.publish import publish_all
from lkip.publish.chart_cache import RECORD, ChartCache, png_size
from lkip.publish.digest import MANIFEST
from lkip.publish.runner import publish_changed
from test_publish_runner import _city, _same_outputs

SKPD = "4.01.04"
PROGRAM = "4.01.4.01.03.29"
CHANGED = f"kurva_s_program_{PROGRAM}.png"


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return load_config(workspace=tmp_path_factory.mktemp("ws"))


@pytest.fixture()
def city(tmp_path) -> Path:
    return _city(tmp_path / "wh" / "lkip.duckdb")


def _charts(out: Path) -> dict[str, tuple[bytes, int]]:
    folder = out / str(TAHUN) / SKPD / "charts"
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.glob("*.png")}


def _age(out: Path) -> None:
    """Modification times a minute in the past, so any rewrite shows."""
    for p in (out / str(TAHUN) / SKPD / "charts").glob("*.png"):
        st = p.stat()
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))


def _publish(city: Path, out: Path, config, force: bool = False) -> None:
    con = duckdb.connect(str(city), read_only=True)
    try:
        results = publish_changed(con, out, config, force=force)
    finally:
        con.close()
    assert not any(r.error for r in results)


def _change_one_program(city: Path, amount: int) -> None:
    con = duckdb.connect(str(city))
    con.execute("update laporan.lampiran_3 set rp_tw4 = rp_tw4 + ? where kode_skpd = ? and kode = ?",
                [amount, SKPD, PROGRAM])
    con.close()


def test_only_the_charts_whose_inputs_changed_are_drawn_again(city, config, tmp_path):
    out = tmp_path / "out"
    _publish(city, out, config)
    _age(out)
    before = _charts(out)
    assert CHANGED in before and len(before) > 3
    _change_one_program(city, 1000)
    _publish(city, out, config)
    after = _charts(out)
    assert set(after) == set(before)
    redrawn = {name for name in after if after[name] != before[name]}
    assert redrawn == {CHANGED}  # that program's curve only (the SKPD's comes from the JUMLAH row)
    # a chart file changed by hand is drawn again, not trusted
    (out / str(TAHUN) / SKPD / "charts" / "serapan_program.png").write_bytes(b"not a chart")
    _change_one_program(city, 1000)
    _publish(city, out, config)
    con = duckdb.connect(str(city), read_only=True)
    try:
        publish_all(con, tmp_path / "full", config)  # a full rebuild from the same warehouse
    finally:
        con.close()
    for root in (out, tmp_path / "full"):
        for p in root.rglob(MANIFEST):
            p.unlink()
    _same_outputs(out, tmp_path / "full")  # PNG byte for byte, the record of the charts too


def test_force_draws_every_chart(city, config, tmp_path):
    out = tmp_path / "out"
    _publish(city, out, config)
    _age(out)
    before = _charts(out)
    _publish(city, out, config, force=True)
    after = _charts(out)
    assert all(after[n][1] != before[n][1] for n in before)  # every file written again
    assert all(after[n][0] == before[n][0] for n in before)  # with the same bytes


def test_record_and_png_size(tmp_path):
    calls = []

    def chart(path: Path, text: str) -> tuple[int, int]:
        calls.append(text)
        path.write_bytes(Path(__file__).with_name("fixtures_publish.py").read_bytes())  # not a PNG
        return (1, 1)

    cache = ChartCache(tmp_path)
    assert cache.draw(tmp_path / "a.png", chart, ("x",)) == (1, 1)
    cache.save()
    # the record matches but the file is no PNG: it is drawn again, never trusted
    cache = ChartCache(tmp_path)
    assert cache.draw(tmp_path / "a.png", chart, ("x",)) == (1, 1)
    assert calls == ["x", "x"] and (tmp_path / RECORD).is_file()
    with pytest.raises(ValueError):
        png_size(tmp_path / "a.png")
