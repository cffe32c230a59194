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
