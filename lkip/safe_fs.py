"""Workspace confinement: the one place where the pipeline creates folders, moves files and writes
beside them inside ``input/processed``, ``input/rejected`` and ``output/``.

Anyone who can drop files in ``input/`` can also plant symbolic links there. Every destination is
therefore reached from a trusted root (the resolved ``input/`` or ``output/`` folder of the
configuration) one component at a time, each opened with ``O_NOFOLLOW | O_DIRECTORY`` relative to
the previous one: a link anywhere below the root is refused with an Indonesian message, never
followed, and nothing is written outside the root. Files are moved with ``link`` + ``unlink``
(never ``rename`` over an existing name), temporary files are created with ``O_EXCL |
O_NOFOLLOW`` and renamed into place inside the same opened folder.

A plain file where a folder must be (``input/processed`` as a file, a planted ``rejected/<date>``
file) is moved aside to a free name beside it, byte for byte, so that it can never block later
runs; names too long for the file system once a suffix is added are shortened, keeping the
extension and a hash of the whole name so that two long names never collide.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import shutil
import stat
from pathlib import Path

# An archived name is kept under this many bytes: ".<name>.errors.xlsx.<8 random>.tmp" and a
# ".<hash8>-<n>" suffix must still fit in the 255 bytes most file systems allow.
MAX_NAME_BYTES = 180
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 20


class UnsafePath(Exception):
    """A destination that would leave the workspace (a link, '..') or cannot be a folder."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class DiskFull(Exception):
    """No space left: the message names the disk, what is free and what is needed."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# ---- names ----------------------------------------------------------------------------------------


def shorten_name(name: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """``name`` if it fits in ``max_bytes`` (UTF-8), else a shorter name with the same extension
    and ``~<8 hex of sha256(name)>`` so that two long names sharing a prefix stay different."""
    raw = name.encode("utf-8", "surrogateescape")
    if len(raw) <= max_bytes:
        return name
    suffix = Path(name).suffix
    if len(suffix.encode("utf-8", "surrogateescape")) > 16:
        suffix = ""
    tag = "~" + hashlib.sha256(raw).hexdigest()[:8]
    budget = max_bytes - len(tag.encode()) - len(suffix.encode("utf-8", "surrogateescape"))
    stem = name[: len(name) - len(suffix)] if suffix else name
    cut = stem.encode("utf-8", "surrogateescape")[:budget].decode("utf-8", "ignore")
    return f"{cut}{tag}{suffix}"


def _check_part(part: str) -> None:
    if part in ("", ".", "..") or "/" in part or "\0" in part:
        raise UnsafePath(f"Nama folder tujuan tidak sah: {part!r} (tidak boleh kosong, '.', '..' atau berisi '/').")


def _sha256_fd(fd: int) -> str:
    h = hashlib.sha256()
    while chunk := os.read(fd, _CHUNK):
        h.update(chunk)
    return h.hexdigest()


# ---- folders --------------------------------------------------------------------------------------


class SafeDir:
    """An opened folder below a trusted root; names are resolved relative to it (``dir_fd``)."""

    def __init__(self, fd: int, path: Path, notes: list[str]):
        self.fd = fd
        self.path = path
        self.notes = notes  # Indonesian notes of what was moved aside on the way

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> "SafeDir":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lstat(self, name: str) -> os.stat_result | None:
        try:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None

    def sha256_of(self, name: str) -> str | None:
        """SHA-256 of a regular file in this folder (never through a link), else None."""
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), dir_fd=self.fd)
        except OSError:
            return None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            return _sha256_fd(fd)
        finally:
            os.close(fd)

    def write_atomic(self, name: str, data: bytes, mode: int = 0o644) -> Path:
        """``name`` replaced by ``data`` as a whole: a temporary file (O_EXCL, no link followed)
        renamed into place in this very folder."""
        _check_part(name)
        tmp = f".{shorten_name(name, 200)}.{secrets.token_hex(4)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0),
                     mode, dir_fd=self.fd)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except BaseException as exc:
            try:
                os.unlink(tmp, dir_fd=self.fd)
            except OSError:
                pass
            if is_disk_full(exc):
                raise DiskFull(disk_full_message(exc, self.path, len(data))) from exc
            raise
        return self.path / name


def open_dir(root: Path | str, parts: tuple[str, ...] | list[str] = (), create: bool = True,
             move_aside: bool = True) -> SafeDir:
    """Open ``root/parts...`` without following any link below ``root``; create what is missing.

    ``root`` itself is trusted (a resolved path from the configuration). A link below it raises
    :class:`UnsafePath`; a non-folder in the way is moved aside (``move_aside``) or refused.
    """
    root = Path(root)
    if create:
        root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    path = root
    notes: list[str] = []
    try:
        for part in parts:
            _check_part(part)
            if create:
                try:
                    os.mkdir(part, 0o755, dir_fd=fd)
                except FileExistsError:
                    pass
            try:
                nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                st = _lstat_at(fd, part)
                if st is None or stat.S_ISDIR(st.st_mode):
                    raise
                if stat.S_ISLNK(st.st_mode):
                    raise UnsafePath(_link_message(path / part, fd, part)) from exc
                if not (create and move_aside):
                    raise UnsafePath(f"{path / part} bukan folder; pipeline membutuhkan folder di sana.") from exc
                aside = _move_aside(fd, part)
                notes.append(f"{path / part} adalah berkas, bukan folder: dipindahkan ke {path / aside} "
                             "agar tidak menghalangi pengarsipan (isinya tidak diubah).")
                os.mkdir(part, 0o755, dir_fd=fd)
                nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = nfd
            path = path / part
    except BaseException as exc:
        os.close(fd)
        if is_disk_full(exc) and not isinstance(exc, DiskFull):
            raise DiskFull(disk_full_message(exc, path)) from exc
        raise
    return SafeDir(fd, path, notes)


def _lstat_at(fd: int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=fd, follow_symlinks=False)
    except OSError:
        return None


def _link_message(where: Path, fd: int, name: str) -> str:
    try:
        target = os.readlink(name, dir_fd=fd)
    except OSError:
        target = "?"
    return (f"Ditolak: {where} adalah tautan (symlink) ke {target}. Pipeline tidak menulis atau "
            "memindahkan berkas melalui tautan, agar tidak ada yang tertulis di luar folder kerja. "
            "Hapus tautan itu (periksa siapa yang membuatnya); berkas dibiarkan di input/.")


def _move_aside(fd: int, name: str) -> str:
    """Rename the non-folder ``name`` to a free ``<name>.bukan-folder[-n]`` beside it (no clobber)."""
    for n in range(1, 1000):
        aside = shorten_name(f"{name}.bukan-folder" + (f"-{n}" if n > 1 else ""), 200)
        if _no_clobber_rename(fd, name, aside):
            return aside
    raise UnsafePath(f"Tidak ada nama bebas untuk memindahkan {name!r}.")


def _no_clobber_rename(fd: int, src: str, dst: str) -> bool:
    """Rename within one folder unless ``dst`` exists; False when it does."""
    try:
        os.link(src, dst, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if _lstat_at(fd, dst) is not None:
            return False
        os.rename(src, dst, src_dir_fd=fd, dst_dir_fd=fd)
        return True
    os.unlink(src, dir_fd=fd)
    return True


# ---- moving a file into the archive --------------------------------------------------------------


def candidate_names(name: str, sha256: str, n: int = 50):
    """``name``, then ``stem.<hash8>.ext``, then ``stem.<hash8>-2.ext``... (all shortened)."""
    name = shorten_name(name)
    yield name
    p = Path(name)
    stem, ext = (p.stem, p.suffix) if len(p.suffix) <= 16 else (name, "")
    for i in range(1, n):
        yield shorten_name(f"{stem}.{sha256[:8]}" + (f"-{i}" if i > 1 else "") + ext)


def archive_file(src: Path | str, dest_dir: SafeDir, name: str, sha256: str,
                 src_root: Path | str | None = None) -> tuple[str, bool]:
    """Move ``src`` into ``dest_dir`` under ``name`` or a free variant; returns (name, moved).

    ``moved`` is False when the same bytes were already archived under a candidate name (a crash
    after the move): only then is ``src`` dropped. A name taken by other bytes is never replaced
    and never a reason to delete ``src``; the next variant is tried.
    """
    src = Path(src)
    if src_root is not None:
        check_source(src, src_root)
    st = os.lstat(src)
    if not stat.S_ISREG(st.st_mode):
        raise UnsafePath(f"{src} bukan berkas biasa (tautan atau perangkat): tidak dipindahkan.")
    for cand in candidate_names(name, sha256):
        existing = dest_dir.lstat(cand)
        if existing is not None:
            if stat.S_ISREG(existing.st_mode) and dest_dir.sha256_of(cand) == sha256:
                if (existing.st_dev, existing.st_ino) != (st.st_dev, st.st_ino) and _sha256_path(src) != sha256:
                    continue  # the input changed since it was read: keep it
                os.unlink(src)
                return cand, False
            continue
        try:
            os.link(src, cand, dst_dir_fd=dest_dir.fd, follow_symlinks=False)
        except FileExistsError:
            continue  # taken meanwhile: next name
        except OSError as exc:
            if is_disk_full(exc):
                raise DiskFull(disk_full_message(exc, dest_dir.path, st.st_size)) from exc
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            if not _copy_into(src, dest_dir, cand, sha256, st.st_size):
                continue
        os.unlink(src)
        return cand, True
    raise UnsafePath(f"Tidak ada nama bebas untuk {name!r} di {dest_dir.path}; berkas dibiarkan di input/.")


def check_source(src: Path | str, src_root: Path | str) -> None:
    """A source folder swapped for a link since discovery: never move or unlink through it."""
    src = Path(src)
    real_parent, real_root = os.path.realpath(src.parent), os.path.realpath(src_root)
    if os.path.commonpath([real_parent, real_root]) != real_root:
        raise UnsafePath(f"Ditolak: folder asal {src.parent} kini menunjuk ke {real_parent}, di luar "
                         f"{src_root} (tautan?); berkas tidak dipindahkan.")


def _sha256_path(path: Path) -> str:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        return _sha256_fd(fd)
    finally:
        os.close(fd)


def _copy_into(src: Path, dest_dir: SafeDir, name: str, sha256: str, size: int) -> bool:
    """Copy (another file system, no hard links): O_EXCL, verified by hash before ``src`` goes."""
    try:
        out = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=dest_dir.fd)
    except FileExistsError:
        return False
    ok = False
    try:
        h = hashlib.sha256()
        infd = os.open(src, os.O_RDONLY | os.O_NOFOLLOW)
        try:
            while chunk := os.read(infd, _CHUNK):
                h.update(chunk)
                view = memoryview(chunk)
                while view:
                    view = view[os.write(out, view):]
        finally:
            os.close(infd)
        os.fsync(out)
        ok = h.hexdigest() == sha256
    except OSError as exc:
        if is_disk_full(exc):
            raise DiskFull(disk_full_message(exc, dest_dir.path, size)) from exc
        raise
    finally:
        os.close(out)
        if not ok:
            try:
                os.unlink(name, dir_fd=dest_dir.fd)
            except OSError:
                pass
    if not ok:
        raise UnsafePath(f"{src} berubah saat disalin ke arsip; dibiarkan di input/ untuk run berikutnya.")
    return True


# ---- files still being written -------------------------------------------------------------------


_WRITERS: tuple[float, dict[str, int]] = (-1e18, {})   # (time.time() of the scan, path -> pid)
WRITERS_CACHE_SECONDS = 2.0


def open_for_writing(path: Path | str, not_before: float = float("inf")) -> int | None:
    """The pid of a process that has ``path`` open for writing (Linux /proc), else None.

    Only processes this user may inspect are seen (all of them when the service runs as root).
    The pipeline itself only ever opens inputs for reading, so its own process is included. One
    scan of /proc (some 20 ms) serves the files archived in the next 2 seconds: a writer that
    opens a file after it was read also changes its size or time, which ``archive`` checks too.
    ``not_before`` (a ``time.time()``): a scan older than that is never used (when it was read)."""
    import time

    global _WRITERS
    now = time.time()
    if not (not_before <= _WRITERS[0] and now - _WRITERS[0] <= WRITERS_CACHE_SECONDS):
        _WRITERS = (now, _scan_writers())
    return _WRITERS[1].get(os.path.abspath(path))


def _scan_writers() -> dict[str, int]:
    found: dict[str, int] = {}
    if not os.path.isdir("/proc"):
        return found
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        fd_dir = f"/proc/{entry.name}/fd"
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"{fd_dir}/{fd}")
                if not target.startswith("/") or target in found:
                    continue
                with open(f"/proc/{entry.name}/fdinfo/{fd}", encoding="ascii") as fh:
                    flags = next((int(line.split()[1], 8) for line in fh if line.startswith("flags:")), 0)
            except (OSError, ValueError):
                continue
            if flags & (os.O_WRONLY | os.O_RDWR):
                found[target] = int(entry.name)
    return found


# ---- disk full -------------------------------------------------------------------------------------


def is_disk_full(exc: BaseException | None) -> bool:
    """ENOSPC/EDQUOT anywhere in the chain, or a library's 'no space left' text (DuckDB)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DiskFull):
            return True
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        text = str(exc).lower()
        if "no space left on device" in text or "disk is full" in text or "disk full" in text:
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _mount_point(path: Path) -> Path:
    p = Path(os.path.abspath(path))
    while not p.exists() and p != p.parent:
        p = p.parent
    while not os.path.ismount(p) and p != p.parent:
        p = p.parent
    return p


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1024 or unit == "TB":
            return f"{n:,.0f} {unit}".replace(",", ".") if unit == "B" else f"{n:.1f} {unit}".replace(".", ",")
        n /= 1024
    return f"{n} B"


