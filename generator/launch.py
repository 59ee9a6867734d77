"""The ``kh`` program: hand the command to a running ``kh server`` when there is one, else run it here.

A build in a fresh process spends most of its time importing (docxtpl, lxml, pydantic …). When
``kh server start`` has left a warm kh running, the commands in :data:`ROUTED` are passed to it
over a Unix socket together with this process's standard input, output and error, working
folder, environment and umask; a copy of the warm server runs the command exactly as here and
writes straight to this terminal. This module imports only the standard library, so that hand-off
costs little more than starting Python. Anything unusual (no server, an old server, Windows,
``KH_SERVER=off``) runs the command in this process, as before. ``KH_SERVER=auto`` starts a
server on first use.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import zlib
from collections.abc import Iterator

#: Commands a server may run: short, non-interactive ones (watch and preview keep their own loop).
ROUTED = frozenset({"build", "check", "text", "diff", "fmt", "schema", "clone", "redline"})
#: Options of the ``kh`` group itself that may come before the command name.
GROUP_FLAGS = frozenset({"--allow-outside"})
_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def supported() -> bool:
    """Unix sockets that carry file descriptors, and fork: Linux and macOS, not Windows."""
    return hasattr(socket, "AF_UNIX") and hasattr(os, "fork") and hasattr(socket, "send_fds")


def runtime_dir() -> str:
    """The private folder holding this user's kh server sockets (created by the server, mode 0700)."""
    base = os.environ.get("XDG_RUNTIME_DIR") or "/tmp"
    return os.path.join(base, f"kh-{os.getuid()}")


def is_private(folder: str) -> bool:
    """True when ``folder`` is a real folder of this user that nobody else can enter or write to."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    import stat

    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def server_key() -> str:
    """One server per Python environment (sys.prefix) and kh installation: a digest of both paths."""
    key = "\0".join((sys.prefix, _PACKAGE)).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(key):08x}"


def socket_path() -> str:
    """Where the server for this Python and this kh listens."""
    return os.path.join(runtime_dir(), f"server-{server_key()}.sock")


def routable(argv: list[str]) -> bool:
    """True when ``argv`` names a command a server may run."""
    for arg in argv:
        if arg in GROUP_FLAGS:
            continue
        return arg in ROUTED
    return False


def _stream_info(stream: object) -> list[str] | None:
    encoding = getattr(stream, "encoding", None)
    return [encoding, getattr(stream, "errors", None) or "strict"] if encoding else None


def send_request(sock: socket.socket, request: dict[str, object], fds: list[int]) -> None:
    """One request: its length (4 bytes, carrying ``fds``), then the request as JSON."""
    body = json.dumps(request).encode("utf-8")
    socket.send_fds(sock, [len(body).to_bytes(4, "big")], fds)
    sock.sendall(body)


def recv_messages(sock: socket.socket) -> Iterator[object]:
    """Messages from the server, one JSON object per line, until it closes the connection."""
    buf = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield json.loads(line)


def delegate(argv: list[str]) -> int | None:
    """Run ``argv`` in the warm server; its exit code, or None to run the command here instead."""
    path = socket_path()
    if not os.path.exists(path) or not is_private(runtime_dir()):
        return None       # never hand streams and environment to a socket someone else could own
    try:
        cwd = os.getcwd()
    except OSError:               # a deleted working folder: the command itself explains it
        return None
    mask = os.umask(0o22)
    os.umask(mask)
    request = {"op": "run", "argv": argv, "cwd": cwd, "env": dict(os.environ), "umask": mask,
               "streams": [_stream_info(s) for s in (sys.stdin, sys.stdout, sys.stderr)]}
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
        send_request(sock, request, [0, 1, 2])
    except OSError:               # no server listening, or a closed standard stream: run here
        sock.close()
        return None
    return _follow(sock)


def _follow(sock: socket.socket) -> int | None:
    """Wait for the server's copy to finish; pass Ctrl-C and termination on to it."""
    import signal

    child = 0

    def forward(signum: int, _frame: object) -> None:
        if child:
            try:
                os.kill(child, signum)
            except OSError:
                pass

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        for message in recv_messages(sock):
            if not isinstance(message, dict):
                continue
            if message.get("stale"):
                sys.stderr.write("kh server: mã kh đã đổi, máy chủ cũ đã dừng; chạy trực tiếp "
                                 "(kh changed since the server started; it stopped, running here)\n")
                return None
            if "pid" in message:
                child = int(message["pid"])
            if "exit" in message:
                return int(message["exit"])
    except (OSError, ValueError):
        pass
    finally:
        sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if child:   # the server's copy vanished without a word: say so, never run the command twice
        sys.stderr.write("kh server: lệnh dừng giữa chừng (the server's run ended without an exit code)\n")
        return 1
    return None


def main() -> None:
    """Entry point of the ``kh`` program.

    ``KH_SERVER=off`` runs every command here; ``KH_SERVER=auto`` also starts a server in the
    background when none answers, for the commands that follow (this one runs here).
    """
    argv = sys.argv[1:]
    mode = os.environ.get("KH_SERVER", "").lower()
    if supported() and routable(argv) and mode not in ("off", "0", "no"):
        code = delegate(argv)
        if code is not None:
            sys.exit(code)
        if mode == "auto":
            from .server_control import spawn_quietly

            spawn_quietly()
    from .cli import main as cli_main

    cli_main(prog_name="kh")


if __name__ == "__main__":  # pragma: no cover
    main()
