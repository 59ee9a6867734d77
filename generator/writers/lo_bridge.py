"""A tiny converter run by a Python that has LibreOffice's ``uno`` module (e.g. Debian python3-uno).

It is started by :mod:`generator.writers.pdf_writer` as a script, never imported by kh: it
connects to a LibreOffice already listening on a named pipe, then reads one JSON request per line
on stdin (``{"src": "/x.docx", "dst": "/x.pdf"}``) and answers one JSON line on stdout
(``{"ok": true}`` or ``{"error": "..."}``). Standard library and ``uno`` only.
"""

from __future__ import annotations

import json
import sys
import time


def connect(pipe: str, timeout: float) -> object:
    """The LibreOffice desktop behind ``pipe``, retrying until it listens or ``timeout`` passes."""
    import uno

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # NoConnectException is a UNO exception class, not importable up front
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def prop(name: str, value: object) -> object:
    from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def convert(desktop: object, src: str, dst: str) -> None:
    import uno

    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                       (prop("Hidden", True), prop("ReadOnly", True)))
    if doc is None:
        raise RuntimeError(f"cannot open {src}")
    try:
        doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", "writer_pdf_Export"),))
    finally:
        doc.close(True)


def main() -> None:
    pipe = sys.argv[1]
    desktop = connect(pipe, float(sys.argv[2]) if len(sys.argv) > 2 else 60.0)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            convert(desktop, req["src"], req["dst"])
            answer: dict[str, object] = {"ok": True}
        except Exception as exc:  # report every failure to the caller, keep serving
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
