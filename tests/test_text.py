"""`kh text FILE.docx`: any .docx's text in reading order, and its use as git's textconv."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from .conftest import EXAMPLES, need, run_kh

KH = Path(sys.executable).with_name("kh")


def kh_text(path: Path) -> list[str]:
    proc = run_kh("text", str(path))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


@pytest.mark.parametrize("name", EXAMPLES)
def test_reading_order_of_examples(name: str, built_examples: dict[str, Path]) -> None:
    """Every paragraph python-docx sees comes out once, in order; footnotes last with their numbers."""
    lines = kh_text(built_examples[name])
    document = docx.Document(str(built_examples[name]))
    expected = [" ".join(p.text.replace("\xa0", " ").split("\n")).strip() for p in document.paragraphs
                if p.text.strip()]
    body = [re.sub(r"\[\d+\]", "", ln) for ln in lines]   # python-docx does not show note marks
    pos = 0
    for text in expected:
        assert text in body[pos:], f"{text[:60]!r} missing or out of order"
        pos = body.index(text, pos) + 1
    marks = [int(m) for ln in lines for m in re.findall(r"\[(\d+)\]", ln) if not re.match(r"^\[\d+\] ", ln)]
    notes = [ln for ln in lines if re.match(r"^\[\d+\] ", ln)]
    assert marks == list(range(1, len(marks) + 1))   # numbered in reading order, as Word prints them
    assert [int(n[1:n.index("]")]) for n in notes] == marks
    if marks:
        assert lines[-len(notes) - 1] == ""            # footnotes after a blank line, at the end


def test_heading_block_tables_and_footnotes(built_examples: dict[str, Path]) -> None:
    lines = kh_text(built_examples["quan3-2025"])
    assert lines[:7] == ["ỦY BAN NHÂN DÂN", "QUẬN 3", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                         "Độc lập - Tự do - Hạnh phúc", "Số: 118/KH-UBND | Quận 3, ngày 29 tháng 4 năm 2025",
                         "KẾ HOẠCH",
                         "Thông tin, tuyên truyền cải cách hành chính trên địa bàn Quận 3 năm 2025"]
    assert "I. MỤC ĐÍCH, YÊU CẦU" in lines
    sign = lines.index("Nơi nhận:")
    assert lines[sign + 1] == "- Sở Nội vụ Thành phố;" and "Phạm Thị Thúy Hằng" in lines[sign:]
    assert lines[-1].startswith("[6] Chỉ thị số 06/CT-UBND")
    table = kh_text(built_examples["binhtan-2021"])
    assert "STT | Nội dung công việc | Cơ quan, đơn vị chủ trì | Cơ quan, đơn vị phối hợp | Thời gian thực hiện" \
        " | Dự kiến sản phẩm" in table
    assert any(ln.startswith("1 | Tổ chức Hội nghị tổng kết") and ln.endswith("| Quý I/2021 | Hội nghị tổng kết")
               for ln in table)


def test_any_docx_and_tracked_changes(tmp_path: Path) -> None:
    """A document kh did not make: a table, and tracked changes read as accepted."""
    d = docx.Document()
    d.add_paragraph("Đoạn một")
    para = d.add_paragraph("Giữ ")
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    from lxml import etree
    para._p.append(etree.fromstring(
        f'<w:ins xmlns:w="{w}" w:id="1" w:author="a" w:date="2026-01-01T00:00:00Z"><w:r><w:t>mới</w:t></w:r></w:ins>'))
    para._p.append(etree.fromstring(
        f'<w:del xmlns:w="{w}" w:id="2" w:author="a" w:date="2026-01-01T00:00:00Z"><w:r><w:delText>cũ</w:delText>'
        '</w:r></w:del>'))
    table = d.add_table(rows=2, cols=2)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"ô {r}{c}"
    d.add_paragraph("")   # empty paragraphs are not lines
    d.add_paragraph("Cuối")
    path = tmp_path / "khac.docx"
    d.save(str(path))
    assert kh_text(path) == ["Đoạn một", "Giữ mới", "ô 00 | ô 01", "ô 10 | ô 11", "Cuối"]


def test_not_a_docx(tmp_path: Path) -> None:
    bad = tmp_path / "x.docx"
    bad.write_text("không phải docx", encoding="utf-8")
    proc = run_kh("text", str(bad))
    assert proc.returncode == 2
    assert str(bad) in proc.stderr and "không phải tệp Word .docx" in proc.stderr and proc.stdout == ""


def test_git_diff_shows_only_the_changed_paragraph(tmp_path: Path, project: Path) -> None:
    """Two builds committed in a repository with `*.docx diff=kh`: git diff shows one paragraph changed."""
    need("git")
    assert KH.exists(), f"{KH} (the installed kh command) is needed as git's textconv"
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]

    def sh(*args: str) -> str:
        proc = subprocess.run(list(args), cwd=repo, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    sh("git", "init", "-q")
    (repo / ".gitattributes").write_text("*.docx diff=kh\n", encoding="utf-8")
    sh("git", "config", "diff.kh.textconv", f"{KH} text")
    plan = project / "plan.yaml"
    out = repo / "ke-hoach.docx"
    assert run_kh("build", str(plan), "-o", str(out), "-q").returncode == 0
    sh(*git, "add", ".")
    sh(*git, "commit", "-qm", "v1")
    plan.write_text(plan.read_text(encoding="utf-8").replace("Triển khai tập huấn", "Triển khai tập huấn trực tuyến"),
                    encoding="utf-8")
    assert run_kh("build", str(plan), "-o", str(out), "-q").returncode == 0
    diff = sh("git", "diff", "--no-color", "-U0")
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    assert changed == ["-- Triển khai tập huấn", "+- Triển khai tập huấn trực tuyến"], diff
    assert "Binary files" not in diff
