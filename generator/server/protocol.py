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


#: The byte the caller sends once it has the copy's pid: only then does the copy run the command, so a
#: caller that gave up waiting (and runs the command itself) is never served twice.
GO = b"\n"
#: Where the peer's user id sits: Linux ``SO_PEERCRED`` (struct ucred: pid, uid, gid) and the BSD/macOS
#: ``LOCAL_PEERCRED`` at level ``SOL_LOCAL`` (struct xucred: version, uid, groups). Both 32-bit, offset 4.
_LOCAL_PEERCRED = (0, getattr(socket, "LOCAL_PEERCRED", 1)) if sys.platform.startswith(("darwin", "freebsd")) \
    else None


def supported() -> bool:
    """Unix sockets that carry file descriptors and tell who is at the other end, and fork: Linux and
    macOS, not Windows."""
    return (hasattr(socket, "AF_UNIX") and hasattr(os, "fork") and hasattr(socket, "send_fds")
            and (hasattr(socket, "SO_PEERCRED") or _LOCAL_PEERCRED is not None))


def peer_uid(sock: socket.socket) -> int | None:
    """The user id of the process at the other end of a connected Unix socket (for a server: the one
    that called ``listen``), or None when the system cannot tell."""
    try:
        if hasattr(socket, "SO_PEERCRED"):
            creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
            return int.from_bytes(creds[4:8], sys.byteorder) if len(creds) == 12 else None
        if _LOCAL_PEERCRED is not None:
            creds = sock.getsockopt(*_LOCAL_PEERCRED, 256)
            version = int.from_bytes(creds[:4], sys.byteorder)
            return int.from_bytes(creds[4:8], sys.byteorder) if len(creds) >= 8 and version == 0 else None
    except OSError:
        return None
    return None


def runtime_dir() -> str:
    """The private folder holding this user's kh server sockets (created by the server, mode 0700).

    It lies in ``$XDG_RUNTIME_DIR`` only when that folder is this user's own and nobody else can
    write to it (or it is sticky): root after ``su`` or ``sudo -E`` keeps another user's
    ``XDG_RUNTIME_DIR``, who could swap kh's folder inside it. Otherwise in ``/tmp`` (sticky).
    """
    base = os.environ.get("XDG_RUNTIME_DIR")
    if not base or not _own_folder(base):
        base = "/tmp"
    return os.path.join(base, f"kh-{os.getuid()}")


def _own_folder(folder: str) -> bool:
    """True for an absolute path to a folder of this user that others cannot change entries of."""
    if not os.path.isabs(folder):
        return False
    try:
        info = os.stat(folder)
    except OSError:
        return False
    import stat

    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and (not info.st_mode & 0o022 or bool(info.st_mode & stat.S_ISVTX)))


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
