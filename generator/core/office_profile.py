"""The LibreOffice profile every ``soffice`` that kh starts runs with: no network access, no macros.

kh hands LibreOffice documents it did not write (``kh import`` of a received .odt/.doc/.rtf) and
.docx files built from shared templates (PDF, previews). Such a document can link an image, an
OLE object or a paragraph background to a URL; LibreOffice fetches it while converting, so the
document's author learns who opened it and when, or reaches an internal address (issue 20, R3-09).
Three independent layers stop that; on LibreOffice 7.4 each was measured alone against a
listener on 127.0.0.1 (the profile alone and the environment alone are tests in
``tests/test_convert_safety.py``):

1. ``Security/Scripting/BlockUntrustedRefererLinks``: the links of a document outside the trusted
   locations (none are trusted here) are not loaded: linked images and OLE objects over http,
   https, ftp, WebDAV and file: (a Windows UNC path is a file: URL there; not measured). It does not
   cover every kind: a paragraph's background image is still fetched with it alone.
2. A manual proxy in the profile (``org.openoffice.Inet/Settings``) for http, https and ftp, with
   an empty no-proxy list: every remote request goes to :data:`DEAD_PROXY_PORT` on 127.0.0.1,
   where nothing listens (a port below 1024: no ordinary user can open it). It stops the
   background image too.
3. The same dead proxy in the environment (``http_proxy`` … ``all_proxy``, ``no_proxy`` emptied),
   for anything that reads the environment instead of the profile: on Unix, LibreOffice's own
   "system" proxy setting (its default, overridden by 2.) is the environment.

Macros are switched off as well (``DisableMacrosExecution``, highest security level, no trusted
locations), so a received document's macros cannot run (not measured: a headless conversion was
not seen running a document's Basic macro even without these settings).

Use :func:`write_profile` on the folder given to ``-env:UserInstallation`` before starting
LibreOffice and add the returned variables to its environment; after killing a LibreOffice,
:func:`remove_pipe` removes the socket it leaves in /tmp.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

#: Where every remote request of LibreOffice is sent: the "discard" port of the local machine. A
#: port below 1024, so no ordinary local user can listen there and receive the requests.
DEAD_PROXY_HOST = "127.0.0.1"
DEAD_PROXY_PORT = 9
DEAD_PROXY_URL = f"http://{DEAD_PROXY_HOST}:{DEAD_PROXY_PORT}"

_SCRIPTING = "/org.openoffice.Office.Common/Security/Scripting"
_INET = "/org.openoffice.Inet/Settings"
#: ooInetProxyType: 0 none, 1 system ("automatic"), 2 manual (ucbhelper's proxydecider.cxx).
_MANUAL_PROXY = "2"

#: (configuration path, property, value): the profile's settings. ``None`` is an empty list.
SETTINGS: tuple[tuple[str, str, str | None], ...] = (
    (_SCRIPTING, "BlockUntrustedRefererLinks", "true"),
    (_SCRIPTING, "SecureURL", None),                  # no trusted locations
    (_SCRIPTING, "DisableMacrosExecution", "true"),
    (_SCRIPTING, "MacroSecurityLevel", "3"),          # very high: only signed macros, from trusted places
    (_INET, "ooInetProxyType", _MANUAL_PROXY),
    (_INET, "ooInetNoProxy", ""),
    (_INET, "ooInetHTTPProxyName", DEAD_PROXY_HOST),
    (_INET, "ooInetHTTPProxyPort", str(DEAD_PROXY_PORT)),
    (_INET, "ooInetHTTPSProxyName", DEAD_PROXY_HOST),
    (_INET, "ooInetHTTPSProxyPort", str(DEAD_PROXY_PORT)),
    (_INET, "ooInetFTPProxyName", DEAD_PROXY_HOST),
    (_INET, "ooInetFTPProxyPort", str(DEAD_PROXY_PORT)),
)

#: Proxy variables read by libcurl, LibreOffice's "system" proxy and most other clients.
PROXY_VARIABLES = ("http_proxy", "https_proxy", "ftp_proxy", "all_proxy",
                   "HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "ALL_PROXY")
#: Exceptions to the proxy: emptied, so no host is exempt.
NO_PROXY_VARIABLES = ("no_proxy", "NO_PROXY")


def registry_xml() -> str:
    """The ``registrymodifications.xcu`` text holding :data:`SETTINGS`."""
    items = []
    for path, name, value in SETTINGS:
        body = "<value/>" if value is None else f"<value>{escape(value)}</value>"
        items.append(f'<item oor:path={quoteattr(path)}><prop oor:name={quoteattr(name)} oor:op="fuse">'
                     f"{body}</prop></item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
            + "\n".join(items) + "\n</oor:items>\n")


def offline_env() -> dict[str, str]:
    """Environment additions that send any proxy-aware request to the dead local port."""
    return {**{name: DEAD_PROXY_URL for name in PROXY_VARIABLES}, **{name: "" for name in NO_PROXY_VARIABLES}}


def write_profile(profile: Path) -> dict[str, str]:
    """Write the settings into the LibreOffice user installation ``profile`` (the folder passed as
    ``-env:UserInstallation``; created if missing) and return the environment additions for it."""
    user = Path(profile) / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(registry_xml(), encoding="utf-8")
    return offline_env()


def pipe_paths(profile: Path) -> list[Path]:
    """Where LibreOffice running on ``profile`` keeps its single-instance pipe (POSIX): a socket
    ``OSL_PIPE_<uid>_SingleOfficeIPC_<md5>`` in /tmp (else /var/tmp), named after the MD5 of the
    profile's URL in UTF-16, symbolic links resolved (desktop/source/app/officeipcthread.cxx,
    CreateMD5FromString: each byte in hex without its leading zero). Empty where there is none."""
    if os.name != "posix":
        return []          # Windows: a named pipe, gone with the process
    encoding = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"
    names = []
    for url in dict.fromkeys((Path(profile).resolve().as_uri(), Path(profile).absolute().as_uri())):
        digest = hashlib.md5(url.encode(encoding), usedforsecurity=False).digest()
        names.append(f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_" + "".join(format(b, "x") for b in digest))
    return [Path(folder) / name for name in names for folder in ("/tmp", "/var/tmp")]


def remove_pipe(profile: Path) -> None:
    """Remove the pipe socket of a LibreOffice that was killed while running on ``profile`` (one
    that ends by itself removes it). Only sockets are removed; the name is unique to the profile."""
    for path in pipe_paths(profile):
        try:
            if stat.S_ISSOCK(os.lstat(path).st_mode):
                os.unlink(path)
        except OSError:
            pass
