"""Older formats (.doc, .odt, .rtf) → .docx through LibreOffice headless, when it is installed.

A received document is hostile until read: LibreOffice runs with kh's offline profile
(:mod:`generator.core.office_profile`: linked content is not loaded, every remote request goes to
a dead local port, macros are off), in a throw-away folder that also holds its temporary files.
However the conversion ends (done, failed, timed out, Ctrl-C, SIGTERM), LibreOffice's whole
process group is killed, the folder and LibreOffice's pipe in /tmp removed before kh goes on or exits.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..core.office_profile import remove_pipe, write_profile

CONVERTIBLE = (".doc", ".odt", ".rtf", ".docm", ".dot", ".dotx", ".wpd")
INSTALL = "sudo apt-get install -y libreoffice-writer-nogui   (macOS: brew install --cask libreoffice)"


class ConvertError(RuntimeError):
    """LibreOffice is missing or could not convert the file."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(path: Path, timeout: float = 180) -> bytes:
    """The .docx bytes of ``path``, converted by LibreOffice with its own throw-away offline profile."""
    exe = soffice()
    if exe is None:
        raise ConvertError(
            f"{path}: cần LibreOffice để đọc tệp {path.suffix} nhưng máy chưa cài"
            f" (LibreOffice is needed to read {path.suffix} files and is not installed).\n"
            f"    cài đặt (install): {INSTALL}\n"
            f"    hoặc mở tệp bằng Word và lưu thành .docx (or save it as .docx from Word)")
    with _sigterm_unwinds():
        tmp: Path | None = None
        office: subprocess.Popen[bytes] | None = None
        try:
            with _signals_held():    # no LibreOffice may start without ``office`` knowing it
                try:
                    tmp = Path(tempfile.mkdtemp(prefix="kh-import-"))
                    office = _start(exe, path, tmp)
                except OSError as exc:
                    raise ConvertError(f"{path}: không chạy được LibreOffice (cannot run LibreOffice): {exc}") from None
            code = _wait(office, timeout)
            if code is None:
                raise ConvertError(f"{path}: LibreOffice quá {timeout:g} giây (conversion timed out)")
            result = tmp / "out" / (path.stem + ".docx")
            if code != 0 or not result.is_file():
                raise ConvertError(f"{path}: LibreOffice không chuyển được tệp (conversion failed):"
                                   f" {_log(tmp)[:300]}")
            return result.read_bytes()
        finally:
            with _signals_held():    # a second Ctrl-C cannot cut the clean-up short
                if office is not None:
                    _stop(office)
                if tmp is not None:
                    remove_pipe(tmp / "profile")
                    shutil.rmtree(tmp, ignore_errors=True)


def _start(exe: str, path: Path, tmp: Path) -> subprocess.Popen[bytes]:
    """LibreOffice converting ``path`` into ``tmp/out``, in a process group of its own."""
    profile, out = tmp / "profile", tmp / "out"
    env = {**os.environ, "HOME": str(tmp), "TMPDIR": str(tmp), "TMP": str(tmp), "TEMP": str(tmp),
           **write_profile(profile)}
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
           "--nologo", "--nodefault", "--nolockcheck",
           "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(path.resolve())]
    with open(tmp / "office.log", "wb") as log:   # a file, not a pipe: soffice.bin may outlive the launcher
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                env=env, **_own_group())


def _wait(office: subprocess.Popen[bytes], timeout: float) -> int | None:
    """LibreOffice's exit status, or None after ``timeout`` seconds. Waits in short slices, so
    Ctrl-C is seen at once also where a blocking wait cannot be interrupted (Windows)."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        try:
            return office.wait(timeout=min(left, 0.5))
        except subprocess.TimeoutExpired:
            continue


def _own_group() -> dict[str, Any]:
    """Popen arguments that put LibreOffice in a process group of its own: a terminal's Ctrl-C
    reaches kh only, and :func:`_stop` can end LibreOffice's children with it."""
    if hasattr(os, "killpg"):
        return {"start_new_session": True}
    return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}   # Windows


def _stop(office: subprocess.Popen[bytes]) -> None:
    """Kill LibreOffice and everything it started (a no-op for a conversion that ended)."""
    if hasattr(os, "killpg"):
        try:
            os.killpg(office.pid, signal.SIGKILL)   # soffice.bin and helpers may outlive the launcher
        except (ProcessLookupError, PermissionError):
            pass
    elif office.poll() is None:                     # Windows: the launcher's process tree
        try:
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(office.pid)],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            pass
    if office.poll() is None:
        office.kill()
    office.wait()


def _log(tmp: Path) -> str:
    try:
        return (tmp / "office.log").read_bytes().decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """Where SIGTERM would end the process on the spot (its default), make it unwind like Ctrl-C
    (``SystemExit(128 + SIGTERM)``) so LibreOffice and the folder are cleaned up. A handler the
    program installed itself (kh's main does) or an ignored SIGTERM is left alone."""
    if not _main_thread() or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def unwind(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, unwind)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM arriving inside the block take effect when it ends (main thread only)."""
    if not _main_thread():
        yield
        return
    got: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, _frame: got.append(signum))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        for sig in dict.fromkeys(got):
            signal.raise_signal(sig)
