"""Export the warehouse's core and laporan layers as Hive-partitioned Parquet.

Bigger engines (Spark, Trino, MotherDuck, DuckDB itself, polars) read the result directly::

    <out_dir>/core/<table>/tahun=2020/kode_skpd=4.01.03/data_0.parquet
    <out_dir>/laporan/<view>/tahun=2020/kode_skpd=KOTA/data_0.parquet
    <out_dir>/_manifest.json

Every table or view of the exported schemas that has both ``tahun`` and ``kode_skpd`` columns is
partitioned by ``(tahun, kode_skpd)``; one with only ``tahun`` by ``tahun``; any other one is
written as a single ``<name>.parquet``. Each object's folder is replaced as a whole, so exporting
twice gives the same tree. DuckDB does the writing (``COPY ... TO ... (FORMAT parquet,
PARTITION_BY ...)``), streaming, in parallel, without pandas.

    python -m lkip.export output/lkip.duckdb output/parquet
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import duckdb

SCHEMAS = ("core", "laporan")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def objects(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...] = SCHEMAS) -> list[tuple[str, str, list[str]]]:
    """(schema, name, columns) of every table and view in ``schemas``, in name order."""
    rows = con.execute(
        f"""SELECT table_schema, table_name, list(column_name ORDER BY ordinal_position)
            FROM information_schema.columns
            WHERE table_schema IN ({', '.join('?' for _ in schemas)})
              AND table_catalog = current_database()
            GROUP BY 1, 2 ORDER BY 1, 2""",
        list(schemas),
    ).fetchall()
    return [(s, n, list(cols)) for s, n, cols in rows]


def export_parquet(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path | str,
    schemas: tuple[str, ...] = SCHEMAS,
    compression: str = "zstd",
) -> dict[str, Any]:
    """Write every core/laporan table and view under ``out_dir``; return the manifest."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {"partitioning": ["tahun", "kode_skpd"], "objects": []}
    for schema, name, columns in objects(con, schemas):
        lower = [c.lower() for c in columns]
        partition = [c for c in ("tahun", "kode_skpd") if c in lower]
        if partition == ["kode_skpd"]:
            partition = []  # a partition by SKPD alone would scatter small tables; keep one file
        source = f"{_ident(schema)}.{_ident(name)}"
        n_rows = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
        target = out / schema / name
        single = target.with_suffix(".parquet")
        for old in (target, single):
            if old.is_dir():
                shutil.rmtree(old)
            elif old.exists():
                old.unlink()
        if partition:
            target.mkdir(parents=True)
            cols = ", ".join(_ident(c) for c in partition)
            con.execute(
                f"COPY (SELECT * FROM {source}) TO {_sql_str(str(target))} "
                f"(FORMAT parquet, COMPRESSION {compression}, PARTITION_BY ({cols}))"
            )
            written = target
        else:
            single.parent.mkdir(parents=True, exist_ok=True)
            con.execute(
                f"COPY (SELECT * FROM {source}) TO {_sql_str(str(single))} "
                f"(FORMAT parquet, COMPRESSION {compression})"
            )
            written = single
        manifest["objects"].append({
            "schema": schema, "name": name, "rows": int(n_rows), "partition_by": partition,
            "path": str(written.relative_to(out)),
        })
    (out / "_manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def read_back(out_dir: Path | str, schema: str, name: str) -> str:
    """A DuckDB expression reading an exported object back (hive partitions as columns)."""
    base = Path(out_dir) / schema / name
    if base.is_dir():
        return (f"read_parquet({_sql_str(str(base / '**' / '*.parquet'))}, hive_partitioning = true, "
                "hive_types_autocast = false)")
    return f"read_parquet({_sql_str(str(base.with_suffix('.parquet')))})"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m lkip.export <warehouse.duckdb> <out_dir>", file=sys.stderr)
        return 2
    con = duckdb.connect(argv[0], read_only=True)
    try:
        manifest = export_parquet(con, argv[1])
    finally:
        con.close()
    for o in manifest["objects"]:
        print(f"{o['schema']}.{o['name']}: {o['rows']} baris -> {o['path']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
