"""What real district and ward plans write (issue 9), end to end through the real CLI.

Text after the end mark, colons on assignment headings, "Thực hiện ..." bases joined with the
lead-in and dates kept as printed, line breaks in titles, report forms as offices print them,
warnings for columns too narrow for their words, and the ward example using all of them.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import docx
import pytest
import yaml

from .conftest import PLANS, have, nd30check, run_kh, shared_nd30check
from .wordclean import assert_word_clean

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _edit(project: Path, **changes: object) -> Path:
    """Rewrite the scratch plan with ``changes`` (top-level keys; None removes a key)."""
    path = project / "plan.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _build(project: Path, fmt: str = "docx") -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = project / "out"
    proc = run_kh("build", str(project / "plan.yaml"), "--outdir", str(out), "--to", fmt)
    assert proc.returncode == 0, proc.stderr
    return out / f"plan.{fmt}", proc


def _txt(project: Path) -> list[str]:
    path, _ = _build(project, "txt")
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _para_lines(p) -> list[str]:
    """A paragraph's text split at its line breaks (w:br), as a reader sees it."""
    text = "".join("\n" if el.tag == f"{W}br" else (el.text or "") for el in p._p.iter(f"{W}t", f"{W}br"))
    return text.split("\n")


def _no_surprises(path: Path) -> None:
    result = nd30check(path)
    assert not result.unexpected_failures(), result.output


def _check_fails(project: Path) -> str:
    proc = run_kh("check", str(project / "plan.yaml"))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert not (project / "out").exists()
    return proc.stderr


# ------------------------------------------------------------------ the end mark
def test_text_after_the_end_mark(project):
    _edit(project, after_end="*(Kèm theo mẫu báo cáo kết quả thực hiện)*")
    lines = _txt(project)
    i = lines.index("Trên đây là Kế hoạch năm 2025./.")
    assert lines[i + 1:i + 3] == ["(Kèm theo mẫu báo cáo kết quả thực hiện)", "Nơi nhận:"]

    path, _ = _build(project)
    document = docx.Document(str(path))
    body = [p.text for p in document.paragraphs if p.text]
    assert body[-1] == "Trên đây là Kế hoạch năm 2025./."      # the content still ends with the mark
    closing = document.tables[-1]
    first = closing.rows[0].cells[0]
    assert first.text == "(Kèm theo mẫu báo cáo kết quả thực hiện)"
    assert first.paragraphs[0].runs[0].italic
    assert closing.rows[1].cells[0].paragraphs[0].text == "Nơi nhận:"   # right above Nơi nhận
    _no_surprises(path)


def test_text_after_the_end_mark_of_a_plan_issued_by_a_decision(project):
    ref = {"kind": "Quyết định", "number": "1963/QĐ-UBND", "date": "2021-05-28", "issuer": "Chủ tịch UBND"}
    _edit(project, attached_to=ref)
    path, _ = _build(project)
    # nd30check mistakes "II. TỔ CHỨC ..." + "1. Phòng Nội vụ quận" of an attached plan (no Nơi nhận)
    # for a signature block, with or without the line: the line must add no failure of its own
    before = nd30check(path).failed
    _edit(project, after_end="(Kèm theo mẫu báo cáo)")
    path, _ = _build(project)
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[-1] == "Trên đây là Kế hoạch năm 2025./."           # no Nơi nhận: the line follows the content
    assert document.tables[-1].rows[0].cells[0].text == "(Kèm theo mẫu báo cáo)"
    body = document.element.body
    assert body.index(document.tables[-1]._tbl) > body.index(document.paragraphs[-2]._p)
    assert nd30check(path).failed == before
    assert_word_clean(path)


