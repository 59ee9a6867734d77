"""``kh server`` against other local users, silent servers and killed callers (issue 20: R3-17 … R3-20).

- R3-17: the client sends nothing (environment, streams, folder) to a listener of another user, and
  ignores an ``XDG_RUNTIME_DIR`` it does not own (root after ``su``/``sudo -E`` keeps another user's).
- R3-18: a dangling symbolic link in place of the runtime folder is refused with the usual message.
- R3-19: a stopped server costs a routed command a short wait, then it runs in the caller; Ctrl-C and
  SIGTERM end a waiting client at once and the abandoned request never runs later; a connection that
  sends nothing delays no other command.
- R3-20: SIGKILL of the client ends the server's copy of its command, which writes nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.server import launch, protocol
from tests.conftest import PLANS, ROOT
from tests.test_server import Kh

pytestmark = pytest.mark.skipif(not protocol.supported(), reason="kh server needs Unix sockets and fork")

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="listening as another user needs root")
NOBODY = 65534
PLAN = PLANS / "quan3-2025.yaml"

#: A listener that binds where the kh server would, then becomes another user before listen() (so the
#: kernel records that user as the peer), and reports what the first caller sent it.
FAKE_SERVER = """
import os, socket, sys
path, uid = sys.argv[1], int(sys.argv[2])
srv = socket.socket(socket.AF_UNIX)
srv.bind(path)
os.chmod(path, 0o777)
os.setgid(uid)
os.setuid(uid)
srv.listen(8)
print("listening", flush=True)
srv.settimeout(60)
try:
    conn, _ = srv.accept()
except TimeoutError:
    print("connections 0 bytes 0 fds 0", flush=True)
    sys.exit(0)
conn.settimeout(3)
size = fds = 0
try:
    while True:
        data, anc, _flags, _addr = conn.recvmsg(65536, socket.CMSG_SPACE(16 * 4))
        size += len(data)
        fds += sum(len(c[2]) // 4 for c in anc)
        if not data:
            break
except TimeoutError:
    pass
print(f"connections 1 bytes {size} fds {fds}", flush=True)
"""


@pytest.fixture
def kh(tmp_path: Path) -> Iterator[Kh]:
    """kh with a runtime folder of its own, for the tests without a real server."""
    runtime = tmp_path / "rt"
    runtime.mkdir(mode=0o700)
    tool = Kh(runtime)
    yield tool
    tool("server", "stop")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Kh]:
    """kh run from a copy of its code, so that edits to the work tree while a test runs never make
    its server stale (a stale server runs nothing, which these tests would misread)."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "generator", copy / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", copy / "templates")
    runtime = tmp_path / "rt"
    runtime.mkdir(mode=0o700)
    tool = Kh(runtime, pythonpath=copy)
    yield tool
    tool("server", "stop")


def launch_kh(kh: Kh, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "generator.server.launch", *args], cwd=kh.cwd, env=kh.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def server_pid(kh: Kh) -> int:
    status = kh("server", "status")
    assert status.returncode == 0, status.stdout + status.stderr
    return int(status.stdout.split("pid ")[1].split()[0])


