"""``kh server``: one warm kh kept running, so each short command skips Python's imports.

The server imports everything a build needs, renders a starter plan once (so templates, regexes
and validators are compiled), then waits on a Unix socket in a private folder (mode 0700). Each
request from :mod:`generator.server.launch` is run by a fresh ``fork()`` of that warm process: it takes
over the caller's standard streams, working folder, environment and umask, runs the ``kh``
command line exactly as a new process would, reports the exit code and ends. Nothing one command
does can leak into the next. The server stops after ``idle`` minutes without work, on
``kh server stop``, or as soon as kh's own code, its templates or a library it uses changed on
disk (the command that noticed runs in its own process instead).

One request, in order: the caller connects (only this user's callers are accepted, by the kernel's
peer credentials) and sends the request; the accept loop reads it as it arrives, never waiting on
one connection; a fork answers with its pid and waits; the caller, if it has not given up, sends
"go" with its standard streams, and only then does the copy run the command. The copy has a
process group of its own and ends when its caller's connection closes (a killed caller).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import json
import os
import selectors
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from ..core.errors import KhError
from .protocol import GO, ROUTED, is_private, peer_uid, routable, runtime_dir, server_key, socket_path

#: Default idle time before the server stops by itself, minutes.
IDLE_MINUTES = 30.0
#: Seconds a connection has to deliver its whole request; then it is dropped. Requests are read as
#: they arrive, a bit at a time, so a silent connection never holds up anyone else's.
REQUEST_WAIT = 5.0
#: Connections whose request is still arriving; beyond this many the oldest is dropped.
MAX_PENDING = 64
#: Seconds a served command has to unwind after its caller went away, before it is killed.
UNWIND_GRACE = 5.0
#: Libraries whose upgrade makes a running server stale (their package files are watched).
_LIBRARIES = ("docxtpl", "docx", "jinja2", "lxml", "pydantic", "pydantic_core", "yaml", "click", "num2words",
              "ruamel.yaml", "rich")


class ServerError(KhError):
    """The server could not be started or reached."""


# ------------------------------------------------------------------ paths and staleness
def lock_path() -> str:
    return os.path.join(runtime_dir(), f"server-{server_key()}.lock")


def log_path() -> str:
    return os.path.join(runtime_dir(), f"server-{server_key()}.log")


def private_dir() -> str:
    """The runtime folder, created 0700 and refused when someone else owns it or can write to it."""
    folder = runtime_dir()
    try:
        os.mkdir(folder, mode=0o700)
    except FileExistsError:       # a folder from before, or anything else by that name (checked below)
        pass
    except OSError as exc:
        raise ServerError(f"không tạo được thư mục {folder} (cannot create the folder): {exc.strerror}") from None
    if not is_private(folder):
        info = os.lstat(folder)
        raise ServerError(f"thư mục {folder} không riêng của người dùng này (not private to this user: "
                      f"owner {info.st_uid}, mode {oct(info.st_mode & 0o777)})")
    return folder


def take_lock() -> int | None:
    """The server's lock, held for its whole life (before the warm-up, so racing starts cost nothing)."""
    import fcntl

    private_dir()
    fd = os.open(lock_path(), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def watched_files() -> list[str]:
    """kh's code and templates, and the package files of the libraries it renders with."""
    from ..core.resources import templates_dir

    package = Path(__file__).resolve().parent.parent
    files = [str(p) for p in sorted(package.rglob("*.py"))]
    files += [str(p) for p in sorted(templates_dir().glob("*.docx"))]
    for name in _LIBRARIES:
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__file__", None):
            files.append(module.__file__)
    return files


def code_stamp(files: list[str]) -> list[tuple[str, int, int]]:
    """Size and modification time of each watched file (a missing file counts as changed)."""
    out = []
    for name in files:
        try:
            info = os.stat(name)
            out.append((name, info.st_mtime_ns, info.st_size))
        except OSError:
            out.append((name, -1, -1))
    return out


# ------------------------------------------------------------------ the server
class Server:
    """The accept loop of the warm process; every request runs in a fork of it."""

    def __init__(self, idle_minutes: float) -> None:
        self.idle = idle_minutes * 60.0
        self.started = time.time()
        self.last = time.monotonic()
        self.served = 0
        self.children: dict[int, socket.socket] = {}
        self.pending: dict[socket.socket, _Pending] = {}
        self.selector = selectors.DefaultSelector()
        self.stopping = False
        self.files = watched_files()
        self.stamp = code_stamp(self.files)
        self.listener: socket.socket | None = None
        self.lock_fd = -1

    # -- lifetime
    def run(self, lock_fd: int) -> int:
        """Serve while holding ``lock_fd`` (see :func:`take_lock`); the lock is released on return."""
        self.lock_fd = lock_fd
        folder = runtime_dir()
        path = socket_path()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)       # left by a server that died: the lock proves nobody listens on it
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            self.listener.bind(path)
        finally:
            os.umask(old)
        self.listener.listen(64)
        self.listener.setblocking(False)
        self.selector.register(self.listener, selectors.EVENT_READ)
        signal.signal(signal.SIGTERM, self._on_term)
        signal.signal(signal.SIGINT, self._on_term)
        gc.collect()
        gc.freeze()             # the warm objects stay shared with every fork instead of being copied
        log(f"sẵn sàng (ready): pid {os.getpid()}, {path} ({folder})")
        try:
            self._loop()
        finally:
            with contextlib.suppress(OSError):
                os.unlink(path)
            for waiting in list(self.pending.values()):
                self._drop(waiting)
            self.selector.close()
            self.listener.close()
            os.close(self.lock_fd)
            log(f"đã dừng (stopped) sau {self.served} lệnh (commands)")
        return 0

    def _on_term(self, _signum: int, _frame: Any) -> None:
        self.stopping = True

    def _loop(self) -> None:
        while not (self.stopping and not self.children):
            self._reap()
            if self.stopping:
                for waiting in list(self.pending.values()):
                    self._drop(waiting)
                time.sleep(0.05)
                continue
            if self.idle and not self.children and time.monotonic() - self.last > self.idle:
                log("hết thời gian chờ (idle timeout)")
                break
            for key, _events in self.selector.select(timeout=0.5):
                if key.fileobj is self.listener:
                    self._accept()
                else:
                    self._read(key.data)
            now = time.monotonic()
            for waiting in [p for p in self.pending.values() if p.deadline < now]:
                self._drop(waiting)

    def _accept(self) -> None:
        """Take the waiting connections of this user; their requests are read as they arrive."""
        assert self.listener is not None
        while True:
            try:
                conn, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:      # out of descriptors, …: the connection waits in the queue
                log(f"không nhận được kết nối (accept failed): {exc!r}")
                return
            if not _same_user(conn):
                conn.close()
                continue
            if len(self.pending) >= MAX_PENDING:
                self._drop(min(self.pending.values(), key=lambda p: p.deadline))
            conn.setblocking(False)
            waiting = _Pending(conn)
            self.pending[conn] = waiting
            self.selector.register(conn, selectors.EVENT_READ, waiting)

    def _read(self, waiting: _Pending) -> None:
        """Read what arrived on one connection; handle its request once it is whole."""
        try:
            request = waiting.feed()
        except (OSError, ValueError) as exc:
            if not isinstance(exc, ConnectionError):
                log(f"yêu cầu hỏng (bad request): {exc!r}")
            self._drop(waiting)
            return
        if request is None:
            return
        self.selector.unregister(waiting.conn)
        del self.pending[waiting.conn]
        conn, fds = waiting.conn, waiting.fds
        conn.setblocking(True)
        conn.settimeout(REQUEST_WAIT)      # for the answers below; a served copy waits without limit
        try:
            self._handle(conn, fds, request)
        except Exception as exc:  # noqa: BLE001 - one bad request never stops the server
            log(f"yêu cầu hỏng (bad request): {exc!r}")
            conn.close()

    def _drop(self, waiting: _Pending) -> None:
        """Forget a connection whose request did not arrive (in time, or whole)."""
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(waiting.conn)
        self.pending.pop(waiting.conn, None)
        waiting.close()

    def _reap(self) -> None:
        """Collect finished forks; tell the caller when one was killed before it could."""
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.children.clear()
                return
            if pid == 0:
                return
            conn = self.children.pop(pid, None)
            if conn is None:
                continue
            if os.WIFSIGNALED(status):
                with contextlib.suppress(OSError):
                    conn.sendall(_line({"exit": 128 + os.WTERMSIG(status)}))
            conn.close()
            self.last = time.monotonic()

    # -- one request
    def _handle(self, conn: socket.socket, fds: list[int], request: Any) -> None:
        try:
            op = request.get("op") if isinstance(request, dict) else None
            if op == "status":
                conn.sendall(_line(self.status()))
            elif op == "stop":
                self.stopping = True
                conn.sendall(_line({"stopping": True, "pid": os.getpid()}))
            elif op == "run" and not fds and _runnable(request):
                if code_stamp(self.files) != self.stamp:
                    self.stopping = True
                    log("mã kh hoặc thư viện đã đổi (kh or a library changed): dừng (stopping)")
                    conn.sendall(_line({"stale": True}))
                else:
                    self._fork(conn, request)
                    return
            else:
                conn.sendall(_line({"error": "unknown request"}))
        finally:
            for fd in fds:
                os.close(fd)
            fds.clear()
        conn.close()

    def _fork(self, conn: socket.socket, request: dict[str, Any]) -> None:
        pid = os.fork()
        if pid == 0:              # the copy that runs the command; never returns
            code = 70
            try:
                assert self.listener is not None
                self.listener.close()
                os.close(self.lock_fd)
                for other in self.children.values():   # other callers' connections are not this copy's
                    other.close()
                for waiting in self.pending.values():
                    waiting.close()
                self.selector.close()
                code = run_request(conn, request)
            finally:
                os._exit(code)
        self.served += 1
        self.last = time.monotonic()      # only commands count as work; status questions do not
        self.children[pid] = conn   # kept to report a killed fork; closed when it is reaped

    def status(self) -> dict[str, Any]:
        return {"pid": os.getpid(), "started": dt.datetime.fromtimestamp(self.started).isoformat(timespec="seconds"),
                "served": self.served, "running": len(self.children), "idle_minutes": self.idle / 60.0,
                "python": sys.executable, "package": str(Path(__file__).resolve().parent.parent),
                "fresh": code_stamp(self.files) == self.stamp, "socket": socket_path()}