# ------------------------------------------------------------------ assignment headings
def test_assignment_colon_per_plan_and_per_section(project):
    plan = yaml.safe_load((project / "plan.yaml").read_text(encoding="utf-8"))
    deeper = {"title": "Phân công chi tiết", "sections": [
        {"title": "Các phòng", "assignments": [{"unit": "noi-vu", "tasks": ["Theo dõi"]}]}]}
    sections = plan["sections"] + [deeper]
    _edit(project, assignment_colon=True, sections=sections)
    lines = _txt(project)
    assert "1. Phòng Nội vụ quận:" in lines
    assert "2. Kính đề nghị Ban Tuyên giáo và Dân vận Quận ủy:" in lines
    assert "a) Phòng Nội vụ quận:" in lines                        # a point-level heading too
    path, _ = _build(project)
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    assert "1. Phòng Nội vụ quận:" in texts and "a) Phòng Nội vụ quận:" in texts
    _no_surprises(path)

    sections[1]["assignment_colon"] = False                          # one section overrides the plan
    _edit(project, sections=sections)
    lines = _txt(project)
    assert "1. Phòng Nội vụ quận" in lines and "a) Phòng Nội vụ quận:" in lines


# ------------------------------------------------------------------ bases with the lead-in
def test_basis_joined_with_the_intro_and_printed_date(project):
    plan = yaml.safe_load((project / "plan.yaml").read_text(encoding="utf-8"))
    bases = plan["bases"] + [{"lead": "Thực hiện", "with_intro": True, "kind": "Kế hoạch", "number": "33/KH-UBND",
                              "date": "24/01/2025", "issuer": "Ủy ban nhân dân Quận 3",
                              "subject": "cải cách hành chính năm 2025"}]
    _edit(project, bases=bases, intro="Ủy ban nhân dân phường Võ Thị Sáu triển khai thực hiện như sau:")
    joined = ("Thực hiện Kế hoạch số 33/KH-UBND ngày 24/01/2025 của Ủy ban nhân dân Quận 3 về cải cách hành"
              " chính năm 2025; Ủy ban nhân dân phường Võ Thị Sáu triển khai thực hiện như sau:")
    lines = _txt(project)
    i = lines.index(joined)
    assert lines[i - 1].startswith("Căn cứ Kế hoạch số 1895/KH-UBND ngày 26 tháng 3 năm 2024")
    assert lines[i - 1].endswith(".")                                # the Căn cứ block still closes with "."

    path, _ = _build(project)
    paras = [p for p in docx.Document(str(path)).paragraphs if p.text]
    k = [p.text for p in paras].index(joined)
    assert paras[k].style.name == "KH Body" and not any(r.italic for r in paras[k].runs)
    assert paras[k - 1].style.name == "KH Basis"
    result = nd30check(path)
    assert "BODY-CANCU" in result.passed
    if have("shared"):   # the second opinion also sees the one basis as a căn cứ line
        theirs = shared_nd30check(path)
        assert re.search(r"PASS BODY-CANCU 1 căn cứ line", theirs.output), theirs.output
    _no_surprises(path)


def test_joined_basis_errors(project):
    plan = yaml.safe_load((project / "plan.yaml").read_text(encoding="utf-8"))
    joined = {"lead": "Thực hiện", "with_intro": True, "text": "Kế hoạch số 33/KH-UBND"}
    path = _edit(project, bases=[joined] + plan["bases"])
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "with_intro" in text)
    err = _check_fails(project)
    assert f"plan.yaml:{line}:" in err and "bases[0].with_intro: " in err and "cuối" in err   # at the key itself
    _edit(project, bases=[joined], intro=None)
    assert "bases[0].with_intro: " in (err := _check_fails(project)) and "'intro'" in err
    bad = dict(plan["bases"][0], date="31/02/2025")
    _edit(project, bases=[bad], intro="Như sau:")
    err = _check_fails(project)
    assert "plan.yaml:" in err and "bases[0].date" in err and "31/02/2025" in err


