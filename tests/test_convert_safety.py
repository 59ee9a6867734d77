"""``kh import`` of .odt/.doc/.rtf through LibreOffice: no network access, nothing left behind.

Issue 20, R3-09 and R3-10. A received document linking an image (or an OLE object, or a paragraph
background) to a URL made LibreOffice fetch it during the conversion; Ctrl-C or SIGTERM left
LibreOffice running and its ``kh-import-*`` folder behind. Everything here runs real LibreOffice
against a real TCP listener on 127.0.0.1 and sends real signals; the documents are built here.
Without LibreOffice these tests are skipped, except in CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.core import office_profile
from generator.importer import convert

from .conftest import ROOT

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'xmlns:xlink="http://www.w3.org/1999/xlink"')
HEAD = ("ỦY BAN NHÂN DÂN", "QUẬN 3", "Số: 12/KH-UBND", "KẾ HOẠCH", "Thử nghiệm nhập tài liệu có liên kết",
        "I. MỤC ĐÍCH", "1. Mục đích", "Nội dung giữ nguyên sau khi chuyển.")
#: Link kinds found to be fetched by LibreOffice 7.4 on conversion: a linked image and a linked
#: OLE object (stopped by BlockUntrustedRefererLinks) and a paragraph background image (which
#: that setting does not stop: only the dead proxy does).
LINKED_PATHS = ("/image.png", "/object.ods", "/background.png")


def _odt(path: Path, body: str = "", styles: str = "", paragraphs: tuple[str, ...] = HEAD) -> Path:
    """A minimal .odt: mimetype, manifest, content.xml with ``paragraphs`` then ``body``."""
    paras = "".join(f'<text:p text:style-name="P1">{t}</text:p>' for t in paragraphs)
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS} office:version="1.2">'
               f'<office:automatic-styles>{styles}</office:automatic-styles>'
               f'<office:body><office:text>{paras}{body}</office:text></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def _linked_odt(path: Path, port: int) -> Path:
    """An .odt whose image, OLE object and paragraph background are links to 127.0.0.1:``port``."""
    base = f"http://127.0.0.1:{port}"
    frame = ('<text:p><draw:frame draw:name="{name}" text:anchor-type="as-char" svg:width="1cm" svg:height="1cm">'
             '<draw:{kind} xlink:href="{href}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>'
             '</draw:frame></text:p>')
    body = (frame.format(name="i1", kind="image", href=base + LINKED_PATHS[0])
            + frame.format(name="o1", kind="object", href=base + LINKED_PATHS[1]))
    styles = ('<style:style style:name="P1" style:family="paragraph"><style:paragraph-properties>'
              f'<style:background-image xlink:href="{base}{LINKED_PATHS[2]}" xlink:type="simple"'
              ' xlink:actuate="onLoad"/>'
              '</style:paragraph-properties></style:style>')
    return _odt(path, body, styles)


class Listener:
    """A TCP listener on 127.0.0.1 that records the first line of every connection (any protocol)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(32)
        self.port = self.sock.getsockname()[1]
        self.lines: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b""
                self.lines.append(data.split(b"\r\n", 1)[0].decode("latin-1"))
                try:
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def office() -> str:
    """The LibreOffice binary; skipped without it, except in CI where it must be there."""
    exe = convert.soffice()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI: LibreOffice (soffice) must be installed for the conversion safety tests")
        pytest.skip("LibreOffice not installed (apt-get install libreoffice-writer-nogui)")
    return exe


