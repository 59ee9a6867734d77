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

import os
import socket
import sys

from .protocol import (
    is_private,
    recv_messages,
    routable,
    runtime_dir,
    send_request,
    socket_path,
    stream_info,
    supported,
)


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
               "streams": [stream_info(s) for s in (sys.stdin, sys.stdout, sys.stderr)]}
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
            from .control import spawn_quietly

            spawn_quietly()
    from ..app.cli import main as cli_main

    cli_main(prog_name="kh")


if __name__ == "__main__":  # pragma: no cover
    main()
