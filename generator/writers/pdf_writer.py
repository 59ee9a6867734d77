"""Writer: .docx → PDF through LibreOffice (headless), and PDF pages → PNG images (poppler).

One :class:`Converter` serves a whole run, in one of two ways (both measured in bench/RESULTS.md):

- ``batch``: one ``soffice --convert-to pdf`` call for all files handed over together (a folder
  build); the faster way when every file is known up front;
- ``server``: a *warm* LibreOffice, started once in the background, listening on a private named
  pipe, driven by ``lo_bridge.py`` under a Python that has LibreOffice's ``uno`` module (Debian:
  python3-uno); each conversion then costs ~0.2 s instead of ~1.6 s: the way for documents that
  come one at a time (``kh watch``, ``kh preview``).

By default (``auto``) a batch of files goes the first way and single files the second (when
``uno`` is there); a failing server falls back to the one-call way. LibreOffice runs with its own
temporary profile and is stopped when the converter closes (also on Ctrl-C), with every process it
started: its process group on Linux and macOS, its process tree (``taskkill /T``) on Windows.
``KH_PDF_MODE=server|batch`` forces a mode; ``KH_SOFFICE`` names the LibreOffice program to use
(found otherwise on PATH, then where LibreOffice installs itself: :func:`soffice`).
"""

from __future__ import annotations

import atexit
import os
import queue
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from ..core.errors import KhError
from ..core.office_profile import remove_pipe, write_profile

BRIDGE = Path(__file__).resolve().with_name("lo_bridge.py")
_uno_python: str | None | bool = False   # False: not looked up yet
_font_said = False


def _install_places() -> list[Path]:
    """Where LibreOffice's installer puts ``soffice`` (tried after PATH) on Windows and macOS, whose
    installers leave PATH alone; Linux packages put it on PATH."""
    if sys.platform == "win32":
        roots = [os.environ.get(v) for v in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA")]
        found = [Path(r) / "LibreOffice" / "program" / "soffice.exe" for r in roots if r]
        return [*found, Path(r"C:\Program Files\LibreOffice\program\soffice.exe")]
    if sys.platform == "darwin":
        return [Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")]
    return []


def soffice() -> str | None:
    """Path of the LibreOffice program, if installed.

    ``KH_SOFFICE`` (a full path) wins when set; then ``soffice``/``libreoffice`` on PATH; then the
    places the installers use (Windows: ``C:\\Program Files\\LibreOffice\\program\\soffice.exe``).
    """
    given = os.environ.get("KH_SOFFICE")
    if given:
        return given if os.path.isfile(given) else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    return next((str(p) for p in _install_places() if p.is_file()), None)


def missing_message() -> str:
    """Why there is no LibreOffice to convert with, and how to install it on this system."""
    given = os.environ.get("KH_SOFFICE")
    if given:
        return (f"KH_SOFFICE={given}: không có tệp này (no such file); đặt KH_SOFFICE là đường dẫn tới "
                f"soffice của LibreOffice (set KH_SOFFICE to LibreOffice's soffice program)")
    if sys.platform == "win32":
        how = ("cài LibreOffice (install LibreOffice), hoặc đặt KH_SOFFICE=đường dẫn tới soffice.exe "
               "(or set KH_SOFFICE to soffice.exe's path)")
    elif sys.platform == "darwin":
        how = "brew install --cask libreoffice"
    else:
        how = "apt-get install libreoffice-writer-nogui"
    return f"cần LibreOffice để xuất PDF (LibreOffice is needed for PDF): {how}"


def uno_python() -> str | None:
    """A Python interpreter that can ``import uno`` (looked up once), or None.

    Tried: this Python, the system's, and the one LibreOffice ships (``program/python``, Windows
    ``program\\python.exe``, which has ``uno``).
    """
    global _uno_python
    if _uno_python is False:
        _uno_python = None
        exe = soffice()
        prog = Path(os.path.realpath(exe)).parent if exe else None
        bundled = [str(prog / name) for name in ("python", "python.exe")] if prog else []
        for cand in (sys.executable, "/usr/bin/python3", *bundled):
            if cand and os.path.isfile(cand) and os.access(cand, os.X_OK):
                try:
                    ok = subprocess.run([cand, "-c", "import uno"], capture_output=True, timeout=20).returncode == 0
                except (OSError, subprocess.TimeoutExpired):
                    ok = False
                if ok:
                    _uno_python = cand
                    break
    return _uno_python or None


def _own_group() -> dict[str, Any]:
    """Popen arguments that start a child in a process group of its own, so that Ctrl-C at the
    terminal reaches kh (which then stops the child) and the child's whole group can be stopped."""
    if sys.platform == "win32":
        return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200)}
    return {"start_new_session": True}