def _clean_env(tmp: Path) -> dict[str, str]:
    """The caller's environment without proxies, with temporary files under ``tmp``."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in {*office_profile.PROXY_VARIABLES, "no_proxy"}}
    return {**env, "TMPDIR": str(tmp), "KH_SERVER": "off", "PYTHONPATH": str(ROOT)}


def _processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line contains ``text`` (a zombie's is empty)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def _wait_gone(text: str, seconds: float = 5.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := _processes_mentioning(text)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left:          # this test's LibreOffice only: its command line holds this test's folder
        os.kill(pid, signal.SIGKILL)
    return left


# ------------------------------------------------------------------ the profile
def test_profile_blocks_links_and_sends_every_proxy_to_a_closed_local_port(tmp_path: Path) -> None:
    env = office_profile.write_profile(tmp_path / "profile")
    xcu = ET.parse(tmp_path / "profile" / "user" / "registrymodifications.xcu").getroot()
    oor = "{http://openoffice.org/2001/registry}"
    values: dict[tuple[str, str], str | None] = {}
    for item in xcu:
        prop = item.find("prop")
        assert prop is not None
        value = prop.find("value")
        values[(item.get(f"{oor}path", ""), prop.get(f"{oor}name", ""))] = None if value is None else (value.text or "")
    scripting, inet = "/org.openoffice.Office.Common/Security/Scripting", "/org.openoffice.Inet/Settings"
    assert values[(scripting, "BlockUntrustedRefererLinks")] == "true"
    assert values[(scripting, "DisableMacrosExecution")] == "true"
    assert values[(inet, "ooInetProxyType")] == "2"          # manual: the system/environment is not asked
    assert values[(inet, "ooInetNoProxy")] == ""
    for scheme in ("HTTP", "HTTPS", "FTP"):
        assert values[(inet, f"ooInet{scheme}ProxyName")] == "127.0.0.1"
        assert values[(inet, f"ooInet{scheme}ProxyPort")] == "9"
    for name in ("http_proxy", "HTTPS_PROXY", "ftp_proxy", "all_proxy", "ALL_PROXY"):
        assert env[name] == "http://127.0.0.1:9"
    assert env["no_proxy"] == env["NO_PROXY"] == ""
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.settimeout(5)
        probe.connect(("127.0.0.1", office_profile.DEAD_PROXY_PORT))


# ------------------------------------------------------------------ R3-09: no network
def _soffice(office: str, doc: Path, folder: Path, env: dict[str, str]) -> Path:
    """Convert ``doc`` to .docx with LibreOffice itself, profile and output in ``folder``; the
    converted file's path (it may be missing)."""
    control = subprocess.Popen(
        [office, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(folder / "out"), str(doc)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**env, "HOME": str(folder)},
        start_new_session=True)
    try:
        control.wait(timeout=240)
    finally:
        if control.poll() is None:
            os.killpg(control.pid, signal.SIGKILL)
        _wait_gone(str(folder))
    return folder / "out" / (doc.stem + ".docx")


@pytest.mark.parametrize("layer", ["profile", "environment"])
def test_each_defence_alone_keeps_linked_content_offline(tmp_path: Path, office: str, listener: Listener,
                                                         layer: str) -> None:
    """kh's profile without the environment, and the environment without the profile: either one
    keeps every link kind of :data:`LINKED_PATHS` from reaching the listener; the document converts."""
    doc = _linked_odt(tmp_path / "linked.odt", listener.port)
    env = _clean_env(tmp_path)
    if layer == "profile":
        office_profile.write_profile(tmp_path / "lo" / "profile")
    else:
        env.update(office_profile.offline_env())
    converted = _soffice(office, doc, tmp_path / "lo", env)
    assert listener.lines == [], f"LibreOffice with kh's {layer} alone reached the network: {listener.lines}"
    assert converted.is_file()


