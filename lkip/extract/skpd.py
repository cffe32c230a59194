"""Which SKPD a file belongs to: the title, else the codes, else a ``Kode SKPD`` column.

Officers delete title rows before they drop a file. Where the title names no SKPD, the codes say
it when their structure carries it (Permendagri 13/2006: program ``4.01.4.01.03.01`` ->
SKPD ``4.01.03``, ``1.01.1.01.01.01`` -> ``1.01.01``), or a ``Kode SKPD`` column does; the file is
then read with a warning. It is rejected only when nothing in it says which SKPD it is, or when two
sources disagree (the title and the codes, two SKPD in the codes or in the column).

Permendagri 90/2019 codes (program ``4.01.01``, kegiatan ``4.01.01.2.01``) do not carry the SKPD:
there the title or a ``Kode SKPD`` column must say it.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from lkip.extract.base import FileMeta
from lkip.extract.parse import ParseError, normalize_code
from lkip.issues import Issue, error, warning

# urusan.bidang (of the SKPD) . urusan.bidang (of the program) . SKPD unit . program [. kegiatan ...]
_P13 = re.compile(r"^(\d)\.(\d{2})\.\d\.\d{2}\.(\d{2})\.\d{1,3}(?:\.\d{1,4})*$")
_SKPD_CODE = re.compile(r"^\d+(?:\.\d+)+$")
SKPD_CODE = _SKPD_CODE        # what a Kode SKPD cell must read as (lkip.extract.dokumen_skpd)

MISSING = ("Kode Perangkat Daerah tidak ditemukan: judul tidak memuat 'Perangkat Daerah : <kode> - <nama>', "
           "kode program/kegiatan tidak memuat kode SKPD (struktur Permendagri 13/2006, mis. "
           "'4.01.4.01.03.01' -> 4.01.03) dan tidak ada kolom Kode SKPD")


def skpd_from_code(code: str | None) -> str | None:
    """'4.01.4.01.03.01.02' -> '4.01.03' (Permendagri 13/2006); None for codes that do not carry it."""
    if not code:
        return None
    m = _P13.match(code)
    return f"{m.group(1)}.{m.group(2)}.{m.group(3)}" if m else None


def column_codes(values: Iterable[Any]) -> set[str]:
    """The distinct SKPD codes of a ``Kode SKPD`` column (blank and unreadable cells left out)."""
    out: set[str] = set()
    for v in values:
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        try:
            code = normalize_code(v)
        except ParseError:
            continue
        if _SKPD_CODE.match(code):
            out.add(code)
    return out


def resolve_skpd(meta: FileMeta, codes: Iterable[str | None], column: set[str], sheet: str | None,
                 issues: list[Issue], code_label: str = "Kode Rekening",
                 column_label: str = "Kode SKPD") -> None:
    """Fill ``meta.kode_skpd`` from the codes or the column when the title lacks it; report a
    missing SKPD (once) or sources that disagree."""
    from_codes: dict[str, str] = {}
    for c in codes:
        s = skpd_from_code(c)
        if s is not None and s not in from_codes:
            from_codes[s] = c  # type: ignore[assignment]
    sources: list[tuple[str, set[str]]] = []
    if meta.kode_skpd:
        sources.append(("judul", {meta.kode_skpd}))
    if column:
        sources.append((f"kolom {column_label}", set(column)))
    if from_codes:
        sources.append((f"kode program/kegiatan (kolom {code_label})", set(from_codes)))
    for what, vals in sources:
        if len(vals) > 1:
            issues.append(error(
                f"{what[0].upper()}{what[1:]} menyebut lebih dari satu Perangkat Daerah: {', '.join(sorted(vals))}",
                sheet=sheet, kolom=column_label if what.startswith("kolom") else code_label,
                nilai=", ".join(sorted(vals)), diharapkan="satu Perangkat Daerah per berkas"))
            return
    if len(sources) > 1:
        first_what, first = sources[0]
        for what, vals in sources[1:]:
            if vals != first:
                issues.append(error(
                    f"Perangkat Daerah berbeda: {first_what} menyebut {next(iter(first))}, "
                    f"{what} menyebut {next(iter(vals))}",
                    sheet=sheet, nilai=next(iter(vals)), diharapkan=next(iter(first))))
                return
    if meta.kode_skpd:
        return
    if not sources:
        issues.append(error(MISSING, sheet=sheet,
                            diharapkan="judul 'Perangkat Daerah : 4.01.03 - SEKRETARIAT DAERAH' atau kolom Kode SKPD"))
        return
    what, vals = sources[0]
    meta.kode_skpd = next(iter(vals))
    example = f" (mis. {from_codes[meta.kode_skpd]})" if what.startswith("kode") else ""
    issues.append(warning(
        f"Judul tidak memuat kode Perangkat Daerah; dipakai {meta.kode_skpd} dari {what}{example}",
        sheet=sheet, nilai=meta.kode_skpd,
        diharapkan="judul 'Perangkat Daerah : <kode> - <nama>'"))