# ------------------------------------------------------------------ line breaks in titles
def test_line_breaks_in_titles_are_the_same_in_every_writer(project):
    decision = {"number": 1963, "date": "2025-04-29", "subject": "Về việc ban hành Kế hoạch\nthông tin năm 2025",
                "articles": ["Ban hành kèm theo Quyết định này Kế hoạch.", "Quyết định có hiệu lực từ ngày ký."],
                "recipients": ["Như Điều 2"], "signer": "hang"}
    appendix = {"type": "report", "title": "Mẫu báo cáo kết quả\nquý I/2025", "topics": ["Số tin"],
                "fields": ["Kết quả"]}
    _edit(project, subject="Thông tin, tuyên truyền\nnăm {{ year }}", decision=decision, appendices=[appendix],
          number=None, recipients=None, archive=None, signer=None)
    lines = _txt(project)
    path, _ = _build(project)
    document = docx.Document(str(path))
    docx_lines = [line for p in document.paragraphs for line in _para_lines(p) if line]
    for title in (["Về việc ban hành Kế hoạch", "thông tin năm 2025"], ["Thông tin, tuyên truyền", "năm 2025"],
                  ["MẪU BÁO CÁO KẾT QUẢ", "QUÝ I/2025"]):
        i = lines.index(title[0])
        assert lines[i:i + 2] == title, title
        j = docx_lines.index(title[0])
        assert docx_lines[j:j + 2] == title, title
    titled = next(p for p in document.paragraphs if p.text.startswith("MẪU BÁO CÁO"))
    assert titled._p.findall(f".//{W}br"), "the appendix title breaks its line, not a space"
    _no_surprises(path)


# ------------------------------------------------------------------ report forms
FORM = {"type": "report", "title": "Kết quả thực hiện năm {{ year }}", "heading": "Báo cáo", "label": False,
        "unit_line": "above", "stt": False, "topics": ["Số tin, bài", "Số hội nghị"], "fields": ["Kết quả", "Ghi chú"],
        "notes": "Gửi báo cáo trước ngày 15 của tháng cuối quý."}


def test_report_form_as_offices_print_it(project):
    tasks = [{"tasks": [{"task": "Tổ chức hội nghị", "lead": "noi-vu", "timing": {"quarter": 1}}]}]
    plan = yaml.safe_load((project / "plan.yaml").read_text(encoding="utf-8"))
    plan["sections"][0]["sections"][0]["bullets"].append("Báo cáo theo {{ appendices[1] }}; nhiệm vụ tại"
                                                         " {{ appendices[0] }}")
    _edit(project, tasks=tasks, sections=plan["sections"],
          appendices=[{"type": "tasks", "title": "Nhiệm vụ"}, FORM])
    path, _ = _build(project)
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs if p.text]
    assert any(t.startswith("- Báo cáo theo mẫu báo cáo; nhiệm vụ tại Phụ lục") for t in texts)
    assert [t for t in texts if t.startswith("Phụ lục")] == ["Phụ lục"]   # the form takes no label nor number
    # the form's page: unit line first, then the two-line title, then the Kèm theo line
    last = document.sections[-1]
    start = texts.index(next(t for t in texts if t.startswith("Tên đơn vị:")))
    assert texts[start + 1:start + 3] == ["BÁO CÁO", "Kết quả thực hiện năm 2025"]
    assert texts[start + 3].startswith("(Kèm theo Kế hoạch số 118/KH-UBND")
    assert last.start_type is not None
    form = document.tables[-2]                                          # the last is the signature places
    assert [c.text for c in form.rows[0].cells] == ["Nội dung", "Kết quả", "Ghi chú"]   # no STT column
    assert [r.cells[0].text for r in form.rows[1:]] == ["1. Số tin, bài", "2. Số hội nghị"]
    _no_surprises(path)
    assert_word_clean(path)
    lines = _txt(project)
    i = lines.index("BÁO CÁO")
    assert lines[i - 1].startswith("Tên đơn vị:") and lines[i + 1] == "Kết quả thực hiện năm 2025"


def test_report_form_option_errors(project):
    _edit(project, appendices=[dict(FORM, label=True)])
    assert "unit_line" in _check_fails(project)
    _edit(project, tasks=[{"tasks": [{"task": "Việc", "lead": "noi-vu"}]}],
          appendices=[{"type": "tasks", "title": "Nhiệm vụ", "stt": False}])
    assert "stt" in _check_fails(project)


needs_soffice = pytest.mark.requires("soffice", "poppler")


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


