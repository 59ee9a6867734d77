"""Windows paths of the build, check, import and preview code, tested here by simulating Windows.

Offices run Windows, where there is no ``fcntl``, ``os.fchmod`` (before Python 3.13), ``os.killpg``
or ``signal.SIGKILL``, where LibreOffice is not on PATH, and where Word keeps the .docx it shows
locked, so that replacing it fails with PermissionError. Each test takes away (monkeypatch) what
Windows lacks, or makes ``sys.platform`` say win32, and checks that kh still does its job.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.ooxml import package
from generator.ooxml.package import HELD_OPEN, OutputError, stale_temps, write_atomic
from generator.writers import pdf_writer

from .conftest import EXAMPLES, PLANS, ROOT

REAL_KILLPG = os.killpg


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ------------------------------------------------------------------ output held open by Word
def _refuse_replace(monkeypatch: pytest.MonkeyPatch, times: int | None = None) -> list[str]:
    """os.replace refuses (as Windows does for a file Word has open) ``times`` times, or always."""
    real = os.replace
    calls: list[str] = []

    def replace(src: str, dst: object) -> None:
        calls.append(str(dst))
        if times is None or len(calls) <= times:
            raise PermissionError(13, "The process cannot access the file because it is being used "
                                      "by another process", str(dst))
        real(src, dst)

    monkeypatch.setattr(package.os, "replace", replace)
    return calls


def test_output_open_in_word_is_a_clear_error_and_the_old_file_stays(tmp_path, monkeypatch):
    out = tmp_path / "ke-hoach.docx"
    out.write_bytes(b"old")
    _refuse_replace(monkeypatch)
    with pytest.raises(OutputError) as info:
        write_atomic(out, b"new")
    err = info.value
    assert HELD_OPEN in err.strerror
    assert "đóng tệp trong Word rồi dựng lại (close the file in Word and build again)" in err.strerror
    assert "tệp cũ giữ nguyên (previous output kept)" in err.strerror
    assert err.filename == str(out)
    assert out.read_bytes() == b"old"
    assert _leftovers(tmp_path) == [] and stale_temps(out) == []


def test_new_output_refused_leaves_nothing(tmp_path, monkeypatch):
    out = tmp_path / "moi.docx"
    _refuse_replace(monkeypatch)
    with pytest.raises(OutputError) as info:
        write_atomic(out, b"new")
    assert info.value.strerror == HELD_OPEN       # nothing was there to keep
    assert list(tmp_path.iterdir()) == []


def test_windows_waits_briefly_for_a_passing_holder(tmp_path, monkeypatch):
    """A virus scanner or the indexer holds a new file for a moment: Windows retries a few times."""
    monkeypatch.setattr(sys, "platform", "win32")
    slept: list[float] = []
    monkeypatch.setattr(package.time, "sleep", slept.append)
    calls = _refuse_replace(monkeypatch, times=2)
    out = tmp_path / "x.docx"
    write_atomic(out, b"new")
    assert out.read_bytes() == b"new" and len(calls) == 3 and slept == list(package._RETRY_S[:2])
    assert _leftovers(tmp_path) == []


def test_windows_gives_up_after_the_retries(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(package.time, "sleep", lambda _s: None)
    calls = _refuse_replace(monkeypatch)
    with pytest.raises(OutputError, match="Word"):
        write_atomic(tmp_path / "x.docx", b"new")
    assert len(calls) == len(package._RETRY_S) + 1
    assert list(tmp_path.iterdir()) == []


def test_posix_does_not_retry(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(package.time, "sleep", lambda _s: pytest.fail("slept on POSIX"))
    calls = _refuse_replace(monkeypatch)
    with pytest.raises(OutputError):
        write_atomic(tmp_path / "x.docx", b"new")
    assert len(calls) == 1


#: Runs the real command line (python -m generator) with os.replace refusing .docx outputs, as
#: Windows does while Word has the file open.
_HELD_OPEN_CLI = textwrap.dedent("""
    import os, runpy, sys
    real = os.replace
    def replace(src, dst):
        if str(dst).endswith(".docx"):
            raise PermissionError(13, "The process cannot access the file", str(dst))
        return real(src, dst)
    os.replace = replace
    sys.argv = ["kh", *sys.argv[1:]]
    runpy.run_module("generator", run_name="__main__", alter_sys=True)
