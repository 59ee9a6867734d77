"""Bad input: located messages, exit code 2, nothing written, nothing overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.core.errors import PlanError
from generator.readers.yaml_reader import read_plan

from .conftest import run_kh


def _problems(plan: Path) -> list:
    with pytest.raises(PlanError) as info:
        read_plan(plan)
    return info.value.problems


def _edit(project: Path, old: str, new: str, name: str = "plan.yaml") -> Path:
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_valid_plan_reads(project):
    plan = read_plan(project / "plan.yaml")
    assert plan.subject == "Thông tin, tuyên truyền năm 2025"
    assert plan.sections[1].assignments[1].request is True
    assert plan.sections[1].assignments[0].unit == ["Phòng Nội vụ quận"]


def test_misspelt_key_names_line_field_and_suggestion(project):
    plan = _edit(project, "        bullets:\n          - Tuyên", "        bulets:\n          - Tuyên")
    [p] = _problems(plan)
    assert (p.file, p.line, p.column) == (str(plan), 16, 9)
    assert p.path == "sections[0].sections[0].bulets"
    assert "unknown key" in p.message
    assert "'bullets'" in p.hint and "did you mean" in p.hint
    assert "bullets" in p.expected


def test_duplicate_key_is_an_error_not_a_silent_overwrite(project):
    plan = project / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "closing: Một câu kết khác\n", encoding="utf-8")
    [p] = _problems(plan)
    assert p.path == "closing" and "duplicate key" in p.message
    assert p.line == 32 and "dòng 28" in p.message


def test_wrong_type_says_expected_and_found(project):
    plan = _edit(project, "date: 2025-04-29", "date: 29/4/2025")
    [p] = _problems(plan)
    assert p.path == "date" and p.line == 3
    assert "YYYY-MM-DD" in p.expected and "29/4/2025" in p.found


def test_missing_field(project):
    plan = _edit(project, "subject: Thông tin, tuyên truyền năm {{ year }}\n", "")
    [p] = _problems(plan)
    assert "missing required field" in p.message and "'subject'" in p.message
    assert p.expected and "Trích yếu" in p.expected


def test_unknown_unit_suggests_the_profile_key(project):
    plan = _edit(project, "unit: noi-vu", "unit: noivu")
    [p] = _problems(plan)
    assert p.path == "sections[1].assignments[0].unit" and p.line == 24
    assert "noi-vu" in p.hint


def test_unknown_signer_and_org(project):
    plan = _edit(project, "signer: hang", "signer: hanh")
    [p] = _problems(plan)
    assert p.path == "signer" and "'hang'" in p.hint
    plan = _edit(project, "org: q3", "org: q4")
    problems = _problems(plan)
    assert problems[0].path == "org" and "q3" in problems[0].expected


def test_several_problems_are_reported_together(project):
    _edit(project, "unit: noi-vu", "unit: noivu")
    plan = _edit(project, "    issuer:", "    isuer:")
    problems = _problems(plan)
    assert [p.path for p in problems] == ["bases[0].isuer", "sections[1].assignments[0].unit"]


def test_profile_errors_point_into_the_profile(project):
    _edit(project, "symbol: UBND", "symbol: ubnd", name="orgs/q3.yaml")
    [p] = _problems(project / "plan.yaml")
    assert p.file.endswith("orgs/q3.yaml") and p.line == 4 and p.path == "symbol"


def test_yaml_syntax_error_has_a_position(project):
    plan = _edit(project, "intro: Ủy ban nhân dân Quận 3 ban hành Kế hoạch như sau",
                 "intro: Ủy ban: nhân dân: Quận 3")
    [p] = _problems(plan)
    assert p.line == 11 and "invalid YAML" in p.message and p.hint


def test_undefined_jinja_name(project):
    plan = _edit(project, "năm {{ year }}\n", "năm {{ yaer }}\n")
    [p] = _problems(plan)
    assert p.path == "subject" and "yaer" in p.message and "year" in p.expected


def test_sandbox_refuses_unsafe_expressions(project):
    plan = _edit(project, "năm {{ year }}\n", "{{ ''.__class__.__mro__ }}\n")
    [p] = _problems(plan)
    assert p.path == "subject" and "Jinja" in p.message


def test_unclosed_emphasis(project):
    plan = _edit(project, "Chi tiết một", "Chi **tiết một")
    [p] = _problems(plan)
    assert p.path == "sections[0].sections[0].bullets[1].bullets[0]" and p.line == 19


def test_bold_at_line_start_needs_quotes_and_the_hint_says_so(project):
    plan = _edit(project, "- Tuyên truyền các chủ trương", "- **Tuyên truyền** các chủ trương")
    [p] = _problems(plan)
    assert p.line == 17 and "quote text that starts with *" in p.hint


def test_impossible_date(project):
    plan = _edit(project, "date: 2025-04-29", "date: 2025-02-30")
    [p] = _problems(plan)
    assert p.path == "date" and p.line == 3 and "2025-02-30" in p.message


def test_authority_prefix_without_dot(project):
    _edit(project, "authority: KT. CHỦ TỊCH", "authority: KT CHỦ TỊCH", name="orgs/q3.yaml")
    [p] = _problems(project / "plan.yaml")
    assert "KT." in p.message and p.file.endswith("q3.yaml")


def test_top_level_section_needs_a_title(project):
    plan = _edit(project, "  - title: Tổ chức thực hiện\n", "  - text: Tổ chức thực hiện\n")
    [p] = _problems(plan)
    assert p.path == "sections" and "sections[1]" in p.message


def test_not_utf8(project):
    plan = project / "plan.yaml"
    plan.write_bytes(plan.read_text(encoding="utf-8").encode("cp1258", errors="replace"))
    [p] = _problems(plan)
    assert "UTF-8" in p.message


def test_cli_exit_code_2_and_no_output(project):
    _edit(project, "unit: noi-vu", "unit: noivu")
    out = project / "out.docx"
    proc = run_kh("build", str(project / "plan.yaml"), "-o", str(out))
    assert proc.returncode == 2
    assert "plan.yaml:24:" in proc.stderr and "did you mean 'noi-vu'" in proc.stderr
    assert not out.exists()
    assert not list(project.glob(".out.docx.*"))   # no temporary left behind


def test_failed_build_keeps_the_previous_output(project):
    out = project / "out.docx"
    assert run_kh("build", str(project / "plan.yaml"), "-o", str(out)).returncode == 0
    before = out.read_bytes()
    _edit(project, "date: 2025-04-29", "date: 2025-13-01")
    proc = run_kh("build", str(project / "plan.yaml"), "-o", str(out))
    assert proc.returncode == 2
    assert out.read_bytes() == before


def test_check_command(project):
    assert run_kh("check", str(project / "plan.yaml")).returncode == 0
    _edit(project, "title: Yêu cầu", "tittle: Yêu cầu")
    proc = run_kh("check", str(project / "plan.yaml"))
    assert proc.returncode == 2 and "did you mean 'title'" in proc.stderr


def test_draft_leaves_blanks_for_the_van_thu(project, tmp_path):
    from generator.writers.docx_writer import render_docx

    from .conftest import nd30check

    plan_path = _edit(project, "number: 118\ndate: 2025-04-29\n", "year: 2025\n")
    out = tmp_path / "draft.docx"
    out.write_bytes(render_docx(read_plan(plan_path)))
    import docx

    cells = [c.text for r in docx.Document(str(out)).tables[0].rows for c in r.cells]
    assert "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/KH-UBND" in cells
    assert any(c.startswith("Quận 3, ngày\u00a0") and c.endswith("tháng\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0năm 2025")
               for c in cells)
    result = nd30check(out)
    assert result.unexpected_failures() == {}, result.output
    assert "HDR-NUMBER" in result.passed


def test_never_writes_over_a_plan_file(project):
    plan = project / "plan.yaml"
    before = plan.read_bytes()
    proc = run_kh("build", str(plan), "-o", str(plan), "--to", "docx")
    assert proc.returncode == 2 and "refusing to overwrite" in proc.stderr
    assert plan.read_bytes() == before
