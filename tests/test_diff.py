"""`kh diff`: two plans compared by the document's structure, as a reviewer reads it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import PLANS, git_commit_all, need, run_kh
from .plan_edits import make_clone


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_clone(tmp_path_factory.mktemp("diff"))


def blocks(out: str) -> list[str]:
    """Each reported change as one string: its head line and its body line."""
    lines = out.splitlines()
    return [f"{lines[i].strip()} :: {lines[i + 1].strip()}" for i in range(len(lines) - 1)
            if lines[i].startswith("  ") and not lines[i].startswith("      ")]


def test_clone_edited_in_a_few_places(clone: tuple[Path, Path]) -> None:
    old, new = clone
    proc = run_kh("diff", str(old), str(new))
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert "\x1b[" not in out                     # plain when piped
    got = blocks(out)

    def has(*parts: str) -> None:
        assert any(all(p in b for p in parts) for b in got), f"no change with {parts} in:\n{out}"

    # heading: the clone is a draft of next year (number and day left blank)
    has("~ số (number)", "Số:[- 118-]{+(trống)+}/KH-UBND")
    has("địa danh, ngày", "năm [-2025-]{+2026+}")
    # bases: one reworded word by word, one removed, one added
    has("~ căn cứ 1", "số [-1895-]{+210+}/KH-UBND ngày [-26-]{+15+} tháng [-3-]{+01+} năm [-2024-]{+2026+}")
    has("- căn cứ 3 — bỏ (removed)", "Căn cứ Kế hoạch số 92/KH-UBND")
    has("+ căn cứ 3 — thêm (added)", "Căn cứ Quyết định số 12/QĐ-UBND ngày 05 tháng 01 năm 2026")
    # a paragraph changed: only the changed words marked, numbered as printed
    has("~ I. › 1. › ý 2 — sửa", "về [-tính-]{+tình+} hình triển khai", "[-CCHC-]{+cải cách hành chính+}")
    # two points swapped: one moved (with its old number), the other renumbered
    has("↕ II. › 3. › đ) (trước là (was) II. › 3. › e))", "Thông qua việc tổ chức các hội thi")
    has("# II. › 3. › e) (đ) → e))", "Tuyên truyền thông qua các hoạt động tham quan")
    # a task moved from one unit to another
    has("→ V. › 2. › ý 3 (Văn phòng Ủy ban nhân dân quận → Phòng Văn hóa, Khoa học và Thông tin quận;"
        " trước là (was) V. › 3. › ý 2) — giao lại (reassigned)", "Tiếp nhận, xử lý, phản hồi kịp thời")
    # recipients
    has("- nơi nhận (recipients) — bỏ", "- TT. QU Q.3;")
    has("+ nơi nhận (recipients) — thêm", "- Sở Văn hóa và Thể thao Thành phố;")
    # nothing else reported as removed or added (the {{ year }} paragraphs are word changes)
    assert sum(" — bỏ (removed)" in b for b in got) == 2
    assert sum(" — thêm (added)" in b for b in got) == 2
    assert out.rstrip().splitlines()[-1].startswith(f"{len(got)} thay đổi (changes)")


def test_same_plan_no_difference() -> None:
    plan = PLANS / "quan3-2025.yaml"
    proc = run_kh("diff", str(plan), str(plan))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().endswith("Không có thay đổi (no differences).")


def test_tasks_deadlines_budget_signer(tmp_path: Path) -> None:
    shutil.copytree(PLANS, tmp_path, dirs_exist_ok=True)
    old = tmp_path / "quan3-2026-du-thao.yaml"
    text = old.read_text(encoding="utf-8")
    for before, after in [("timing: {quarter: 2}", "timing: {quarter: 3}"),
                          ("        lead: vp\n", "        lead: vhkhtt\n"),
                          ("      - {item: Lớp tập huấn, unit: Lớp, quantity: 2, price: 12500000}\n", ""),
                          ("signer: hang", "signer: {authority: KT. CHỦ TỊCH, position: PHÓ CHỦ TỊCH,"
                                           " name: Nguyễn Văn An}")]:
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    new = tmp_path / "moi.yaml"
    new.write_text(text, encoding="utf-8")
    proc = run_kh("diff", str(old), str(new))
    assert proc.returncode == 1, proc.stderr
    got = blocks(proc.stdout)
    assert ("⏱ nhiệm vụ 2 (bảng nhiệm vụ) (thời gian (timing): Quý II/2026 → Quý III/2026) — đổi thời hạn"
            " (deadline moved) :: Tập huấn kỹ năng thông tin, tuyên truyền cải cách hành chính") in got
    assert any(b.startswith("→ nhiệm vụ 3 (bảng nhiệm vụ) (chủ trì (lead): Văn phòng Ủy ban nhân dân quận → Phòng"
                            " Văn hóa, Khoa học và Thông tin quận) — giao lại") for b in got), proc.stdout
    # the per-unit clause made from the tasks follows its task
    assert any(b.startswith("→ IV. › 2. (Văn phòng Ủy ban nhân dân quận → Phòng Văn hóa") for b in got)
    assert any("bỏ (removed) :: 2 | Lớp tập huấn | Lớp | 2 | 12.500.000 | 25.000.000" in b for b in got)
    assert any("Bằng chữ: [-Tám-]{+Sáu+} mươi [-sáu-]{+mốt+} triệu" in b for b in got)
    assert "~ người ký (signer) — sửa (changed) :: [-Phạm Thị Thúy Hằng-]{+Nguyễn Văn An+}" in got


def test_markdown_and_colour(clone: tuple[Path, Path]) -> None:
    old, new = clone
    md = run_kh("diff", str(old), str(new), "--format", "markdown")
    assert md.returncode == 1
    assert md.stdout.startswith("### kh diff:")
    assert "#### Căn cứ (bases)" in md.stdout
    assert "- **sửa (changed)** I. › 1. › ý 2: " in md.stdout and "~~tính~~**tình**" in md.stdout
    assert "\x1b[" not in md.stdout
    colour = run_kh("diff", str(old), str(new), "--color")
    assert colour.returncode == 1
    assert "\x1b[" in colour.stdout and "[-tính-]" not in colour.stdout   # styles instead of markers


def test_rev_compares_with_git(project: Path) -> None:
    git_commit_all(project)
    plan = project / "plan.yaml"
    assert run_kh("diff", str(plan), "--rev", "HEAD").returncode == 0
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("[Sở Nội vụ Thành phố, ", "[Sở Nội vụ Thành phố, Sở Tư pháp, "), encoding="utf-8")
    proc = run_kh("diff", str(plan), "--rev", "HEAD")
    assert proc.returncode == 1, proc.stderr
    assert f"kh diff: {plan}@HEAD → {plan}" in proc.stdout
    assert "+ nơi nhận (recipients) — thêm (added) :: - Sở Tư pháp;" in blocks(proc.stdout)
    assert [p.name for p in project.iterdir() if p.name.startswith(".") and p.name != ".git"] == []
    bad = run_kh("diff", str(plan), "--rev", "khong-co")
    assert bad.returncode == 2 and "khong-co" in bad.stderr and "git" in bad.stderr   # 1 means "differs" only


def test_git_difftool(project: Path) -> None:
    """README's difftool configuration: git's temporary copy still finds orgs/ through --plans-dir."""
    need("git")
    kh = Path(sys.executable).with_name("kh")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "."], cwd=project, check=True)
    subprocess.run([*git, "commit", "-qm", "plan"], cwd=project, check=True)
    subprocess.run(["git", "config", "difftool.kh.cmd",
                    f'{kh} diff --plans-dir "$(dirname "$MERGED")" "$LOCAL" "$REMOTE"'], cwd=project, check=True)
    plan = project / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("TT. UBND Q.3", "TT. Quận ủy Q.3"), encoding="utf-8")
    proc = subprocess.run(["git", "difftool", "-y", "-t", "kh", "HEAD", "--", "plan.yaml"], cwd=project,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "~ nơi nhận (recipients) — sửa (changed) :: - TT. [-UBND-]{+Quận ủy+} Q.3;" in blocks(proc.stdout)
    assert [p.name for p in project.iterdir() if p.name.startswith(".") and p.name != ".git"] == []


def test_parts_added_removed_renumbered(project: Path) -> None:
    plan = project / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    new = project / "moi.yaml"
    new.write_text(text.replace("Điểm hai, ", "").replace(
        "  - title: Tổ chức thực hiện\n",
        "  - title: Kinh phí\n    text: Từ ngân sách quận.\n  - title: Tổ chức thực hiện\n"), encoding="utf-8")
    got = blocks(run_kh("diff", str(plan), str(new)).stdout)
    assert "- I. › 2. › b) — bỏ (removed) :: Điểm hai" in got
    assert "+ II. — thêm (added) :: KINH PHÍ ¶ Từ ngân sách quận." in got
    assert "# III. (II. → III.) — đánh số lại (renumbered) :: TỔ CHỨC THỰC HIỆN" in got
    assert "# I. › 2. › b) (c) → b)) — đánh số lại (renumbered) :: Điểm ba" in got


def test_invalid_plan_and_usage(project: Path) -> None:
    bad = project / "bad.yaml"
    bad.write_text((project / "plan.yaml").read_text(encoding="utf-8").replace("date: 2025-04-29", "date: 2025-02-30"),
                   encoding="utf-8")
    proc = run_kh("diff", str(project / "plan.yaml"), str(bad))
    assert proc.returncode == 2 and "bad.yaml:3" in proc.stderr
    proc = run_kh("diff", str(project / "plan.yaml"))
    assert proc.returncode == 2 and "hai tệp" in proc.stderr