def disk_full_message(exc: BaseException | None, where: Path | str, needed: int | None = None) -> str:
    """One Indonesian sentence: which disk, what is free, what is needed, what to do."""
    chain, filename = exc, None
    while chain is not None and filename is None:
        if isinstance(chain, DiskFull):
            return chain.message
        filename = getattr(chain, "filename", None) if isinstance(chain, OSError) else None
        chain = chain.__cause__ or chain.__context__
    place = Path(filename) if isinstance(filename, (str, Path)) and os.path.isabs(str(filename)) else Path(where)
    mount = _mount_point(place)
    try:
        free = shutil.disk_usage(mount).free
        free_text = f"tinggal {human_bytes(free)} kosong"
    except OSError:
        free_text = "sisa ruangnya tidak dapat dibaca"
    need_text = (f"dibutuhkan sekitar {human_bytes(needed)}" if needed else
                 "dibutuhkan lebih banyak ruang daripada yang tersisa")
    return (f"Disk penuh: disk {mount} (tempat {place}) {free_text}; {need_text}. "
            "Kosongkan ruang di disk itu lalu jalankan ulang; berkas yang belum diarsipkan tetap di input/ "
            "dan keluaran sebelumnya tetap utuh.")


def pick_name(dest_dir: SafeDir, name: str, sha256: str) -> str:
    """The first candidate name that is free or already holds these bytes."""
    for cand in candidate_names(name, sha256):
        st = dest_dir.lstat(cand)
        if st is None or (stat.S_ISREG(st.st_mode) and dest_dir.sha256_of(cand) == sha256):
            return cand
    raise UnsafePath(f"Tidak ada nama bebas untuk {name!r} di {dest_dir.path}; berkas dibiarkan di input/.")


