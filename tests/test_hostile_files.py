"""Writing outputs: atomic, with the user's umask, never over special files, never half-written.

Issue 11 "Files", issue 12 items 3 and 17. Everything runs the real CLI in a subprocess; a full
and a read-only disk are real tmpfs mounts (root only), and signals are real signals sent while
the output is being written (fsync made slow by a wrapper so the moment is certain).
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.ooxml.package import OutputError, stale_temps, write_atomic

from .conftest import PLANS, ROOT, run_kh

#: Runs the CLI with os.fsync slowed down and announced on stderr, so a test can signal mid-write.
SLOW_FSYNC = """\
import os, sys, time
_real = os.fsync
def _slow(fd):
    sys.stderr.write("KH-TEST-FSYNC\\n"); sys.stderr.flush()
    time.sleep(float(os.environ.get("KH_TEST_FSYNC_SLEEP", "1.5")))
    _real(fd)
os.fsync = _slow
sys.argv = ["kh", *sys.argv[1:]]
from generator.app.cli import main
main()
"""

#: Runs the CLI with every fsync failing like a full disk (ENOSPC surfaces at flush time).
ENOSPC_FSYNC = """\
import errno, os, sys
def _full(fd):
    raise OSError(errno.ENOSPC, "No space left on device")
os.fsync = _full
sys.argv = ["kh", *sys.argv[1:]]
from generator.app.cli import main
main()
"""


def _kh_with(script: str, *args: str, **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)  # type: ignore[call-overload]


def _temps(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(".tmp"))


def _complete_docx(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return z.testzip() is None and "word/document.xml" in z.namelist()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The example plan built once: what every successful write must contain."""
    out = tmp_path_factory.mktemp("ref") / "ref.docx"
    assert run_kh("build", str(PLANS / "quan3-2025.yaml"), "-o", str(out)).returncode == 0
    return out.read_bytes()


PLAN = str(PLANS / "quan3-2025.yaml")


# ------------------------------------------------------------------ modes
@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_new_output_follows_the_umask(tmp_path: Path, umask: int, expected: int) -> None:
    out = tmp_path / "x.docx"
    old = os.umask(umask)
    try:
        proc = run_kh("build", PLAN, "-o", str(out))
    finally:
        os.umask(old)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(out.stat().st_mode) == expected


def test_existing_output_keeps_its_mode(tmp_path: Path, reference: bytes) -> None:
    out = tmp_path / "x.docx"
    out.write_bytes(b"old")
    out.chmod(0o664)
    assert run_kh("build", PLAN, "-o", str(out)).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o664 and out.read_bytes() == reference


# ------------------------------------------------------------------ special and read-only targets
def _special_targets(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    fifo = tmp_path / "fifo.docx"
    os.mkfifo(fifo)
    yield "FIFO", fifo
    if os.geteuid() == 0:
        dev = tmp_path / "null.docx"
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        yield "thiết bị", dev
    folder = tmp_path / "dir.docx"
    folder.mkdir()
    yield "thư mục", folder


def test_special_files_are_refused_not_replaced(tmp_path: Path) -> None:
    for word, target in _special_targets(tmp_path):
        kind = stat.S_IFMT(os.lstat(target).st_mode)
        proc = run_kh("build", PLAN, "-o", str(target))
        assert proc.returncode == 1, (word, proc.stderr)
        assert word in proc.stderr and str(target) in proc.stderr and "Traceback" not in proc.stderr
        assert stat.S_IFMT(os.lstat(target).st_mode) == kind
    assert not _temps(tmp_path)


def test_symlink_output_is_written_through(tmp_path: Path, reference: bytes) -> None:
    """Decision: like editors do, kh replaces the link's target and keeps the link."""
    real = tmp_path / "shared" / "ke-hoach.docx"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "x.docx"
    link.symlink_to(real)
    assert run_kh("build", PLAN, "-o", str(link)).returncode == 0
    assert link.is_symlink() and real.read_bytes() == reference
    assert not _temps(tmp_path) and not _temps(real.parent)


def test_read_only_output_is_an_error_and_kept(tmp_path: Path) -> None:
    out = tmp_path / "x.docx"
    out.write_bytes(b"signed copy")
    out.chmod(0o444)
    proc = run_kh("build", PLAN, "-o", str(out))
    assert proc.returncode == 1 and "chỉ đọc" in proc.stderr and str(out) in proc.stderr
    assert out.read_bytes() == b"signed copy" and not _temps(tmp_path)


def test_output_folder_that_cannot_exist_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    proc = run_kh("build", PLAN, "-o", str(blocker / "sub" / "x.docx"))
    assert proc.returncode == 1 and "không phải thư mục" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_output_folder_is_created(tmp_path: Path, reference: bytes) -> None:
    out = tmp_path / "new" / "deeper" / "x.docx"
    assert run_kh("build", PLAN, "-o", str(out)).returncode == 0
    assert out.read_bytes() == reference


# ------------------------------------------------------------------ full and read-only disks
@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 48 KiB tmpfs (root only), unmounted afterwards."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(mnt)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs needs root (the ENOSPC injection test covers this case everywhere)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_full_disk_keeps_previous_output(tiny_disk: Path) -> None:
    out = tiny_disk / "x.docx"
    out.write_bytes(b"previous")
    filler = tiny_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)    # fill what is left of the disk
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    proc = run_kh("build", PLAN, "-o", str(out))
    assert proc.returncode == 1 and "ổ đĩa đầy" in proc.stderr and "giữ nguyên" in proc.stderr, proc.stderr
    assert out.read_bytes() == b"previous" and not _temps(tiny_disk)


