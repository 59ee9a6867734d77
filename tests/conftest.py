"""Shared helpers: paths, running the CLI and the shared ND30 checker."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"
SHARED = ROOT.parent / "shared"
CHECKER = SHARED / "nd30" / "nd30check.py"
SEEDS = SHARED / "seeds"
#: This repository's example plans that reproduce a real document in ../shared/seeds (plan → seed text).
SEED_OF = {
    "quan3-2025": "000_cff90e727f3af707.txt",
    "tphcm-2021": "002_849484349623f4c5.txt",
    "binhtan-2021": "004_aaba01c058eb00d8.txt",
}
#: Example plans that reproduce no seed: a draft for next year showing what the seeds do not (blanks
#: for the văn thư, tasks driving the assignments, report form, budget, footnote); a ward plan using
#: the plan options of issue 9.
SHOWCASE = {"quan3-2026-du-thao", "vothisau-2025"}
#: The examples, listed explicitly: the tests compare them in detail.
EXAMPLES = sorted(SEED_OF.keys() | SHOWCASE)


def other_plans(folder: Path = PLANS) -> list[str]:
    """Every other plan found in ``folder`` (an office's own, in a fork): built and checked, nothing more."""
    return sorted(p.stem for p in [*folder.glob("*.yaml"), *folder.glob("*.yml")] if p.stem not in EXAMPLES)


OTHER_PLANS = other_plans()

# Checker rules known to be wrong, with the exact message tolerated (rule id → pattern). Empty:
# the one we reported (HDR-DATE rejecting "Quận 3") has been fixed in nd30check.py.
KNOWN_CHECKER_FALSE_POSITIVES: dict[str, re.Pattern[str]] = {}


@dataclass
class CheckResult:
    passed: list[str]
    failed: dict[str, str]
    summary: str
    output: str

    def unexpected_failures(self) -> dict[str, str]:
        return {rule: msg for rule, msg in self.failed.items()
                if not (rule in KNOWN_CHECKER_FALSE_POSITIVES and KNOWN_CHECKER_FALSE_POSITIVES[rule].match(msg))}


def nd30check(path: Path) -> CheckResult:
    """Run ../shared/nd30/nd30check.py on a .docx and parse its report."""
    proc = subprocess.run([sys.executable, str(CHECKER), str(path)], capture_output=True, text=True, timeout=120)
    passed, failed = [], {}
    for line in proc.stdout.splitlines():
        m = re.match(r"^(PASS|FAIL) (\S+) ?(.*)$", line)
        if m:
            (passed.append(m.group(2)) if m.group(1) == "PASS" else failed.__setitem__(m.group(2), m.group(3)))
    lines = proc.stdout.strip().splitlines()
    return CheckResult(passed, failed, lines[-1] if lines else "", proc.stdout + proc.stderr)


def run_kh(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line (python -m generator) in a subprocess."""
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=300)


@pytest.fixture(scope="session")
def built_examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example plan built once by the CLI into a temporary folder."""
    out = tmp_path_factory.mktemp("examples")
    proc = run_kh("build", *(str(PLANS / f"{name}.yaml") for name in EXAMPLES), "--outdir", str(out))
    assert proc.returncode == 0, proc.stderr
    return {name: out / f"{name}.docx" for name in EXAMPLES}


ORG = """\
name: Ủy ban nhân dân Quận 3
short_name: Ủy ban nhân dân quận
header: [ỦY BAN NHÂN DÂN, QUẬN 3]
symbol: UBND
place: Quận 3
units:
  noi-vu: Phòng Nội vụ quận
  btg: {name: Ban Tuyên giáo và Dân vận Quận ủy, request: true}
signers:
  hang: {authority: KT. CHỦ TỊCH, position: PHÓ CHỦ TỊCH, name: Phạm Thị Thúy Hằng}
"""

PLAN = """\
org: q3
number: 118
date: 2025-04-29
subject: Thông tin, tuyên truyền năm {{ year }}
bases:
  - kind: Kế hoạch
    number: 1895/KH-UBND
    date: 2024-03-26
    issuer: Ủy ban nhân dân Thành phố
    subject: thông tin, tuyên truyền
intro: Ủy ban nhân dân Quận 3 ban hành Kế hoạch như sau
sections:
  - title: Mục đích, yêu cầu
    sections:
      - title: Mục đích
        bullets:
          - Tuyên truyền các chủ trương
          - text: Tăng cường phối hợp
            bullets: [Chi tiết một, Chi tiết hai]
      - title: Yêu cầu
        points: [Điểm một, Điểm hai, Điểm ba, Điểm bốn, Điểm năm, Điểm sáu]
  - title: Tổ chức thực hiện
    assignments:
      - unit: noi-vu
        tasks: [Triển khai tập huấn, Tổng hợp báo cáo]
      - unit: btg
        tasks: [Định hướng tuyên truyền]
closing: Trên đây là Kế hoạch năm {{ year }}
recipients: [Sở Nội vụ Thành phố, TT. UBND Q.3]
archive: VT, NV
signer: hang
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch folder with a small valid plan (plan.yaml) and its profile (orgs/q3.yaml)."""
    (tmp_path / "orgs").mkdir()
    (tmp_path / "orgs" / "q3.yaml").write_text(ORG, encoding="utf-8")
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    return tmp_path


def git_commit_all(folder: Path) -> None:
    """Make ``folder`` a git repository with everything in it committed (skips when git is missing)."""
    import shutil

    if shutil.which("git") is None:
        pytest.skip("git not installed")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    subprocess.run([*git, "add", "."], cwd=folder, check=True)
    subprocess.run([*git, "commit", "-qm", "plan"], cwd=folder, check=True)
