"""The realisation rule of SIPD "Laporan Realisasi Per Dokumen" (docs/sipd.md 5), as configuration.

`[[sipd.dokumen]]` in lkip/default_config.toml (overridable in lkip.toml) says which Jenis Dokumen x
Jenis Transaksi rows count, with which value, sign and date. One definition serves both sides:
the reader (`classify`: an unknown combination is an error with its row) and the model
(`load_table` fills `core.aturan_dokumen`, which `sql/core/dokumen_dihitung.sql` applies).

`nilai` and `tanggal` name staged columns; they are checked against an allow-list here, so no
configured text reaches SQL as an identifier.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULTS_FILE = Path(__file__).with_name("default_config.toml")
NILAI = ("nilai_realisasi", "nilai_setoran", "nilai_sp2d")
TANGGAL = ("tanggal_transfer", "tanggal_sp2d", "tanggal_dokumen")
ARAH = ("tambah", "kurang", "abaikan")
ANY = "*"


class RuleError(ValueError):
    """The configured rule is malformed (message names the entry and the key)."""


def normalise_jenis(value: Any) -> str | None:
    """'TBP-KKPD' / 'tbp_kkpd' / ' TBP  KKPD ' -> 'TBP KKPD'; blank -> None."""
    if value is None:
        return None
    text = re.sub(r"[\s_\-]+", " ", str(value)).strip().upper()
    return text or None


@dataclass(frozen=True)
class Rule:
    urutan: int
    jenis_dokumen: str
    jenis_transaksi: tuple[str, ...]
    arah: str
    nilai: str | None
    tanggal: tuple[str, ...]

    def applies(self, dokumen: str | None, transaksi: str | None) -> bool:
        return dokumen == self.jenis_dokumen and (ANY in self.jenis_transaksi or transaksi in self.jenis_transaksi)

    @property
    def counts(self) -> bool:
        return self.arah != "abaikan"


def _entries(config: Any) -> list[dict[str, Any]]:
    data = getattr(config, "data", config)
    entries = None
    if isinstance(data, dict):
        entries = (data.get("sipd") or {}).get("dokumen")
    if entries is None:
        entries = tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))["sipd"]["dokumen"]
    return list(entries)


def load_rules(config: Any = None) -> list[Rule]:
    """The rule entries in order, validated. Raises RuleError."""
    rules: list[Rule] = []
    for i, e in enumerate(_entries(config), 1):
        where = f"[[sipd.dokumen]] ke-{i}"
        if not isinstance(e, dict):
            raise RuleError(f"{where}: harus berupa tabel")
        dok = normalise_jenis(e.get("jenis_dokumen"))
        if not dok:
            raise RuleError(f"{where}: jenis_dokumen kosong")
        trans = e.get("jenis_transaksi", [ANY])
        trans = [trans] if isinstance(trans, str) else list(trans or [ANY])
        trans_n = tuple(ANY if str(t).strip() == ANY else normalise_jenis(t) for t in trans)
        arah = str(e.get("arah", "")).strip().lower()
        if arah not in ARAH:
            raise RuleError(f"{where}: arah '{e.get('arah')}' tidak dikenal (harus {', '.join(ARAH)})")
        nilai = e.get("nilai")
        tanggal = e.get("tanggal", [])
        tanggal = [tanggal] if isinstance(tanggal, str) else list(tanggal or [])
        if arah != "abaikan":
            if nilai not in NILAI:
                raise RuleError(f"{where}: nilai '{nilai}' tidak dikenal (harus {', '.join(NILAI)})")
            if not tanggal:
                raise RuleError(f"{where}: tanggal kosong (salah satu dari {', '.join(TANGGAL)})")
        for t in tanggal:
            if t not in TANGGAL:
                raise RuleError(f"{where}: tanggal '{t}' tidak dikenal (harus {', '.join(TANGGAL)})")
        rules.append(Rule(i, dok, tuple(t for t in trans_n if t), arah, nilai, tuple(tanggal)))
    return rules


def classify(rules: list[Rule], dokumen: Any, transaksi: Any) -> Rule | None:
    """The first rule for a row's (normalised) Jenis Dokumen and Jenis Transaksi, or None."""
    d, t = normalise_jenis(dokumen), normalise_jenis(transaksi)
    return next((r for r in rules if r.applies(d, t)), None)


def known_combinations(rules: list[Rule]) -> str:
    """The combinations the rule knows, for an error's 'expected' text."""
    parts = []
    for r in rules:
        trans = "semua" if ANY in r.jenis_transaksi else "/".join(r.jenis_transaksi)
        parts.append(f"{r.jenis_dokumen} ({trans})")
    return ", ".join(parts)


def load_table(con: Any, config: Any = None) -> None:
    """core.aturan_dokumen from the configuration (called by lkip.model before the SQL runs)."""
    rules = load_rules(config)
    con.execute("CREATE OR REPLACE TABLE core.aturan_dokumen (urutan INTEGER, jenis_dokumen VARCHAR, "
                "jenis_transaksi VARCHAR[], nilai VARCHAR, arah VARCHAR, tanggal VARCHAR[])")
    con.executemany("INSERT INTO core.aturan_dokumen VALUES (?, ?, ?, ?, ?, ?)",
                    [(r.urutan, r.jenis_dokumen, list(r.jenis_transaksi), r.nilai, r.arah, list(r.tanggal))
                     for r in rules])
