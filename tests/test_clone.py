"""kh clone end to end: only the lines that must change differ, the result builds and passes ND30."""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import docx
import pytest
import yaml

from .conftest import EXAMPLES, PLANS, nd30check, run_kh


def _plans_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "plans"
    shutil.copytree(PLANS, dst, ignore=shutil.ignore_patterns("*.docx"))
    return dst


def _changed(old: str, new: str) -> list[str]:
    return [d for d in difflib.ndiff(old.splitlines(), new.splitlines()) if d.startswith(("+ ", "- "))]


def test_clone_quan3_to_2026_changes_three_lines_and_builds(tmp_path: Path) -> None:
    plans = _plans_copy(tmp_path)
    old = plans / "quan3-2025.yaml"
    before = old.read_bytes()
    new = plans / "quan3-2026.yaml"
    proc = run_kh("clone", str(old), str(new), "--year", "2026")
    assert proc.returncode == 0, proc.stderr
    assert old.read_bytes() == before, "the old file must never be touched"
    old_text, new_text = before.decode(), new.read_text(encoding="utf-8")
    changed = _changed(old_text, new_text)
    assert [c for c in changed if c.startswith("+ ")] == ["+ number:", "+ date:", "+ year: 2026"], changed
    assert len(changed) == 6          # 3 lines out, 3 lines in; every comment and paragraph kept
    assert new_text.count("{{ year }}") == old_text.count("{{ year }}")
    # the review list points at file:line of what a program cannot decide
    out = proc.stdout
    assert "3 dòng đổi" in out
    lines = new_text.splitlines()
    m = re.search(rf"{re.escape(str(new))}:(\d+): bases\[0\]: .*1895/KH-UBND", out)
    assert m and "- kind: Kế hoạch" in lines[int(m.group(1)) - 1]
    m = re.search(rf"{re.escape(str(new))}:(\d+): signer:", out)
    assert m and lines[int(m.group(1)) - 1] == "signer: hang"
    years = [int(n) for n in re.findall(rf"{re.escape(str(new))}:(\d+): năm 2025 gõ tay", out)]
    assert years and all("2025" in lines[n - 1] for n in years)
    cited = re.findall(rf"{re.escape(str(new))}:(\d+): văn bản dẫn ngày 15/7/2021", out)
    assert cited and "15/7/2021" in lines[int(cited[0]) - 1]
    # the draft builds and passes the ND30 checker
    target = tmp_path / "quan3-2026.docx"
    proc = run_kh("build", str(new), "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    document = docx.Document(str(target))
    header = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert re.search(r"Số:\s+/KH-UBND", header), header          # a draft: no number
    assert "năm 2026" in header and "2025" not in header
    assert "năm 2026" in "\n".join(p.text for p in document.paragraphs)
    result = nd30check(target)
    assert not result.unexpected_failures(), result.output


def test_clone_shifts_task_deadlines_and_keeps_the_rest(tmp_path: Path) -> None:
    plans = _plans_copy(tmp_path)
    old = plans / "quan3-2026-du-thao.yaml"
    new = plans / "quan3-2027.yaml"
    proc = run_kh("clone", str(old), str(new))           # default: one year later
    assert proc.returncode == 0, proc.stderr
    changed = _changed(old.read_text(encoding="utf-8"), new.read_text(encoding="utf-8"))
    plus = [c for c in changed if c.startswith("+ ")]
    assert len(plus) == 2, changed
    assert plus[0].startswith("+ year: 2027 ") and "# chưa có number/date" in plus[0]
    assert plus[1].split("+ ", 1)[1].strip() == "timing: {before: 2027-06-30}"
    assert yaml.safe_load(new.read_text(encoding="utf-8"))["year"] == 2027


def test_clone_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    plans = _plans_copy(tmp_path)
    old = plans / "quan3-2025.yaml"
    new = plans / "mine.yaml"
    new.write_text("# của tôi\n", encoding="utf-8")
    proc = run_kh("clone", str(old), str(new), "--year", "2026")
    assert proc.returncode == 1 and "--force" in proc.stderr
    assert new.read_text(encoding="utf-8") == "# của tôi\n"
    proc = run_kh("clone", str(old), str(old), "--year", "2026", "--force")
    assert proc.returncode != 0
    proc = run_kh("clone", str(old), str(new), "--year", "2026", "--force")
    assert proc.returncode == 0, proc.stderr
    assert "year: 2026" in new.read_text(encoding="utf-8")


def test_clone_gap_past_deadline_and_missing_year(project: Path) -> None:
    plan = project / "plan.yaml"
    text = plan.read_text(encoding="utf-8").replace("number: 118\ndate: 2025-04-29\n", "")
    text += ("tasks:\n  - tasks:\n      - task: Tổng kết  # hạn cũ\n        lead: noi-vu\n"
             "        timing: {before: 2020-02-29}\n")
    plan.write_text(text, encoding="utf-8")
    new = project / "plan-2022.yaml"
    proc = run_kh("clone", str(plan), str(new), "--year", "2022")
    assert proc.returncode != 0 and "--from-year" in proc.stderr and not new.exists()
    proc = run_kh("clone", str(plan), str(new), "--year", "2022", "--from-year", "2020")
    assert proc.returncode == 0, proc.stderr
    out = new.read_text(encoding="utf-8")
    assert "timing: {before: 2022-02-28}" in out          # 29 Feb 2020 + 2 years
    assert "# hạn cũ" in out
    line = out.splitlines().index("        timing: {before: 2022-02-28}") + 1
    assert f"{new}:{line}: thời hạn trước 28/02/2022 đã qua" in proc.stdout


def test_clone_never_writes_an_invalid_plan(tmp_path: Path) -> None:
    plans = _plans_copy(tmp_path)
    elsewhere = tmp_path / "other" / "quan3-2026.yaml"   # no orgs/ next to it: the profile is missing
    proc = run_kh("clone", str(plans / "quan3-2025.yaml"), str(elsewhere), "--year", "2026")
    assert proc.returncode == 2, proc.stdout
    assert "quan3" in proc.stderr and not elsewhere.exists()
    assert list(elsewhere.parent.iterdir()) == []


def test_clone_keeps_windows_line_endings(tmp_path: Path) -> None:
    plans = _plans_copy(tmp_path)
    old = plans / "quan3-2025.yaml"
    old.write_bytes(old.read_bytes().replace(b"\n", b"\r\n"))
    new = plans / "quan3-2026.yaml"
    proc = run_kh("clone", str(old), str(new), "--year", "2026")
    assert proc.returncode == 0, proc.stderr
    before, after = old.read_bytes().split(b"\r\n"), new.read_bytes().split(b"\r\n")
    assert b"\n" not in b"".join(after)
    assert len(_changed(b"\n".join(before).decode(), b"\n".join(after).decode())) == 6


@pytest.mark.parametrize("name", EXAMPLES)
def test_clone_every_example_changes_only_dates_and_builds(name: str, tmp_path: Path) -> None:
    plans = _plans_copy(tmp_path)
    old, new = plans / f"{name}.yaml", plans / f"{name}-next.yaml"
    proc = run_kh("clone", str(old), str(new))
    assert proc.returncode == 0, proc.stderr
    changed = [c[2:] for c in _changed(old.read_text(encoding="utf-8"), new.read_text(encoding="utf-8"))
               if c.startswith("+ ")]
    allowed = re.compile(r"^\s*(number|date|year|timing|before|-\s*\{?(date|before)):?\s")
    assert changed and all(allowed.match(line + " ") for line in changed), changed
    out = tmp_path / f"{name}.docx"
    assert run_kh("build", str(new), "-o", str(out)).returncode == 0
    assert not nd30check(out).unexpected_failures()
