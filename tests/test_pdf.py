"""LibreOffice renders every example: A4 portrait pages, page numbers from page 2, footnotes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from generator.writers.pdf_writer import Converter

from .conftest import EXAMPLES, ROOT, need, run_kh

pytestmark = pytest.mark.requires("soffice", "poppler")


@pytest.fixture(scope="module")
def pdfs(built_examples, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    result = {}
    with Converter() as conv:     # one LibreOffice for every example
        converted = conv.convert_many([built_examples[name].read_bytes() for name in EXAMPLES])
    for name, data in zip(EXAMPLES, converted, strict=True):
        assert isinstance(data, bytes), data
        path = out / f"{name}.pdf"
        path.write_bytes(data)
        result[name] = path
    return result


def _pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def _info(pdf) -> str:
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("name", EXAMPLES)
def test_a4_portrait_and_page_numbers(pdfs, name):
    info = _info(pdfs[name])
    assert "595.3" in info and "841.89" in info      # A4 in points, portrait
    pages = _pages(pdfs[name])
    assert len(pages) >= 3
    first = [ln.strip() for ln in pages[0].splitlines() if ln.strip()]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first[0]
    # Page 1 of each part (the plan, a decision's attached plan, each appendix) shows no number;
    # the next pages count on from it: 2, 3, ...
    expected = 1
    for i, page in enumerate(pages, start=1):
        top = next(ln.strip() for ln in page.splitlines() if ln.strip())
        if top.isdigit():
            expected += 1
            assert i > 1 and top == str(expected), f"page {i} shows {top!r}, expected {expected}"
        else:   # only the first page of a part may go unnumbered (a report form sent without a
            # "Phụ lục" label opens with its "Tên đơn vị:" line)
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in top or top.startswith(("Phụ lục", "Tên đơn vị:")), (i, top)
            expected = 1


def test_footnotes_sit_at_the_foot_of_their_page(pdfs):
    for page in _pages(pdfs["quan3-2025"]):
        if "Quyết định số 3637/QĐ-UBND" not in page:
            continue
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        note = next(i for i, ln in enumerate(lines) if "Quyết định số 3637/QĐ-UBND ngày 20" in ln)
        body = max(i for i, ln in enumerate(lines) if "Chương trình tổng thể cải cách hành chính trên" in ln)
        assert note > body and note >= len(lines) - 12
        return
    pytest.fail("footnote text not found in the PDF")


def test_signature_block_is_on_the_last_page(pdfs):
    last = _pages(pdfs["quan3-2025"])[-1]
    assert "Nơi nhận:" in last and "KT. CHỦ TỊCH" in last and "Phạm Thị Thúy Hằng" in last
    assert "- Lưu: VT, NV, Nhân." in last


def test_cli_pdf_output(tmp_path):
    out = tmp_path / "b.pdf"
    proc = run_kh("build", "plans/binhtan-2021.yaml", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"%PDF")


def _leftovers(marker: str) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [ln for ln in out.splitlines() if marker in ln and "ps -eo" not in ln]


def _times_new_roman_missing() -> bool:
    family = subprocess.run(["fc-match", "-f", "%{family}", "Times New Roman"], capture_output=True,
                            text=True).stdout
    return "Times New Roman" not in family


@pytest.mark.parametrize("mode", ["server", "batch"])
def test_folder_to_pdf_with_one_libreoffice(tmp_path, mode):
    """Every plan of a folder becomes a PDF in one run; LibreOffice and its files are gone afterwards."""
    if mode == "server":
        need("uno")
    tmpdir = tmp_path / "t"
    tmpdir.mkdir()
    env = dict(os.environ, TMPDIR=str(tmpdir), KH_PDF_MODE=mode)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "plans", "--to", "pdf", "-d", str(out)],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    for name in EXAMPLES:
        pages = _pages(out / f"{name}.pdf")
        assert len(pages) >= 3 and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pages[0]
    fonts = subprocess.run(["pdffonts", str(out / "quan3-2025.pdf")], capture_output=True, text=True).stdout
    if _times_new_roman_missing():
        # the stand-in is named, once for the whole run, and it is the metric-compatible one
        assert proc.stderr.count("Times New Roman") == 2 and proc.stderr.count("lưu ý:") == 1, proc.stderr
        assert "Liberation Serif" in proc.stderr
        assert "LiberationSerif" in fonts
    else:
        assert "lưu ý" not in proc.stderr and "TimesNewRoman" in fonts.replace(" ", "")
    assert _leftovers(str(tmpdir)) == []
    assert sorted(p.name for p in tmpdir.iterdir()) == []
