"""Appendices, tasks as data, budgets and the decision that issues a plan, end to end."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
import yaml

from generator.core.errors import PlanError
from generator.layout.blocks import layout, timing_text
from generator.model.content import appendix_labels
from generator.model.plan import Timing
from generator.readers.yaml_reader import read_plan
from generator.writers.docx_writer import render_docx
from generator.writers.pdf_writer import docx_to_pdf

from .conftest import nd30check

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

EXTRA = {
    "tasks": [
        {"group": "Đối với cán bộ, công chức", "tasks": [
            {"task": "Tổ chức hội nghị tổng kết", "lead": "noi-vu", "support": {"text": "Các cơ quan & đơn vị"},
             "timing": {"quarter": 1}, "product": "Hội nghị"},
            {"task": "Định hướng tuyên truyền", "lead": "btg", "timing": ["Thường xuyên", {"before": "2025-02-27"}],
             "product": ["Tin, bài", "Báo cáo"]},
        ]},
        {"group": "Đối với Nhân dân", "tasks": [
            {"task": "Niêm yết thủ tục hành chính", "lead": ["noi-vu"], "timing": {"month": 2}},
        ]},
    ],
    "appendices": [
        {"type": "tasks", "title": "Nhiệm vụ năm {{ year }}", "landscape": True},
        {"type": "report", "title": "Mẫu báo cáo", "topics": ["Số tin, bài", "Số hội nghị"],
         "fields": ["Kết quả", "Ghi chú"], "notes": "Gửi báo cáo trước ngày 05 hằng quý."},
        {"type": "budget", "title": "Dự toán kinh phí", "items": [
            {"item": "In tờ gấp", "unit": "Tờ", "quantity": 5000, "price": 1500},
            {"item": "Pano", "unit": "Cái", "quantity": 10, "price": 1234567},
            {"item": "Hội nghị", "amount": 1010},
        ]},
    ],
}


def _write(project: Path, extra: dict, replace: dict | None = None) -> Path:
    plan_path = project / "plan.yaml"
    data = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
    data.update(replace or {})
    data.update(extra)
    plan_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return plan_path


@pytest.fixture
def full_plan(project):
    return _write(project, EXTRA, {"sections": yaml.safe_load(
        (project / "plan.yaml").read_text(encoding="utf-8"))["sections"] + [
        {"title": "Phân công theo nhiệm vụ", "assignments": "tasks"}]})


def test_timing_words():
    assert timing_text(Timing(quarter=1), 2021) == "Quý I/2021"
    assert timing_text(Timing(quarter=4, year=2022), 2021) == "Quý IV/2022"
    assert timing_text(Timing(month=2), 2021) == "Tháng 02/2021"
    assert timing_text(Timing(date=dt.date(2021, 2, 5)), 2021) == "05/02/2021"
    assert timing_text(Timing(before=dt.date(2021, 4, 7)), 2021) == "Trước ngày 07/4/2021"
    assert timing_text("Thường xuyên", 2021) == "Thường xuyên"
    with pytest.raises(ValueError):
        Timing(quarter=1, month=2)


def test_appendix_labels():
    assert appendix_labels([True]) == ["Phụ lục"]
    assert appendix_labels([True, True, True]) == ["Phụ lục I", "Phụ lục II", "Phụ lục III"]
    assert appendix_labels([True, False, True]) == ["Phụ lục I", "", "Phụ lục II"]


def test_layout_of_tasks_budget_and_assignments(full_plan):
    doc = layout(read_plan(full_plan))
    tasks, report, budget = doc.appendices
    assert (tasks.label, tasks.title, tasks.landscape) == ("Phụ lục I", "NHIỆM VỤ NĂM 2025", True)
    assert tasks.attached_line == ("(Kèm theo Kế hoạch số 118/KH-UBND ngày 29 tháng 4 năm 2025"
                                   " của Ủy ban nhân dân Quận 3)")
    kinds = [r.kind for r in tasks.table.rows]
    assert kinds == ["header", "group", "data", "data", "group", "data"]
    stt = [r.cells[0].paras[0][0].text for r in tasks.table.rows if r.kind == "data"]
    assert stt == ["1", "2", "1"]                                   # restarts per group
    group = tasks.table.rows[1].cells[0].paras[0][0].text
    assert group == "I. ĐỐI VỚI CÁN BỘ, CÔNG CHỨC"
    row = tasks.table.rows[3]
    texts = [["".join(s.text for s in p) for p in c.paras] for c in row.cells]
    assert texts[2] == ["Ban Tuyên giáo và Dân vận Quận ủy"]    # unit key resolved through the profile
    assert texts[4] == ["- Thường xuyên", "- Trước ngày 27/02/2025"]
    assert texts[5] == ["- Tin, bài", "- Báo cáo"]
    # budget: amounts computed, total and the amount in words
    total_row = budget.table.rows[-1]
    assert "".join(s.text for s in total_row.cells[-1].paras[0]) == "19.846.680"
    words = "".join(s.text for s in budget.after[0].spans)
    assert words == "Bằng chữ: Mười chín triệu tám trăm bốn mươi sáu nghìn sáu trăm tám mươi đồng."
    # assignments derived from the tasks, per lead unit, requested bodies worded as such
    body = [p.text for p in doc.body]
    i = body.index("III. PHÂN CÔNG THEO NHIỆM VỤ")
    assert body[i + 1:i + 6] == [
        "1. Phòng Nội vụ quận",
        "- Tổ chức hội nghị tổng kết (thời gian: quý I/2025)",
        "- Niêm yết thủ tục hành chính (thời gian: tháng 02/2025)",
        "2. Kính đề nghị Ban Tuyên giáo và Dân vận Quận ủy",
        "- Định hướng tuyên truyền (thời gian: thường xuyên; Trước ngày 27/02/2025)"]


def test_docx_sections_tables_and_checker(full_plan, tmp_path):
    data = render_docx(read_plan(full_plan))
    out = tmp_path / "plan.docx"
    out.write_bytes(data)
    result = nd30check(out)
    assert result.unexpected_failures() == {}, result.output
    assert "APPX-HEAD" in result.passed and "APPX-PAGENUM" in result.passed
    document = docx.Document(io.BytesIO(data))
    sections = document.sections
    assert len(sections) == 4
    assert sections[0].orientation == 0 and sections[1].orientation == 1   # portrait, then landscape
    assert sections[1].page_width > sections[1].page_height
    for sec in sections[1:]:
        num = sec._sectPr.find(f"{W}pgNumType")
        assert num is not None and num.get(f"{W}start") == "1"
    task_table = document.tables[2]
    first = task_table.rows[0]._tr
    assert first.find(f"{W}trPr/{W}tblHeader") is not None
    assert all(r._tr.find(f"{W}trPr/{W}cantSplit") is not None for r in task_table.rows)   # short rows
    group_cell = task_table.rows[1]._tr.find(f"{W}tc/{W}tcPr/{W}gridSpan")
    assert group_cell is not None and group_cell.get(f"{W}val") == "6"
    texts = [p.text for p in document.paragraphs]
    assert "Tên đơn vị: " + "…" * 30 in texts
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "THỦ TRƯỞNG ĐƠN VỊ\n(Ký tên và đóng dấu)" in "\n".join(cells)
    assert "Người thực hiện" in "\n".join(cells)


def test_custom_columns(project):
    extra = dict(EXTRA, appendices=[{"type": "tasks", "title": "Nhiệm vụ", "columns": [
        {"key": "stt", "width": 1.2}, {"key": "task", "header": "Việc", "width": 10},
        {"key": "lead", "width": 4}, {"key": "timing", "width": 3}]}])
    doc = layout(read_plan(_write(project, extra)))         # widths are shares of the line: 1.2/18.2 × 16.5 cm
    assert len(doc.warnings) == 1
    assert re.search(r"cột 'STT' rộng 1,1 cm, cần 1,2 cm .* width: 1.3 cho cột 'stt'", doc.warnings[0])
    table = doc.appendices[0].table
    assert [c.paras[0][0].text for c in table.rows[0].cells] == ["STT", "Việc", "Cơ quan, đơn vị chủ trì",
                                                              "Thời gian thực hiện"]
    assert table.widths == pytest.approx([1.2 / 18.2, 10 / 18.2, 4 / 18.2, 3 / 18.2])


def test_errors_in_tasks_and_appendices(project):
    bad = dict(EXTRA)
    bad["tasks"] = [{"group": "G", "tasks": [{"task": "X", "lead": "noivu", "timing": {"quater": 1}}]}]
    bad["appendices"] = [{"type": "budget", "title": "Dự toán", "items": [{"item": "A", "quantity": 2}]}]
    with pytest.raises(PlanError) as info:
        read_plan(_write(project, bad))
    paths = {p.path: p for p in info.value.problems}
    assert "noi-vu" in paths["tasks[0].tasks[0].lead"].hint
    assert "'quarter'" in paths["tasks[0].tasks[0].timing.quater"].hint
    assert "amount" in paths["appendices[0].items[0]"].message


def test_decision_issues_the_plan(project, tmp_path):
    plan_path = _write(project, {"decision": {
        "number": 5, "date": "2025-02-08", "subject": "Về việc ban hành Kế hoạch\nnăm {{ year }}",
        "bases": [{"text": "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015"},
                  {"lead": "Theo đề nghị của", "text": "Trưởng phòng Nội vụ quận"}],
        "articles": ["Ban hành kèm theo Quyết định này Kế hoạch năm {{ year }}.",
                     "Quyết định này có hiệu lực kể từ ngày ký."],
        "recipients": ["Như Điều 2"], "archive": "VT, NV", "signer": "hang"}}, {"date": "2025-02-08"})
    plan = read_plan(plan_path)
    doc = layout(plan)
    assert doc.decision.number_line == "Số: 05/QĐ-UBND"
    assert doc.decision.date_line == "Quận 3, ngày 08 tháng 02 năm 2025"
    assert doc.attached_line == ("(Kèm theo Quyết định số 05/QĐ-UBND ngày 08 tháng 02 năm 2025"
                                 " của Chủ tịch Ủy ban nhân dân quận)")
    assert [p.text for p in doc.decision.articles] == [
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch năm 2025.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký./."]
    assert doc.decision.body[-1].text == "Theo đề nghị của Trưởng phòng Nội vụ quận."
    out = tmp_path / "qd.docx"
    out.write_bytes(render_docx(plan))
    result = nd30check(out)
    assert result.failed == {} or result.unexpected_failures() == {}, result.output
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    assert texts.index("QUYẾT ĐỊNH") < texts.index("QUYẾT ĐỊNH:") < texts.index("KẾ HOẠCH")
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN QUẬN 3" in texts
    assert len(document.sections) == 2
    assert document.sections[1]._sectPr.find(f"{W}pgNumType").get(f"{W}start") == "1"
    # the attached plan has no Số line, no Nơi nhận and no signature of its own
    assert sum(1 for t in document.tables for r in t.rows for c in r.cells if c.text.startswith("Số:")) == 1
    assert sum(1 for t in document.tables for r in t.rows for c in r.cells if c.text.startswith("Nơi nhận")) == 1


def _long_plan(project: Path, rows: int) -> Path:
    tasks = [{"task": f"Nhiệm vụ số {i}: " + "tuyên truyền cải cách hành chính " * 6, "lead": "noi-vu",
              "timing": {"quarter": 1 + i % 4}, "product": "Báo cáo"} for i in range(1, rows + 1)]
    extra = {"tasks": [{"group": "Nhóm một", "tasks": tasks}],
             "appendices": [{"type": "tasks", "title": "Nhiệm vụ", "landscape": True}]}
    return _write(project, extra)


needs_lo = pytest.mark.requires("soffice", "poppler")


def _pdf_pages(data: bytes, tmp_path: Path) -> tuple[list[str], str]:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(docx_to_pdf(data))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    sizes = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    return text.split("\f")[:-1], sizes


@needs_lo
def test_pdf_landscape_appendix_and_repeated_header(project, tmp_path):
    pages, sizes = _pdf_pages(render_docx(read_plan(_long_plan(project, 40))), tmp_path)
    first_appx = next(i for i, p in enumerate(pages) if "Phụ lục" in p.split("\n", 3)[0] + p[:200])
    page_sizes = [ln for ln in sizes.splitlines() if ln.startswith("Page") and "size" in ln]
    assert "595.3" in page_sizes[0] and "841.89 pts" in page_sizes[0]          # plan: portrait
    assert "841.89 x 595.3" in page_sizes[first_appx]                            # appendix: landscape
    assert len(pages) - first_appx >= 2, "the 40-row table should span several pages"
    for page in pages[first_appx + 1:]:
        assert "STT" in page and "Nội dung công việc" in page and "Dự kiến sản phẩm" in page  # header repeats
    # the appendix numbers its own pages: its second page shows 2
    second = next(ln.strip() for ln in pages[first_appx + 1].splitlines() if ln.strip())
    assert second == "2"
    # no row is split across pages: every task number appears exactly once, whole
    body = "\n".join(pages[first_appx:])
    for i in range(1, 41):
        assert body.count(f"Nhiệm vụ số {i}:") == 1


def test_reproducible_with_appendices(full_plan):
    plan = read_plan(full_plan)
    assert render_docx(plan) == render_docx(read_plan(full_plan))
    with zipfile.ZipFile(io.BytesIO(render_docx(plan))) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_body_can_name_the_appendices(project):
    extra = dict(EXTRA, intro="Chi tiết tại {{ appendices[0] }} và {{ appendices[2] }} đính kèm.")
    plan = read_plan(_write(project, extra))
    assert plan.intro == ["Chi tiết tại Phụ lục I và Phụ lục III đính kèm."]


def test_very_tall_rows_may_split_short_rows_may_not(project):
    from generator.lang.typography import Span
    from generator.layout.blocks import Cell, Row, Table
    from generator.writers.appendix_docx import row_height_pt, table

    short = Row("data", [Cell([[Span("1")]]), Cell([[Span("Một dòng")]])])
    tall = Row("data", [Cell([[Span("2")]]), Cell([[Span("Rất dài " * 800)]])])
    widths = [1000, 8000]
    assert row_height_pt(short, widths) < 40 < 482 / 3 < row_height_pt(tall, widths)
    xml = table(Table([0.1, 0.9], [short, tall]), 9000)
    rows = xml.findall(f"{W}tr")
    assert rows[0].find(f"{W}trPr/{W}cantSplit") is not None
    assert rows[1].find(f"{W}trPr/{W}cantSplit") is None


def test_decimal_clause_numbering_and_deep_sections(project):
    sections = [{"title": "Nội dung", "sections": [
        {"title": "Nhiệm vụ chung", "sections": [
            {"title": "Hạ tầng", "points": ["Một", "Hai"]},
            {"text": "Dữ liệu số", "bullets": ["Ý một", {"text": "Ý hai", "bullets": ["Ý nhỏ"]}]}]},
        {"title": "Nhiệm vụ riêng"}]}]
    doc = layout(read_plan(_write(project, {"sections": sections})))
    texts = [p.text for p in doc.body if not p.text.startswith("Căn cứ") and "ban hành" not in p.text]
    assert texts[:10] == ["I. NỘI DUNG", "1. Nhiệm vụ chung", "1.1. Hạ tầng", "a) Một", "b) Hai",
                          "1.2. Dữ liệu số", "- Ý một", "- Ý hai", "+ Ý nhỏ", "2. Nhiệm vụ riêng"]
    # numbering: decimal on the Roman section: its clauses carry its number, in Arabic
    sections[0]["numbering"] = "decimal"
    sections.append({"title": "Tổ chức", "numbering": "decimal",
                     "assignments": [{"unit": "noi-vu", "tasks": ["Việc"]}]})
    doc = layout(read_plan(_write(project, {"sections": sections})))
    texts = [p.text for p in doc.body if p.kind.startswith("heading")]
    assert texts == ["I. NỘI DUNG", "1.1. Nhiệm vụ chung", "1.1.1. Hạ tầng", "1.2. Nhiệm vụ riêng", "II. TỔ CHỨC",
                     "2.1. Phòng Nội vụ quận"]
    # below the top level it would change nothing: an error that says so, not a silent no-op
    sections[0]["sections"][0]["numbering"] = "decimal"
    with pytest.raises(PlanError, match="chỉ dùng ở mục cấp I"):
        read_plan(_write(project, {"sections": sections}))


def test_footnotes_inside_appendix_tables_are_numbered_after_the_body(project):
    extra = dict(EXTRA, intro="Lời dẫn^[Chú thích thân bài]")
    extra["tasks"] = [{"group": "G", "tasks": [{"task": "Việc^[Chú thích trong bảng]", "lead": "noi-vu"}]}]
    extra["appendices"] = [{"type": "tasks", "title": "Nhiệm vụ", "notes": "Ghi chú^[Chú thích dưới bảng]"}]
    data = render_docx(read_plan(_write(project, extra)))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = z.read("word/document.xml").decode()
        notes = z.read("word/footnotes.xml").decode()
    assert [body.count(f'w:footnoteReference w:id="{i}"') for i in (1, 2, 3)] == [1, 1, 1]
    assert notes.index("Chú thích thân bài") < notes.index("Chú thích trong bảng") < notes.index("Chú thích dưới bảng")


def test_draft_appendix_heading_has_blanks(project):
    plan_path = _write(project, EXTRA, {"number": None, "date": None, "year": 2025})
    doc = layout(read_plan(plan_path))
    blank = "\u00a0" * 6
    assert doc.appendices[0].attached_line == (
        f"(Kèm theo Kế hoạch số {blank}/KH-UBND ngày{blank}tháng{blank}năm 2025 của Ủy ban nhân dân Quận 3)")
