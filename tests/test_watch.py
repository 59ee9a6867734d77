"""``kh watch`` in a real headless Chromium: pages appear, saves refresh them, errors show their line."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import websocket
from docx import Document

from .conftest import ROOT, chromium

pytestmark = pytest.mark.requires("soffice", "poppler", "chromium")


class Browser:
    """Headless Chromium driven over the DevTools protocol (one page)."""

    def __init__(self, profile: Path) -> None:
        self.proc = subprocess.Popen(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        port = None
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line and self.proc.poll() is not None:
                break
            if m := re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line):
                port = int(m.group(1))
        assert port, "chromium did not start its DevTools endpoint"
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30))
        page = next(t for t in targets if t.get("type") == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30,
                                             suppress_origin=True)
        self.next_id = 0

    def call(self, method: str, **params: object) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                assert "error" not in msg, msg
                return msg["result"]

    def js(self, expr: str) -> object:
        result = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        return result["result"].get("value")

    def wait_for(self, expr: str, timeout: float = 90) -> object:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.js(expr)
            if value:
                return value
            time.sleep(0.2)
        images = self.js("JSON.stringify([...document.images].map(i => [i.getAttribute('src'), i.complete,"
                         " i.naturalWidth]))")
        raise AssertionError(f"timed out waiting for {expr}; body: {self.js('document.body.innerText')!r}; "
                             f"images: {images}")

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def _leftovers(marker: str) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [ln for ln in out.splitlines() if marker in ln and "ps -eo" not in ln]


PAGES_LOADED = """(() => {
  const imgs = [...document.querySelectorAll('#pages img')];
  return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 400) &&
         document.body.dataset.version + ':' + imgs.length + ':' + imgs[0].getAttribute('src');
})()"""


def test_watch_page_follows_saves_and_shows_errors(project: Path, tmp_path: Path) -> None:
    plan, org = project / "plan.yaml", project / "orgs" / "q3.yaml"
    tmpdir = tmp_path / "t"     # kh's LibreOffice profile lives here: lets us look for leftovers
    tmpdir.mkdir()
    env = dict(os.environ, TMPDIR=str(tmpdir), PYTHONPATH=str(ROOT))
    kh = subprocess.Popen([sys.executable, "-m", "generator", "watch", "plan.yaml", "--dpi", "60"],
                          cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    browser = None
    try:
        first = kh.stdout.readline()
        url = re.search(r"(http://127\.0\.0\.1:\d+)(/[A-Za-z0-9_-]+/)", first)   # the page's token in the path
        assert url, first
        browser = Browser(tmp_path / "chromium")
        browser.call("Page.navigate", url=url.group(0))
        v1 = browser.wait_for(PAGES_LOADED)
        assert v1.startswith("1:") and "/pages/1/1.png" in v1
        assert "bản dựng #1" in browser.js("document.getElementById('status').textContent")
        assert "Thông tin, tuyên truyền năm 2025" in "\n".join(
            p.text for p in Document(project / "output" / "plan.docx").paragraphs)

        # Save a change to the plan: a new build, new page images in the same open page.
        plan.write_text(plan.read_text(encoding="utf-8").replace("Thông tin, tuyên truyền năm",
                                                                 "Tuyên truyền pháp luật năm"), encoding="utf-8")
        v2 = browser.wait_for(f"(() => {{ const v = {PAGES_LOADED}; return v && !v.startsWith('1:') && v; }})()")
        version = int(v2.split(":")[0])
        assert f"/pages/{version}/1.png" in v2
        texts = "\n".join(p.text for p in Document(project / "output" / "plan.docx").paragraphs)
        assert "Tuyên truyền pháp luật năm 2025" in texts

        # The organisation profile is an input too.
        org.write_text(org.read_text(encoding="utf-8").replace("Phạm Thị Thúy Hằng", "Nguyễn Văn An"),
                       encoding="utf-8")
        v3 = browser.wait_for(
            f"(() => {{ const v = {PAGES_LOADED}; return v && Number(v.split(':')[0]) > {version} && v; }})()")
        version = int(v3.split(":")[0])
        assert "Nguyễn Văn An" in "\n".join(p.text for t in Document(project / "output" / "plan.docx").tables
                                            for row in t.rows for c in row.cells for p in c.paragraphs)

        # Break the plan: the page shows the error with its line instead of the pages.
        lines = plan.read_text(encoding="utf-8").splitlines()
        n = next(i for i, ln in enumerate(lines) if ln.startswith("date:"))
        lines[n] = "date: 2025-02-30"
        plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
        error = browser.wait_for("(() => { const e = document.getElementById('error');"
                                 " return !e.hidden && e.textContent; })()")
        assert f"plan.yaml:{n + 1}:" in error and "date" in error, error
        assert browser.js("document.querySelectorAll('#pages img').length") == 0
        # ... and the last good pages are still reachable from the page.
        old = browser.js("[...document.querySelectorAll('#oldpages img')].map(i => i.getAttribute('src'))")
        assert old and old[0] == f"{url.group(2)}pages/{version}/1.png"
        with urllib.request.urlopen(url.group(1) + old[0], timeout=30) as resp:
            assert resp.read(8) == b"\x89PNG\r\n\x1a\n"

        # Fix it again: pages come back.
        lines[n] = "date: 2025-04-29"
        plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
        browser.wait_for(f"(() => {{ const v = {PAGES_LOADED}; return v && Number(v.split(':')[0]) > {version + 1}"
                         " && document.getElementById('error').hidden && v; })()")
    finally:
        if browser is not None:
            browser.close()
        kh.send_signal(signal.SIGINT)      # Ctrl-C
        try:
            out, err = kh.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            kh.kill()
            raise
    assert kh.returncode == 0, err
    assert "đã dừng (stopped)" in out
    assert "Traceback" not in err
    assert _leftovers(str(tmpdir)) == []          # no soffice left behind
    assert sorted(p.name for p in tmpdir.iterdir()) == []     # temporary profile and images removed
