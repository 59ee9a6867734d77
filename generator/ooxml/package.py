"""Write .docx packages byte-for-byte reproducibly and replace files atomically."""

from __future__ import annotations

import errno
import io
import os
import re
import signal
import stat
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

#: Every zip entry gets this timestamp, so identical input gives identical bytes.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def normalise_zip(data: bytes) -> bytes:
    """Re-pack a .docx with fixed timestamps, attributes and a stable entry order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    entries = _Entries()
    for name in src.namelist():
        entries.add(name, src.read(name))
    return _pack(entries.blobs)


class SplicedText(Protocol):
    """XML text that stands for a placeholder in a part's tree (e.g. ``appendix_docx.TableText``)."""

    marker: bytes     # the placeholder as serialised
    xml: str          # what lxml would write in its place

    def materialise(self) -> None:
        """Put the real elements in the tree in place of the placeholder."""


def package_bytes(document: Any, texts: Sequence[SplicedText] = ()) -> bytes:
    """A python-docx document as reproducible .docx bytes, compressed once.

    The same bytes as ``document.save()`` followed by :func:`normalise_zip`: python-docx's own
    package writer lists the entries, and the zip is written once with fixed timestamps.
    ``texts``: XML text written into the main document part in place of their placeholders.
    """
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    for part in package.parts:
        part.before_marshal()
    parts = package.parts
    entries = _Entries(document.part if texts else None, texts)
    PackageWriter._write_content_types_stream(entries, parts)
    PackageWriter._write_pkg_rels(entries, package.rels)
    PackageWriter._write_parts(entries, parts)
    return _pack(entries.blobs)


class _Entries:
    """Stands in for python-docx's zip writer: keeps each entry's bytes, in writing order."""

    def __init__(self, main: Any = None, texts: Sequence[SplicedText] = ()) -> None:
        self.blobs: dict[str, bytes] = {}
        self.main = main
        self.texts = texts

    def write(self, pack_uri: Any, blob: bytes) -> None:
        if self.main is not None and pack_uri == self.main.partname:
            blob = _spliced(blob, self.texts) or _materialised(self.main, self.texts)
        self.add(pack_uri.membername, blob)

    def add(self, name: str, blob: bytes) -> None:
        self.blobs.pop(name, None)      # a name written again counts where it was written last
        self.blobs[name] = blob


#: UTF-8 bytes XML 1.0 allows: all but the C0 controls other than tab, LF and CR.
_XML_BYTES = bytes([9, 10, 13, *range(32, 256)])


def _spliced(blob: bytes, texts: Sequence[SplicedText]) -> bytes | None:
    """``blob`` with each text in place of its marker; None if a marker is not there exactly once
    (in order) or a text holds what XML forbids (lxml would refuse it: see :func:`_materialised`)."""
    pieces: list[bytes] = []
    pos = 0
    for text in texts:
        at = blob.find(text.marker, pos)
        if at < 0 or blob.count(text.marker) != 1 or "\ufffe" in text.xml or "\uffff" in text.xml:
            return None
        try:
            data = text.xml.encode("utf-8")          # lone surrogates fail here
        except UnicodeEncodeError:
            return None
        if data.translate(None, _XML_BYTES):
            return None
        pieces += [blob[pos:at], data]
        pos = at + len(text.marker)
    pieces.append(blob[pos:])
    return b"".join(pieces)


def _materialised(part: Any, texts: Sequence[SplicedText]) -> bytes:
    """The part serialised after parsing every text into its tree."""
    for text in texts:
        text.materialise()
    return part.blob


