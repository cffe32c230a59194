"""SIPD-RI (Permendagri 90/2019) codes in Python, mirroring the SQL macros of sql/core/macros.sql
(`core.era_sipd`, `core.kode_sipd`): the readers' cross-file checks compare codes as the model does.

- An SKPD is SIPD-era when its code has eight segments (`1.02.0.00.0.00.01.0000`).
- A sub kegiatan code has six segments; 2021-2022 exports print a two-digit tail
  (`1.02.02.2.02.33`), later ones four (`1.02.02.2.02.0033`): canonical is four.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

_TAIL = re.compile(r"^\d{1,4}$")


def kode(value: Any) -> str | None:
    """As `core.kode`: spaces removed, trailing dots stripped; blank -> None."""
    if value is None:
        return None
    text = re.sub(r"\s+", "", str(value)).rstrip(".")
    return text or None


def era_sipd(kode_skpd: Any) -> bool:
    k = kode(kode_skpd)
    return k is not None and len(k.split(".")) == 8


def kode_sipd(value: Any) -> str | None:
    """'1.02.02.2.02.33' -> '1.02.02.2.02.0033'; other codes as `kode`."""
    k = kode(value)
    if k is None:
        return None
    segs = k.split(".")
    if len(segs) == 6 and _TAIL.match(segs[5]):
        return ".".join(segs[:5] + [segs[5].zfill(4)])
    return k


def kode_era(kode_skpd: Any, value: Any) -> str | None:
    """A program / kegiatan / sub kegiatan code of one SKPD, as the model compares it."""
    return kode_sipd(value) if era_sipd(kode_skpd) else kode(value)


def canonical(kode_skpd: Any, codes: Iterable[Any]) -> set[str]:
    return {c for c in (kode_era(kode_skpd, v) for v in codes) if c is not None}


def comparable(kode_skpd: Any, known: set[str], codes: Any) -> tuple[set[str], Any]:
    """The plan's codes and a pandas Series of a file's codes, both as the model compares them.

    SIPD era: canonical codes, and the plan's program codes (the first three segments of its
    kegiatan codes: `1.02.02` of `1.02.02.2.01`), whose indicators are reported too. Otherwise
    both unchanged."""
    if not era_sipd(kode_skpd):
        return known, codes
    plan = canonical(kode_skpd, known)
    plan |= {".".join(c.split(".")[:3]) for c in plan if len(c.split(".")) >= 5}
    return plan, codes.map(lambda v: kode_era(kode_skpd, v))
