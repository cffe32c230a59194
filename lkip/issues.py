"""One problem found in an input file, told to the officer in Bahasa Indonesia."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

ERROR = "error"      # the file is rejected
WARNING = "warning"  # the file is staged, the warning is listed


@dataclass(frozen=True)
class Issue:
    pesan: str                     # the message, in Bahasa Indonesia
    severity: str = ERROR
    sheet: str | None = None
    excel_row: int | None = None   # 1-based, as Excel shows it
    kolom: str | None = None       # column header as printed in the file (or the canonical name)
    nilai: Any = None              # the offending value, as read
    diharapkan: str | None = None  # what was expected
    file: str | None = None
    sel: str | None = None         # the cell as Excel names it (H12), when known (lkip.cells)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"Sheet '{self.sheet}'")
        if self.sel:
            parts.append(f"sel {self.sel}")
        if self.excel_row:
            parts.append(f"baris {self.excel_row}")
        if self.kolom:
            parts.append(f"kolom {self.kolom}")
        return ", ".join(parts)

    def text(self) -> str:
        """One line as printed in the .errors.txt report and on the console."""
        where = self.where()
        head = f"{where[0].upper()}{where[1:]}: " if where else ""
        said = self.diharapkan and self.diharapkan.lower() in self.pesan.lower()
        tail = f" (diharapkan: {self.diharapkan})" if self.diharapkan and not said else ""
        return f"{head}{self.pesan}{tail}"

    def value_note(self) -> str:
        """`` — nilai: …`` for a report line, unless the message already shows the value."""
        if self.nilai is None or str(self.nilai) == "":
            return ""
        shown = str(self.nilai)
        if repr(self.nilai) in self.pesan or re.search(rf"(?<![\w.,]){re.escape(shown)}(?![\w.,]\w)", self.pesan):
            return ""
        return f" — nilai: {shown}"

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["nilai"] = None if self.nilai is None else str(self.nilai)
        return d


def error(pesan: str, **kw: Any) -> Issue:
    return Issue(pesan=pesan, severity=ERROR, **kw)


def warning(pesan: str, **kw: Any) -> Issue:
    return Issue(pesan=pesan, severity=WARNING, **kw)


class FileRejected(Exception):
    """The whole file cannot be read (not a workbook, a bomb, no header...)."""

    def __init__(self, issues: list[Issue] | Issue):
        self.issues = issues if isinstance(issues, list) else [issues]
        super().__init__("; ".join(i.text() for i in self.issues))


class FileIncomplete(Exception):
    """The file is still being copied: leave it for the next run, do not reject it."""
