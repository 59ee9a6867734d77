"""Standard streams a command can always write to, even when the caller closed them.

A daemon, a cron job or ``kh build … >&-`` can start kh with descriptor 0, 1 or 2 closed: Python
then sets ``sys.stdout`` (…) to None, and the first file kh opens takes the free descriptor — where
a child process (git, LibreOffice) would write its own output. :func:`standard_streams` puts the
null device on each closed one for the duration of a command: what would be printed there is
dropped and the command ends with its usual exit status.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import IO

#: descriptor → (name in sys, open mode)
_STREAMS = {0: ("stdin", "r"), 1: ("stdout", "w"), 2: ("stderr", "w")}


def _closed(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return True
    return False


@contextlib.contextmanager
def standard_streams() -> Iterator[None]:
    """While the block runs, each closed standard descriptor is the null device and each missing
    ``sys`` stream (None) writes there; afterwards both are as before."""
    undo: list[tuple[str, IO[str] | None, IO[str] | None, int | None]] = []   # name, previous, made, fd made
    try:
        for fd, (name, mode) in _STREAMS.items():
            previous = getattr(sys, name)
            made_fd = None
            if _closed(fd):
                null = os.open(os.devnull, os.O_RDONLY if mode == "r" else os.O_WRONLY)
                if null != fd:
                    os.dup2(null, fd)
                    os.close(null)
                made_fd = fd
            made = None
            if previous is None:   # on fd, when it is the null device just put there; else its own
                made = (open(fd, mode, encoding="utf-8", closefd=False) if made_fd is not None  # noqa: SIM115
                        else open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115
                setattr(sys, name, made)
            if made is not None or made_fd is not None:
                undo.append((name, previous, made, made_fd))
        yield
    finally:
        for name, previous, made, made_fd in reversed(undo):
            if made is not None:
                with contextlib.suppress(OSError, ValueError):
                    made.close()
                setattr(sys, name, previous)
            if made_fd is not None:
                with contextlib.suppress(OSError):
                    os.close(made_fd)