def running(kh: Kh) -> int:
    """How many served commands the server is running now (asked from this process)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(str(next(kh.folder.glob("*.sock"))))
        protocol.send_request(sock, {"op": "status"}, [])
        info = next(protocol.recv_messages(sock))
    assert isinstance(info, dict)
    return int(info["running"])


class Listener:
    """A listener of this user at ``path`` (in a thread): counts connections and the bytes sent."""

    def __init__(self, path: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.connections = 0
        self.received = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.done.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.settimeout(3)     # an old client would wait for an answer: close after 3 s
            try:
                while data := conn.recv(65536):
                    self.received += len(data)
            except TimeoutError:
                pass
            conn.close()

    def close(self) -> None:
        self.done.set()
        self.thread.join(10)
        self.sock.close()


# ------------------------------------------------------------------ R3-17
@ROOT_ONLY
def test_a_listener_of_another_user_receives_nothing(kh: Kh, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The socket path is right and the folder private, but the listener is user nobody's: the client
    connects, reads the peer's uid, and runs the build itself without sending a byte or a descriptor."""
    monkeypatch.setenv("XDG_RUNTIME_DIR", kh.env["XDG_RUNTIME_DIR"])
    kh.folder.mkdir(mode=0o700)
    fake = subprocess.Popen([sys.executable, "-c", FAKE_SERVER, protocol.socket_path(), str(NOBODY)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert fake.stdout is not None and fake.stdout.readline() == "listening\n"
        out = tmp_path / "a.docx"
        proc = kh("build", str(PLAN), "-o", str(out), R3_SECRET="s3cr3t")
        report, _ = fake.communicate(timeout=30)
    finally:
        fake.kill()
    assert proc.returncode == 0, proc.stderr
    assert out.is_file()                                   # built here, in the caller
    assert report == "connections 1 bytes 0 fds 0\n"       # it did connect, and sent nothing
    assert proc.stderr == (f"kh server: {protocol.socket_path()} do người dùng khác mở (listened to by another "
                           f"user, uid {NOBODY}); không gửi gì, chạy trực tiếp (nothing sent, running here)\n")


def test_the_client_checks_the_peer_before_sending(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same without root: the peer check itself says "another user"; nothing is sent."""
    runtime = tmp_path / "rt"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    Path(protocol.runtime_dir()).mkdir(mode=0o700)
    listener = Listener(protocol.socket_path())
    seen: list[int | None] = []

    def other_user(sock: socket.socket) -> int:
        seen.append(protocol.peer_uid(sock))
        return os.getuid() + 1

    monkeypatch.setattr(launch, "peer_uid", other_user)
    try:
        assert launch.delegate(["check", str(PLAN)]) is None
    finally:
        listener.close()
    assert seen == [os.getuid()]                  # the real check reads this process's own uid here
    assert (listener.connections, listener.received) == (1, 0)


def test_a_runtime_folder_others_control_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "own"
    own.mkdir(mode=0o700)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    sticky = tmp_path / "sticky"
    sticky.mkdir()
    sticky.chmod(0o1777)
    if os.geteuid() == 0:
        foreign = tmp_path / "foreign"
        foreign.mkdir(mode=0o700)
        os.chown(foreign, NOBODY, NOBODY)
    else:
        foreign = Path("/")                        # root's
    name = f"kh-{os.getuid()}"
    for base, used in ((own, True), (sticky, True), (shared, False), (foreign, False),
                       (tmp_path / "missing", False), (Path("relative"), False)):
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(base))
        expected = base / name if used else Path("/tmp") / name
        assert Path(protocol.runtime_dir()) == expected, base
        assert Path(protocol.socket_path()).parent == expected


@ROOT_ONLY
def test_a_server_socket_in_another_users_folder_is_never_reached(tmp_path: Path) -> None:
    """R3-17's set-up: XDG_RUNTIME_DIR is user nobody's, who could swap kh's folder inside it at any
    time. The client does not even connect there."""
    foreign = tmp_path / "run-user"
    foreign.mkdir(mode=0o700)
    folder = foreign / f"kh-{os.getuid()}"
    folder.mkdir(mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(foreign)}
    path = folder / Path(protocol.socket_path()).name
    listener = Listener(str(path))
    os.chown(foreign, NOBODY, NOBODY)
    try:
        proc = subprocess.run([sys.executable, "-m", "generator.server.launch", "check", str(PLAN)], cwd=ROOT,
                              env={k: v for k, v in env.items() if k != "KH_SERVER"}, capture_output=True,
                              text=True, timeout=120)
    finally:
        listener.close()
    assert proc.returncode == 0, proc.stderr
    assert listener.connections == 0


# ------------------------------------------------------------------ R3-18
def test_a_dangling_link_for_the_runtime_folder_is_refused_cleanly(tmp_path: Path) -> None:
    runtime = tmp_path / "rt"
    runtime.mkdir(mode=0o700)
    kh = Kh(runtime)
    kh.folder.symlink_to(tmp_path / "does-not-exist")
    proc = kh("server", "start")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "FileExistsError" not in proc.stderr
    assert f"thư mục {kh.folder} không riêng của người dùng này (not private to this user" in proc.stderr
    assert not (tmp_path / "does-not-exist").exists()          # nothing created through the link
    out = tmp_path / "a.docx"
    assert kh("build", str(PLAN), "-o", str(out)).returncode == 0     # commands still run, here
    assert out.is_file()


# ------------------------------------------------------------------ R3-19
def test_a_stopped_server_costs_a_short_wait_and_signals_end_the_wait(served: Kh, tmp_path: Path) -> None:
    kh = served
    assert kh("server", "start").returncode == 0
    pid = server_pid(kh)
    os.kill(pid, signal.SIGSTOP)
    try:
        out = tmp_path / "a.docx"
        started = time.monotonic()
        proc = launch_kh(kh, "build", str(PLAN), "-o", str(out))
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out.is_file()                                   # run in the caller after the wait
        assert time.monotonic() - started >= launch.ACK_WAIT
        out.unlink()

        ends = {}
        for sig in (signal.SIGINT, signal.SIGTERM):
            target = tmp_path / f"{sig.name}.docx"
            proc = launch_kh(kh, "build", str(PLAN), "-o", str(target))
            time.sleep(0.8)                                   # connected, waiting for the answer
            sent = time.monotonic()
            proc.send_signal(sig)
            _, err = proc.communicate(timeout=30)
            ends[sig] = (proc.returncode, time.monotonic() - sent, err)
        code, took, err = ends[signal.SIGINT]
        assert code == 1 and "Aborted!" in err and took < 1.0, ends
        code, took, _ = ends[signal.SIGTERM]
        assert code == -signal.SIGTERM and took < 1.0, ends
    finally:
        os.kill(pid, signal.SIGCONT)
    time.sleep(3)        # the server reads the three abandoned requests now: none of them may run
    assert not any(p.exists() for p in (out, tmp_path / "SIGINT.docx", tmp_path / "SIGTERM.docx"))
    before = kh.served()
    assert before is not None
    again = kh("build", str(PLAN), "-o", str(out))
    assert again.returncode == 0, again.stderr
    assert out.is_file() and kh.served() == before + 1           # and the server serves again


def test_idle_connections_delay_no_other_command(served: Kh, tmp_path: Path) -> None:
    kh = served
    assert kh("server", "start").returncode == 0
    path = next(kh.folder.glob("*.sock"))
    idle = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    idle.connect(str(path))                                    # sends nothing
    half = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    half.connect(str(path))
    half.sendall(b"\0\0")                                     # half a header, then nothing
    try:
        out = tmp_path / "a.docx"
        started = time.monotonic()
        proc = kh("build", str(PLAN), "-o", str(out))
        took = time.monotonic() - started
        assert proc.returncode == 0, proc.stderr
        assert kh.served() == 1                               # served, not run here after a timeout
        assert took < 6, took
        for sock in (idle, half):                             # dropped by the server after a while
            sock.settimeout(20)
            assert sock.recv(1) == b""
    finally:
        idle.close()
        half.close()


# ------------------------------------------------------------------ R3-20
def test_a_killed_client_ends_its_served_command(served: Kh, tmp_path: Path) -> None:
    import yaml

    kh = served
    plans = tmp_path / "plans"
    shutil.copytree(PLANS / "orgs", plans / "orgs")
    data = yaml.safe_load((PLANS / "binhtan-2021.yaml").read_text(encoding="utf-8"))
    tasks = [t for g in data["tasks"] for t in g["tasks"]]
    data["tasks"] = [{"group": f"Nhóm {g + 1}", "tasks": [dict(tasks[(g * 50 + i) % len(tasks)],
                                                               task=f"Việc số {g * 50 + i + 1}")
                                                          for i in range(50)]} for g in range(400)]
    (plans / "big.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert kh("server", "start").returncode == 0
    out = tmp_path / "big.docx"
    proc = launch_kh(kh, "build", str(plans / "big.yaml"), "-o", str(out))
    deadline = time.monotonic() + 30
    while running(kh) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running(kh) == 1
    time.sleep(0.3)
    proc.kill()
    proc.communicate(timeout=10)
    killed = time.monotonic()
    while running(kh) and time.monotonic() - killed < 10:
        time.sleep(0.05)
    assert running(kh) == 0 and time.monotonic() - killed < 2.0   # the copy ended with it
    time.sleep(2)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name not in ("plans", "rt", "src")]   # no partial file either
