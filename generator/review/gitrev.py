"""Temporary copies of a plan beside the current one: as it was at a git revision, or a copy
git difftool made elsewhere (so ``org: quan3`` still finds ``orgs/quan3.yaml``)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..core.errors import KhError


class RevisionError(KhError):
    """The revision or the file in it cannot be read from git (exit 1)."""


@contextlib.contextmanager
def revision_copy(path: Path, rev: str) -> Iterator[Path]:
    """Yield a temporary copy of ``path`` as of git revision ``rev``.

    The copy sits in the same folder (hidden, removed afterwards) so that ``org: quan3`` still
    finds ``orgs/quan3.yaml``; the profile is the current one, not the revision's.
    """
    path = Path(path)
    folder = path.resolve().parent
    try:
        proc = subprocess.run(["git", "show", f"{rev}:./{path.name}"], cwd=folder, capture_output=True,
                              timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RevisionError(f"không chạy được git (cannot run git): {exc}") from None
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip()
        raise RevisionError(f"{path}: không lấy được bản ở '{rev}' từ git (cannot read it at revision {rev}): {msg}")
    with bytes_beside(proc.stdout, folder, path) as tmp:
        yield tmp


@contextlib.contextmanager
def bytes_beside(data: bytes, folder: Path, like: Path) -> Iterator[Path]:
    """Yield a hidden temporary file holding ``data`` in ``folder``; removed afterwards."""
    fd, tmp = tempfile.mkstemp(prefix=f".{like.stem}.", suffix=like.suffix or ".yaml", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        yield Path(tmp)
    finally:
        Path(tmp).unlink(missing_ok=True)


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
