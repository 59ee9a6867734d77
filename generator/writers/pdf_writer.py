"""Writer: .docx → PDF through LibreOffice (headless), for preview and page checks."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import KhError


def soffice() -> str | None:
    """Path of the LibreOffice binary, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, *, timeout: float = 120.0) -> bytes:
    """Convert .docx bytes to PDF bytes with a private LibreOffice profile."""
    exe = soffice()
    if exe is None:
        raise KhError("cần LibreOffice để xuất PDF (LibreOffice is needed for PDF):"
                      " apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory(prefix="kh-pdf-") as tmp:
        src = Path(tmp) / "plan.docx"
        src.write_bytes(docx)
        profile = Path(tmp) / "profile"
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", tmp, str(src)]
        env = dict(os.environ, HOME=tmp)
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=timeout, env=env)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise KhError(f"LibreOffice không chuyển được sang PDF (conversion failed): {exc}") from None
        out = Path(tmp) / "plan.pdf"
        if not out.is_file():
            raise KhError("LibreOffice không tạo ra tệp PDF (no PDF produced)")
        return out.read_bytes()
