"""The officer's messages of the workbook layer (Bahasa Indonesia) and the internal rejection
that carries one up to ``open_workbook``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lkip.extract.workbook.bounded import TextTooLong
from lkip.issues import FileRejected, error

MSG_RUSAK = "Berkas rusak atau tidak lengkap: bukan berkas .xlsx yang sah"
SIMPAN_ULANG = "buka di Excel lalu simpan ulang sebagai .xlsx (Buku Kerja Excel)"


class _Reject(Exception):
    """Internal: carries an Indonesian message (and optional details) up to open_workbook."""

    def __init__(self, pesan: str, *, sheet: str | None = None, nilai: Any = None,
                 diharapkan: str | None = None):
        super().__init__(pesan)
        self.pesan, self.sheet, self.nilai, self.diharapkan = pesan, sheet, nilai, diharapkan


def _rejected(path: Path, r: _Reject) -> FileRejected:
    return FileRejected(error(r.pesan, file=path.name, sheet=r.sheet, nilai=r.nilai,
                              diharapkan=r.diharapkan))


def _entity_reject(member: str) -> _Reject:
    return _Reject(
        f"Berkas ditolak demi keamanan: bagian '{member}' berisi deklarasi DTD/ENTITY XML "
        "(kemungkinan serangan 'billion laughs' atau entitas eksternal). Excel tidak pernah "
        "menulis ini: buka berkas asli di Excel lalu simpan ulang sebagai .xlsx",
        nilai=member,
    )


def _unsupported_markup(member: str, sheet: str | None) -> _Reject:
    return _Reject(
        f"Berkas ditolak demi keamanan: data sheet di bagian '{member}' berisi komentar, CDATA "
        "atau instruksi pemrosesan XML, atau lebih dari satu bagian data, yang tidak didukung. "
        "Excel tidak pernah menulis ini: buka berkas asli di Excel lalu simpan ulang sebagai .xlsx",
        sheet=sheet, nilai=member,
    )


def _text_reject(e: TextTooLong, member: str, sheet: str | None) -> _Reject:
    where = f"sheet '{sheet}'" if sheet else f"bagian '{member}'"
    count = f"{e.n} karakter" if e.n is not None else f"lebih dari {e.hard} byte"
    return _Reject(
        f"Teks sel terlalu panjang di {where}: {count}, melebihi batas Excel {e.limit} karakter per "
        "sel (max_cell_chars); berkas ditolak demi keamanan",
        sheet=sheet, nilai=e.sample, diharapkan=f"paling banyak {e.limit} karakter")
