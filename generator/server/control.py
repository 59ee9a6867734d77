"""Starting, stopping and asking a ``kh server`` (the caller's side of :mod:`generator.server.daemon`)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from typing import Any

from ..core.errors import KhError
from .daemon import IDLE_MINUTES, ServerError, log_path, private_dir
from .protocol import is_private, peer_uid, recv_messages, runtime_dir, send_request, socket_path, supported

#: How long ``kh server start`` waits for the warm-up before giving up, seconds.
START_TIMEOUT = 60.0


def ask(op: str, timeout: float = 5.0) -> dict[str, Any] | None:
    """Send ``op`` (status, stop) to the server; its answer, or None when none is listening."""
    if not supported() or not os.path.exists(socket_path()) or not is_private(runtime_dir()):
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(socket_path())
            if peer_uid(sock) != os.getuid():     # another user's listener: not our server
                return None
            send_request(sock, {"op": op}, [])
            answer = next(recv_messages(sock), None)
    except (OSError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None


def status() -> dict[str, Any] | None:
    """The running server's status, or None."""
    return ask("status")


def start(idle_minutes: float) -> tuple[dict[str, Any], bool]:
    """Start the server in the background unless one runs; (its status, whether it already ran)."""
    if not supported():
        raise ServerError("kh server cần Unix socket và fork (Linux, macOS); trên máy này mỗi lệnh chạy riêng "
                          "(kh server needs Unix sockets and fork: Linux or macOS)")
    running = status()
    if running is not None:
        return running, True
    proc = spawn(idle_minutes)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        info = status()
        if info is not None:
            return info, False
        if proc.poll() not in (None, 0):     # 0: another start won the race; wait for that one
            raise ServerError(f"máy chủ kh không chạy được (the server exited with {proc.returncode}); "
                              f"xem nhật ký (see the log): {log_path()}")
        time.sleep(0.05)
    proc.terminate()
    raise ServerError(f"máy chủ kh không sẵn sàng sau {START_TIMEOUT:.0f} s (not ready); xem (see) {log_path()}")


def spawn(idle_minutes: float) -> subprocess.Popen[bytes]:
    """A detached ``python -m generator.server.daemon`` (its own session, working folder /, log file)."""
    private_dir()
    env = {**os.environ, "PYTHONPATH": _import_path()}
    env.pop("KH_SERVER", None)
    with open(log_path(), "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "generator.server.daemon", "--idle", repr(idle_minutes)],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd="/",
                                start_new_session=True, env=env)


def spawn_quietly() -> None:
    """For ``KH_SERVER=auto``: start a server for later commands; never delay or fail this one."""
    try:
        spawn(IDLE_MINUTES)
    except (OSError, KhError):
        pass


def stop(timeout: float = 10.0) -> int | None:
    """Ask the server to stop and wait until its socket is gone; its pid, or None when none ran."""
    answer = ask("stop")
    if answer is None:
        return None
    deadline = time.monotonic() + timeout
    while os.path.exists(socket_path()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return int(answer.get("pid", 0)) or None


def _import_path() -> str:
    """PYTHONPATH for the server: the folder kh is imported from first, then the caller's own."""
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    rest = os.environ.get("PYTHONPATH")
    return os.pathsep.join([here, rest]) if rest else here