def test_read_only_disk_keeps_previous_output(tiny_disk: Path) -> None:
    out = tiny_disk / "x.docx"
    out.write_bytes(b"previous")
    assert subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], capture_output=True).returncode == 0
    proc = run_kh("build", PLAN, "-o", str(out))
    assert proc.returncode == 1 and "không ghi được" in proc.stderr and "Traceback" not in proc.stderr
    assert out.read_bytes() == b"previous"


def test_disk_full_at_flush_time_keeps_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "x.docx"
    out.write_bytes(b"previous")
    proc = _kh_with(ENOSPC_FSYNC, "build", PLAN, "-o", str(out))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "ổ đĩa đầy" in err and "giữ nguyên" in err, err
    assert out.read_bytes() == b"previous" and not _temps(tmp_path)


# ------------------------------------------------------------------ stale temporary files
def test_stale_temp_files_of_this_output_are_removed_on_the_next_build(tmp_path: Path) -> None:
    out = tmp_path / "x.docx"
    mine = tmp_path / ".x.docx.k3j_9a2q.tmp"          # what a kill during the write leaves
    others = [tmp_path / ".y.docx.k3j_9a2q.tmp", tmp_path / ".x.docx.notkh.tmp", tmp_path / "x.docx.k3j_9a2q.tmp"]
    for p in [mine, *others]:
        p.write_bytes(b"partial")
    assert stale_temps(out) == [mine]
    assert run_kh("build", PLAN, "-o", str(out)).returncode == 0
    assert not mine.exists() and all(p.exists() for p in others)


def test_temp_files_of_a_writer_in_progress_are_not_removed(tmp_path: Path) -> None:
    """While another writer holds the folder, its temporary file is not stale."""
    import fcntl

    out = tmp_path / "x.docx"
    busy = tmp_path / ".x.docx.abcdefgh.tmp"
    busy.write_bytes(b"being written")
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        write_atomic(out, b"new")
        assert busy.exists()
    finally:
        os.close(fd)
    write_atomic(out, b"newer")
    assert not busy.exists() and out.read_bytes() == b"newer"


# ------------------------------------------------------------------ signals
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_while_writing_leaves_no_partial_or_temp_file(tmp_path: Path, sig: signal.Signals) -> None:
    outdir = tmp_path / "out"
    proc = _kh_with(SLOW_FSYNC, "build", str(PLANS), "--outdir", str(outdir), "-j", "1",
                    env={**os.environ, "KH_TEST_FSYNC_SLEEP": "1.0"})
    try:
        line = proc.stderr.readline()             # the first output is being written now
        assert "KH-TEST-FSYNC" in line, line + proc.stderr.read()
        assert _temps(outdir), "the temporary file should exist while fsync runs"
        proc.send_signal(sig)
        proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0                    # the batch stopped
    assert not _temps(outdir)
    built = sorted(outdir.glob("*.docx"))
    assert len(built) < len(list(PLANS.glob("*.yaml")))
    assert built and all(_complete_docx(p) for p in built)


def test_two_builds_of_one_output_never_corrupt_it(tmp_path: Path, reference: bytes) -> None:
    out = tmp_path / "x.docx"
    out.write_bytes(b"previous")
    procs = [subprocess.Popen([sys.executable, "-m", "generator", "build", PLAN, "-o", str(out)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(3)]
    codes = [p.wait(timeout=120) for p in procs]
    assert codes == [0, 0, 0]
    assert out.read_bytes() == reference and not _temps(tmp_path)


def test_concurrent_writers_leave_one_complete_version(tmp_path: Path) -> None:
    out = tmp_path / "x.bin"
    payloads = [bytes([i]) * (200_000 + i) for i in range(8)]
    errors: list[BaseException] = []

    def writer(data: bytes) -> None:
        try:
            for _ in range(5):
                write_atomic(out, data)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(p,)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and out.read_bytes() in payloads and not _temps(tmp_path)


def test_output_error_is_an_oserror_with_a_vietnamese_reason(tmp_path: Path) -> None:
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    with pytest.raises(OutputError) as info:
        write_atomic(fifo, b"x")
    assert isinstance(info.value, OSError) and "FIFO" in (info.value.strerror or "")


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc to list processes")
def test_sigterm_during_a_parallel_batch_leaves_no_worker_behind(tmp_path: Path) -> None:
    outdir = tmp_path / "parallel-out"
    proc = _kh_with(SLOW_FSYNC, "build", str(PLANS), "--outdir", str(outdir), "-j", "2",
                    env={**os.environ, "KH_TEST_FSYNC_SLEEP": "0.5"})
    try:
        assert "KH-TEST-FSYNC" in proc.stderr.readline()
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM
    assert not _temps(outdir) and all(_complete_docx(p) for p in outdir.glob("*.docx"))
    import time

    deadline = time.monotonic() + 30         # workers finish their plan, then exit
    while _processes_mentioning(str(outdir)) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _processes_mentioning(str(outdir))
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"worker processes left running: {left}"
