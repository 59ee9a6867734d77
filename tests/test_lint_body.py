"""kh check walks ``body:`` blocks (generator/lint/plan_rules.py) as it walks the shorthand keys: labels
typed by hand in body paragraphs and sub-section titles, a bare number in the first cell of an
``stt: true`` table, and units given tasks in body assignments (sections, sub-sections, appendices)
that are not among the recipients — each reported at its line."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .conftest import PLANS, run_kh

BODY_PLAN = """\
org: q3
number: 118
date: 2025-04-29
subject: Thông tin, tuyên truyền năm {{ year }}
intro: Ủy ban nhân dân Quận 3 ban hành Kế hoạch như sau
sections:
  - title: Mục đích, yêu cầu
    body:
      - 1. Đoạn văn có số gõ tay ở đầu
      - Đoạn văn viết đúng, không có số.
      - table:
          columns: [Nội dung, Đơn vị]
          stt: true
          rows:
            - ['1', Phòng Nội vụ]
            - [Việc hai, Phòng Nội vụ]
  - title: Tổ chức thực hiện
    body:
      - Các đơn vị thực hiện như sau
      - assignments:
          - unit: noi-vu
            tasks: [Triển khai tập huấn]
      - title: Phối hợp
        body:
          - Đoạn văn của khoản con.
          - assignments:
              - unit: btg
                tasks: [Định hướng tuyên truyền]
closing: Trên đây là Kế hoạch năm {{ year }}
recipients: [Sở Nội vụ Thành phố, Phòng Nội vụ quận]
archive: VT, NV
signer: hang
appendices:
  - type: content
    title: Nội dung chi tiết
    body:
      - '- Đoạn có gạch đầu dòng gõ tay'
      - assignments:
          - unit: btg
            tasks: [Tuyên truyền trên báo chí]
"""


def _line(text: str, fragment: str) -> int:
    """1-based line of the only line of ``text`` holding ``fragment``."""
    found = [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(found) == 1, (fragment, found)
    return found[0]


def _findings(stderr: str) -> set[tuple[int, str, str]]:
    """(line, 'lỗi'/'cảnh báo', rule) of every finding kh check printed."""
    return {(int(m.group(1)), m.group(2), m.group(3))
            for m in re.finditer(r"^\S+?:(\d+): \S+: (lỗi|cảnh báo) \(\w+\) \[([\w-]+)\]", stderr, re.M)}


def test_body_blocks_are_linted_at_their_lines(project: Path) -> None:
    plan = project / "plan.yaml"
    plan.write_text(BODY_PLAN, encoding="utf-8")
    proc = run_kh("check", str(plan))
    assert proc.returncode == 0, proc.stderr          # warnings only: the plan builds
    want = {(_line(BODY_PLAN, "1. Đoạn văn có số"), "cảnh báo", "so-tay"),
            (_line(BODY_PLAN, "['1', Phòng Nội vụ]"), "cảnh báo", "so-tay"),
            (_line(BODY_PLAN, "- '- Đoạn có gạch"), "cảnh báo", "so-tay"),
            (_line(BODY_PLAN, "Định hướng tuyên truyền") - 1, "cảnh báo", "noi-nhan"),
            (_line(BODY_PLAN, "Tuyên truyền trên báo chí") - 1, "cảnh báo", "noi-nhan")}
    assert _findings(proc.stderr) == want
    assert "'Ban Tuyên giáo và Dân vận Quận ủy'" in proc.stderr   # the unit named, not its code


def test_labels_kh_prints_itself_in_a_body_are_errors_and_fixed(project: Path) -> None:
    plan = project / "plan.yaml"
    text = BODY_PLAN.replace("""      - title: Phối hợp
        body:
          - Đoạn văn của khoản con.
""", """      - body:
          - a) Đoạn văn của khoản con không tiêu đề.
""").replace("      - '- Đoạn có gạch đầu dòng gõ tay'\n", "      - title: I. Mục gõ số\n"
             "        text: Nội dung của mục.\n")
    plan.write_text(text, encoding="utf-8")
    proc = run_kh("check", str(plan))
    assert proc.returncode == 2, proc.stderr
    errors = {f for f in _findings(proc.stderr) if f[1] == "lỗi"}
    assert errors == {(_line(text, "a) Đoạn văn của khoản con"), "lỗi", "so-tay"),
                      (_line(text, "title: I. Mục gõ số"), "lỗi", "so-tay")}
    assert run_kh("build", str(plan), "-o", str(project / "refused.txt")).returncode == 2   # build agrees
    proc = run_kh("check", "--fix", str(plan))
    assert "đã sửa (fixed) 2 chỗ" in proc.stdout, proc.stdout + proc.stderr
    data = yaml.safe_load(plan.read_text(encoding="utf-8"))
    assert data["sections"][1]["body"][2]["body"][0] == "Đoạn văn của khoản con không tiêu đề."
    assert data["appendices"][0]["body"][0]["title"] == "Mục gõ số"
    out = project / "plan.txt"
    assert run_kh("build", str(plan), "-o", str(out)).returncode == 0
    printed = out.read_text(encoding="utf-8")
    assert re.search(r"^\s*\d+\. Đoạn văn của khoản con không tiêu đề\.", printed, re.M), printed
    assert "a) Đoạn văn" not in printed and re.search(r"^\s*I\. MỤC GÕ SỐ", printed, re.M), printed


def test_a_plain_body_has_no_label_finding(project: Path) -> None:
    plan = project / "plan.yaml"
    text = (BODY_PLAN.replace("1. Đoạn văn có số gõ tay", "Đoạn văn có số 1.200 hồ sơ")
            .replace("['1', Phòng Nội vụ]", "[Việc một, Phòng Nội vụ]")
            .replace("'- Đoạn có gạch đầu dòng gõ tay'", "Đoạn văn thường của phụ lục."))
    plan.write_text(text, encoding="utf-8")
    proc = run_kh("check", str(plan))
    assert proc.returncode == 0, proc.stderr
    assert not [f for f in _findings(proc.stderr) if f[2] == "so-tay"], proc.stderr


def test_example_plans_have_no_body_findings() -> None:
    proc = run_kh("check", str(PLANS))
    assert proc.returncode == 0, proc.stderr
    assert "[so-tay]" not in proc.stderr
    assert "body" not in " ".join(line for line in proc.stderr.splitlines() if "[noi-nhan]" in line)
