"""A plan as it was at a git revision, as a temporary file beside the current one."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import KhError


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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f"{path.suffix}", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(proc.stdout)
        yield Path(tmp)
    finally:
        Path(tmp).unlink(missing_ok=True)
