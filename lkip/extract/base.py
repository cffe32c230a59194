"""What every reader returns (the kinds themselves: lkip.sources)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from lkip.issues import Issue

@dataclass
class FileMeta:
    kode_skpd: str | None = None
    nama_skpd: str | None = None
    tahun: int | None = None
    periode_awal: dt.date | None = None
    periode_akhir: dt.date | None = None
    s_d_triwulan: int | None = None
    dokumen: str | None = None      # renja / dpa for plan files
    is_perubahan: bool = False
    # A file holding several SKPD (a city-wide SIPD documents file): per SKPD code, the metadata a
    # file of that SKPD alone would have; staged as one part per SKPD (lkip.skpd_parts). Empty for
    # a file of one SKPD (kode_skpd above).
    bagian: dict[str, "FileMeta"] = field(default_factory=dict)


@dataclass
class ReadResult:
    kind: str
    meta: FileMeta
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    @property
    def n_rows(self) -> int:
        return sum(len(t) for t in self.tables.values())