def _pack(blobs: dict[str, bytes]) -> bytes:
    """Entries (in order) zipped: content types and package rels first, fixed time and attributes."""
    order = {name: i for i, name in enumerate(blobs)}
    names = sorted(order, key=lambda n: (n != "[Content_Types].xml", n != "_rels/.rels", order[n]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, blobs[name])
    return out.getvalue()


class OutputError(OSError):
    """An output kh cannot or must not write; ``strerror`` holds the Vietnamese-first reason."""


#: Reasons by errno, Vietnamese first (every name here exists on Windows too: EDQUOT is WSAEDQUOT).
_REASONS = {
    errno.ENOSPC: "ổ đĩa đầy (no space left on device)",
    errno.EDQUOT: "hết hạn mức ổ đĩa (disk quota exceeded)",
    errno.EACCES: "không có quyền ghi (permission denied)",
    errno.EPERM: "không có quyền ghi (operation not permitted)",
    errno.EROFS: "ổ đĩa chỉ đọc (read-only file system)",
    errno.ENOENT: "thư mục kết quả không tồn tại (output folder does not exist)",
    errno.ENOTDIR: "đường dẫn thư mục kết quả không phải thư mục (output folder is not a folder)",
    errno.EISDIR: "đường dẫn kết quả là một thư mục (output is a folder)",
}


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` atomically: readers see the old file or the whole new one.

    - The bytes go to ``.<name>.<random>.tmp`` in the same folder, are flushed to disk, then renamed
      over ``path``; on any error the temporary file is removed and the previous output is intact.
    - A new file gets the user's umask (like any program's output); an existing one keeps its mode.
    - A symlink is written through: its target is replaced and the link stays. A target that is not
      a regular file (device, FIFO, socket, folder) or is read-only is refused, never replaced.
    - SIGINT/SIGTERM arriving while the file is written take effect right after the rename (or the
      clean-up), so an interrupted build leaves neither a half-written output nor a temporary file.
    - Temporary files of this naming left by a killed kh are removed by the next write of ``path``;
      concurrent writers of one output never remove each other's files (a shared lock on the folder
      while writing, an exclusive one to clean up; without ``fcntl``, as on Windows, only files
      untouched for :data:`STALE_AFTER_S` are removed), and the last rename wins with a complete file.
    - An output held open by another program (Word locks the .docx it shows, on Windows) is not
      replaced: :class:`OutputError` says to close it there and build again.

    Raises :class:`OutputError` (an ``OSError``) with a clear reason.
    """
    path = Path(path)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    existing = _existing(target)
    kept = "; tệp cũ giữ nguyên (previous output kept)" if existing is not None else ""
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _error(exc, f"không tạo được thư mục {parent}: ") from None
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
    with _Deferred(), _FolderLock(parent, target.name):
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
        except OSError as exc:
            raise _error(exc, f"không tạo được tệp tạm trong {parent}: ", kept) from None
        try:
            with os.fdopen(fd, "wb") as fh:
                if hasattr(os, "fchmod"):          # POSIX (mkstemp made it 0600)
                    os.fchmod(fh.fileno(), mode)
                if existing is not None and getattr(os, "geteuid", lambda: -1)() == 0:
                    _keep_owner(fh.fileno(), existing)
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            _replace(tmp, target, kept)
        except BaseException as exc:
            Path(tmp).unlink(missing_ok=True)
            if isinstance(exc, OSError) and not isinstance(exc, OutputError):
                raise _error(exc, "", kept) from None
            raise
        _sync_folder(parent)


#: The reason given when the output cannot be replaced because another program holds it open.
HELD_OPEN = ("tệp đang mở trong chương trình khác (Word?): đóng tệp trong Word rồi dựng lại "
             "(close the file in Word and build again)")
#: Windows: how long to retry a refused rename (a virus scanner or the search indexer holds a new
#: file for a moment) before saying the output is open elsewhere.
_RETRY_S = (0.05, 0.1, 0.2, 0.4)


def _replace(tmp: str, target: Path, kept: str) -> None:
    """``os.replace``; a refusal (PermissionError) means the output is open in another program.

    On Windows a file that Word (or a viewer) has open cannot be replaced, and that is what a
    PermissionError here means: the folder is writable (the temporary file was made there) and the
    output was checked writable. A short-lived holder is waited for, a little, on Windows.
    """
    for delay in (*(_RETRY_S if sys.platform == "win32" else ()), None):
        try:
            os.replace(tmp, target)
            return
        except PermissionError as exc:
            if delay is None:
                raise OutputError(exc.errno or errno.EACCES, HELD_OPEN + kept, str(target)) from None
            time.sleep(delay)


def _existing(target: Path) -> os.stat_result | None:
    """The current output's stat, after refusing targets kh must not replace."""
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _error(exc, "") from None
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(errno.EISDIR, _REASONS[errno.EISDIR])
    if not stat.S_ISREG(info.st_mode):
        kind = ("thiết bị (device)" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                else "FIFO" if stat.S_ISFIFO(info.st_mode) else "socket" if stat.S_ISSOCK(info.st_mode)
                else "tệp đặc biệt (special file)")
        raise OutputError(errno.EINVAL, f"không phải tệp thường mà là {kind}; kh không thay thế nó "
                                        f"(not a regular file, refusing to replace it)")
    if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise OutputError(errno.EACCES, "tệp kết quả chỉ đọc (output file is read-only); "
                                        "tệp cũ giữ nguyên (previous output kept)")
    return info


def _error(exc: OSError, prefix: str, kept: str = "") -> OutputError:
    reason = _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
    return OutputError(exc.errno or errno.EIO, f"{prefix}{reason}{kept}")


def _umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o22)
        os.umask(mask)
    return mask


_UMASK_LOCK = threading.Lock()


def _keep_owner(fd: int, existing: os.stat_result) -> None:
    try:
        os.fchown(fd, existing.st_uid, existing.st_gid)
    except OSError:
        pass


def _sync_folder(folder: Path) -> None:
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def stale_temps(target: Path) -> list[Path]:
    """Temporary files of kh's own naming (``.<name>.<8 random>.tmp``) beside ``target``."""
    pattern = re.compile(re.escape(f".{target.name}.") + r"[a-z0-9_]{8}\.tmp")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    found = []
    for name in names:
        if pattern.fullmatch(name):
            cand = target.parent / name
            try:
                if stat.S_ISREG(os.lstat(cand).st_mode):
                    found.append(cand)
            except OSError:
                pass
    return found


#: Without ``fcntl`` (Windows), a temporary file of kh's naming untouched this long (seconds) is a
#: leftover: a write takes well under a second, and a file another kh still has open cannot be
#: deleted on Windows anyway.
STALE_AFTER_S = 600.0


class _FolderLock:
    """Shared lock on the output folder while writing; stale temp files removed under an exclusive one.

    Where there is no ``fcntl`` (Windows), nothing is locked and only temporary files older than
    :data:`STALE_AFTER_S` are removed.
    """

    def __init__(self, folder: Path, name: str):
        self.folder, self.name, self.fd = folder, name, -1

    def __enter__(self) -> _FolderLock:
        try:
            import fcntl
        except ImportError:
            self._remove_stale(older_than=STALE_AFTER_S)
            return self
        try:
            self.fd = os.open(self.folder, os.O_RDONLY)
        except OSError:
            return self
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:                # someone is writing here now: their temp files are not stale
            pass
        else:
            self._remove_stale()
        try:
            fcntl.flock(self.fd, fcntl.LOCK_SH)
        except OSError:
            pass
        return self

    def _remove_stale(self, older_than: float | None = None) -> None:
        now = time.time()
        for tmp in stale_temps(self.folder / self.name):
            try:
                if older_than is None or now - os.lstat(tmp).st_mtime > older_than:
                    tmp.unlink(missing_ok=True)
            except OSError:            # held open by another writer (Windows), or gone already
                pass

    def __exit__(self, *exc: object) -> None:
        if self.fd >= 0:
            os.close(self.fd)          # releases the lock


class _Deferred:
    """Hold SIGINT and SIGTERM until the block ends, then deliver them (main thread only)."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __enter__(self) -> _Deferred:
        self.got: list[int] = []
        self.old: dict[int, object] = {}
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self.old[sig] = signal.signal(sig, lambda signum, _frame: self.got.append(signum))
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self.old.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)  # type: ignore[arg-type]
        if self.got:
            signal.raise_signal(self.got[0])
