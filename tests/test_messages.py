"""Every kind of message kh gives about a broken plan speaks Vietnamese first and says where.

A table of broken plans, one per kind of validation error the model can raise: each message
names file:line:column and the field, says what is expected, and carries none of pydantic's
English phrases ("Input should be ...", "validation error", "Field required").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.core.errors import PlanError
from generator.readers.yaml_reader import PYDANTIC_ENGLISH, read_plan

from .conftest import run_kh

#: name → (text replaced in the fixture plan, replacement, field path reported, words in the message).
CASES: dict[str, tuple[str, str, str, str]] = {
    "string_type_number": ("title: Mục đích\n", "title: 2025\n", "sections[0].sections[0].title", "cần văn bản"),
    "string_type_mapping": ("archive: VT, NV", "archive: {a: b}", "archive", "cần văn bản"),
    "string_type_list_item": ("[Sở Nội vụ Thành phố, TT. UBND Q.3]", "[{x: 1}]", "recipients[0]", "cần văn bản"),
    "subject_mapping": ("subject: Thông tin, tuyên truyền năm {{ year }}", "subject: {text: x}", "subject",
                        "cần văn bản"),
    "date_parsing": ("date: 2025-04-29", "date: 29/4/2025", "date", "ngày không đúng dạng"),
    "date_type": ("date: 2025-04-29", "date: [2025]", "date", "ngày"),
    "impossible_date": ("date: 2025-04-29", "date: 2025-02-30", "date", "ngày không có thật"),
    "int_parsing": ("archive: VT, NV", "archive: VT, NV\ntasks: [{tasks: [{task: a, lead: noi-vu,"
                    " timing: {month: tháng hai}}]}]", "tasks[0].tasks[0].timing.month", "không phải số nguyên"),
    "year_too_large": ("date: 2025-04-29", "year: 10000", "year", "tối đa"),
    "year_type": ("number: 118", "number: 118\nyear: năm nay", "year", "không phải số nguyên"),
    "year_negative": ("date: 2025-04-29", "year: -5", "year", "quá nhỏ"),
    "number_zero_int": ("number: 118", "number: 0", "number", "từ 1"),
    "number_zero_text": ("number: 118", "number: '0'", "number", "từ 1"),
    "number_digits": ("number: 118", f"number: '{'9' * 5000}'", "number", "chữ số 0-9"),
    "number_huge_int": ("number: 118", f"number: {'9' * 5000}", "number", "số quá dài"),
    "bool_parsing": ("      - unit: btg", "      - unit: btg\n        request: có lẽ",
                     "sections[1].assignments[1].request", "true hoặc false"),
    "list_type": ("recipients: [Sở Nội vụ Thành phố, TT. UBND Q.3]", "recipients: {a: b}", "recipients",
                  "cần một danh sách"),
    "model_type": ("  - kind: Kế hoạch\n", "  - 5\n  - kind: Kế hoạch\n", "bases[0]", "bảng khóa"),
    "dict_type": ("archive: VT, NV", "archive: VT, NV\nvariables: [1, 2]", "variables", "bảng khóa"),
    "literal_error": ("archive: VT, NV", "archive: VT, NV\nappendices: [{type: bảng, title: X}]",
                      "appendices[0].type", "không được phép"),
    "literal_numbering": ("  - title: Mục đích, yêu cầu\n", "  - title: Mục đích, yêu cầu\n    numbering: số\n",
                          "sections[0].numbering", "không được phép"),
    "missing": ("subject: Thông tin, tuyên truyền năm {{ year }}\n", "", "", "thiếu trường bắt buộc 'subject'"),
    "extra_forbidden": ("archive: VT, NV", "archive: VT, NV\narchiv: x", "archiv", "khóa không hợp lệ"),
    "greater_than": ("archive: VT, NV", "archive: VT, NV\ntasks: [{tasks: [{task: a, lead: noi-vu}]}]\n"
                     "appendices: [{type: tasks, title: X, columns: [{key: task, width: 0}]}]",
                     "appendices[0].columns[0].width", "quá nhỏ"),
    "greater_than_equal": ("archive: VT, NV", "archive: VT, NV\nappendices: [{type: budget, title: X,"
                           " items: [{item: a, amount: -1}]}]", "appendices[0].items[0].amount", "quá nhỏ"),
    "less_than_equal": ("archive: VT, NV", "archive: VT, NV\ntasks: [{tasks: [{task: a, lead: noi-vu,"
                        " timing: {quarter: 5}}]}]", "tasks[0].tasks[0].timing.quarter", "quá lớn"),
    "int_from_float": ("archive: VT, NV", "archive: VT, NV\ntasks: [{tasks: [{task: a, lead: noi-vu,"
                       " timing: {quarter: 1.5}}]}]", "tasks[0].tasks[0].timing.quarter", "số nguyên"),
    "float_parsing": ("archive: VT, NV", "archive: VT, NV\nappendices: [{type: budget, title: X,"
                      " items: [{item: a, quantity: nhiều, price: 1}]}]", "appendices[0].items[0].quantity",
                      "không phải số"),
    "finite_number": ("archive: VT, NV", "archive: VT, NV\nappendices: [{type: budget, title: X,"
                      " items: [{item: a, quantity: .nan, price: 1}]}]", "appendices[0].items[0].quantity",
                      "hữu hạn"),
    "too_short": ("archive: VT, NV", "archive: VT, NV\ntasks: [{tasks: [{task: [], lead: noi-vu}]}]\n"
                  "appendices: [{type: tasks, title: X}]", "tasks[0].tasks[0].task", "quá ngắn"),
    "value_error": ("    issuer: Ủy ban nhân dân Thành phố\n", "    issuer: Ủy ban nhân dân Thành phố\n    text: x\n",
                    "bases[0]", "chỉ dùng một cách viết"),
    "unclosed_bold": ("          - Tuyên truyền các chủ trương", "          - Tuyên truyền **các chủ trương",
                      "sections[0].sections[0].bullets[0]", "chưa đóng"),
    "markup_in_subject": ("subject: Thông tin, tuyên truyền năm {{ year }}", "subject: Thông tin **năm** {{ year }}",
                          "subject", "chữ thường"),
    "undefined_name": ("subject: Thông tin, tuyên truyền năm {{ year }}", "subject: Năm {{ nam }}", "subject",
                       "chưa định nghĩa"),
    "unknown_unit": ("unit: noi-vu", "unit: noivu", "sections[1].assignments[0].unit", "không có trong hồ sơ"),
}


def _write(project: Path, name: str) -> Path:
    old, new, _path, _words = CASES[name]
    plan = project / f"{name}.yaml"
    text = (project / "plan.yaml").read_text(encoding="utf-8")
    assert old in text, old
    plan.write_text(text.replace(old, new, 1), encoding="utf-8")
    return plan


def _assert_vietnamese_located(message: str) -> None:
    assert not any(e in message for e in PYDANTIC_ENGLISH), message
    assert re.search(r"\.yaml:\d+:\d+: ", message), message


@pytest.mark.parametrize("name", sorted(CASES))
def test_message_kind_is_vietnamese_and_located(project: Path, name: str):
    plan = _write(project, name)
    with pytest.raises(PlanError) as info:
        read_plan(plan)
    _old, _new, path, words = CASES[name]
    message = info.value.format()
    _assert_vietnamese_located(message)
    problem = next((p for p in info.value.problems if p.path == path), None)
    assert problem is not None, message
    assert problem.line is not None and problem.column is not None
    assert words in problem.format(), message
    assert problem.expected or problem.hint or "(" in problem.message, message  # says what is wanted


def test_the_cli_prints_the_same_messages(project: Path):
    """All the broken plans through the real CLI at once: exit 2, nothing English, all located."""
    plans = [str(_write(project, name)) for name in sorted(CASES)]
    for command in ("build", "check"):
        proc = run_kh(command, *plans, *(["-d", str(project / "out")] if command == "build" else []))
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr and not any(e in proc.stderr for e in PYDANTIC_ENGLISH)
        for plan in plans:
            assert re.search(re.escape(plan) + r":\d+:\d+: ", proc.stderr), plan
    assert not (project / "out").exists() or not list((project / "out").iterdir())


def test_unclosed_mark_points_at_the_mark_itself(project: Path):
    """In a folded paragraph the error names the line and column of the ** that is not closed."""
    plan = project / "plan.yaml"
    text = plan.read_text(encoding="utf-8").replace(
        "intro: Ủy ban nhân dân Quận 3 ban hành Kế hoạch như sau\n",
        "intro: >-\n  Ủy ban nhân dân Quận 3\n  ban hành *Kế hoạch* như\n  sau **đây, cụ thể\n")
    plan.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        read_plan(plan)
    [p] = info.value.problems
    lines = text.splitlines()
    assert lines[p.line - 1][p.column - 1:p.column + 1] == "**", (p.line, p.column)
    assert lines[p.line - 1].strip() == "sau **đây, cụ thể"


@pytest.mark.parametrize("value, mark", [("'a *b* c *d e'", "*"), ('"x ^[chú thích chưa đóng"', "^["),
                                         ("'x ^[a **b]'", "**")])
def test_unclosed_mark_column_on_one_line(project: Path, value: str, mark: str):
    plan = project / "plan.yaml"
    text = plan.read_text(encoding="utf-8").replace("archive: VT, NV", f"archive: VT, NV\nclosing: {value}")
    text = text.replace("closing: Trên đây là Kế hoạch năm {{ year }}\n", "")
    plan.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        read_plan(plan)
    [p] = info.value.problems
    line = text.splitlines()[p.line - 1]
    assert line.startswith("closing:") and line[p.column - 1:].startswith(mark)
    assert value.rfind(mark) == p.column - 1 - len("closing: ") or mark != "*"