def run_space_estimate(cfg) -> int:
    """Rough space a run needs on the output disk: 100 MB of headroom, the write-ahead log to
    checkpoint and the inputs waiting in input/ (staged rows take about their size again)."""
    need = 100 << 20
    wal = Path(cfg.warehouse).with_name(Path(cfg.warehouse).name + ".wal")
    for p in [wal]:
        try:
            need += p.stat().st_size
        except OSError:
            pass
    root = Path(cfg.input_dir)
    if root.is_dir():
        for entry in root.iterdir():
            try:
                if entry.is_file() and not entry.is_symlink():
                    need += entry.stat().st_size
            except OSError:
                pass
    return need


def ensure_tree(root: Path | str, base: tuple[str, ...], *subs: tuple[str, ...]) -> Path:
    """Create ``root/base`` and ``root/base/sub`` for each ``sub`` without following any link below
    ``root`` (an output folder replaced by a link is refused); returns ``root/base``."""
    with open_dir(root, base, move_aside=False) as top:
        for sub in subs:
            with open_dir(top.path, sub, move_aside=False):
                pass
        return top.path


def run_error_text(exc: BaseException, cfg) -> str:
    """What a failed run reports: the disk-full sentence, else the exception's type and text."""
    if is_disk_full(exc):
        return disk_full_message(exc, cfg.output_dir, run_space_estimate(cfg))
    return f"{type(exc).__name__}: {exc}"
