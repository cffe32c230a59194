"""Configuration: lkip/default_config.toml overlaid by <workspace>/lkip.toml."""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULTS_FILE = Path(__file__).with_name("default_config.toml")


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


@dataclass
class Config:
    data: dict[str, Any]
    workspace: Path = field(default_factory=Path.cwd)
    input_dir: Path | None = None
    output_dir: Path | None = None

    def __post_init__(self) -> None:
        self.workspace = Path(self.workspace).resolve()
        paths = self.data.get("paths", {})
        if self.input_dir is None:
            self.input_dir = self.workspace / paths.get("input", "input")
        if self.output_dir is None:
            self.output_dir = self.workspace / paths.get("output", "output")
        self.input_dir = Path(self.input_dir).resolve()
        self.output_dir = Path(self.output_dir).resolve()

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, dotted: str, default: Any = None) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    @property
    def warehouse(self) -> Path:
        return self.output_dir / "lkip.duckdb"

    @property
    def processed_dir(self) -> Path:
        return self.input_dir / "processed"

    @property
    def rejected_dir(self) -> Path:
        return self.input_dir / "rejected"

    @property
    def runs_dir(self) -> Path:
        return self.output_dir / "runs"


def load_config(
    workspace: Path | str | None = None,
    input_dir: Path | str | None = None,
    output_dir: Path | str | None = None,
    overrides: dict[str, Any] | None = None,
) -> Config:
    ws = Path(workspace) if workspace else Path.cwd()
    data = tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))
    user = ws / "lkip.toml"
    if user.is_file():
        data = _merge(data, tomllib.loads(user.read_text(encoding="utf-8")))
    if overrides:
        data = _merge(data, overrides)
    return Config(
        data=data,
        workspace=ws,
        input_dir=Path(input_dir) if input_dir else None,
        output_dir=Path(output_dir) if output_dir else None,
    )


def default_table(name: str) -> dict[str, Any]:
    """One table of lkip/default_config.toml (``{}`` when the file cannot be read): the defaults
    of a layer used without a Config, e.g. ``open_workbook``'s limits."""
    try:
        data = tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    table = data.get(name, {})
    return dict(table) if isinstance(table, dict) else {}
