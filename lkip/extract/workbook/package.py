"""Steps 2 and 3: the zip directory and the package structure, before any big part is inflated.

The central directory only (declared sizes, never decompressing): member count, duplicated or
encrypted members, total uncompressed size (``max_uncompressed_mb``) and per-member compression
ratio (``max_compression_ratio``); ``.xlsb``/``.ods``/Word/PowerPoint packages; then
``workbook.xml`` and its relationships parsed with defusedxml (DTDs and entities forbidden) for
the worksheet member of every sheet name."""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote

from lkip.extract.workbook.errors import MSG_RUSAK, SIMPAN_ULANG, _entity_reject, _Reject
from lkip.extract.workbook.limits import MB

# Members smaller than this are not held to max_compression_ratio: tiny XML parts compress well
# and their total is bounded by max_uncompressed_mb anyway.
RATIO_FLOOR_BYTES = 1 * MB


def _check_package(zf: zipfile.ZipFile, limits: dict[str, Any]) -> dict[str, str]:
    """Steps 2 and 3: sheet name -> worksheet member, or ``_Reject``."""
    _check_directory(zf, limits)
    names = set(zf.namelist())
    problem = _package_kind_problem(names)
    if problem:
        raise problem
    names_ci = {n.lower(): n for n in names}
    sheet_members = _worksheet_members(zf, names_ci)
    max_sheets = int(limits["max_sheets"])
    if len(sheet_members) > max_sheets:
        raise _Reject(
            f"Buku kerja berisi terlalu banyak sheet: {len(sheet_members)}, melebihi batas "
            f"{max_sheets} sheet (max_sheets); berkas ditolak demi keamanan",
            nilai=len(sheet_members), diharapkan=f"paling banyak {max_sheets} sheet")
    return sheet_members


def _check_directory(zf: zipfile.ZipFile, limits: dict[str, Any]) -> None:
    infos = zf.infolist()
    if len(infos) > int(limits["max_members"]):
        raise _Reject(f"Berkas berisi terlalu banyak bagian ({len(infos)}); bukan buku kerja "
                      "Excel yang wajar, berkas ditolak demi keamanan")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise _Reject(f"{MSG_RUSAK} (bagian ganda di dalam arsip zip)")
    if any(i.flag_bits & 0x1 for i in infos):
        raise _Reject("Isi berkas terenkripsi (dilindungi kata sandi): buka di Excel, hapus kata "
                      "sandinya, lalu simpan ulang sebagai .xlsx")
    total = 0
    max_ratio = float(limits["max_compression_ratio"])
    for i in infos:
        if i.file_size < 0 or i.compress_size < 0:
            raise _Reject(MSG_RUSAK)
        total += i.file_size
        if i.file_size >= RATIO_FLOOR_BYTES:
            ratio = i.file_size / i.compress_size if i.compress_size else float("inf")
            if ratio > max_ratio:
                raise _Reject(
                    "Berkas ditolak demi keamanan: bagian '%s' mengembang %.0f kali saat dibuka "
                    "(batas %g kali; kemungkinan 'zip bomb')" % (i.filename, ratio, max_ratio),
                    nilai=i.filename,
                )
    limit = float(limits["max_uncompressed_mb"]) * MB
    if total > limit:
        raise _Reject(
            "Berkas ditolak demi keamanan: isi berkas setelah dibuka %.0f MB, melebihi batas %g MB"
            " (kemungkinan 'zip bomb', atau berkas terlalu besar)"
            % (total / MB, float(limits["max_uncompressed_mb"]))
        )


def _package_kind_problem(names: set[str]) -> _Reject | None:
    lower = {n.lower() for n in names}
    if "xl/workbook.bin" in lower:
        return _Reject("Format .xlsb (Buku Kerja Biner Excel) tidak didukung: " + SIMPAN_ULANG)
    if "mimetype" in lower and "content.xml" in lower:
        return _Reject("Format OpenDocument (.ods) tidak didukung: " + SIMPAN_ULANG)
    if "word/document.xml" in lower:
        return _Reject("Berkas ini dokumen Word, bukan buku kerja Excel: kirim berkas .xlsx")
    if "ppt/presentation.xml" in lower:
        return _Reject("Berkas ini presentasi PowerPoint, bukan buku kerja Excel: kirim berkas "
                       ".xlsx")
    return None


def _defused_fromstring(data: bytes, member: str):
    import defusedxml.ElementTree as DET
    from defusedxml.common import DefusedXmlException

    try:
        return DET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as e:
        raise _entity_reject(member) from e
    except DET.ParseError as e:
        raise _Reject(f"{MSG_RUSAK} (XML '{member}' tidak terbaca)") from e


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_small(zf: zipfile.ZipFile, name: str, cap: int = 64 * MB) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > cap:
        raise _Reject(f"Berkas ditolak: bagian '{name}' terlalu besar ({info.file_size // MB} MB)")
    with zf.open(info) as f:
        return f.read(cap + 1)


def _resolve(base_dir: str, target: str) -> str:
    target = unquote(target).replace("\\", "/")
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for p in PurePosixPath(base_dir, target).parts:
        if p == "..":
            if parts:
                parts.pop()
        elif p not in (".", ""):
            parts.append(p)
    return "/".join(parts)


def _find_member(names_ci: dict[str, str], name: str) -> str | None:
    return names_ci.get(name.lower())


def _worksheet_members(zf: zipfile.ZipFile, names_ci: dict[str, str]) -> dict[str, str]:
    """Sheet name -> worksheet member (worksheets only, not chart or dialog sheets), from
    workbook.xml and its relationships, both parsed with defusedxml."""
    wb_member = None
    rels = _find_member(names_ci, "_rels/.rels")
    if rels:
        root = _defused_fromstring(_read_small(zf, rels), rels)
        for rel in root:
            if _local(rel.tag) == "Relationship" and rel.get("Type", "").endswith(
                "/officeDocument"
            ):
                wb_member = _find_member(names_ci, _resolve("", rel.get("Target", "")))
                break
    wb_member = wb_member or _find_member(names_ci, "xl/workbook.xml")
    if wb_member is None:
        raise _Reject("Berkas zip ini bukan buku kerja Excel (.xlsx): tidak ada bagian "
                      "workbook.xml. " + SIMPAN_ULANG[0].upper() + SIMPAN_ULANG[1:])
    wb_root = _defused_fromstring(_read_small(zf, wb_member), wb_member)
    base_dir = str(PurePosixPath(wb_member).parent)
    wb_rels_name = _find_member(
        names_ci, f"{base_dir}/_rels/{PurePosixPath(wb_member).name}.rels".lstrip("/")
    )
    targets: dict[str, str] = {}
    if wb_rels_name:
        rroot = _defused_fromstring(_read_small(zf, wb_rels_name), wb_rels_name)
        for rel in rroot:
            if (_local(rel.tag) == "Relationship" and rel.get("TargetMode") != "External"
                    and rel.get("Type", "").endswith("/worksheet")):
                targets[rel.get("Id", "")] = _resolve(base_dir, rel.get("Target", ""))
    out: dict[str, str] = {}
    for el in wb_root.iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if k.startswith("{") and _local(k) == "id"),
                   None)
        member = _find_member(names_ci, targets.get(rid or "", ""))
        if el.get("name") is not None and member:
            out[el.get("name")] = member
    return out