def run_request(conn: socket.socket, request: dict[str, Any]) -> int:
    """In the fork: tell the caller this copy's pid; once it says go (sending its standard input, output
    and error), become the caller's process (streams, folder, environment), run kh, report."""
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    conn.settimeout(None)
    os.setpgid(0, 0)          # a group of its own: ending it (and its helpers) leaves the server alone
    conn.sendall(_line({"pid": os.getpid()}))
    try:
        go, fds, _flags, _addr = socket.recv_fds(conn, 1, 3)
    except KeyboardInterrupt:
        go, fds = b"", []
        with contextlib.suppress(OSError):
            conn.sendall(_line({"exit": 130}))
    if go != GO or len(fds) != 3:   # the caller gave up waiting (it runs the command itself) or is gone
        for fd in fds:
            os.close(fd)
        return 0
    finished = threading.Event()
    _end_with_caller(conn, finished)
    for target, fd in zip((0, 1, 2), fds, strict=True):
        os.dup2(fd, target)
        os.close(fd)
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    os.umask(int(request.get("umask", 0o22)))
    _reopen_streams(request.get("streams") or [None, None, None])
    code = 1
    try:
        os.chdir(request["cwd"])
        from ..app.cli import main

        sys.argv = ["kh", *request["argv"]]
        main(args=list(request["argv"]), prog_name="kh")
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc.code)
    except KeyboardInterrupt:
        code = 130
    except BaseException:  # noqa: BLE001 - printed exactly as Python would, then exit 1
        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 120    # as Python does when it cannot flush standard output at exit
    finished.set()
    with contextlib.suppress(OSError):
        conn.sendall(_line({"exit": code}))
    return code


