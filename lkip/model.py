"""Build the `core` model and the `laporan` report views from the staging tables.

`build(con, config)` creates the schemas, loads the configurable scales and rules into
`core.skala` / `core.param`, then runs `sql/core/*.sql` and `sql/laporan/*.sql`. Every statement
is CREATE OR REPLACE, so building twice gives the same result.

One object per SQL file, named after it (`sql/core/kegiatan.sql` creates `core.kegiatan`); only
`macros.sql` holds several (scalar macros). The order is derived from the references, as dbt
derives it from `ref()`: the `core.x` / `laporan.x` names a file reads (comments and string
literals aside) must be built first; a cycle, a file reading the object it defines or a name no
file defines is a `ModelError` naming the files, raised before any SQL runs.
"""

from __future__ import annotations

import heapq
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

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

    from lkip import sipd_rules

    sipd_rules.load_table(con, config)   # core.aturan_dokumen: the SIPD realisation rule

    con.execute("CREATE OR REPLACE TABLE core.skpd_nama (kode_skpd VARCHAR, nama_skpd VARCHAR)")
    names = _get(config, "skpd") or {}
    if isinstance(names, dict) and names:
        con.executemany(
            "INSERT INTO core.skpd_nama VALUES (?, ?)", [(str(k), str(v)) for k, v in names.items()]
        )


# Tables _load_parameters creates from the configuration before any SQL file runs.
PARAMETER_TABLES = frozenset({"core.skala", "core.param", "core.skpd_nama", "core.aturan_dokumen"})
# The one file allowed to hold several objects: scalar macros (one concern, see its header).
MACROS_FILE = "macros.sql"
MODEL_SCHEMAS = ("core", "laporan")

# Skipped when looking for names: comments and string literals ('staging.renja' is data);
# double-quoted identifiers are matched only so that a quote inside one is not read as a string.
_NOISE = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", re.S)
_DEFINITION = re.compile(
    r"\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(TABLE|VIEW|MACRO|FUNCTION)\s+"
    r"(?:IF\s+NOT\s+EXISTS\s+)?(core|laporan)\.(\w+)", re.I)
_REFERENCE = re.compile(r"(?<![\w.])(core|laporan)\.([A-Za-z_]\w*)", re.I)


class ModelError(RuntimeError):
    """The SQL files cannot be ordered: misnamed file, cycle or unknown reference."""