""")


def test_cli_build_over_a_file_open_in_word(tmp_path):
    out = tmp_path / "out" / "ke-hoach.docx"
    out.parent.mkdir()
    out.write_bytes(b"the copy Word shows")
    plan = PLANS / f"{EXAMPLES[0]}.yaml"
    env = dict(os.environ, KH_SERVER="off")
    proc = subprocess.run([sys.executable, "-c", _HELD_OPEN_CLI, "build", str(plan), "-o", str(out)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert str(out) in proc.stderr
    assert "tệp đang mở trong chương trình khác (Word?): đóng tệp trong Word rồi dựng lại " \
           "(close the file in Word and build again)" in proc.stderr
    assert out.read_bytes() == b"the copy Word shows"
    assert sorted(p.name for p in out.parent.iterdir()) == ["ke-hoach.docx"]      # no temporary file


# ------------------------------------------------------------------ no fcntl, no fchmod, no geteuid
def _no_fcntl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fcntl", None)          # import fcntl → ImportError
    with pytest.raises(ImportError):
        import fcntl  # noqa: F401


def test_without_fcntl_old_leftovers_go_and_a_writer_in_progress_is_left_alone(tmp_path, monkeypatch):
    _no_fcntl(monkeypatch)
    out = tmp_path / "x.docx"
    old = tmp_path / ".x.docx.abcd1234.tmp"        # left by a kh killed an hour ago
    old.write_bytes(b"half")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    busy = tmp_path / ".x.docx.efgh5678.tmp"       # another kh writing this very moment
    busy.write_bytes(b"half")
    write_atomic(out, b"new")
    assert out.read_bytes() == b"new"
    assert not old.exists() and busy.exists()
    assert _leftovers(tmp_path) == [busy.name]


def test_without_fchmod_fchown_or_geteuid(tmp_path, monkeypatch):
    for name in ("fchmod", "fchown", "geteuid"):
        if hasattr(os, name):
            monkeypatch.delattr(os, name)
    _no_fcntl(monkeypatch)
    out = tmp_path / "x.docx"
    write_atomic(out, b"first")
    write_atomic(out, b"second")
    assert out.read_bytes() == b"second" and _leftovers(tmp_path) == []
    assert stat.S_ISREG(out.stat().st_mode)


# ------------------------------------------------------------------ finding LibreOffice
@pytest.fixture
def windows_without_path(tmp_path, monkeypatch):
    """sys.platform says win32, nothing on PATH, Program Files is a temporary folder."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("KH_SOFFICE", raising=False)
    monkeypatch.chdir(empty)          # Windows' which() looks in the current folder first
    program_files = tmp_path / "Program Files"
    for var in ("ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ProgramFiles", str(program_files))
    monkeypatch.setattr(sys, "platform", "win32")
    return program_files


def test_soffice_found_where_the_windows_installer_puts_it(windows_without_path):
    assert pdf_writer.soffice() is None
    exe = windows_without_path / "LibreOffice" / "program" / "soffice.exe"
    exe.parent.mkdir(parents=True)
    exe.write_bytes(b"MZ")
    assert pdf_writer.soffice() == str(exe)


def test_windows_default_install_path_is_the_last_resort(windows_without_path):
    assert Path(r"C:\Program Files\LibreOffice\program\soffice.exe") in pdf_writer._install_places()


def test_kh_soffice_names_the_program(windows_without_path, tmp_path, monkeypatch):
    exe = tmp_path / "LO" / "soffice.exe"
    exe.parent.mkdir()
    exe.write_bytes(b"MZ")
    monkeypatch.setenv("KH_SOFFICE", str(exe))
    assert pdf_writer.soffice() == str(exe)
    monkeypatch.setenv("KH_SOFFICE", str(tmp_path / "nowhere.exe"))
    assert pdf_writer.soffice() is None
    assert "KH_SOFFICE" in pdf_writer.missing_message() and "nowhere.exe" in pdf_writer.missing_message()


def test_missing_libreoffice_message_on_windows(windows_without_path):
    msg = pdf_writer.missing_message()
    assert "LibreOffice" in msg and "soffice.exe" in msg and "apt-get" not in msg
    with pytest.raises(pdf_writer.KhError, match="soffice.exe"):
        pdf_writer.Converter(mode="batch").convert(b"")


def test_missing_pdftoppm_message_on_windows(windows_without_path, tmp_path):
    with pytest.raises(pdf_writer.KhError, match="pdftoppm") as info:
        pdf_writer.pdf_to_pngs(tmp_path / "x.pdf", tmp_path / "page")
    assert "PATH" in str(info.value) and "apt-get" not in str(info.value)


