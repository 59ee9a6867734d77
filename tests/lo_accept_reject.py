"""Accept or reject every tracked change of .docx files in LibreOffice (headless), save as .docx.

Run with a Python that has the UNO bridge (Debian: python3-uno, i.e. /usr/bin/python3):

    /usr/bin/python3 tests/lo_accept_reject.py accept IN.docx OUT.docx [reject IN2.docx OUT2.docx ...]

Starts its own soffice with a private profile, drives ``.uno:AcceptAllTrackedChanges`` /
``.uno:RejectAllTrackedChanges`` through the dispatcher, checks that no change is left, stores
the result with the "MS Word 2007 XML" filter, and stops soffice. Exit 0 on success.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

COMMANDS = {"accept": ".uno:AcceptAllTrackedChanges", "reject": ".uno:RejectAllTrackedChanges"}


def _prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _connect(pipe: str, proc: subprocess.Popen) -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        if proc.poll() is not None:
            raise SystemExit(f"soffice exited early with {proc.returncode}")
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            time.sleep(0.25)
    raise SystemExit("could not connect to soffice")


def main(argv: list[str]) -> int:
    if not argv or len(argv) % 3:
        print(__doc__, file=sys.stderr)
        return 2
    jobs = [(argv[i], Path(argv[i + 1]).resolve(), Path(argv[i + 2]).resolve()) for i in range(0, len(argv), 3)]
    for mode, _, _ in jobs:
        if mode not in COMMANDS:
            print(f"unknown mode {mode!r} (accept|reject)", file=sys.stderr)
            return 2
    profile = Path(tempfile.mkdtemp(prefix="kh-lo-redline-"))
    pipe = f"kh_redline_{os.getpid()}"
    proc = subprocess.Popen(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
         "--nologo", "--nodefault", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ctx = _connect(pipe, proc)
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        for mode, src, dst in jobs:
            doc = desktop.loadComponentFromURL(src.as_uri(), "_blank", 0, (_prop("Hidden", True),))
            if doc is None:
                print(f"{src.name}: LibreOffice could not open it", file=sys.stderr)
                return 1
            try:
                before = doc.getRedlines().getCount() if hasattr(doc, "getRedlines") else -1
                frame = doc.getCurrentController().getFrame()
                dispatcher.executeDispatch(frame, COMMANDS[mode], "", 0, ())
                left = doc.getRedlines().getCount() if hasattr(doc, "getRedlines") else -1
                if left:
                    print(f"{src.name}: {left} tracked changes left after {mode} (had {before})", file=sys.stderr)
                    return 1
                doc.storeToURL(dst.as_uri(), (_prop("FilterName", "MS Word 2007 XML"),))
                print(f"{mode}: {src.name} ({before} changes) -> {dst.name}")
            finally:
                doc.close(True)
        return 0
    finally:
        try:
            desktop.terminate()  # type: ignore[possibly-undefined]
        except Exception:  # noqa: BLE001 - soffice may already be gone
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
