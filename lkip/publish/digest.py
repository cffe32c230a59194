"""What a unit's outputs were built from: a digest of its data, the code and the settings.

A unit's digest (lkip.publish.plan_digest.unit_digests, computed in DuckDB) hashes, in a fixed order,
* the code version: the source of lkip/publish/*.py, the bundled templates, the package version
  and the versions of the libraries that draw the files (matplotlib, xlsxwriter, python-docx,
  Jinja2);
* the settings publishing reads (`skpd`, `publish`, `scales`, `rules`) and the workspace's own
  templates (`publish.templates`);
* the unit itself as publishing sees it: name, period, every table (id, columns, rows in order,
  values with their types) and every warning (as a set: `laporan.peringatan` has no order).

The manifest `<unit folder>/.lkip-terbit.json` records the digest and the files written. A run
republishes a unit only when its digest differs or one of its files is missing; `lkip report
--force` (force=True) republishes every unit. This module holds the code and settings parts
and the manifest; the rows are hashed where they are, without reading them into Python.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

MANIFEST = ".lkip-terbit.json"
HERE = Path(__file__).resolve().parent
PACKAGE_TEMPLATES = HERE.parent / "templates"
CONFIG_SECTIONS = ("skpd", "publish", "scales", "rules")
LIBRARIES = ("matplotlib", "xlsxwriter", "python-docx", "jinja2")


def _files_digest(h: Any, folder: Path, pattern: str) -> None:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob(pattern)):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode("utf-8") + b"\0")
            h.update(path.read_bytes() + b"\0")


@lru_cache(maxsize=1)
def code_version() -> str:
    from lkip import __version__

    h = hashlib.sha256(f"lkip {__version__}\0".encode())
    for lib in LIBRARIES:
        try:
            h.update(f"{lib} {metadata.version(lib)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib} -\0".encode())
    _files_digest(h, HERE, "*.py")
    _files_digest(h, PACKAGE_TEMPLATES, "*")
    return h.hexdigest()


def _config_data(config: Any) -> dict[str, Any]:
    data = getattr(config, "data", config)
    return data if isinstance(data, dict) else {}


def settings_digest(config: Any) -> str:
    data = _config_data(config)
    h = hashlib.sha256()
    h.update(json.dumps({k: data.get(k) for k in CONFIG_SECTIONS}, sort_keys=True, default=repr).encode())
    if config is not None and hasattr(config, "get"):
        user = Path(getattr(config, "workspace", ".")) / str(config.get("publish.templates", "templates"))
        _files_digest(h, user, "*")
    return h.hexdigest()


def read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def up_to_date(folder: Path, digest: str) -> bool:
    """The folder's outputs were built from `digest` and every one of them is still there."""
    m = read_manifest(folder)
    if not m or m.get("digest") != digest or not isinstance(m.get("files"), list):
        return False
    return all((folder / f).is_file() for f in m["files"])


def write_manifest(folder: Path, digest: str, paths: list[Path]) -> None:
    """Record the digest and files; files of the previous build that were not rewritten are removed."""
    files = sorted({str(Path(p).resolve().relative_to(folder.resolve())) for p in paths})
    old = read_manifest(folder) or {}
    for stale in set(old.get("files") or []) - set(files):
        target = (folder / stale).resolve()
        if target.is_file() and folder.resolve() in target.parents:
            target.unlink()
    tmp = folder / f".{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"digest": digest, "files": files}, indent=1), encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)
