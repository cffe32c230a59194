"""A migrated, empty Prefect database to start a new workspace's temporary server from.

The temporary server of a workspace that has never run (no `<PREFECT_HOME>/prefect.db`) first
creates its SQLite database: every Alembic migration of Prefect's schema and the registration of
the block types, about half of its start-up (4-5 s of a first `lkip run`). The first time that
happens on a machine, `save_template` keeps a copy of that database, taken with SQLite's backup
API as soon as the server answers (before any flow run is written), in the user's cache
(`$XDG_CACHE_HOME/lkip`, else `~/.cache/lkip`), one file per Prefect version. A later new
workspace starts from that copy (`seed`): Prefect then finds its schema at the head revision and
only checks it. Nothing is copied when the workspace already has its database or when Prefect's
database is configured elsewhere (PREFECT_*_DATABASE_CONNECTION_URL); `LKIP_PREFECT_DB_TEMPLATE=0`
turns the template off. The template is a cache: deleting it only costs the next first run.

Even at its head revision, Prefect's server checks every migration and registers every block type
again on each start (~1 CPU-s of the 3-4 s a temporary server takes to answer). `start_settings`
turns both off for a start whose database is at the template's Alembic revision: the template was
made by this Prefect version, so such a database has nothing to migrate and its block types were
registered when it was created. Any other database (another revision, no template yet, a broken
file) starts as before, with Prefect's own checks.
"""

from __future__ import annotations

import os
import sqlite3
from importlib import metadata
from pathlib import Path

DB_NAME = "prefect.db"
URL_VARS = ("PREFECT_API_DATABASE_CONNECTION_URL", "PREFECT_SERVER_DATABASE_CONNECTION_URL")


def enabled() -> bool:
    if os.environ.get("LKIP_PREFECT_DB_TEMPLATE", "1").strip() in ("0", "false", "no"):
        return False
    return not any(os.environ.get(v) for v in URL_VARS)


def template_path() -> Path | None:
    try:
        version = metadata.version("prefect")
    except metadata.PackageNotFoundError:
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lkip" / f"prefect-{version}-kosong.db"


def seed(home: Path) -> str:
    """'existing' (the workspace has its database), 'seeded' (copied from the template) or 'fresh'."""
    target = Path(home) / DB_NAME
    if target.exists() or not enabled():
        return "existing"
    template = template_path()
    if template is None or not template.is_file():
        return "fresh"
    tmp = target.with_name(f".{DB_NAME}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(template.read_bytes())
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        return "fresh"
    return "seeded"


def save_template(home: Path) -> Path | None:
    """Keep the workspace's just-created database as the template (no-op when there is one)."""
    template = template_path()
    source = Path(home) / DB_NAME
    if template is None or template.exists() or not source.is_file() or not enabled():
        return None
    tmp = template.with_name(f".{template.name}.{os.getpid()}.tmp")
    try:
        template.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, template)
    except (OSError, sqlite3.Error):
        tmp.unlink(missing_ok=True)
        return None
    return template


def _revision(path: Path) -> str | None:
    """The Alembic revision recorded in a Prefect SQLite database (read-only), or None."""
    if not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = con.execute("select version_num from alembic_version").fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def at_template_revision(home: Path) -> bool:
    """Whether the workspace's database is at the revision of this Prefect version's template."""
    if not enabled():
        return False
    template = template_path()
    if template is None:
        return False
    current = _revision(Path(home) / DB_NAME)
    return current is not None and current == _revision(template)


REGISTER = "PREFECT_API_BLOCKS_REGISTER_ON_START"
# Prefect's memo of the block registration imports every installed Prefect collection (its entry
# points: prefect_dask, ~0,3 CPU-s of the server's start) to hash the block types BEFORE it asks
# whether registration is on at all; off with the registration, the start skips both.
MEMOIZE = "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION"
START_SWITCHES = ("PREFECT_API_DATABASE_MIGRATE_ON_START", REGISTER, MEMOIZE)


def _off(value: str | None) -> bool:
    return str(value).strip().lower() in ("false", "0", "no", "off")


def start_settings(home: Path, environ: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for the temporary server's start: migration check and block registration off
    (and the registration's memo, which only serves a registration) when the database is at the
    template's revision (unless the user set them)."""
    environ = os.environ if environ is None else environ
    if not at_template_revision(home):
        return {}
    out = {k: "false" for k in START_SWITCHES if k not in environ}
    if "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION" in environ or not _off(out.get(REGISTER, environ.get(REGISTER))):
        out.pop(MEMOIZE, None)   # the user's choice, or a registration that still runs: memoized
    return out
