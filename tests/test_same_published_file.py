"""The tests' comparison of published files (fixtures_publish.same_published_file): PNGs and the
pictures a page embeds by what they show, whatever their deflate bytes; anything else byte for byte."""

from __future__ import annotations

import base64
import zlib

import numpy as np

from fixtures_publish import same_published_file
from lkip.publish import png


def _pixels() -> np.ndarray:
    rgba = np.full((20, 30, 4), 255, np.uint8)
    rgba[5:9, 3:20, :3] = (31, 78, 121)
    return rgba


def _zlib_encoded(rgba: np.ndarray) -> bytes:
    """The same picture deflated by zlib instead of png.py's compressor: other IDAT bytes."""
    real = png._deflate
    png._deflate = zlib
    try:
        return png.encode(rgba, 110)
    finally:
        png._deflate = real


def test_pngs_compared_by_what_they_show(tmp_path):
    rgba = _pixels()
    (tmp_path / "a.png").write_bytes(png.encode(rgba, 110))
    (tmp_path / "b.png").write_bytes(_zlib_encoded(rgba))
    assert (tmp_path / "a.png").read_bytes() != (tmp_path / "b.png").read_bytes()
    assert same_published_file(tmp_path / "a.png", tmp_path / "b.png", "x.png")

    other = rgba.copy()
    other[0, 0, 0] = 0                      # one pixel
    (tmp_path / "c.png").write_bytes(png.encode(other, 110))
    assert not same_published_file(tmp_path / "a.png", tmp_path / "c.png", "x.png")
    (tmp_path / "d.png").write_bytes(png.encode(rgba, 96))   # another resolution
    assert not same_published_file(tmp_path / "a.png", tmp_path / "d.png", "x.png")


def test_pages_compared_with_their_pictures_by_what_they_show(tmp_path):
    rgba = _pixels()

    def page(name: str, data: bytes, text: str = "Serapan") -> str:
        (tmp_path / name).write_text(f'<p>{text}</p><img src="data:image/png;base64,'
                                     f'{base64.b64encode(data).decode()}">', encoding="utf-8")
        return name

    a = page("a.html", png.encode(rgba, 110))
    b = page("b.html", _zlib_encoded(rgba))
    assert same_published_file(tmp_path / a, tmp_path / b, "x.html")
    c = page("c.html", png.encode(rgba, 110), text="Serapan anggaran")
    assert not same_published_file(tmp_path / a, tmp_path / c, "x.html")
    other = rgba.copy()
    other[1, 1, 1] = 7
    d = page("d.html", png.encode(other, 110))
    assert not same_published_file(tmp_path / a, tmp_path / d, "x.html")


def test_other_files_byte_for_byte(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"a;b\r\n1;2\r\n")
    (tmp_path / "b.csv").write_bytes(b"a;b\r\n1;2\n")
    assert not same_published_file(tmp_path / "a.csv", tmp_path / "b.csv", "x.csv")
    assert same_published_file(tmp_path / "a.csv", tmp_path / "a.csv", "x.csv")
