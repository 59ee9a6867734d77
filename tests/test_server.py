"""``kh server``: a warm kh that runs short commands exactly as a fresh process would.

Every test starts a real server (``python -m generator.server.daemon`` via ``kh server start``) in its
own private runtime folder and talks to it through the real ``kh`` program (generator.server.launch).
Proof that a command was served by the server, not run in the caller: the server's count of
served commands.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PLANS, ROOT, nd30check
from tests.wordclean import assert_word_clean

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32", reason="Unix only")


class Kh:
    """The ``kh`` program with one private runtime folder (so one server of its own)."""

    def __init__(self, runtime: Path, pythonpath: Path | None = None) -> None:
        self.cwd = ROOT if pythonpath is None else runtime    # `python -m` puts the folder first on sys.path
        self.env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime)}
        self.env.pop("KH_SERVER", None)
        if pythonpath is not None:
            self.env["PYTHONPATH"] = str(pythonpath)
        self.folder = runtime / f"kh-{os.getuid()}"

    def __call__(self, *args: str, cwd: Path | None = None, server: bool = True,
                 **env: str) -> subprocess.CompletedProcess[str]:
        run_env = {**self.env, **env, **({} if server else {"KH_SERVER": "off"})}
        return subprocess.run([sys.executable, "-m", "generator.server.launch", *args], cwd=cwd or self.cwd,
                              env=run_env,
                              capture_output=True, text=True, timeout=300)

    def served(self) -> int | None:
        """How many commands the running server has run (None: no server)."""
        proc = self("server", "status")
        if proc.returncode != 0:
            return None
        return int(re.search(r"\(served\) (\d+)", proc.stdout).group(1))


@pytest.fixture
def kh(tmp_path: Path) -> Iterator[Kh]:
    runtime = tmp_path / "rt"
    runtime.mkdir(mode=0o700)
    tool = Kh(runtime)
    yield tool
    tool("server", "stop")


def test_served_build_equals_a_fresh_process(kh: Kh, tmp_path: Path) -> None:
    start = kh("server", "start", "--idle", "5")
    assert start.returncode == 0, start.stderr
    assert "đã chạy (started)" in start.stdout
    assert kh("server", "start").stdout.startswith("máy chủ kh đang chạy sẵn (already running)")
    assert kh.served() == 0

    served, fresh = tmp_path / "served.docx", tmp_path / "fresh.docx"
    proc = kh("build", str(PLANS / "quan3-2025.yaml"), "-o", str(served))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"đã dựng (built): {PLANS / 'quan3-2025.yaml'} → {served}\n"
    assert kh.served() == 1
    assert kh("build", str(PLANS / "quan3-2025.yaml"), "-o", str(fresh), server=False).returncode == 0
    assert kh.served() == 1                      # KH_SERVER=off ran it in the caller
    assert served.read_bytes() == fresh.read_bytes()
    result = nd30check(served)
    assert not result.unexpected_failures(), result.output
    assert_word_clean(served)


def test_errors_exit_codes_and_streams_are_the_callers(kh: Kh, tmp_path: Path) -> None:
    assert kh("server", "start").returncode == 0
    bad = tmp_path / "plans" / "bad.yaml"
    bad.parent.mkdir()
    shutil.copytree(PLANS / "orgs", bad.parent / "orgs")
    bad.write_text((PLANS / "quan3-2025.yaml").read_text(encoding="utf-8").replace("year: 2025", "year: hai"),
                   encoding="utf-8")
    runs = [kh("build", "plans/bad.yaml", cwd=tmp_path, server=s) for s in (True, False)]
    assert kh.served() == 1
    assert [r.returncode for r in runs] == [2, 2]
    assert runs[0].stderr == runs[1].stderr
    assert re.search(r"plans/bad\.yaml:\d+:\d+: .*year", runs[0].stderr)
    assert not (tmp_path / "output").exists()    # nothing half-written, relative to the caller's folder

    # relative paths and the default output folder are the caller's, not the server's
    good = bad.parent / "good.yaml"
    shutil.copy(PLANS / "quan3-2025.yaml", good)
    assert kh("build", "plans/good.yaml", cwd=tmp_path).returncode == 0
    assert (tmp_path / "output" / "good.docx").is_file()
    assert kh.served() == 2

    # standard output is the caller's pipe: kh text prints the same lines either way
    texts = [kh("text", "output/good.docx", cwd=tmp_path, server=s) for s in (True, False)]
    assert texts[0].returncode == 0 and texts[0].stdout == texts[1].stdout
    assert "QUẬN 3" in texts[0].stdout
    assert kh.served() == 3


def test_environment_reaches_the_command(kh: Kh, tmp_path: Path) -> None:
    """SOURCE_DATE_EPOCH set by the caller dates the tracked changes of a served redline."""
    assert kh("server", "start").returncode == 0
    outs = []
    for server in (True, False):
        out = tmp_path / f"r-{server}.docx"
        proc = kh("redline", str(PLANS / "quan3-2025.yaml"), str(PLANS / "quan3-2026-du-thao.yaml"), "-o", str(out),
                  server=server, SOURCE_DATE_EPOCH="1767225600")
        assert proc.returncode == 0, proc.stderr
        outs.append(out.read_bytes())
    assert kh.served() == 1
    assert outs[0] == outs[1]
    with zipfile.ZipFile(tmp_path / "r-True.docx") as z:
        assert 'w:date="2026-01-01T00:00:00Z"' in z.read("word/document.xml").decode()


def test_folder_build_runs_in_the_server(kh: Kh, tmp_path: Path) -> None:
    assert kh("server", "start").returncode == 0
    out = tmp_path / "out"
    proc = kh("build", str(PLANS), "-d", str(out), "--force")
    assert proc.returncode == 0, proc.stderr
    built = sorted(p.name for p in out.glob("*.docx"))
    assert built == sorted(f"{p.stem}.docx" for p in PLANS.glob("*.yaml"))
    assert kh.served() == 1


def test_stop_and_idle_timeout(kh: Kh, tmp_path: Path) -> None:
    assert kh("server", "start").returncode == 0
    sockets = list(kh.folder.glob("*.sock"))
    assert len(sockets) == 1
    stop = kh("server", "stop")
    assert stop.returncode == 0 and "đã dừng (stopped)" in stop.stdout
    assert kh.served() is None and not sockets[0].exists()
    assert kh("server", "status").stdout.startswith("máy chủ kh không chạy (not running)")
    assert kh("server", "stop").stdout.startswith("máy chủ kh không chạy")

    assert kh("server", "start", "--idle", "0.02").returncode == 0     # 1.2 s
    deadline = time.monotonic() + 30
    while kh.served() is not None and time.monotonic() < deadline:
        time.sleep(0.3)
    assert kh.served() is None and not sockets[0].exists()
    assert "hết thời gian chờ (idle timeout)" in next(kh.folder.glob("*.log")).read_text(encoding="utf-8")


def test_a_changed_kh_is_never_served_by_the_old_server(tmp_path: Path) -> None:
    """Edit kh's code under a running server: the next command runs fresh and the server stops."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "generator", copy / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", copy / "templates")
    runtime = tmp_path / "rt"
    runtime.mkdir(mode=0o700)
    kh = Kh(runtime, pythonpath=copy)
    try:
        assert kh("server", "start").returncode == 0
        out = tmp_path / "a.docx"
        assert kh("build", str(PLANS / "quan3-2025.yaml"), "-o", str(out)).returncode == 0
        assert kh.served() == 1
        first = out.read_bytes()
        with open(copy / "generator" / "lang" / "numbering.py", "a", encoding="utf-8") as f:
            f.write("\n# edited while the server ran\n")
        proc = kh("build", str(PLANS / "quan3-2025.yaml"), "-o", str(out))
        assert proc.returncode == 0, proc.stderr
        assert "máy chủ cũ đã dừng" in proc.stderr
        assert out.read_bytes() == first
        deadline = time.monotonic() + 10
        while kh.served() is not None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert kh.served() is None
    finally:
        kh("server", "stop")


