"""`lkip validate` against the workspace's warehouse (``ingest.validate_files``): the same checks a
run makes when it stages the files (codes against the Renja, what a replacement removes, same
bytes already processed), on a read-only connection, so the officer hears before the drop what
the run would say. Here: the connection, and the Renja codes of the files checked together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb


def open_read_only(cfg: Any) -> tuple[duckdb.DuckDBPyConnection | None, str | None]:
    """A read-only connection to the warehouse, or None and why (none yet, or in use)."""
    path = Path(cfg.warehouse) if cfg is not None and getattr(cfg, "warehouse", None) else None
    if path is None or not path.is_file():
        return None, None
    try:
        return duckdb.connect(str(path), read_only=True), None
    except duckdb.Error as exc:
        return None, (f"Gudang data {path.name} tidak dapat dibuka untuk dibaca ({exc.__class__.__name__}; "
                      "mungkin sedang dipakai oleh run): pemeriksaan terhadap Renja/DPA di gudang data dilewati")


def batch_renja(prepared: list[Any]) -> dict[tuple, set[str]]:
    """Kegiatan codes of the Renja files checked together (the files that fill staging.renja,
    whatever their kind): a run stages them before the others."""
    out: dict[tuple, set[str]] = {}
    for prep in prepared:
        df = prep.tables.get("renja")
        if prep.has_errors or df is None or df.empty:
            continue
        codes = df.loc[df["baris_jenis"] == "kegiatan", "kode"].dropna().astype(str)
        out[(prep.meta.kode_skpd, prep.meta.tahun)] = set(codes)
    return out
