"""PNG files of the charts, from the Agg canvas's pixels: a fraction of the CPU of PIL's encoder.

matplotlib saves a PNG through Pillow, whose encoder tries the five PNG row filters on every row
and keeps the best (adaptive filtering) and compresses at zlib level 6: ~14 ms of an ~880 × 506
chart, as long as drawing it. A chart is flat colours on white, which deflate compresses well
without a row filter: this writer stores the canvas's RGBA rows unfiltered (filter type 0) and
deflates them with ISA-L (`isal`, a dependency; level 1, ~0,3 ms, about the size of zlib level 3)
or, without it, zlib level 3 (~3 ms). The format is the PNG specification's (signature, IHDR,
pHYs with the figure's dpi as Pillow writes it, one IDAT, IEND, each chunk with its CRC-32);
tests/test_publish_charts.py decodes the files with Pillow and compares the pixels with the
canvas's. The dpi matters: python-docx and xlsxwriter size a picture by it. The same pixels are
not always the same bytes: ISA-L's stream for one chart was seen to differ in one byte between
two processes, inflating to the same rows; so tests compare pictures by what they show
(tests/fixtures_publish.py `same_published_file`).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

from lkip.fmt import write_bytes_atomic

try:
    from isal import isal_zlib as _deflate

    LEVEL = 1
except ImportError:  # pragma: no cover - isal is a dependency; zlib gives the same format
    _deflate = zlib  # type: ignore[assignment]
    LEVEL = 3

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode(rgba: np.ndarray, dpi: float | None = None) -> bytes:
    """PNG bytes of an (height, width, 4) uint8 RGBA array; `dpi` written as Pillow writes it (pHYs)."""
    h, w, _ = rgba.shape
    rows = np.empty((h, 1 + w * 4), np.uint8)
    rows[:, 0] = 0  # filter type None on every row
    rows[:, 1:] = rgba.reshape(h, w * 4)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8 bit RGBA
    # the resolution: python-docx and xlsxwriter size a picture by it (without it they assume 72 / 96 dpi)
    phys = b"" if not dpi else _chunk(b"pHYs", struct.pack(">IIB", int(dpi / 0.0254 + 0.5), int(dpi / 0.0254 + 0.5), 1))
    return (SIGNATURE + _chunk(b"IHDR", ihdr) + phys + _chunk(b"IDAT", _deflate.compress(rows.data, LEVEL))
            + _chunk(b"IEND", b""))


def write_canvas(canvas, target: Path) -> tuple[int, int]:
    """The canvas's current pixels (after a draw) as a PNG at `target`; returns (width, height)."""
    rgba = np.asarray(canvas.buffer_rgba())
    write_bytes_atomic(Path(target), encode(rgba, canvas.figure.dpi))
    return rgba.shape[1], rgba.shape[0]