def test_a_folder_others_can_enter_is_never_used(kh: Kh, tmp_path: Path) -> None:
    assert kh("server", "start").returncode == 0
    kh.folder.chmod(0o755)
    try:
        out = tmp_path / "a.docx"
        assert kh("build", str(PLANS / "quan3-2025.yaml"), "-o", str(out)).returncode == 0
        assert out.is_file()
        refused = kh("server", "start")
        assert refused.returncode == 1 and "không riêng" in refused.stderr
    finally:
        kh.folder.chmod(0o700)
    assert kh.served() == 0           # the build above ran in the caller


def test_auto_starts_a_server_for_the_next_commands(kh: Kh, tmp_path: Path) -> None:
    out = tmp_path / "a.docx"
    first = kh("build", str(PLANS / "quan3-2025.yaml"), "-o", str(out), KH_SERVER="auto")
    assert first.returncode == 0, first.stderr
    assert out.is_file()
    deadline = time.monotonic() + 60
    while kh.served() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert kh.served() == 0                       # the first command ran in the caller
    again = kh("check", str(PLANS / "quan3-2025.yaml"), KH_SERVER="auto")
    assert again.returncode == 0, again.stderr
    assert kh.served() == 1


def test_ctrl_c_stops_the_served_command(kh: Kh, tmp_path: Path) -> None:
    """SIGINT to the caller reaches the server's copy: it stops at once and writes nothing."""
    import signal

    import yaml

    plans = tmp_path / "plans"
    shutil.copytree(PLANS / "orgs", plans / "orgs")
    data = yaml.safe_load((PLANS / "binhtan-2021.yaml").read_text(encoding="utf-8"))
    tasks = [t for g in data["tasks"] for t in g["tasks"]]
    data["tasks"] = [{"group": f"Nhóm {g + 1}", "tasks": [dict(tasks[(g * 50 + i) % len(tasks)],
                                                               task=f"Việc số {g * 50 + i + 1}")
                                                          for i in range(50)]} for g in range(200)]
    (plans / "big.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert kh("server", "start").returncode == 0
    out = tmp_path / "big.docx"
    proc = subprocess.Popen([sys.executable, "-m", "generator.server.launch", "build", str(plans / "big.yaml"),
                             "-o", str(out)], cwd=ROOT, env=kh.env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(0.6)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "Aborted!" in err, err
    assert not out.exists()
    assert kh.served() == 1


def test_commands_at_the_same_time_each_get_their_own_copy(kh: Kh, tmp_path: Path) -> None:
    assert kh("server", "start").returncode == 0
    names = ["quan3-2025", "binhtan-2021", "tphcm-2021"]
    procs = [subprocess.Popen([sys.executable, "-m", "generator.server.launch", "build", str(PLANS / f"{n}.yaml"), "-o",
                               str(tmp_path / f"{n}.docx")], cwd=ROOT, env=kh.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for n in names]
    for proc, name in zip(procs, names, strict=True):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out == f"đã dựng (built): {PLANS / f'{name}.yaml'} → {tmp_path / f'{name}.docx'}\n"
    assert kh.served() == 3
    for name in names:
        fresh = tmp_path / f"{name}-fresh.docx"
        assert kh("build", str(PLANS / f"{name}.yaml"), "-o", str(fresh), server=False).returncode == 0
        assert (tmp_path / f"{name}.docx").read_bytes() == fresh.read_bytes()
