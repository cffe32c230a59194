"""The error report an officer gets beside a rejected file: <name>.errors.xlsx and <name>.errors.txt."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Iterable

from lkip.fmt import file_mode, safe_text
from lkip.issues import Issue
from lkip.safe_fs import SafeDir, open_dir, shorten_name

HEADERS = ["No", "Tingkat", "Sheet", "Sel", "Baris", "Kolom", "Nilai", "Diharapkan", "Pesan"]
TINGKAT = {"error": "Kesalahan", "warning": "Peringatan"}


def _atomic_write(folder: SafeDir, name: str, write) -> Path:
    """Build the file in memory, then write it as a whole into ``folder`` (no link followed),
    with the mode of every other output (lkip.fmt.file_mode)."""
    buf = io.BytesIO()
    write(buf)
    return folder.write_atomic(name, buf.getvalue(), mode=file_mode())


def write_error_report(base: Path, file_name: str, issues: Iterable[Issue], verdict: str,
                       directory: SafeDir | None = None) -> tuple[Path, Path]:
    """Write ``<base>.errors.xlsx`` and ``<base>.errors.txt``; returns both paths.

    ``directory``: the already opened folder of ``base`` (archive); else ``base.parent`` is
    opened. A name too long for the file system once ``.errors.xlsx`` is added is shortened."""
    issues = list(issues)
    stem = shorten_name(Path(base).name)

    def write_txt(out: io.BytesIO) -> None:
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
        out.write(("\n".join(lines) + "\n").encode("utf-8"))

    def write_xlsx(out: io.BytesIO) -> None:
        import xlsxwriter  # on first use: a run that writes no report and publishes nothing never needs it

        wb = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})
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

    folder = directory if directory is not None else open_dir(Path(base).parent)
    try:
        txt_path = _atomic_write(folder, stem + ".errors.txt", write_txt)
        xlsx_path = _atomic_write(folder, stem + ".errors.xlsx", write_xlsx)
    finally:
        if directory is None:
            folder.close()
    return xlsx_path, txt_path
