"""``kh preview``: PNG images of the pages, one per PDF page, with real ink on them."""

from __future__ import annotations

import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from .conftest import run_kh

pytestmark = pytest.mark.requires("soffice", "poppler")


def png_size_and_ink(path: Path) -> tuple[int, int, float]:
    """Width, height and share of dark pixels of an 8-bit RGB PNG (decoded here, filters 0-4)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = depth = ctype = 0
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert depth == 8 and ctype == 2
    raw, stride, dark, prev = zlib.decompress(idat), width * 3, 0, bytearray(width * 3)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev, strict=True))
        else:
            assert kind == 0, "this decoder handles the filters kh writes"
        dark += sum(1 for x in range(0, stride, 3) if line[x] + line[x + 1] + line[x + 2] < 300)
        prev = line
    return width, height, dark / (width * height)


def _pages(pdf_of: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf_of)], capture_output=True, text=True, check=True).stdout
    return int(next(ln.split()[1] for ln in info.splitlines() if ln.startswith("Pages:")))


def test_preview_writes_one_image_per_page(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_kh("preview", "plans/binhtan-2021.yaml", "-d", str(out), "--dpi", "50")
    assert proc.returncode == 0, proc.stderr
    shown = [Path(line) for line in proc.stdout.splitlines()]
    assert shown == [out / f"binhtan-2021-{n}.png" for n in range(1, len(shown) + 1)]
    pdf = tmp_path / "b.pdf"
    assert run_kh("build", "plans/binhtan-2021.yaml", "-o", str(pdf)).returncode == 0
    assert len(shown) == _pages(pdf) >= 3
    portrait = png_size_and_ink(shown[0])
    assert abs(portrait[0] - 413) <= 1 and abs(portrait[1] - 585) <= 1     # A4 at 50 dpi, portrait
    assert 0.005 < portrait[2] < 0.5                     # text on the page, not a blank sheet
    # binhtan-2021's appendix table is landscape: its page image is wider than tall.
    assert any(w > h for w, h, _ in map(png_size_and_ink, shown[1:]))


def test_preview_one_page_and_errors(tmp_path: Path, project: Path) -> None:
    out = tmp_path / "out"
    proc = run_kh("preview", "plan.yaml", "-d", str(out), "--page", "2", "--dpi", "40", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [str(out / "plan-2.png")]
    assert png_size_and_ink(out / "plan-2.png")[2] > 0.0001     # a few lines of text, not blank
    assert sorted(p.name for p in out.iterdir()) == ["plan-2.png"]

    proc = run_kh("preview", "plan.yaml", "-d", str(out), "--page", "40", cwd=project)
    assert proc.returncode == 1 and "không có trang 40" in proc.stderr and "no page 40" in proc.stderr

    plan = project / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("number: 118", "number: [118]"), encoding="utf-8")
    proc = run_kh("preview", "plan.yaml", "-d", str(tmp_path / "none"), cwd=project)
    assert proc.returncode == 2 and "plan.yaml:2:" in proc.stderr
    assert not (tmp_path / "none").exists()