@dataclass(frozen=True)
class SqlFile:
    """One model file: the objects it creates and the model objects it reads. ``sql``: the text of
    a generated file (``path`` then names it but is not on disk), else None (read from ``path``)."""

    path: Path
    defines: tuple[str, ...]
    reads: frozenset[str]
    sql: str | None = None
    run: Callable[[duckdb.DuckDBPyConnection], Any] | None = None  # in place of executing text()

    def text(self) -> str:
        return self.sql if self.sql is not None else self.path.read_text(encoding="utf-8")

    @property
    def label(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"


def _strip_noise(sql: str) -> str:
    return _NOISE.sub(lambda m: m.group(0) if m.group(0).startswith('"') else " ", sql)


def parse_sql_file(path: Path, schema: str | None = None) -> SqlFile:
    """The objects `path` creates and the `core.` / `laporan.` names it reads.

    Checks the naming rule: a file creates exactly one object, `<schema>.<file stem>` (schema =
    the folder's name); `macros.sql` creates only macros. Raises ModelError otherwise.
    """
    return _parse(path, path.read_text(encoding="utf-8"), schema)


def staging_views(folder: Path) -> list[SqlFile]:
    """``core.stg_<table>`` for every staged table a reader fills (lkip.sources): the rows of the
    files that count (``core.aktif``), generated, as if ``<folder>/stg_<table>.sql`` held it."""
    from lkip import sources

    out = []
    for name in sources.tables():
        sql = (f"-- The rows of staging.{name} that count (files of core.file_aktif; see core.aktif).\n"
               f"CREATE OR REPLACE VIEW core.stg_{name} AS FROM core.aktif('staging.{name}');\n")
        path = folder / f"stg_{name}.sql"
        parsed = _parse(path, sql, "core")
        out.append(SqlFile(path, parsed.defines, parsed.reads, sql))
    return out


def _parse(path: Path, text: str, schema: str | None) -> SqlFile:
    schema = (schema or path.parent.name).lower()
    sql = _strip_noise(text)
    found = [(m.group(1).upper(), f"{m.group(2)}.{m.group(3)}".lower())
             for m in _DEFINITION.finditer(sql)]
    defines = tuple(name for _, name in found)
    label = f"{path.parent.name}/{path.name}"
    if not defines:
        raise ModelError(f"{label} creates no {schema}.* object "
                         "(CREATE OR REPLACE TABLE/VIEW ...)")
    if len(set(defines)) < len(defines):
        twice = sorted({n for n in defines if defines.count(n) > 1})
        raise ModelError(f"{label} creates {', '.join(twice)} more than once; each object is "
                         "created once (build a step as its own, differently named object)")
    if path.name == MACROS_FILE:
        wrong = [name for kind, name in found
                 if kind not in ("MACRO", "FUNCTION") or not name.startswith(schema + ".")]
        if wrong:
            raise ModelError(f"{label} may only create {schema}.* macros, not {', '.join(wrong)}")
    else:
        expected = f"{schema}.{path.stem.lower()}"
        if defines != (expected,):
            raise ModelError(f"{label} creates {', '.join(defines)}; a file creates one object, "
                             f"named after the file ({expected})")
    body = _DEFINITION.sub(" ", sql)  # the name after CREATE is not a read
    reads = {f"{m.group(1)}.{m.group(2)}".lower() for m in _REFERENCE.finditer(body)}
    if path.name == MACROS_FILE:
        reads -= set(defines)  # a macro may call another macro of the same file
    return SqlFile(path, defines, frozenset(reads))


def _cycle(files: dict[str, SqlFile], owner: dict[str, str]) -> list[str]:
    """One cycle among `files` (every one of which waits on another of them), as labels."""
    start = min(files)
    path, seen = [start], {start: 0}
    while True:
        deps = sorted(owner[r] for r in files[path[-1]].reads if owner.get(r) in files)
        nxt = deps[0]
        if nxt in seen:
            loop = path[seen[nxt]:] + [nxt]
            return [files[k].label for k in loop]
        seen[nxt] = len(path)
        path.append(nxt)


def build_order(
    folder: Path, known: Iterable[str] = (), schema: str | None = None,
    generated: Iterable[SqlFile] | None = None,
) -> list[SqlFile]:
    """The `*.sql` files of `folder` in an order where each runs after what it reads.

    `known`: objects that exist before the folder runs (the parameter tables, the core objects
    for sql/laporan). `generated`: files made in code, ordered with the others (by default, for
    the project's sql/core, the `core.stg_<table>` views of `staging_views`). Ties are broken by
    file name, so the order is stable.
    """
    existing = {k.lower() for k in known}
    files = {p.name: parse_sql_file(p, schema) for p in sorted(folder.glob("*.sql"))}
    if generated is None and folder.resolve() == (sql_dir() / "core").resolve():
        generated = staging_views(folder)      # the project's core: the declared tables' views
    for g in generated or ():
        if g.path.name in files:
            raise ModelError(f"{files[g.path.name].label} is generated from the table declarations "
                             "(lkip.tables); remove the file")
        files[g.path.name] = g
    owner: dict[str, str] = {}
    for key, f in files.items():
        for name in f.defines:
            if name in owner:
                first = files[owner[name]].label
                raise ModelError(f"{name} is created by {first} and by {f.label}")
            if name in existing:
                raise ModelError(f"{f.label} creates {name}, which exists before {folder.name}/ "
                                 "runs (a parameter table or a core object)")
            owner[name] = key
    waits: dict[str, set[str]] = {}
    for key, f in files.items():
        deps = set()
        for name in sorted(f.reads):
            if name in f.defines:
                raise ModelError(f"{f.label} reads {name}, the object it creates; build the "
                                 "earlier step as its own object (an int_... table) and read that")
            if name in owner:
                deps.add(owner[name])
            elif name not in existing:
                raise ModelError(f"{f.label} reads {name}, which no SQL file in {folder.name}/ "
                                 "creates and which does not exist before it")
        waits[key] = deps
    ready = [k for k, d in waits.items() if not d]
    heapq.heapify(ready)
    order: list[SqlFile] = []
    while ready:
        key = heapq.heappop(ready)
        order.append(files[key])
        for other, deps in waits.items():
            if key in deps:
                deps.discard(key)
                if not deps:
                    heapq.heappush(ready, other)
    if len(order) < len(files):
        stuck = {k: files[k] for k, d in waits.items() if d}
        loop = " -> ".join(_cycle(stuck, owner))
        raise ModelError(f"circular references between SQL files: {loop}")
    return order


def run_sql_files(con: duckdb.DuckDBPyConnection, folder: Path,
                  known: Iterable[str] = PARAMETER_TABLES) -> list[Path]:
    """Run the folder's SQL files in dependency order; returns them in the order run."""
    return _run(con, build_order(folder, known))


def _run(con: duckdb.DuckDBPyConnection, files: list[SqlFile]) -> list[Path]:
    for f in files:
        try:
            if f.run is not None:
                f.run(con)
            else:
                con.execute(f.text())
        except duckdb.Error as exc:  # name the file that failed
            raise RuntimeError(f"{f.path.name}: {exc}") from exc
    return [f.path for f in files]


def build(con: duckdb.DuckDBPyConnection, config: Any = None, full: bool = False) -> None:
    """Create/replace every core table and laporan view from the staging tables, in ONE
    transaction: a build that fails leaves the previous model whole, and the ~70 statements cost
    one commit instead of one each (~0,4 s of the city's 2-3 s). `core.sp2d` is rebuilt only for
    the SKPD-years whose register rows changed (lkip.model_partitions), unless ``full``. Not to be
    called inside a transaction of the caller's."""
    base = sql_dir()
    # Both folders are ordered (and their naming checked) before anything is created.
    core = build_order(base / "core", PARAMETER_TABLES)
    core_objects = PARAMETER_TABLES.union(*(f.defines for f in core))
    laporan = build_order(base / "laporan", core_objects)
    from lkip import model_partitions

    core = model_partitions.plan(core, full)
    con.execute("BEGIN TRANSACTION")
    try:
        for schema in MODEL_SCHEMAS:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        _load_parameters(con, config)
        _run(con, core)
        _run(con, laporan)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
