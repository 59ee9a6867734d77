"""Set-up of the worker processes of a folder build (:func:`generator.app.service.run_jobs`).

A worker must never outlive kh: when kh is killed (SIGKILL, a cancelled CI job, the OOM killer) its
workers would otherwise wait for ever on a pipe nobody reads — and, holding the caller's standard
output and error, keep a CI runner or ``$(kh build …)`` waiting for an end of output that never
comes. So :func:`start_worker`, run first in each worker:

- puts the null device on the worker's standard input, output and error (results, warnings and
  errors travel back as values);
- makes the worker die with kh: on Linux the kernel does it (``prctl(PR_SET_PDEATHSIG)``); on
  other systems a thread watches the parent (its pid on POSIX, its process handle on Windows);
- restores the default SIGTERM (kh's own handler, inherited by a fork, would keep it alive).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

#: prctl(2) option: the signal this process gets when its parent ends (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def start_worker(parent: int) -> None:
    """Initializer of a worker whose parent (kh) is process ``parent``."""
    _quiet_streams()
    if hasattr(signal, "SIGTERM"):
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not _die_with_parent_linux():
        _watch_parent(parent)
    if os.name == "posix" and os.getppid() != parent:   # kh died before the watch began
        os._exit(1)


def _quiet_streams() -> None:
    """Standard input, output and error of this process become the null device."""
    for fd, mode in ((0, os.O_RDONLY), (1, os.O_WRONLY), (2, os.O_WRONLY)):
        with contextlib.suppress(OSError):
            null = os.open(os.devnull, mode)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def _die_with_parent_linux() -> bool:
    """Ask Linux to SIGKILL this process when its parent ends; False where that cannot be asked."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError, ValueError):
        return False


def _watch_parent(parent: int) -> None:
    """A daemon thread that ends this process once its parent is gone."""
    if os.name == "posix":
        def gone() -> bool:
            return os.getppid() != parent     # reparented to init (or a subreaper): kh has ended
    else:
        import multiprocessing

        handle = multiprocessing.parent_process()
        if handle is None:
            return

        def gone() -> bool:
            return not handle.is_alive()      # the parent's process handle (spawned workers on Windows)

    def watch() -> None:
        while not gone():
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="kh-worker-parent", daemon=True).start()
