"""The Form Realisasi Kinerja pre-filled from the warehouse's Renja (`lkip template realisasi-fisik
--skpd 4.01.03 [--bagian ...]`): every kegiatan (or sub kegiatan) indicator of the SKPD, or of one
Bagian (the Renja's Penanggung Jawab), with its target and satuan, so an officer only types the
quarterly values. The rows are those the model matches forms against (core.indikator), so a form
made from it matches the Renja row for row."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb


class PrefillError(Exception):
    """Why the form cannot be pre-filled, in Bahasa Indonesia, for the console."""


@dataclass
class FormPrefill:
    kode_skpd: str
    nama_skpd: str | None
    tahun: int
    bagian: str | None
    rows: list[dict[str, Any]] = field(default_factory=list)   # kode_kegiatan, nama_kegiatan, indikator, target, satuan
    kegiatan: list[tuple[str, str | None]] = field(default_factory=list)   # (kode, uraian) of the SKPD, for the dropdown


def load(warehouse: Path, kode_skpd: str, tahun: int | None = None, bagian: str | None = None) -> FormPrefill:
    """The SKPD's (or Bagian's) indicators from the warehouse at ``warehouse`` (read-only)."""
    if not Path(warehouse).is_file():
        raise PrefillError(f"Gudang data {warehouse} belum ada: jalankan `lkip run` dengan Renja/DPA "
                           "Perangkat Daerah itu di input/ lebih dahulu")
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise PrefillError(f"Gudang data {warehouse} tidak dapat dibuka ({exc.__class__.__name__}); "
                           "mungkin sedang dipakai oleh run, coba lagi sesudahnya") from exc
    try:
        return _load(con, kode_skpd.strip(), tahun, bagian)
    except duckdb.CatalogException as exc:
        raise PrefillError("Model gudang data belum dibangun: jalankan `lkip run` lebih dahulu") from exc
    finally:
        con.close()


def _load(con: duckdb.DuckDBPyConnection, kode_skpd: str, tahun: int | None, bagian: str | None) -> FormPrefill:
    years = [r[0] for r in con.execute(
        "SELECT DISTINCT tahun FROM core.indikator WHERE kode_skpd = ? ORDER BY tahun DESC", [kode_skpd]).fetchall()]
    if not years:
        raise PrefillError(f"Renja/DPA Perangkat Daerah {kode_skpd} belum ada di gudang data")
    if tahun is None:
        tahun = years[0]
    elif tahun not in years:
        raise PrefillError(f"Renja/DPA {kode_skpd} tahun {tahun} belum ada di gudang data "
                           f"(tahun yang ada: {', '.join(map(str, years))})")
    nama = con.execute("SELECT max(nama_skpd) FROM core.skpd WHERE kode_skpd = ? AND tahun = ?",
                       [kode_skpd, tahun]).fetchone()[0]
    # a sub kegiatan without its own Penanggung Jawab belongs to its kegiatan's Bagian
    kegiatan = con.execute(
        """SELECT k.kode, k.uraian,
                  coalesce(nullif(trim(k.penanggung_jawab), ''),
                           (SELECT max(p.penanggung_jawab) FROM core.kegiatan p
                            WHERE p.kode_skpd = k.kode_skpd AND p.tahun = k.tahun AND p.kode = k.kode_induk))
           FROM core.kegiatan k WHERE k.kode_skpd = ? AND k.tahun = ? ORDER BY k.urutan""",
        [kode_skpd, tahun]).fetchall()
    bagian_of = {r[0]: r[2] for r in kegiatan}
    chosen = None
    if bagian:
        bagians = sorted({r[2] for r in kegiatan if r[2]})
        chosen = [b for b in bagians if _same(b, bagian)]
        if not chosen:
            raise PrefillError(f"Bagian {bagian!r} tidak ada di Renja/DPA {kode_skpd} tahun {tahun} "
                               f"(Penanggung Jawab yang ada: {', '.join(bagians) or 'tidak ada'})")
    # SIPD era: program indicators too (core.indikator lists them under the program's code)
    rows = con.execute(
        """SELECT i.kode_kegiatan, k.uraian, i.indikator, i.target, i.satuan
            FROM core.indikator i
            JOIN (SELECT kode_skpd, tahun, kode, uraian, urutan FROM core.kegiatan
                  UNION ALL SELECT kode_skpd, tahun, kode, uraian, urutan FROM core.program) k
              ON k.kode_skpd = i.kode_skpd AND k.tahun = i.tahun AND k.kode = i.kode_kegiatan
            WHERE i.kode_skpd = ? AND i.tahun = ?
            ORDER BY k.urutan, i.urutan""",
        [kode_skpd, tahun]).fetchall()
    out = FormPrefill(kode_skpd=kode_skpd, nama_skpd=nama, tahun=tahun, bagian=chosen[0] if chosen else None,
                      kegiatan=[(r[0], r[1]) for r in kegiatan])
    for kode, uraian, indikator, target, satuan in rows:
        if chosen and bagian_of.get(kode) not in chosen:   # (a program has no Bagian)
            continue
        out.rows.append({"kode_kegiatan": kode, "nama_kegiatan": uraian, "indikator": indikator,
                         "target": target, "satuan": satuan})
    return out


def _same(a: str, b: str) -> bool:
    import re

    def norm(s: str) -> str:
        return re.sub(r"[^a-z0-9]+", "", s.lower()).removeprefix("bagian")

    return norm(a) == norm(b)
