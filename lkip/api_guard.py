"""What a flow run created through the Prefect API may ask for (see SECURITY.md).

Anyone who can reach the Prefect API can create a flow run of the served deployment with any
parameters. The flow used to load the folder it was given (its `lkip.toml`, its templates): a
path parameter was a way to make the service run someone else's configuration. So the process
that serves the deployment (`lkip serve`) records its workspace, input and output folders in its
environment (inherited by the processes Prefect starts for each flow run), and every flow run it
executes is checked before anything is read:

- a path parameter left empty means the served one;
- a path parameter must be the served one, or lie (after resolving links) under one of the
  folders listed in `[security] allowed_roots` of the served workspace's `lkip.toml`;
- `mode` is one of run / report / rebuild; `run_id` is a plain name (it names a file).

Runs started from a shell (`lkip run`, `lkip watch`) are not served runs and keep their options.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

SERVED_WORKSPACE = "LKIP_SERVED_WORKSPACE"
SERVED_INPUT = "LKIP_SERVED_INPUT"
SERVED_OUTPUT = "LKIP_SERVED_OUTPUT"
ALLOWED_ROOTS = "LKIP_ALLOWED_ROOTS"
MODES = ("run", "report", "rebuild")
RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


class ParameterRefused(ValueError):
    """A flow run's parameters are not allowed; the message is for the officer (Indonesian)."""


def allowed_roots(cfg: Any) -> list[Path]:
    roots = cfg.get("security.allowed_roots", []) if cfg is not None else []
    if isinstance(roots, str):
        roots = [roots]
    base = Path(getattr(cfg, "workspace", "."))
    return [(base / str(r)).resolve() for r in roots or [] if str(r).strip()]


def mark_served(cfg: Any) -> None:
    """Called by `lkip serve` before serving: fixes the folders of every flow run it executes."""
    os.environ[SERVED_WORKSPACE] = str(Path(cfg.workspace).resolve())
    os.environ[SERVED_INPUT] = str(Path(cfg.input_dir).resolve())
    os.environ[SERVED_OUTPUT] = str(Path(cfg.output_dir).resolve())
    os.environ[ALLOWED_ROOTS] = os.pathsep.join(str(r) for r in allowed_roots(cfg))


def served() -> bool:
    return bool(os.environ.get(SERVED_WORKSPACE))


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def check_run_id(run_id: str | None) -> None:
    if run_id is not None and not RUN_ID.match(str(run_id)):
        raise ParameterRefused(
            f"Parameter run_id {str(run_id)[:80]!r} ditolak: hanya huruf, angka, '.', '_' dan '-' "
            "(paling banyak 100 karakter) yang diizinkan, karena run_id menjadi nama berkas.")


def check_flow_parameters(workspace: str | None, input_dir: str | None, output_dir: str | None,
                          mode: str = "run", run_id: str | None = None) -> tuple[str | None, str | None, str | None]:
    """The folders a flow run may use: the served ones for a served run (a refused parameter
    raises ParameterRefused), the given ones otherwise."""
    check_run_id(run_id)
    if mode not in MODES:
        raise ParameterRefused(f"Parameter mode {str(mode)[:40]!r} ditolak: pilih salah satu dari {', '.join(MODES)}.")
    if not served():
        return workspace, input_dir, output_dir
    fixed = _fixed()
    roots = _roots()
    ws = _allowed("workspace", workspace, fixed, roots) if workspace not in (None, "") else fixed["workspace"]
    same = ws == fixed["workspace"]
    folders = []
    for name, value in (("input_dir", input_dir), ("output_dir", output_dir)):
        if value in (None, ""):
            folders.append(fixed[name] if same else None)   # else: the chosen workspace's own
        else:
            folders.append(_allowed(name, value, fixed, roots))
    return ws, folders[0], folders[1]


def check_effective(cfg: Any) -> None:
    """The input and output folders a served run ended up with (its lkip.toml may name others)."""
    if not served():
        return
    fixed, roots = _fixed(), _roots()
    for name, value in (("input_dir", cfg.input_dir), ("output_dir", cfg.output_dir)):
        _allowed(name, str(value), fixed, roots)


def _fixed() -> dict[str, str]:
    return {"workspace": os.environ[SERVED_WORKSPACE], "input_dir": os.environ.get(SERVED_INPUT, ""),
            "output_dir": os.environ.get(SERVED_OUTPUT, "")}


def _roots() -> list[Path]:
    return [Path(r) for r in os.environ.get(ALLOWED_ROOTS, "").split(os.pathsep) if r]


def _allowed(name: str, value: Any, fixed: dict[str, str], roots: list[Path]) -> str:
    try:
        path = Path(str(value)).expanduser().resolve()
    except (OSError, RuntimeError, ValueError):
        path = None
    if path is not None and (str(path) == fixed[name] or any(_inside(path, r) for r in roots)):
        return str(path)
    where = fixed[name] + (f" atau folder di bawah {', '.join(map(str, roots))}" if roots else "")
    raise ParameterRefused(
        f"Flow run ditolak: parameter {name}={str(value)[:200]!r} tidak diizinkan untuk deployment yang "
        f"dilayani `lkip serve`; yang diizinkan: {where} ([security] allowed_roots di lkip.toml).")
