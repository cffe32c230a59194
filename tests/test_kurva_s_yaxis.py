"""KurvaS._draw_yaxis (the ticks only) gives the pixels matplotlib's Axis.draw gives on this figure."""

from __future__ import annotations

from lkip.publish import kurva_s
from tests.test_publish_charts import CASES


def test_y_axis_ticks_only_is_what_axis_draw_gives(tmp_path, monkeypatch):
    k = kurva_s.KurvaS()
    for i, case in enumerate(CASES):
        k.draw(tmp_path / f"ticks{i}.png", *case)
    monkeypatch.setattr(kurva_s.KurvaS, "_draw_yaxis", lambda self: self.ax.yaxis.draw(self.renderer))
    full = kurva_s.KurvaS()
    for i, case in enumerate(CASES):
        full.draw(tmp_path / f"full{i}.png", *case)
        assert (tmp_path / f"ticks{i}.png").read_bytes() == (tmp_path / f"full{i}.png").read_bytes(), case[0]


def test_an_axis_label_falls_back_to_axis_draw(tmp_path, monkeypatch):
    k = kurva_s.KurvaS()
    k.ax.yaxis.label.set_text("Rupiah")
    drawn = []
    orig = type(k.ax.yaxis).draw
    monkeypatch.setattr(type(k.ax.yaxis), "draw", lambda self, r: (drawn.append(self), orig(self, r))[1])
    k.draw(tmp_path / "k.png", *CASES[1])
    assert k.ax.yaxis in drawn  # the y axis is animated: only this chart's own draw reaches it
