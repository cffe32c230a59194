"""The error report an officer gets beside a rejected file: <name>.errors.xlsx and <name>.errors.txt."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

import xlsxwriter

from lkip.issues import Issue

HEADERS = ["No", "Tingkat", "Sheet", "Sel", "Baris", "Kolom", "Nilai", "Diharapkan", "Pesan"]
TINGKAT = {"error": "Kesalahan", "warning": "Peringatan"}


def safe_text(value: object) -> str:
    """Text that can never become a formula in Excel or in a CSV opened by Excel."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_error_report(base: Path, file_name: str, issues: Iterable[Issue], verdict: str) -> tuple[Path, Path]:
    """Write ``<base>.errors.xlsx`` and ``<base>.errors.txt``; returns both paths."""
    issues = list(issues)
    xlsx_path = base.with_name(base.name + ".errors.xlsx")
    txt_path = base.with_name(base.name + ".errors.txt")

    def write_txt(tmp: Path) -> None:
        lines = [
            f"Laporan pemeriksaan berkas: {file_name}",
            f"Hasil: {verdict}",
            f"Jumlah kesalahan: {sum(1 for i in issues if i.is_error)}, "
            f"peringatan: {sum(1 for i in issues if not i.is_error)}",
            "",
        ]
        for n, issue in enumerate(issues, 1):
            lines.append(f"{n}. [{TINGKAT.get(issue.severity, issue.severity)}] {issue.text()}"
                         + issue.value_note())
        lines.append("")
        lines.append("Perbaiki berkas sesuai daftar di atas, lalu letakkan kembali di folder input/.")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def write_xlsx(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        ws = wb.add_worksheet("Kesalahan")
        bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        ws.write_string(0, 0, safe_text(f"Berkas: {file_name}"))
        ws.write_string(1, 0, safe_text(f"Hasil: {verdict}"))
        for c, h in enumerate(HEADERS):
            ws.write_string(3, c, h, bold)
        for r, issue in enumerate(issues, start=4):
            ws.write_number(r, 0, r - 3)
            ws.write_string(r, 1, TINGKAT.get(issue.severity, issue.severity))
            ws.write_string(r, 2, safe_text(issue.sheet))
            ws.write_string(r, 3, safe_text(issue.sel))
            if issue.excel_row is not None:
                ws.write_number(r, 4, issue.excel_row)
            ws.write_string(r, 5, safe_text(issue.kolom))
            ws.write_string(r, 6, safe_text(issue.nilai))
            ws.write_string(r, 7, safe_text(issue.diharapkan), wrap)
            ws.write_string(r, 8, safe_text(issue.pesan), wrap)
        for c, w in enumerate([5, 12, 18, 7, 7, 20, 24, 30, 70]):
            ws.set_column(c, c, w)
        ws.freeze_panes(4, 0)
        ws.autofilter(3, 0, 3 + max(len(issues), 1), len(HEADERS) - 1)
        wb.close()

    _atomic_write(txt_path, write_txt)
    _atomic_write(xlsx_path, write_xlsx)
    return xlsx_path, txt_path
