"""The workbook layer's limits: the defaults, and the value ``open_workbook`` is given.

The defaults are lkip/default_config.toml's ``[limits]`` table (read by :mod:`lkip.config`, where
each limit is explained), with a fallback for every limit that table leaves out. The pipeline
passes its configuration's ``[limits]`` to ``open_workbook``; nothing below ``open_workbook``
reads a global limit: every step is handed the resolved value.
"""

from __future__ import annotations

from typing import Any

from lkip.config import default_table

MB = 1024 * 1024
READ_CHUNK = 4 * MB   # one read of a file or of a zip member


def _default_limits() -> dict[str, Any]:
    limits: dict[str, Any] = {
        "max_file_mb": 200,
        "max_uncompressed_mb": 1500,
        "max_compression_ratio": 200,
        "max_rows": 2_000_000,
    }
    limits.update(default_table("limits"))
    # The same defaults as lkip/default_config.toml [limits] (where each is explained), for a
    # config file that leaves them out. max_members is not in the config file.
    limits.setdefault("max_cells", 20_000_000)
    limits.setdefault("max_file_cells", 40_000_000)
    limits.setdefault("max_sheets", 255)
    limits.setdefault("max_cell_chars", 32_767)
    limits.setdefault("max_members", 10_000)
    return limits


DEFAULT_LIMITS: dict[str, Any] = _default_limits()


def resolve(limits: dict[str, Any] | None) -> dict[str, Any]:
    """``DEFAULT_LIMITS`` overlaid by the given limits (a ``None`` value keeps the default)."""
    lim = dict(DEFAULT_LIMITS)
    if limits:
        lim.update({k: v for k, v in limits.items() if v is not None})
    return lim
