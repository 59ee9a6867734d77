"""The local page of ``kh watch``: current page images, or the plan's error, refreshed by polling.

A :class:`Preview` holds the state of the latest build (a version number, the page images of the
last good build, the error of a failed one). :func:`serve` answers on 127.0.0.1 only, under a
random token (``/<token>/``, printed by ``kh watch``):

- ``/<token>/``        the page (HTML + a few lines of JavaScript polling ``state`` every 0.4 s);
- ``/<token>/state``   JSON ``{"version", "ok", "error", "pages", "good_version", "built_at"}``;
- ``/<token>/pages/<good_version>/<n>.png``  page images of a good build (the last good one stays).

Other web sites: a request whose ``Host`` is not this server's own address (``127.0.0.1:<port>``,
``localhost:<port>``, ``[::1]:<port>``) gets 421 — a page of another site that re-points its own
name to 127.0.0.1 (DNS rebinding) sends its own name; a path without the token gets 403. No CORS
header is ever sent, so a page of another origin cannot read an answer either.
"""

from __future__ import annotations

import hmac
import html
import json
import re
import secrets
import shutil
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Preview:
    """Thread-safe state shared by the watch loop (writer) and the HTTP handlers (readers)."""

    def __init__(self, root: Path, title: str, token: str | None = None) -> None:
        self.root = root
        self.title = title
        self.token = token or secrets.token_urlsafe(24)   # the URL's secret part (no '/', no '%')
        self.lock = threading.Lock()
        self.version = 0
        self.good_version = 0
        self.ok = False
        self.error: str | None = None
        self.pages: list[Path] = []
        self.built_at = ""

    @property
    def base(self) -> str:
        """The path every URL of the page starts with: ``/<token>/``."""
        return f"/{self.token}/"

    def folder_for(self, version: int) -> Path:
        return self.root / f"v{version}"

    def publish_pages(self, version: int, pages: list[Path]) -> None:
        """A good build: its images (already in ``folder_for(version)``) become the current pages."""
        with self.lock:
            old = self.good_version
            self.version, self.good_version, self.ok, self.error = version, version, True, None
            self.pages = pages
            self.built_at = time.strftime("%H:%M:%S")
        if old and old != version:
            shutil.rmtree(self.folder_for(old), ignore_errors=True)

    def publish_error(self, version: int, error: str) -> None:
        """A failed build: the error is shown, the last good pages stay reachable."""
        with self.lock:
            self.version, self.ok, self.error = version, False, error
            self.built_at = time.strftime("%H:%M:%S")

    def state(self) -> dict[str, object]:
        with self.lock:
            return {
                "version": self.version, "ok": self.ok, "error": self.error, "built_at": self.built_at,
                "good_version": self.good_version,
                "pages": [f"{self.base}pages/{self.good_version}/{i}.png" for i in range(1, len(self.pages) + 1)],
            }

    def image(self, version: int, number: int) -> Path | None:
        with self.lock:
            if version != self.good_version or not 1 <= number <= len(self.pages):
                return None
            return self.pages[number - 1]


PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<title>kh — xem trước: {title}</title>
<style>
 body {{ background:#555; margin:0; font-family:sans-serif; }}
 header {{ background:#222; color:#eee; padding:6px 12px; position:sticky; top:0; font-size:14px; }}
 #pages img {{ display:block; margin:12px auto; background:#fff; box-shadow:0 0 6px #000; max-width:95vw; }}
 #error {{ background:#fff0f0; color:#900; margin:12px; padding:12px; white-space:pre-wrap;
          border:2px solid #c00; font:14px monospace; }}
 #old {{ color:#eee; margin:12px; }} #old img {{ opacity:.5; }}
 [hidden] {{ display:none !important; }}
</style></head>
<body>
<header><b>kh watch</b> — {title} — <span id="status">đang dựng (building)…</span></header>
<pre id="error" hidden></pre>
<div id="pages"></div>
<details id="old" hidden><summary>Trang của bản dựng tốt gần nhất (last good pages)</summary>
<div id="oldpages"></div></details>
<script>
let shown = -1;
function imgs(box, urls) {{
  box.replaceChildren(...urls.map((u, i) => {{
    const img = document.createElement("img"); img.src = u; img.alt = "trang " + (i + 1); return img; }}));
}}
async function poll() {{
  try {{
    const s = await (await fetch("{base}state", {{cache: "no-store"}})).json();
    if (s.version !== shown) {{
      shown = s.version;
      const err = document.getElementById("error"), old = document.getElementById("old");
      document.body.dataset.version = s.version;
      document.body.dataset.ok = s.ok;
      if (s.ok) {{
        err.hidden = true; old.hidden = true;
        imgs(document.getElementById("pages"), s.pages);
        document.getElementById("status").textContent =
          "bản dựng #" + s.version + " lúc " + s.built_at + " — " + s.pages.length + " trang (pages)";
      }} else if (s.error) {{
        err.textContent = s.error; err.hidden = false;
        document.getElementById("pages").replaceChildren();
        imgs(document.getElementById("oldpages"), s.pages); old.hidden = s.pages.length === 0;
        document.getElementById("status").textContent = "lỗi (error) lúc " + s.built_at;
      }}
    }}
  }} catch (e) {{
    document.getElementById("status").textContent = "mất kết nối với kh watch (disconnected)";
  }}
  setTimeout(poll, 400);
}}
poll();
</script>
</body></html>
"""

_IMAGE = re.compile(r"^pages/(\d+)/(\d+)\.png$")
#: Host names of this machine's loopback address, as a browser writes them in ``Host``.
_LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")


def host_allowed(host: str | None, port: int) -> bool:
    """Is ``host`` (a request's ``Host`` header) this server's own loopback address and port?"""
    if not host:
        return False
    name, _, given = host.strip().lower().rpartition(":")
    if not name or given.startswith("]"):     # no port: only the default one (80) may be left out
        name, given = host.strip().lower(), "80"
    return name in _LOCAL_NAMES and given == str(port)


def _handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = 30     # a connection that sends nothing does not hold its thread for ever

        def log_message(self, *_: object) -> None:   # quiet: the terminal shows builds, not requests
            pass

        def _send(self, code: int, body: bytes, ctype: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

        def _refuse(self, code: int, text: str) -> None:
            self._send(code, text.encode("utf-8"), "text/plain; charset=utf-8")

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            if not host_allowed(self.headers.get("Host"), self.server.server_address[1]):
                self._refuse(421, "chỉ trả lời 127.0.0.1/localhost (answers its own address only)")
                return
            path = self.path.split("?", 1)[0]
            base = preview.base
            head = path + "/" if len(path) == len(base) - 1 else path[:len(base)]   # "/<token>" is the page too
            if not hmac.compare_digest(head.encode("utf-8", "surrogateescape"), base.encode()):
                self._refuse(403, "thiếu mã trong địa chỉ (the URL printed by kh watch is needed)")
                return
            rest = path[len(base):]
            if rest in ("", "index.html"):
                body = PAGE.format(title=html.escape(preview.title), base=base).encode("utf-8")
                self._send(200, body, "text/html; charset=utf-8")
            elif rest == "state":
                self._send(200, json.dumps(preview.state(), ensure_ascii=False).encode("utf-8"),
                           "application/json; charset=utf-8")
            elif (m := _IMAGE.match(rest)) and (img := preview.image(int(m.group(1)), int(m.group(2)))):
                try:
                    self._send(200, img.read_bytes(), "image/png")
                except OSError:
                    self._send(404, b"gone", "text/plain")
            else:
                self._refuse(404, "không có (not found)")

    return Handler


class _Server(ThreadingHTTPServer):
    """The page's HTTP server: a connection the browser drops (a closed tab, a reset) is no error."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)   # type: ignore[arg-type]


def serve(preview: Preview, port: int = 0) -> ThreadingHTTPServer:
    """Start the page server on 127.0.0.1 (``port`` 0: a free one) in a background thread.

    The page is at ``http://127.0.0.1:<port>`` + ``preview.base``.
    """
    server = _Server(("127.0.0.1", port), _handler(preview))
    threading.Thread(target=server.serve_forever, name="kh-preview", daemon=True).start()
    return server