def kill_tree(proc: subprocess.Popen[Any], sig: int | None = None) -> bool:
    """Send ``sig`` (default: kill) to ``proc`` and every process it started; False when none is left.

    POSIX: the signal goes to the process group (:func:`_own_group` made one). Windows has no group
    to signal: ``taskkill /T /F`` ends the process tree (soffice.exe starts soffice.bin), and
    ``Popen.kill`` the process itself when taskkill is missing or fails. Windows only force-kills.
    """
    if hasattr(os, "killpg"):
        try:
            os.killpg(proc.pid, sig if sig is not None else signal.SIGKILL)
        except ProcessLookupError:
            return False
        except PermissionError:      # macOS: a group left with only zombies
            return False
        return True
    if proc.poll() is not None:
        return False
    taskkill = shutil.which("taskkill")
    if taskkill is not None:
        try:
            subprocess.run([taskkill, "/F", "/T", "/PID", str(proc.pid)], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            pass
    try:
        proc.kill()
    except OSError:
        pass
    return True


def font_note() -> str | None:
    """Which font stands in for the template's Times New Roman on this machine, if any."""
    if shutil.which("fc-match") is None:
        return None
    try:
        family = subprocess.run(["fc-match", "-f", "%{family}", "Times New Roman"], capture_output=True,
                                text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    if "Times New Roman" in family:
        return None
    used = family.split(",")[0].strip() or "?"
    same = " (cùng số đo chữ — same metrics)" if used.startswith("Liberation Serif") else ""
    return (f"lưu ý: máy này không có phông Times New Roman; PDF dùng {used} thay thế{same}. "
            f"(note: Times New Roman is not installed; the PDF uses {used} instead.)")


class Converter:
    """Converts .docx bytes to PDF bytes with one LibreOffice for the whole run.

    Use as a context manager; LibreOffice is started on the first conversion and stopped on exit.
    """

    def __init__(self, *, note: Callable[[str], None] | None = None, mode: str | None = None,
                 timeout: float = 120.0) -> None:
        self.note = note
        self.mode = mode or os.environ.get("KH_PDF_MODE") or "auto"
        self.timeout = timeout
        self._tmp: Path | None = None
        self._office: subprocess.Popen[bytes] | None = None
        self._bridge: subprocess.Popen[bytes] | None = None
        self._lines: _Lines | None = None
        self._count = 0

    # ---------------------------------------------------------- lifecycle
    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _workdir(self) -> Path:
        if self._tmp is None:
            if soffice() is None:
                raise KhError(missing_message())
            self._tmp = Path(tempfile.mkdtemp(prefix="kh-lo-"))
            atexit.register(self.close)
            self._say_font()
        return self._tmp

    def _say_font(self) -> None:
        global _font_said
        if not _font_said and self.note is not None:
            msg = font_note()
            if msg:
                self.note(msg)
            _font_said = True

    def _office_cmd(self, profile: Path) -> list[str]:
        return [soffice() or "soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
                "--norestore", "--nologo", "--nodefault", "--nolockcheck"]

    def _env(self) -> dict[str, str]:
        tmp = str(self._workdir())     # LibreOffice's own temporary files go there too, and go with it
        offline = write_profile(Path(tmp) / "profile")   # links not loaded, dead proxy, no macros (R3-09)
        return dict(os.environ, HOME=tmp, TMPDIR=tmp, TMP=tmp, TEMP=tmp, **offline)     # TMP, TEMP: Windows

    def _start_server(self) -> None:
        tmp = self._workdir()
        pipe = f"kh-{os.getpid()}-{secrets.token_hex(4)}"
        self._office = subprocess.Popen(
            [*self._office_cmd(tmp / "profile"), f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=self._env(), **_own_group())
        self._bridge = subprocess.Popen(
            [uno_python() or "python3", str(BRIDGE), pipe, str(self.timeout)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, **_own_group())
        assert self._bridge.stdout is not None
        self._lines = _Lines(self._bridge.stdout)
        ready = self._read_answer()
        if not ready or not ready.get("ready"):
            self._stop_processes()
            raise KhError("không khởi động được LibreOffice (LibreOffice did not start)")

    def _read_answer(self) -> dict | None:
        """One JSON line from the bridge, or None on timeout / end of stream."""
        import json

        assert self._lines is not None
        line = self._lines.get(self.timeout)
        if line is None:
            return None
        try:
            return json.loads(line)
        except ValueError:
            return None

    def _stop_processes(self) -> None:
        bridge, office = self._bridge, self._office
        self._bridge = self._office = None
        self._lines = None
        if bridge is not None:
            try:
                if bridge.stdin:
                    bridge.stdin.close()
                bridge.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                bridge.kill()
                bridge.wait()
        if office is not None:
            # POSIX: SIGTERM first, SIGKILL if it lingers; Windows: the tree is ended at once.
            for sig in ((signal.SIGTERM, None) if hasattr(os, "killpg") else (None,)):
                if not kill_tree(office, sig):
                    break
                try:
                    office.wait(timeout=10)
                    break
                except subprocess.TimeoutExpired:
                    continue
            kill_tree(office)    # soffice.bin children in the same group that outlived the launcher
            try:
                office.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass

    def close(self) -> None:
        """Stop LibreOffice and remove the temporary profile and files."""
        self._stop_processes()
        if self._tmp is not None:
            remove_pipe(self._tmp / "profile")     # LibreOffice's single-instance pipe in /tmp, left when killed
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
            atexit.unregister(self.close)

    # ---------------------------------------------------------- conversion
    def convert(self, docx: bytes) -> bytes:
        """One .docx → PDF; raises :class:`KhError` on failure."""
        result = self.convert_many([docx])[0]
        if isinstance(result, KhError):
            raise result
        return result

    def convert_many(self, docs: list[bytes]) -> list[bytes | KhError]:
        """Several .docx → PDF with the same LibreOffice; a failure is returned in its place."""
        if not docs:
            return []
        done: list[bytes | KhError] = []
        mode = self.mode
        if mode == "auto":   # measured (bench/RESULTS.md (d)): one call wins for a batch, warm for one at a time
            mode = "batch" if len(docs) > 1 and self._bridge is None else ("server" if uno_python() else "batch")
        if mode == "server":
            try:
                for doc in docs:
                    done.append(self._convert_server(doc))
                return done
            except KhError as exc:
                if self.note is not None:
                    self.note(f"{exc}; dùng cách chuyển một lần (falling back to one soffice --convert-to call)")
                self._stop_processes()
                self.mode = "batch"
        return done + self._convert_batch(docs[len(done):])

    def _convert_server(self, docx: bytes) -> bytes | KhError:
        import json

        if self._bridge is None or self._bridge.poll() is not None:
            self._stop_processes()
            self._start_server()
        assert self._bridge is not None and self._bridge.stdin is not None
        tmp = self._workdir()
        self._count += 1
        src, dst = tmp / f"in-{self._count}.docx", tmp / f"in-{self._count}.pdf"
        src.write_bytes(docx)
        try:
            self._bridge.stdin.write((json.dumps({"src": str(src), "dst": str(dst)}) + "\n").encode())
            self._bridge.stdin.flush()
        except OSError:
            raise KhError("LibreOffice đã dừng (LibreOffice stopped)") from None
        answer = self._read_answer()
        src.unlink(missing_ok=True)
        if answer is None:
            raise KhError("LibreOffice không trả lời (LibreOffice did not answer)")
        if not answer.get("ok") or not dst.is_file():
            return KhError(f"LibreOffice không chuyển được sang PDF (conversion failed): {answer.get('error')}")
        data = dst.read_bytes()
        dst.unlink()
        return data

    def _convert_batch(self, docs: list[bytes]) -> list[bytes | KhError]:
        tmp = self._workdir()
        batch = Path(tempfile.mkdtemp(prefix="batch-", dir=tmp))
        names = [batch / f"plan-{i}.docx" for i in range(len(docs))]
        for name, data in zip(names, docs, strict=True):
            name.write_bytes(data)
        cmd = [*self._office_cmd(tmp / "profile"), "--convert-to", "pdf", "--outdir", str(batch), *map(str, names)]
        office = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, env=self._env(), **_own_group())
        try:
            office.wait(timeout=self.timeout * len(docs))
        except subprocess.TimeoutExpired:
            pass
        finally:   # also on Ctrl-C: LibreOffice (its whole process group or tree) goes with us
            kill_tree(office)
            office.wait()
        out: list[bytes | KhError] = []
        for name in names:
            pdf = name.with_suffix(".pdf")
            out.append(pdf.read_bytes() if pdf.is_file() else
                       KhError("LibreOffice không tạo ra tệp PDF (conversion failed: no PDF produced)"))
        shutil.rmtree(batch, ignore_errors=True)
        return out


class _Lines:
    """Lines of a child's output, read by a thread: ``select`` cannot wait on a pipe on Windows."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._ended = False
        threading.Thread(target=self._pump, args=(stream,), name="kh-lo-bridge", daemon=True).start()

    def _pump(self, stream: IO[bytes]) -> None:
        try:
            for line in iter(stream.readline, b""):
                self._queue.put(line)
        except (OSError, ValueError):     # the pipe was closed under us
            pass
        finally:
            self._queue.put(None)

    def get(self, timeout: float) -> bytes | None:
        """The next line; None at the end of the stream or when none comes within ``timeout`` s.

        Waits in short slices, so that Ctrl-C is seen promptly on Windows too.
        """
        deadline = time.monotonic() + timeout
        while not self._ended:
            try:
                line = self._queue.get(timeout=max(0.0, min(0.5, deadline - time.monotonic())))
            except queue.Empty:
                if time.monotonic() >= deadline:
                    return None
                continue
            if line is None:
                self._ended = True
            return line
        return None


def docx_to_pdf(docx: bytes, *, timeout: float = 120.0) -> bytes:
    """Convert one .docx to PDF (starts and stops its own LibreOffice)."""
    with Converter(timeout=timeout) as conv:
        return conv.convert(docx)


# ------------------------------------------------------------------ page images
def pdf_pages(pdf: Path) -> int:
    """Number of pages of a PDF (pdfinfo)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(match.group(1)) if match else 0


def pdf_to_pngs(pdf: Path, prefix: Path, *, dpi: int = 100, page: int | None = None) -> list[Path]:
    """PNG images of a PDF's pages (all, or only ``page``) as ``<prefix>-<n>.png``, in page order.

    pdftoppm renders raw PPM (its own PNG output spends ~0.3 s a page compressing); the PNG is
    then packed here with fast zlib settings. Stale images of the same prefix from an earlier,
    longer document are removed.
    """
    if shutil.which("pdftoppm") is None:
        how = ("đặt pdftoppm.exe của poppler vào PATH (put poppler's pdftoppm.exe on PATH)" if sys.platform == "win32"
               else "brew install poppler" if sys.platform == "darwin" else "apt-get install poppler-utils")
        raise KhError(f"cần pdftoppm để tạo ảnh trang (pdftoppm is needed): {how}")
    with tempfile.TemporaryDirectory(prefix="kh-png-", dir=prefix.parent) as tmp:
        cmd = ["pdftoppm", "-r", str(dpi)]
        if page is not None:
            cmd += ["-f", str(page), "-l", str(page)]
        proc = subprocess.run([*cmd, str(pdf), str(Path(tmp) / "p")], capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise KhError(f"pdftoppm không tạo được ảnh trang (cannot render pages): {proc.stderr.strip()}")
        made = sorted((int(m.group(1)), p) for p in Path(tmp).glob("p-*.ppm")
                      if (m := re.fullmatch(r"p-0*(\d+)\.ppm", p.name)))
        if page is None:
            keep = {n for n, _ in made}
            for old in prefix.parent.glob(f"{prefix.name}-*.png"):
                m = re.fullmatch(re.escape(prefix.name) + r"-(\d+)\.png", old.name)
                if m and int(m.group(1)) not in keep:
                    old.unlink()
        out = []
        for n, path in made:
            target = prefix.parent / f"{prefix.name}-{n}.png"
            part = target.with_name(f".{target.name}.tmp")
            part.write_bytes(ppm_to_png(path.read_bytes()))
            os.replace(part, target)
            out.append(target)
    return out


def ppm_to_png(ppm: bytes) -> bytes:
    """A binary PPM (P6, 8-bit RGB) image as PNG bytes."""
    import struct
    import zlib

    fields = ppm.split(maxsplit=4)
    if len(fields) < 5 or fields[0] != b"P6" or fields[3] != b"255":
        raise KhError("pdftoppm trả về ảnh không đọc được (unexpected image format)")
    width, height, pixels = int(fields[1]), int(fields[2]), fields[4]
    stride = width * 3
    rows = b"".join(b"\x00" + pixels[y * stride:(y + 1) * stride] for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 1))
            + chunk(b"IEND", b""))