# ------------------------------------------------------------------ stopping LibreOffice
def test_child_process_group_arguments(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    assert pdf_writer._own_group() == {"creationflags": 0x200}      # CREATE_NEW_PROCESS_GROUP
    monkeypatch.setattr(sys, "platform", "linux")
    assert pdf_writer._own_group() == {"start_new_session": True}


#: A parent that starts a child and both sleep: soffice.exe starting soffice.bin.
_TREE = ("import subprocess, sys, time; "
         "c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); "
         "print(c.pid, flush=True); time.sleep(120)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:   # a zombie (exited, not yet reaped by its parent) counts as gone
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _group_alive(pgid: int) -> bool:
    """Some process of group ``pgid`` is still running (zombies aside)."""
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text(encoding="ascii", errors="replace").rsplit(")", 1)[-1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def _wait_gone(check: object, arg: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not check(arg):  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def fake_taskkill(tmp_path, monkeypatch):
    """A ``taskkill`` on PATH that logs its arguments and ends the tree (here: the process group)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "taskkill.log"
    script = folder / "taskkill"
    script.write_text(f"#!{sys.executable}\n" + textwrap.dedent(f"""
        import os, signal, sys
        with open({str(log)!r}, "a") as fh:
            fh.write(" ".join(sys.argv[1:]) + "\\n")
        pid = int(sys.argv[sys.argv.index("/PID") + 1])
        os.killpg(pid, signal.SIGKILL)
    """), encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return log


def _no_process_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """No os.killpg, and pdf_writer sees no SIGKILL (subprocess's own Popen.kill keeps it here: on
    Windows that is TerminateProcess)."""
    monkeypatch.delattr(os, "killpg")
    monkeypatch.setattr(pdf_writer, "signal", SimpleNamespace(SIGTERM=signal.SIGTERM, SIGINT=signal.SIGINT))


def _tree() -> tuple[subprocess.Popen[bytes], int]:
    proc = subprocess.Popen([sys.executable, "-c", _TREE], stdout=subprocess.PIPE, start_new_session=True)
    assert proc.stdout is not None
    child = int(proc.stdout.readline())
    return proc, child


def test_kill_tree_without_killpg_uses_taskkill_on_the_whole_tree(monkeypatch, fake_taskkill):
    proc, child = _tree()
    try:
        _no_process_groups(monkeypatch)
        assert pdf_writer.kill_tree(proc) is True
        proc.wait(timeout=10)
        assert _wait_gone(_alive, child), "the child (soffice.bin) outlived its parent"
        assert fake_taskkill.read_text().split() == ["/F", "/T", "/PID", str(proc.pid)]
        assert pdf_writer.kill_tree(proc) is False          # nothing left to end
    finally:
        try:
            REAL_KILLPG(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def test_kill_tree_without_killpg_or_taskkill_ends_the_process(monkeypatch, tmp_path):
    proc, child = _tree()
    try:
        monkeypatch.delattr(os, "killpg")
        empty = tmp_path / "empty"
        empty.mkdir()
        monkeypatch.setenv("PATH", str(empty))
        assert pdf_writer.kill_tree(proc) is True
        assert proc.wait(timeout=10) != 0
    finally:
        try:
            REAL_KILLPG(proc.pid, signal.SIGKILL)     # the child: Popen.kill alone cannot reach it
        except ProcessLookupError:
            pass
        proc.wait()


def test_bridge_lines_are_read_without_select():
    """The warm converter reads its bridge's answers with a thread (Windows cannot select() a pipe)."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; print('one', flush=True); time.sleep(1.5); "
                             "print('two', flush=True)"], stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        lines = pdf_writer._Lines(proc.stdout)
        assert lines.get(10) == b"one\n"
        assert lines.get(0.2) is None                  # timed out: 'two' comes later
        assert lines.get(10) == b"two\n"
        assert lines.get(10) is None                   # end of stream
        assert lines.get(10) is None
    finally:
        proc.wait()


# ------------------------------------------------------------------ a real conversion, Windows-like
@pytest.mark.parametrize("mode", [pytest.param("batch", marks=pytest.mark.requires("soffice")),
                                  pytest.param("server", marks=pytest.mark.requires("soffice", "uno"))])
def test_conversion_without_process_groups(mode, monkeypatch, fake_taskkill, built_examples):
    _no_process_groups(monkeypatch)
    docx = built_examples[EXAMPLES[0]].read_bytes()
    with pdf_writer.Converter(mode=mode) as conv:
        pdf = conv.convert(docx)
        office = conv._office
    assert pdf.startswith(b"%PDF")
    if mode == "server":
        assert office is not None
        assert fake_taskkill.read_text().split() == ["/F", "/T", "/PID", str(office.pid)]
        assert office.poll() is not None
        assert _wait_gone(_group_alive, office.pid), "a LibreOffice process outlived the converter"
