"""Charts kept from the previous build of a unit when what they are drawn from has not changed.

When one SKPD re-drops a file, the city unit is republished, but of its ~48 charts (one Kurva S
per SKPD) only that SKPD's and the city's totals changed. `ChartCache` records, in
`charts/.lkip-grafik.json`, for each chart file the digest of what it was drawn from (the chart
function, its arguments, the code version: digest.code_version) and the SHA-256 of the PNG
written. A chart whose inputs digest and file bytes both match the record is not drawn again: the
file keeps its bytes and its modification time. Anything else (no record, other inputs, a file
changed or missing) draws it. `lkip report --force` draws every chart (runner: reuse off).
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path
from typing import Any, Callable

from .digest import code_version

RECORD = ".lkip-grafik.json"


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from the PNG header (IHDR)."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise ValueError(f"{path.name}: bukan PNG")
    return struct.unpack(">II", head[16:24])


class ChartCache:
    def __init__(self, charts_dir: Path, reuse: bool = True):
        self.dir = Path(charts_dir)
        self.reuse = reuse
        self.old: dict[str, Any] = {}
        self.new: dict[str, dict[str, str]] = {}
        self.kept = 0
        if reuse:
            try:
                data = json.loads((self.dir / RECORD).read_text(encoding="utf-8"))
                self.old = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                self.old = {}

    @staticmethod
    def inputs_digest(fn: Callable[..., Any], args: tuple[Any, ...]) -> str:
        h = hashlib.sha256(code_version().encode() + b"\0")
        h.update(f"{fn.__module__}.{fn.__qualname__}\0{args!r}".encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def draw(self, path: Path, fn: Callable[..., tuple[int, int]], args: tuple[Any, ...]) -> tuple[int, int]:
        """Draw `fn(path, *args)` unless the file already holds that chart."""
        digest = self.inputs_digest(fn, args)
        rec = self.old.get(path.name)
        if self.reuse and isinstance(rec, dict) and rec.get("inputs") == digest:
            png = _sha256(path)
            if png is not None and png == rec.get("png"):
                try:
                    size = png_size(path)
                except (OSError, ValueError):
                    size = None
                if size is not None:
                    self.new[path.name] = {"inputs": digest, "png": png}
                    self.kept += 1
                    return size
        size = fn(path, *args)
        self.new[path.name] = {"inputs": digest, "png": _sha256(path) or ""}
        return size

    def save(self) -> Path:
        target = self.dir / RECORD
        tmp = self.dir / f".{RECORD}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(dict(sorted(self.new.items())), indent=1), encoding="utf-8")
        os.replace(tmp, target)
        return target
