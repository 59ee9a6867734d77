"""Older formats (.doc, .odt, .rtf) → .docx through LibreOffice headless, when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CONVERTIBLE = (".doc", ".odt", ".rtf", ".docm", ".dot", ".dotx", ".wpd")
INSTALL = "sudo apt-get install -y libreoffice-writer-nogui   (macOS: brew install --cask libreoffice)"


class ConvertError(RuntimeError):
    """LibreOffice is missing or could not convert the file."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(path: Path, timeout: int = 180) -> bytes:
    """The .docx bytes of ``path``, converted by LibreOffice with its own throw-away profile."""
    exe = soffice()
    if exe is None:
        raise ConvertError(
            f"{path}: cần LibreOffice để đọc tệp {path.suffix} nhưng máy chưa cài"
            f" (LibreOffice is needed to read {path.suffix} files and is not installed).\n"
            f"    cài đặt (install): {INSTALL}\n"
            f"    hoặc mở tệp bằng Word và lưu thành .docx (or save it as .docx from Word)")
    with tempfile.TemporaryDirectory(prefix="kh-import-") as tmp:
        profile = Path(tmp) / "profile"
        out = Path(tmp) / "out"
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(path.resolve())]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ConvertError(f"{path}: LibreOffice quá {timeout} giây (conversion timed out)") from None
        result = out / (path.stem + ".docx")
        if proc.returncode != 0 or not result.is_file():
            raise ConvertError(f"{path}: LibreOffice không chuyển được tệp (conversion failed):"
                               f" {(proc.stderr or proc.stdout).strip()[:300]}")
        return result.read_bytes()