def _end_with_caller(conn: socket.socket, finished: threading.Event) -> None:
    """In the fork: when the caller's end of ``conn`` closes (the caller was killed, even by SIGKILL),
    stop the command as killing the caller stops it without a server: SIGTERM first, so it unwinds
    (workers stopped, temporary files removed, a file being written finished or never begun), then
    SIGKILL for its whole process group after :data:`UNWIND_GRACE` seconds."""

    def watch() -> None:
        try:
            while conn.recv(4096):
                pass
        except OSError:
            pass
        if finished.is_set():
            return
        os.kill(os.getpid(), signal.SIGTERM)
        if not finished.wait(UNWIND_GRACE):
            os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, name="kh-caller", daemon=True).start()


def _exit_code(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    print(value, file=sys.stderr)
    return 1


def _reopen_streams(info: list[Any]) -> None:
    """New sys.stdin/stdout/stderr over the caller's descriptors, with its encodings."""
    unbuffered = bool(os.environ.get("PYTHONUNBUFFERED"))
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        enc = info[fd] if fd < len(info) and info[fd] else ["utf-8", "strict"]
        try:
            tty = os.isatty(fd)
            raw = io.FileIO(fd, mode, closefd=False)
            buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
            stream = io.TextIOWrapper(buffered, encoding=enc[0], errors=enc[1],
                                      line_buffering=tty or name == "stderr",
                                      write_through=mode == "w" and (unbuffered or name == "stderr"))
        except (OSError, ValueError):
            continue
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _runnable(request: dict[str, Any]) -> bool:
    argv = request.get("argv")
    return (isinstance(argv, list) and all(isinstance(a, str) for a in argv) and routable(argv)
            and isinstance(request.get("env"), dict) and isinstance(request.get("cwd"), str))


def _same_user(conn: socket.socket) -> bool:
    """Refuse a caller of another user, or one the system cannot name (the 0700 folder keeps them out too)."""
    return peer_uid(conn) == os.getuid()


class _Pending:
    """A connection whose request is still arriving: read without blocking, as much as is there.

    A request is its length (4 bytes, which carry the caller's descriptors), then that much JSON."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn
        self.deadline = time.monotonic() + REQUEST_WAIT
        self.head = b""
        self.fds: list[int] = []
        self.body: list[bytes] = []
        self.left = -1

    def feed(self) -> Any:
        """The request once it is whole, else None; raises on a closed, broken or oversized one."""
        try:
            while len(self.head) < 4:
                data, fds, _flags, _addr = socket.recv_fds(self.conn, 4 - len(self.head), 3)
                self.fds += fds
                if not data:
                    raise ConnectionError("closed before the request")
                self.head += data
                if len(self.head) == 4:
                    self.left = int.from_bytes(self.head, "big")
                    if self.left > 16 << 20:
                        raise ValueError(f"bad size {self.left}")
            while self.left:
                chunk = self.conn.recv(min(self.left, 1 << 16))
                if not chunk:
                    raise ConnectionError("request cut short")
                self.body.append(chunk)
                self.left -= len(chunk)
        except (BlockingIOError, InterruptedError):
            return None
        return json.loads(b"".join(self.body))

    def close(self) -> None:
        for fd in self.fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self.fds = []
        self.conn.close()


def _line(message: dict[str, Any]) -> bytes:
    return (json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8")


def log(text: str) -> None:
    print(f"{dt.datetime.now().isoformat(timespec='seconds')} {text}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ warm-up
def warm_up() -> None:
    """Import every routed command and render a starter plan once, in a throwaway folder."""
    import importlib

    from ..app import cli

    for name in sorted(ROUTED):
        module = cli.COMMANDS[name].split(":")[0]
        importlib.import_module(f"generator.app.commands.{module}")
    for module in ("generator.app.service", "generator.readers.yaml_reader", "generator.writers.docx_writer",
                   "generator.writers.text_writer", "generator.readers.docx_text", "generator.lint.plan_rules",
                   "generator.yamlio.roundtrip", "docxtpl", "pydantic"):
        importlib.import_module(module)
    from ..app.scaffold import OrgAnswers, plan_text, profile_text
    from ..app.service import render_with_inputs

    with tempfile.TemporaryDirectory(prefix="kh-warm-") as tmp:
        plans = Path(tmp) / "plans"
        (plans / "orgs").mkdir(parents=True)
        answers = OrgAnswers(code="khoidong")
        (plans / "orgs" / "khoidong.yaml").write_text(profile_text(answers), encoding="utf-8")
        plan = plans / "khoidong.yaml"
        plan.write_text(plan_text("khoidong", dt.date.today().year), encoding="utf-8")
        for fmt in ("docx", "txt"):
            render_with_inputs(plan, fmt)


def serve(idle_minutes: float = IDLE_MINUTES) -> int:
    """Warm up, then serve until stopped, idle or stale (the body of ``python -m generator.server.daemon``)."""
    lock_fd = take_lock()
    if lock_fd is None:
        log("một máy chủ kh khác đang chạy (another kh server is running); thoát (exiting)")
        return 0
    started = time.perf_counter()
    try:
        warm_up()
    except Exception:  # noqa: BLE001 - a failed warm-up only costs speed; say so in the log
        log("khởi động nóng lỗi (warm-up failed):\n" + traceback.format_exc())
    log(f"khởi động nóng xong (warmed up) trong {time.perf_counter() - started:.2f} s")
    return Server(idle_minutes).run(lock_fd)


if __name__ == "__main__":  # pragma: no cover
    import argparse

    parser = argparse.ArgumentParser(prog="python -m generator.server.daemon")
    parser.add_argument("--idle", type=float, default=IDLE_MINUTES, help="minutes idle before stopping; 0: never")
    sys.exit(serve(parser.parse_args().idle))
