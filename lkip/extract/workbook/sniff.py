"""Step 1: the file's size and what its bytes are. A file that does not start like a zip is named
as precisely as possible (legacy ``.xls``, a password-protected workbook, PDF, HTML, XML 2003,
CSV or plain text renamed ``.xlsx``, a copy that wrote only zero bytes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lkip.extract.workbook.errors import MSG_RUSAK, SIMPAN_ULANG, _Reject
from lkip.extract.workbook.limits import MB, READ_CHUNK

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def _check_file(path: Path, limits: dict[str, Any]) -> int:
    """Step 1: the file's size (``max_file_mb``) and its first bytes; returns the size of a file
    that starts like a zip, raises ``_Reject`` naming what any other file is."""
    st = path.stat()
    size = st.st_size
    if size == 0:
        raise _Reject("Berkas kosong (0 byte): mungkin penyalinan belum selesai atau gagal")
    max_file = float(limits["max_file_mb"]) * MB
    if size > max_file:
        raise _Reject(
            "Berkas terlalu besar: %.1f MB, batas %g MB" % (size / MB, float(limits["max_file_mb"]))
        )
    with open(path, "rb") as f:
        head = f.read(65536)
    if not head.startswith(ZIP_MAGICS):
        raise _sniff_not_zip(path, head)
    return size


def _sniff_not_zip(path: Path, head: bytes) -> _Reject:
    """The file does not start like a zip: say what it is, as precisely as we can."""
    if head.startswith(OLE2_MAGIC):
        if _ole2_is_encrypted_ooxml(path):
            return _Reject(
                "Buku kerja dilindungi kata sandi (terenkripsi) sehingga tidak dapat dibaca: buka "
                "di Excel, hapus kata sandinya (File > Info > Proteksi Buku Kerja > Enkripsi "
                "dengan Kata Sandi, kosongkan), lalu simpan ulang sebagai .xlsx tanpa kata sandi"
            )
        return _Reject(f"Format .xls lama tidak didukung: {SIMPAN_ULANG}")
    if head.startswith(b"%PDF"):
        return _Reject("Berkas ini PDF, bukan buku kerja Excel: kirim berkas .xlsx hasil ekspor "
                       "aslinya")
    text = _decode_text(head)
    if text is not None:
        low = text.lstrip("\ufeff \t\r\n").lower()
        if low.startswith(("<html", "<!doctype html", "<table", "<meta", "<head", "<body")) or (
            "<html" in low[:2048] or "<table" in low[:2048]
        ):
            return _Reject("Berkas ini halaman HTML yang diberi nama .xlsx (ekspor 'Excel' dari "
                           f"aplikasi web), bukan buku kerja Excel: {SIMPAN_ULANG}")
        if low.startswith("<?xml") or low.startswith("<"):
            if "urn:schemas-microsoft-com:office:spreadsheet" in low:
                return _Reject("Berkas ini Lembar Kerja XML 2003, bukan .xlsx: " + SIMPAN_ULANG)
            return _Reject("Berkas ini berisi teks XML, bukan buku kerja Excel: " + SIMPAN_ULANG)
        if _looks_like_csv(text):
            return _Reject("Berkas ini berisi teks CSV (nilai dipisah koma/titik koma/tab) yang "
                           "diberi nama .xlsx, bukan buku kerja Excel: buka di Excel lalu "
                           "simpan sebagai .xlsx dari Excel (Simpan Sebagai > Buku Kerja Excel)")
        return _Reject("Berkas ini berisi teks biasa, bukan buku kerja Excel: buka di Excel lalu "
                       "simpan sebagai .xlsx dari Excel")
    if not head.strip(b"\x00"):
        return _Reject(f"{MSG_RUSAK} (isinya hanya byte kosong, mungkin penyalinan gagal)")
    return _Reject(MSG_RUSAK)


def _decode_text(head: bytes) -> str | None:
    """The head decoded as text if it looks like text (no binary control bytes), else None."""
    sample = head[:65536]
    if not sample:
        return None
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                     (b"\xfe\xff", "utf-16-be")):
        if sample.startswith(bom):
            return sample[len(bom):].decode(enc, errors="replace")
    if b"\x00" in sample:
        return None
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start >= len(sample) - 4:  # cut in the middle of a character at the end
            text = sample[: e.start].decode("utf-8")
        else:
            text = sample.decode("cp1252", errors="replace")
    bad = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\x0c")
    return text if bad <= max(2, len(text) // 200) else None


def _looks_like_csv(text: str) -> bool:
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if not lines:
        return False
    for sep in (";", ",", "\t", "|"):
        if sum(1 for ln in lines if sep in ln) >= max(1, (len(lines) + 1) // 2):
            return True
    return False


def _ole2_is_encrypted_ooxml(path: Path) -> bool:
    """An encrypted .xlsx is an OLE2 file holding EncryptionInfo/EncryptedPackage streams."""
    needles = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
    tail = b""
    with open(path, "rb") as f:
        while chunk := f.read(READ_CHUNK):
            buf = tail + chunk
            if any(n in buf for n in needles):
                return True
            tail = buf[-64:]
    return False
