"""Issue 20, third probe, the command-level defects R3-21 … R3-28 (../shared/probe/repro3).

Every input is rebuilt here (no ../shared): the watch page against other web sites and reset
connections (R3-21, R3-22), plan links out of a scanned folder (R3-23), ``--rev`` values and read
errors (R3-24, R3-25), the workers of a killed folder build (R3-26), a closed standard output
(R3-27) and the revision copies a killed ``--rev`` run leaves beside the plan (R3-28).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import PLAN, ROOT, git_commit_all, run_kh

#: Lines shaped like /etc/shadow: what must never be quoted from a linked file.
SECRET = ("root:$6$Qx3saltQ$hashOfRootPassword:19700:0:99999:7:::\n"
          "alice:$6$Ab9saltA$hashOfAlicePassword:19700:0:99999:7:::\n")
LEAK = "hashOf"

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX shell, signals and /proc")


def _kh(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    """The real command line in a new process (this checkout, never a kh server)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), KH_SERVER="off")
    return subprocess.Popen([sys.executable, "-m", "generator", *args], env=env, text=True,
                            **kwargs)  # type: ignore[call-overload]


# ------------------------------------------------------------------ R3-21, R3-22: the watch page
class Watch:
    """``kh watch`` of ``plan`` (a broken plan: no LibreOffice is needed), and HTTP requests to it."""

    def __init__(self, plan: Path, outdir: Path) -> None:
        self.proc = _kh("watch", str(plan), "-d", str(outdir), cwd=plan.parent,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        first = self.proc.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*)", first)
        assert found, first
        self.port, self.base = int(found.group(1)), found.group(2)   # base: the path printed, "/…/"

    def get(self, path: str, host: str | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.putrequest("GET", path, skip_host=True)
            conn.putheader("Host", host if host is not None else f"127.0.0.1:{self.port}")
            conn.endheaders()
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def state(self, at_least: int, timeout: float = 60) -> dict:
        """The page's /state once its build number reaches ``at_least``."""
        deadline = time.monotonic() + timeout
        while True:
            code, body = self.get(self.base + "state")
            assert code == 200, (code, body)
            state = json.loads(body)
            if state["version"] >= at_least:
                return state
            assert time.monotonic() < deadline, f"no build #{at_least}: {state}"
            time.sleep(0.2)

    def stop(self) -> tuple[str, str]:
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.communicate(timeout=60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def watched(project: Path, tmp_path: Path) -> Iterator[tuple[Watch, Path]]:
    plans = project / "plans"
    plans.mkdir()
    shutil.move(project / "orgs", plans / "orgs")
    plan = plans / "p.yaml"
    plan.write_text(PLAN.replace("date: 2025-04-29", "date: 2025-02-30"), encoding="utf-8")
    watch = Watch(plan, tmp_path / "out")
    try:
        yield watch, plan
    finally:
        if watch.proc.poll() is None:
            watch.stop()


@posix_only
def test_watch_page_answers_only_its_own_host_and_token(watched: tuple[Watch, Path]) -> None:
    watch, _plan = watched
    assert re.fullmatch(r"/[A-Za-z0-9_-]{16,}/", watch.base), watch.base   # a random token in the URL
    state = watch.state(1)
    assert not state["ok"] and "p.yaml:3:" in state["error"]    # the page's own user sees the located error
    port = watch.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        assert watch.get(watch.base + "state", host)[0] == 200, host
    # DNS rebinding: another site's name pointed at 127.0.0.1 — its Host header gives it away
    for host in (f"attacker.example:{port}", "attacker.example", f"127.0.0.1.attacker.example:{port}",
                 f"localhost:{port + 1}", "127.0.0.1", ""):
        code, body = watch.get(watch.base + "state", host)
        assert code == 421 and b"error" not in body, (host, code, body)
        assert watch.get(watch.base, host)[0] == 421, host
    # a page that knows the port but not the token reads nothing
    for path in ("/state", "/", "/index.html", "/pages/1/1.png", "/x" + watch.base[2:] + "state",
                 watch.base.rstrip("/") + "x/state"):
        code, body = watch.get(path)
        assert code == 403 and LEAK not in body.decode() and b"error" not in body, (path, code, body)
    code, page = watch.get(watch.base)
    assert code == 200 and watch.base.encode() in page     # the page polls under its token
    _out, err = watch.stop()
    assert "Traceback" not in err, err


@posix_only
def test_watch_page_does_not_quote_a_linked_file_outside_the_folder(watched: tuple[Watch, Path],
                                                                   tmp_path: Path) -> None:
    watch, plan = watched
    assert watch.state(1)["version"] == 1
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    plan.unlink()
    plan.symlink_to(secret)
    state = watch.state(2)
    assert not state["ok"] and LEAK not in state["error"] and "p.yaml" in state["error"], state
    watch.stop()


@posix_only
def test_watch_ignores_connections_reset_mid_request(watched: tuple[Watch, Path]) -> None:
    watch, _plan = watched
    watch.state(1)
    for _ in range(3):
        s = socket.create_connection(("127.0.0.1", watch.port))
        s.sendall(f"GET {watch.base}state HTTP/1.1\r\nHost: 127.0.0.1:{watch.port}\r\n".encode())  # unfinished
        time.sleep(0.1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()                                                                                     # RST
    time.sleep(0.5)
    assert watch.get(watch.base + "state")[0] == 200    # still serving
    _out, err = watch.stop()
    assert "Traceback" not in err and "ConnectionResetError" not in err, err


# ------------------------------------------------------------------ R3-23: links out of a scanned folder
@pytest.fixture
def linked_out(project: Path) -> Path:
    """repo/plans/ with a good plan and zz.yaml, a link to a secret file outside plans/."""
    plans = project / "repo" / "plans"
    plans.mkdir(parents=True)
    shutil.move(project / "orgs", plans / "orgs")
    (plans / "a.yaml").write_text(PLAN, encoding="utf-8")
    (project / "outside-secret").write_text(SECRET, encoding="utf-8")
    (plans / "zz.yaml").symlink_to("../../outside-secret")
    (plans / "in.yaml").symlink_to("a.yaml")     # a link that stays inside is a plan like any other
    return plans


def _skipped_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if "zz.yaml" in ln]
    assert len(lines) == 1 and "bỏ qua" in lines[0] and "--allow-outside" in lines[0], stderr
    return lines[0]


@posix_only
def test_folder_check_skips_plans_linked_outside(linked_out: Path) -> None:
    proc = run_kh("check", str(linked_out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert LEAK not in proc.stdout + proc.stderr and "outside-secret" not in proc.stderr
    _skipped_line(proc.stderr)
    assert "a.yaml:24:" in proc.stderr and "in.yaml:24:" in proc.stderr     # the others are checked (a lint warning)
    # the user's explicit choice reads it (and its error may quote it: the user asked)
    allowed = run_kh("--allow-outside", "check", str(linked_out))
    assert allowed.returncode == 2 and "zz.yaml" in allowed.stderr and "bỏ qua" not in allowed.stderr
    # a plan named on the command line is the user's choice too: read, not skipped
    named = run_kh("check", str(linked_out / "a.yaml"))
    assert named.returncode == 0 and "bỏ qua" not in named.stderr


@posix_only
def test_folder_build_skips_plans_linked_outside(linked_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_kh("build", str(linked_out), "-d", str(out))
    assert proc.returncode == 0, proc.stderr
    assert LEAK not in proc.stdout + proc.stderr
    _skipped_line(proc.stderr)
    assert sorted(p.name for p in out.glob("*.docx")) == ["a.docx", "in.docx"]


@posix_only
def test_folder_fmt_skips_plans_linked_outside(linked_out: Path) -> None:
    link = linked_out / "zz.yaml"
    proc = run_kh("fmt", str(linked_out.parent))
    assert LEAK not in proc.stdout + proc.stderr
    _skipped_line(proc.stderr)
    assert link.is_symlink() and (linked_out.parent.parent / "outside-secret").read_text(encoding="utf-8") == SECRET


# ------------------------------------------------------------------ R3-24, R3-25: --rev
@pytest.fixture
def repo(project: Path) -> Path:
    git_commit_all(project)
    plan = project / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("Điểm ba", "Điểm ba đã sửa"), encoding="utf-8")
    return project


@pytest.mark.parametrize("command", ["diff", "redline"])
def test_rev_that_looks_like_an_option_is_refused(repo: Path, tmp_path: Path, command: str) -> None:
    target = tmp_path / "written:."
    target.mkdir()
    extra = ["-o", str(tmp_path / "r.docx")] if command == "redline" else []
    for rev in (f"--output={target}/x", "-p", "--", "-"):
        proc = run_kh(command, str(repo / "plan.yaml"), f"--rev={rev}", *extra)
        assert proc.returncode == 2, (rev, proc.stdout, proc.stderr)
        assert "không phải tên bản (not a revision)" in proc.stderr, proc.stderr
        assert ".plan." not in proc.stderr      # never an error about a hidden temporary copy
    assert list(target.iterdir()) == []            # git wrote nothing
    assert not (tmp_path / "r.docx").exists()
    # a revision that is not a commit (a tree here) is refused before anything is read
    proc = run_kh(command, str(repo / "plan.yaml"), "--rev", "HEAD^{tree}", *extra)
    assert proc.returncode == 2 and "HEAD^{tree}" in proc.stderr, proc.stderr
    proc = run_kh(command, str(repo / "plan.yaml"), "--rev", "HEAD", *extra)
    assert proc.returncode == (1 if command == "diff" else 0), proc.stderr


def test_diff_exit_1_means_differs_only(repo: Path, tmp_path: Path) -> None:
    plan = str(repo / "plan.yaml")
    assert run_kh("diff", plan, "--rev", "HEAD").returncode == 1        # a real change
    bad = run_kh("diff", plan, "--rev", "no-such-rev")
    assert bad.returncode == 2 and "no-such-rev" in bad.stderr, bad.stderr
    (repo / "new.yaml").write_text(PLAN, encoding="utf-8")                # never committed
    proc = run_kh("diff", str(repo / "new.yaml"), "--rev", "HEAD")
    assert proc.returncode == 2 and "new.yaml" in proc.stderr, proc.stderr
    lone = tmp_path / "lone"                                              # not a git repository
    lone.mkdir()
    shutil.copytree(repo / "orgs", lone / "orgs")
    (lone / "plan.yaml").write_text(PLAN, encoding="utf-8")
    env_ceiling = os.environ.get("GIT_CEILING_DIRECTORIES")
    os.environ["GIT_CEILING_DIRECTORIES"] = str(tmp_path)
    try:
        proc = run_kh("diff", str(lone / "plan.yaml"), "--rev", "HEAD")
    finally:
        if env_ceiling is None:
            del os.environ["GIT_CEILING_DIRECTORIES"]
        else:
            os.environ["GIT_CEILING_DIRECTORIES"] = env_ceiling
    assert proc.returncode == 2, proc.stderr


# ------------------------------------------------------------------ R3-28: revision copies left behind
def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.parametrize("command", ["diff", "redline"])
def test_stale_revision_copies_are_removed_on_the_next_run(repo: Path, tmp_path: Path, command: str) -> None:
    old = time.time() - 3600
    stale_old = repo / ".plan.mlc66183.yaml"               # left by a kh killed before this fix
    stale_new = repo / f".plan.kh-rev-{_dead_pid()}-abcd1234.yaml"   # a copy whose kh is gone
    live = repo / f".plan.kh-rev-{os.getpid()}-efgh5678.yaml"      # a copy a running kh is reading
    users = [repo / ".plan.backup01.yaml", repo / ".plan.notes.yaml"]   # the user's own hidden files
    for path in (stale_old, stale_new, live, *users):
        path.write_text(PLAN, encoding="utf-8")
        path.chmod(0o600)
        os.utime(path, (old, old))
    users[0].chmod(0o644)
    os.utime(live, None)
    extra = ["-o", str(tmp_path / "r.docx")] if command == "redline" else []
    proc = run_kh(command, str(repo / "plan.yaml"), "--rev", "HEAD", *extra)
    assert proc.returncode in (0, 1), proc.stderr
    left = sorted(p.name for p in repo.iterdir() if p.name.startswith(".") and p.name != ".git")
    assert left == sorted(p.name for p in (live, *users)), left


# ------------------------------------------------------------------ R3-26: workers of a killed build
SLOW_RENDER = """\
import sys, time
import generator.app.service as service
_real = service.render_with_inputs
def _slow(*args, **kwargs):
    time.sleep(0.4)
    return _real(*args, **kwargs)
service.render_with_inputs = _slow
sys.argv = ["kh", *sys.argv[1:]]
from generator.app.cli import main
main()
"""


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killed_folder_build_leaves_no_worker_holding_its_output(project: Path, tmp_path: Path) -> None:
    for i in range(24):
        (project / f"p{i:02d}.yaml").write_text(PLAN, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), KH_SERVER="off")
    proc = subprocess.Popen([sys.executable, "-c", SLOW_RENDER, "build", str(project), "-d", str(tmp_path / "out"),
                             "-j", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            workers = _children(proc.pid)
        assert len(workers) == 2, workers
        time.sleep(0.5)                       # the workers are rendering
        pipes = {os.readlink(f"/proc/{proc.pid}/fd/{fd}") for fd in (1, 2)}
        for pid in workers:                   # a worker does not hold the caller's stdout/stderr
            held = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in (0, 1, 2)}
            assert not held & pipes, (pid, held, pipes)
        proc.kill()
        try:
            proc.communicate(timeout=20)      # EOF on kh's output: nobody else holds it
        except subprocess.TimeoutExpired:
            pytest.fail(f"the output pipe of the killed kh stays open: workers {workers} hold it")
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if _alive(pid)], "workers outlived their killed parent"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_folder_build_warnings_of_the_reader_reach_the_terminal(project: Path, tmp_path: Path) -> None:
    """Workers write nothing to the terminal: what the reader warns about comes back as values."""
    text = PLAN.replace("intro: Ủy ban nhân dân Quận 3", 'intro: "Ủy ban nhân dân\\x0b Quận 3').replace(
        "như sau\n", 'như sau"\n', 1)                     # a character XML cannot hold: removed, with a warning
    for i in range(4):
        (project / f"p{i}.yaml").write_text(text, encoding="utf-8")
    proc = run_kh("build", str(project), "-d", str(tmp_path / "out"), "-j", "2")
    assert proc.returncode == 0, proc.stderr
    assert sum("cảnh báo (warning)" in ln for ln in proc.stderr.splitlines()) == 4, proc.stderr


# ------------------------------------------------------------------ R3-27: standard output closed
@posix_only
def test_commands_with_stdout_closed_exit_normally(project: Path) -> None:
    plan = project / "plan.yaml"
    assert run_kh("build", str(plan), "-o", str(project / "p.docx")).returncode == 0

    def closed(*args: str) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, PYTHONPATH=str(ROOT), KH_SERVER="off")
        return subprocess.run(["sh", "-c", 'exec "$0" "$@" >&-', sys.executable, "-m", "generator", *args],
                              capture_output=True, text=True, env=env, timeout=120, cwd=project)

    for args, code in ((("build", str(plan), "-o", str(project / "p2.docx")), 0),
                       (("build", str(project), "-d", str(project / "out")), 0),
                       (("text", str(project / "p.docx")), 0),
                       (("diff", str(plan), str(plan)), 0),
                       (("check", str(plan)), 0)):
        proc = closed(*args)
        assert proc.returncode == code and "Traceback" not in proc.stderr, (args, proc.returncode, proc.stderr)
    assert (project / "p2.docx").read_bytes() == (project / "p.docx").read_bytes()
    assert (project / "out" / "plan.docx").is_file()