def test_import_of_a_document_with_links_makes_no_network_request(tmp_path: Path, office: str,
                                                                   listener: Listener) -> None:
    doc = _linked_odt(tmp_path / "linked.odt", listener.port)
    # Control: the same document through LibreOffice with a bare profile does reach the listener,
    # once for each kind of link, so the zero below is kh's doing.
    _soffice(office, doc, tmp_path / "bare", _clean_env(tmp_path))
    fetched = {path for line in listener.lines for path in LINKED_PATHS if path in line}
    assert fetched == set(LINKED_PATHS), f"control run requested only {listener.lines}"

    listener.lines.clear()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "plans" / "x.yaml"
    proc = subprocess.run([sys.executable, "-m", "generator", "import", str(doc), "-o", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path, env=_clean_env(tmp))
    assert listener.lines == [], f"kh import reached the network: {listener.lines}"
    assert proc.returncode == 0, proc.stderr
    assert "Thử nghiệm nhập tài liệu có liên kết" in out.read_text(encoding="utf-8")
    assert "Traceback" not in proc.stderr
    assert not _wait_gone(str(tmp)) and list(tmp.iterdir()) == []   # nothing left after a normal run


# ------------------------------------------------------------------ R3-10: nothing left behind
@pytest.fixture(scope="module")
def slow_odt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A document LibreOffice needs several seconds to convert (60,000 paragraphs, ~170 kB)."""
    lines = tuple(f"Đoạn {i}: tuyên truyền cải cách hành chính trên địa bàn." for i in range(60_000))
    return _odt(tmp_path_factory.mktemp("slow") / "slow.odt", paragraphs=HEAD + lines)


#: ``to_docx`` called by a program that installed no SIGTERM handler (kh's main installs one).
BARE_CALLER = ("import sys; from pathlib import Path; from generator.importer.convert import to_docx; "
               "to_docx(Path(sys.argv[1]))")


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc to list processes")
@pytest.mark.parametrize(("caller", "sig"), [("kh import", signal.SIGTERM), ("kh import", signal.SIGINT),
                                             ("to_docx", signal.SIGTERM)],
                         ids=["kh-import-SIGTERM", "kh-import-SIGINT", "bare-to_docx-SIGTERM"])
def test_signal_during_conversion_stops_libreoffice_and_removes_its_folder(
        tmp_path: Path, office: str, slow_odt: Path, caller: str, sig: signal.Signals) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "plans" / "x.yaml"
    args = (["-m", "generator", "import", str(slow_odt), "-o", str(out)] if caller == "kh import"
            else ["-c", BARE_CALLER, str(slow_odt)])
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path, env=_clean_env(tmp))
    marker = f"{tmp}{os.sep}kh-import-"
    try:
        pipes = _wait_converting(marker, proc)
        assert proc.poll() is None, "the conversion ended before the signal: make the document bigger"
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    left = _wait_gone(marker)
    assert proc.returncode == (128 + signal.SIGTERM if sig == signal.SIGTERM else 1), stderr
    assert "Traceback" not in stderr
    assert not left, f"LibreOffice processes left running: {left}"
    assert list(tmp.iterdir()) == [], f"left in the temporary folder: {list(tmp.iterdir())}"
    assert not [p for p in pipes if p.exists()], "LibreOffice's pipe left in /tmp"
    assert not out.exists()


def _office_bins(marker: str) -> dict[int, Path]:
    """soffice.bin processes whose command line holds ``marker``: pid → profile folder."""
    found = {}
    for pid in _processes_mentioning(marker):
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
        except OSError:
            continue
        if args and args[0].endswith("soffice.bin"):
            url = next(a for a in args if a.startswith("-env:UserInstallation=")).split("=", 1)[1]
            found[pid] = Path(urllib.request.url2pathname(urllib.parse.urlparse(url).path))
    return found


def _wait_converting(marker: str, proc: subprocess.Popen[str]) -> list[Path]:
    """Wait until LibreOffice (command line holding ``marker``) is converting, with its pipe in
    place; return the pipe paths. On a fresh profile LibreOffice 7.4 starts once to set it up and
    restarts (a new soffice.bin): a pipe counts once a second soffice.bin holds it, or the first
    one has run for 5 s."""
    deadline = time.monotonic() + 120
    first: tuple[int, float] | None = None
    while True:
        assert proc.poll() is None, "the conversion ended before the signal: make the document bigger"
        assert time.monotonic() < deadline, "LibreOffice never got to converting"
        bins = _office_bins(marker)
        if bins and first is None:
            first = (min(bins), time.monotonic())
        if first is not None and bins:
            pipes = office_profile.pipe_paths(next(iter(bins.values())))
            settled = any(pid != first[0] for pid in bins) or time.monotonic() - first[1] > 5
            if settled and any(p.exists() for p in pipes):
                return pipes
        time.sleep(0.05)


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc to list processes")
def test_timeout_stops_libreoffice_and_removes_its_folder(tmp_path: Path, office: str, slow_odt: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    started = time.monotonic()
    with pytest.raises(convert.ConvertError, match="quá 2 giây"):
        convert.to_docx(slow_odt, timeout=2)
    assert time.monotonic() - started < 30
    assert not _wait_gone(str(tmp), seconds=0.5)
    assert list(tmp.iterdir()) == []