@needs_soffice
def test_report_form_signatures_stay_with_the_table_in_pdf(project):
    topics = [f"Nội dung báo cáo số {i} về kết quả thực hiện nhiệm vụ trong quý" for i in range(1, 16)]
    short = dict(FORM, topics=topics[:4], title="Ngắn")
    _edit(project, appendices=[short, dict(FORM, topics=topics, title="Dài")])
    path, _ = _build(project, "pdf")
    pages = [p for p in _pages(path) if p.strip()]
    form_pages = [p for p in pages if "Tên đơn vị:" in p or "THỦ TRƯỞNG ĐƠN VỊ" in p or "Nội dung báo cáo" in p]
    short_page = next(p for p in form_pages if "NGẮN" in p.upper())
    assert "THỦ TRƯỞNG ĐƠN VỊ" in short_page and "4. Nội dung" in short_page   # fits: one page
    long_pages = form_pages[form_pages.index(short_page) + 1:]
    sign_page = next(p for p in long_pages if "THỦ TRƯỞNG ĐƠN VỊ" in p)
    # the long form does not fit one page: its last row goes over with the note and signatures,
    # so the signature places never stand alone on an almost empty page
    assert "15. Nội dung" in sign_page and "Gửi báo cáo trước ngày 15" in sign_page
    assert "Người thực hiện" in sign_page and "(Ký tên và đóng dấu)" in sign_page


# ------------------------------------------------------------------ narrow columns
@needs_soffice
def test_narrow_column_warns_at_build_time_and_would_split_the_word(project):
    columns = [{"key": "stt", "width": 0.5}, {"key": "task", "width": 6}, {"key": "lead", "width": 3}]
    _edit(project, tasks=[{"tasks": [{"task": "Tổ chức hội nghị", "lead": "noi-vu"}]}],
          appendices=[{"type": "tasks", "title": "Nhiệm vụ", "columns": columns}])
    path, proc = _build(project, "pdf")
    assert path.is_file()                                               # the build still succeeds
    assert "cảnh báo (warning): Phụ lục, cột 'STT'" in proc.stderr
    assert "width: 0.7 cho cột 'stt'" in proc.stderr and "landscape: true" in proc.stderr
    assert proc.stderr.count("cảnh báo") == 1                          # only the column that is too narrow
    table_page = next(p for p in _pages(path) if "NHIỆM VỤ" in p)
    assert not re.search(r"\bSTT\b", table_page) and "Nội dung công việc" in table_page   # split, as warned

    columns[0]["width"] = 0.7                                           # the suggested width: no warning
    _edit(project, appendices=[{"type": "tasks", "title": "Nhiệm vụ", "columns": columns}])
    _, proc = _build(project, "txt")
    assert "cảnh báo" not in proc.stderr


def test_narrow_column_advice_without_widths(project):
    tasks = [{"tasks": [{"task": "Việc", "lead": "noi-vu", "product": "Báo-cáo-tổng-hợp-kết-quả-thực-hiện"}]}]
    _edit(project, tasks=tasks, appendices=[{"type": "tasks", "title": "Nhiệm vụ"}])
    _, proc = _build(project, "txt")
    assert "cột 'Dự kiến sản phẩm'" in proc.stderr and "khai báo 'columns'" in proc.stderr
    assert "landscape: true" in proc.stderr


# ------------------------------------------------------------------ the ward example
def test_ward_example_uses_every_option(tmp_path):
    source = (PLANS / "vothisau-2025.yaml").read_text(encoding="utf-8")
    for key in ("after_end:", "assignment_colon: true", "with_intro: true", "date: 29/4/2025", "label: false",
                "unit_line: above", "heading:", "stt: false", "numbering: decimal", "\\n"):
        assert key in source, key
    proc = run_kh("build", str(PLANS / "vothisau-2025.yaml"), "--outdir", str(tmp_path))
    assert proc.returncode == 0 and "cảnh báo" not in proc.stderr, proc.stderr
    path = tmp_path / "vothisau-2025.docx"
    result = nd30check(path)
    assert not result.failed, result.output                             # every rule, no exception needed
    assert_word_clean(path)
    texts = [p.text for p in docx.Document(str(path)).paragraphs if p.text]
    assert any(t.startswith("Thực hiện Kế hoạch số 118/KH-UBND ngày 29/4/2025 của") and t.endswith("như sau:")
               for t in texts)
    assert "1. Công chức Văn phòng - Thống kê phường:" in texts
    assert "2.1. Nội dung" in texts and "2.2. Hình thức" in texts
    assert texts[texts.index("BÁO CÁO") + 1].startswith("Kết quả thông tin")
