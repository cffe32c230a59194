"""Text from officers' spreadsheets made safe for every output format.

* `clean(text)`: characters XML 1.0 forbids (C0 controls other than tab/newline/carriage return,
  lone surrogates, U+FFFE/U+FFFF) are dropped, and so are Excel's `_xHHHH_` escapes of such a
  control character (a cell read from a workbook may carry `_x0007_` for a BEL). python-docx
  refuses such text outright; Excel/LibreOffice show garbage or refuse the file. Applied to
  every value published (tables, warnings, names), so CSV, HTML, xlsx, docx and charts agree.
* `chart_text(text)`: for matplotlib, which reads `$...$` as mathtext (an unknown command such as
  `$\\undefinedcmd{x}$` makes the whole chart fail): every `$` is escaped.
* `shorten(text, limit)`: at most `limit` characters, cut at a word boundary, marked with `…`.
* `file_stem(text)`: a file or folder name from a code: only `[0-9A-Za-z._-]`, never `.`/`..`,
  at most 80 characters (a code is never a path).
"""

from __future__ import annotations

import re
from typing import Any

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPED_CONTROL = re.compile(r"_x(?:000[0-8bBcCeEfF]|001[0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2}|[fF]{3}[eEfF])_")
_UNSAFE_NAME = re.compile(r"[^0-9A-Za-z._-]+")


def clean(text: str) -> str:
    """`text` without characters XML 1.0 cannot hold (nor their `_xHHHH_` escapes)."""
    if "_x" in text:
        text = _ESCAPED_CONTROL.sub("", text)
    return _ILLEGAL.sub("", text)


def clean_value(value: Any) -> Any:
    return clean(value) if isinstance(value, str) else value


def clean_row(row: dict[str, Any]) -> dict[str, Any]:
    """The row itself, its string values cleaned in place (only when one needs it)."""
    for k, v in row.items():
        if isinstance(v, str) and (_ILLEGAL.search(v) or "_x" in v):
            row[k] = clean(v)
        elif isinstance(v, (list, dict)):
            row[k] = _clean_nested(v)
    return row


def rows_clean(rows: list[dict[str, Any]]) -> bool:
    """Whether clean_row would leave every row as it is: no nested value, and no character to drop
    in any of their texts (one search over all of them instead of one per text)."""
    texts: list[str] = []
    add = texts.append
    for r in rows:
        for v in r.values():
            if isinstance(v, str):
                add(v)
            elif isinstance(v, (list, dict)):
                return False
    joined = "\n".join(texts)  # a newline is legal and splits no `_x`
    return not (_ILLEGAL.search(joined) or "_x" in joined)


def _clean_nested(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_clean_nested(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean_nested(v) for k, v in value.items()}
    return value


def chart_text(text: Any) -> str:
    """Text for a matplotlib label: cleaned, `$` escaped so mathtext never parses it."""
    return clean(str(text)).replace("$", r"\$")


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters: cut at the last space before the limit, ending with `…`."""
    text = str(text)
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 1)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def file_stem(text: Any, limit: int = 80) -> str:
    """A safe file/folder name for a code: `4.01.01` stays `4.01.01`; `../x` -> `.._x`; `..` -> `_..`."""
    name = _UNSAFE_NAME.sub("_", str(text))[:limit]
    if not name or set(name) == {"."}:
        name = "_" + name
    return name
