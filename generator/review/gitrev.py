"""Temporary copies of a plan beside the current one: as it was at a git revision, or a copy
git difftool made elsewhere (so ``org: quan3`` still finds ``orgs/quan3.yaml``).

The copy has to sit in the plan's own folder: the reader finds the profile (``orgs/``, ``../orgs/``)
and the templates relative to the file it reads, and confines them to that file's folder. It is
hidden, named ``.<plan>.kh-rev-<pid>-<random>.yaml``, and removed afterwards; a copy left by a kh
that was killed (SIGKILL, a power cut) is removed by the next run that makes one in that folder
(:func:`sweep_stale`).

A revision comes from the user, or from whatever drives kh: one that starts with "-" is refused (git
would take it for an option), and it must name a commit (``git rev-parse --verify``) before any file
is read from it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from ..core.errors import KhError

#: The marker in the name of every copy kh makes: ``.<stem>.kh-rev-<pid>-<random><suffix>``.
COPY_MARK = "kh-rev"
_COPY = re.compile(r"^\..+\." + COPY_MARK + r"-(\d+)-[a-z0-9_]{8}\.ya?ml$")
#: A copy whose kh is still running is never older than this (it lives while two plans are read).
_STALE_AFTER = 600.0


class RevisionError(KhError):
    """The revision or the file in it cannot be read from git (exit 2: 1 means "the plans differ")."""

    exit_code = 2


@functools.cache
def _git_version() -> tuple[int, ...]:
    """git's version as numbers, e.g. (2, 39, 5); () when it cannot be told."""
    try:
        out = subprocess.run(["git", "--version"], capture_output=True, timeout=30).stdout.decode("ascii", "replace")
    except (OSError, subprocess.TimeoutExpired):
        return ()
    found = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", out)
    return tuple(int(n) for n in found.groups() if n is not None) if found else ()


def _end_of_options(since: tuple[int, int]) -> list[str]:
    """``["--end-of-options"]`` when this git knows it (``since``: the first version that does)."""
    return ["--end-of-options"] if _git_version() >= since else []


def _git(args: list[str], folder: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=folder, capture_output=True, stdin=subprocess.DEVNULL,
                              timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RevisionError(f"không chạy được git (cannot run git): {exc}") from None


def _said(proc: subprocess.CompletedProcess[bytes]) -> str:
    return proc.stderr.decode("utf-8", "replace").strip()


def commit_of(rev: str, folder: Path) -> str:
    """The commit ``rev`` names in the repository of ``folder`` (its full hash), or a RevisionError."""
    if not rev or rev.startswith("-") or any(c in rev for c in "\0\n\r"):
        raise RevisionError(f"'{rev}' không phải tên bản (not a revision): tên bản không bắt đầu bằng '-' "
                            "(a revision never starts with '-'), ví dụ HEAD~1, main, v2.0")
    # rev-parse knows --end-of-options since git 2.30; before that, a name not starting with "-" is safe
    proc = _git(["rev-parse", "--verify", *_end_of_options((2, 30)), f"{rev}^{{commit}}"], folder)
    sha = proc.stdout.decode("ascii", "replace").strip()
    if proc.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha):
        raise RevisionError(f"không có bản '{rev}' trong git (no such commit): {_said(proc) or sha}")
    return sha


@contextlib.contextmanager
def revision_copy(path: Path, rev: str) -> Iterator[Path]:
    """Yield a temporary copy of ``path`` as of git revision ``rev``.

    The copy sits in the same folder (hidden, removed afterwards) so that ``org: quan3`` still
    finds ``orgs/quan3.yaml``; the profile is the current one, not the revision's.
    """
    path = Path(path)
    folder = path.resolve().parent
    sha = commit_of(rev, folder)
    proc = _git(["show", *_end_of_options((2, 24)), f"{sha}:./{path.name}"], folder)
    if proc.returncode != 0:
        raise RevisionError(f"{path}: không lấy được bản ở '{rev}' từ git (cannot read it at revision {rev}): "
                            f"{_said(proc)}")
    with bytes_beside(proc.stdout, folder, path) as tmp:
        yield tmp


@contextlib.contextmanager
def bytes_beside(data: bytes, folder: Path, like: Path) -> Iterator[Path]:
    """Yield a hidden temporary file holding ``data`` in ``folder``; removed afterwards.

    Copies that killed runs left in ``folder`` are removed first (:func:`sweep_stale`).
    """
    sweep_stale(Path(folder), Path(like))
    fd, tmp = tempfile.mkstemp(prefix=f".{like.stem}.{COPY_MARK}-{os.getpid()}-", suffix=like.suffix or ".yaml",
                               dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        yield Path(tmp)
    finally:
        Path(tmp).unlink(missing_ok=True)


def sweep_stale(folder: Path, like: Path | None = None) -> list[Path]:
    """Remove the copies :func:`bytes_beside` made in ``folder`` whose kh is no longer running; return them.

    A copy is stale when the process named in it is gone (on POSIX) or it is older than any run
    lasts. Also removed: ``.<stem>.<8 random>.yaml`` files of ``like``'s stem — the copies of kh
    before the marker — when they are private (mode 600, as mkstemp makes them) and as old.
    Nothing is ever followed through a link; errors are ignored (the next run tries again).
    """
    removed: list[Path] = []
    old_style = (re.compile(r"^\." + re.escape(like.stem) + r"\.[a-z0-9_]{8}" + re.escape(like.suffix or ".yaml") + "$")
                 if like is not None else None)
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith("."):
            continue
        mark = _COPY.match(entry.name)
        if mark is None and not (old_style is not None and old_style.match(entry.name)):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
            continue
        old = now - info.st_mtime > _STALE_AFTER
        if mark is not None:
            stale = old or not _running(int(mark.group(1)))
        else:
            stale = old and (os.name != "posix" or stat.S_IMODE(info.st_mode) == 0o600)
        if stale:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _running(pid: int) -> bool:
    """Is process ``pid`` running on this machine? (Windows: cannot be asked safely — assumed so.)"""
    if os.name != "posix":
        return True       # os.kill(pid, 0) would send CTRL_C_EVENT there; age alone decides
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True       # another user's process, or an impossible number: leave the copy alone
    return True


@contextlib.contextmanager
def placed_in(path: Path, folder: Path | None) -> Iterator[Path]:
    """``path`` itself, or (``folder`` given and different) a temporary copy of it inside ``folder``."""
    if folder is None or Path(path).resolve().parent == Path(folder).resolve():
        yield Path(path)
        return
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RevisionError(f"{path}: không đọc được (cannot read): {exc.strerror}") from None
    with bytes_beside(data, Path(folder), Path(path)) as tmp:
        yield tmp
