"""Build the `core` model and the `laporan` report views from the staging tables.

`build(con, config)` creates the schemas, loads the configurable scales and rules into
`core.skala` / `core.param`, then runs `sql/core/*.sql` and `sql/laporan/*.sql` in file-name
order. Every statement is CREATE OR REPLACE, so building twice gives the same result.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import duckdb

DEFAULTS_FILE = Path(__file__).with_name("default_config.toml")


def sql_dir() -> Path:
    """The sql/ folder of the source tree, else the copy packaged as lkip/_sql."""
    here = Path(__file__).resolve()
    candidate = here.parents[1] / "sql"
    if (candidate / "core").is_dir():
        return candidate
    return here.parent / "_sql"


def _get(config: Any, dotted: str, default: Any = None) -> Any:
    """Read a dotted key from a Config object or a plain dict."""
    if config is None:
        return default
    if hasattr(config, "data") and isinstance(getattr(config, "data"), dict):
        config = config.data
    node: Any = config
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def _defaults() -> dict[str, Any]:
    return tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))


def _load_parameters(con: duckdb.DuckDBPyConnection, config: Any) -> None:
    defaults = _defaults()

    def get(key: str) -> Any:
        value = _get(config, key)
        return _get(defaults, key) if value is None else value

    scales = get("scales") or {}
    con.execute(
        "CREATE OR REPLACE TABLE core.skala (skala VARCHAR, urutan INTEGER, min DOUBLE, "
        "kode VARCHAR, label VARCHAR, kelompok VARCHAR)"
    )
    rows: list[tuple] = []
    for name in ("predikat", "ikm_mutu", "akip", "bumd"):
        for i, item in enumerate(scales.get(name) or _get(defaults, f"scales.{name}") or []):
            rows.append(
                (name, i, float(item.get("min", -1e18)), str(item.get("kode")),
                 item.get("label"), item.get("kelompok"))
            )
    b_ke_atas = _get(scales, "akip_b_ke_atas.kategori") or _get(
        defaults, "scales.akip_b_ke_atas.kategori", ["AA", "A", "BB", "B"])
    for i, kode in enumerate(b_ke_atas):
        rows.append(("akip_b_ke_atas", i, None, str(kode), None, None))
    if rows:
        con.executemany("INSERT INTO core.skala VALUES (?, ?, ?, ?, ?, ?)", rows)

    params = {
        "capaian_turun": str(get("rules.capaian_turun") or "selisih"),
        "cap_capaian": "true" if get("rules.cap_capaian") else "false",
        "cap_capaian_pct": str(float(get("rules.cap_capaian_pct") or 100.0)),
        "efisien_di_atas": str(float(get("rules.efisiensi.efisien_di_atas") or 5.0)),
        "tidak_efisien_di_bawah": str(float(get("rules.efisiensi.tidak_efisien_di_bawah") or -5.0)),
    }
    con.execute("CREATE OR REPLACE TABLE core.param (nama VARCHAR PRIMARY KEY, nilai VARCHAR)")
    con.executemany("INSERT INTO core.param VALUES (?, ?)", list(params.items()))

    con.execute("CREATE OR REPLACE TABLE core.skpd_nama (kode_skpd VARCHAR, nama_skpd VARCHAR)")
    names = _get(config, "skpd") or {}
    if isinstance(names, dict) and names:
        con.executemany(
            "INSERT INTO core.skpd_nama VALUES (?, ?)", [(str(k), str(v)) for k, v in names.items()]
        )


def run_sql_files(con: duckdb.DuckDBPyConnection, folder: Path) -> list[Path]:
    files = sorted(folder.glob("*.sql"))
    for path in files:
        try:
            con.execute(path.read_text(encoding="utf-8"))
        except duckdb.Error as exc:  # name the file that failed
            raise RuntimeError(f"{path.name}: {exc}") from exc
    return files


def build(con: duckdb.DuckDBPyConnection, config: Any = None) -> None:
    """Create/replace every core table and laporan view from the staging tables."""
    for schema in ("core", "laporan"):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    _load_parameters(con, config)
    base = sql_dir()
    run_sql_files(con, base / "core")
    run_sql_files(con, base / "laporan")
