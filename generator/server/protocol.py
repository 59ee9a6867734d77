"""The wire between the ``kh`` program and a ``kh server``: where the socket is, who may use it,
which commands it runs, how a request and the replies are framed. Standard library only."""

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
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # the generator package


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


def stream_info(stream: object) -> list[str] | None:
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
