"""The ``kh`` program: hand the command to a running ``kh server`` when there is one, else run it here.

A build in a fresh process spends most of its time importing (docxtpl, lxml, pydantic …). When
``kh server start`` has left a warm kh running, the commands in :data:`ROUTED` are passed to it
over a Unix socket together with this process's standard input, output and error, working
folder, environment and umask; a copy of the warm server runs the command exactly as here and
writes straight to this terminal. This module imports only the standard library, so that hand-off
costs little more than starting Python. Anything unusual (no server, an old server, Windows,
``KH_SERVER=off``) runs the command in this process, as before. ``KH_SERVER=auto`` starts a
server on first use.

Safety: nothing is sent before the kernel confirms the listener is this user's; the streams go
only to a copy that answered within :data:`ACK_WAIT` seconds (else the command runs here, and the
abandoned request never runs); Ctrl-C or SIGTERM end the wait at once.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Iterator

from .protocol import (
    GO,
    is_private,
    peer_uid,
    recv_messages,
    routable,
    runtime_dir,
    send_request,
    socket_path,
    stream_info,
    supported,
)

#: Seconds the server has to accept a command and answer with its copy's pid before the command runs
#: here instead (a stopped, frozen or overloaded server never holds a command up for longer).
ACK_WAIT = 2.0


def delegate(argv: list[str]) -> int | None:
    """Run ``argv`` in the warm server; its exit code, or None to run the command here instead.

    Nothing is sent before the kernel confirms that the listening process is this user's: the
    request carries the whole environment and this terminal. Ctrl-C or SIGTERM while waiting for the
    server's answer end this process at once; the server's copy then never runs the command.
    """
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
    deadline = time.monotonic() + ACK_WAIT
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(ACK_WAIT)
        sock.connect(path)
        owner = peer_uid(sock)
        if owner != os.getuid():     # another user's listener (a swapped folder): tell it nothing
            sock.close()
            if owner is not None:
                sys.stderr.write(f"kh server: {path} do người dùng khác mở (listened to by another user, uid "
                                 f"{owner}); không gửi gì, chạy trực tiếp (nothing sent, running here)\n")
            return None
        send_request(sock, request, [])
        messages = recv_messages(sock)
        sock.settimeout(max(deadline - time.monotonic(), 0.001))
        first = next(messages, None)
    except KeyboardInterrupt:     # Ctrl-C while the server is silent: end here, as the command would
        sock.close()
        sys.stderr.write("\nAborted!\n")
        sys.exit(1)
    except (OSError, ValueError):  # no server, a silent one, or a closed standard stream: run here
        sock.close()
        return None
    if not isinstance(first, dict) or "pid" not in first:
        sock.close()
        if isinstance(first, dict) and first.get("stale"):
            sys.stderr.write("kh server: mã kh đã đổi, máy chủ cũ đã dừng; chạy trực tiếp "
                             "(kh changed since the server started; it stopped, running here)\n")
        return None
    sock.settimeout(None)
    return _follow(sock, messages, int(first["pid"]))


def _follow(sock: socket.socket, messages: Iterator[object], child: int) -> int | None:
    """Let the server's copy run, wait for it to finish; pass Ctrl-C and termination on to it."""
    import signal

    def forward(signum: int, _frame: object) -> None:
        try:
            os.kill(child, signum)
        except OSError:
            pass

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        try:   # the streams travel only now, to a copy that is alive: a silent server never holds them
            socket.send_fds(sock, [GO], [0, 1, 2])
        except OSError:           # the server vanished before the copy started, or a closed stream
            return None
        for message in messages:
            if isinstance(message, dict) and "exit" in message:
                return int(message["exit"])
    except (OSError, ValueError):
        pass
    finally:
        sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    # the server's copy vanished without a word: say so, never run the command twice
    sys.stderr.write("kh server: lệnh dừng giữa chừng (the server's run ended without an exit code)\n")
    return 1


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
