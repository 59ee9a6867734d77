"""kh init: a ready office repository that builds at once and passes its own pre-commit checks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import docx
import pytest
import yaml

from .conftest import have, nd30check, run_kh


def test_init_starter_builds_and_passes_its_hooks(tmp_path: Path) -> None:
    office = tmp_path / "office"
    proc = run_kh("init", str(office), "--year", "2026")
    assert proc.returncode == 0, proc.stderr
    for rel in ("plans/orgs/coquan.yaml", "plans/coquan-2026.yaml", "plans/plan.schema.json",
                "plans/orgs/org.schema.json", ".gitattributes", ".gitignore", ".pre-commit-config.yaml", "README.md"):
        assert (office / rel).is_file(), rel
        assert f"đã tạo (created): {rel}" in proc.stdout
    assert (office / "plans/coquan-2026.yaml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=plan.schema.json\n")
    assert (office / "plans/orgs/coquan.yaml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=org.schema.json\n")
    assert (office / "plans/plan.schema.json").read_text(encoding="utf-8") == run_kh("schema").stdout
    assert (office / "plans/orgs/org.schema.json").read_text(encoding="utf-8") == run_kh("schema", "--org").stdout
    assert "*.docx diff=kh" in (office / ".gitattributes").read_text(encoding="utf-8")
    assert "output/" in (office / ".gitignore").read_text(encoding="utf-8").splitlines()
    hooks = yaml.safe_load((office / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0]["hooks"]
    assert [h["entry"] for h in hooks] == ["kh fmt --check", "kh check --strict"]
    readme = (office / "README.md").read_text(encoding="utf-8")
    assert "kh build plans/coquan-2026.yaml" in readme and "kh clone" in readme
    if have("git"):   # kh init configures git where git is installed (always in CI)
        value = subprocess.run(["git", "config", "diff.kh.textconv"], cwd=office, capture_output=True, text=True)
        assert value.stdout.strip() == "kh text"
    # what the pre-commit hooks run passes on the fresh repository, and it builds at once
    assert run_kh("fmt", "--check", "plans", cwd=office).returncode == 0
    proc = run_kh("check", "--strict", "plans", "plans/orgs", cwd=office)
    assert proc.returncode == 0, proc.stderr
    proc = run_kh("build", "plans", cwd=office)
    assert proc.returncode == 0, proc.stderr
    out = office / "output" / "coquan-2026.docx"
    result = nd30check(out)
    assert not result.unexpected_failures(), result.output


def test_init_from_answers(tmp_path: Path) -> None:
    office = tmp_path / "vts"
    proc = run_kh("init", str(office), "--org", "vts", "--name", "Ủy ban nhân dân Phường Võ Thị Sáu",
                  "--parent", "ỦY BAN NHÂN DÂN QUẬN 3", "--header", "ỦY BAN NHÂN DÂN", "--header",
                  "PHƯỜNG VÕ THỊ SÁU", "--symbol", "UBND", "--place", "Phường Võ Thị Sáu",
                  "--signer", "Trần Thị Bích", "--position", "CHỦ TỊCH", "--authority", "", "--year", "2026",
                  "--no-git")
    assert proc.returncode == 0, proc.stderr
    assert 'git config diff.kh.textconv "kh text"' in proc.stdout
    assert not (office / ".git").exists()
    profile = yaml.safe_load((office / "plans/orgs/vts.yaml").read_text(encoding="utf-8"))
    assert profile["header"] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG VÕ THỊ SÁU"]
    assert profile["parent"] == ["ỦY BAN NHÂN DÂN QUẬN 3"]
    assert profile["signers"]["ky"] == {"authority": [], "position": "CHỦ TỊCH", "name": "Trần Thị Bích"}
    assert "HỒ SƠ MẪU" not in (office / "plans/orgs/vts.yaml").read_text(encoding="utf-8")
    proc = run_kh("build", "plans/vts-2026.yaml", cwd=office)
    assert proc.returncode == 0, proc.stderr
    document = docx.Document(str(office / "output" / "vts-2026.docx"))
    cells = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    body = " ".join(p.text for p in document.paragraphs)
    assert "PHƯỜNG VÕ THỊ SÁU" in cells and "Phường Võ Thị Sáu, ngày" in cells
    assert "Trần Thị Bích" in cells + body and "KT." not in cells + body
    result = nd30check(office / "output" / "vts-2026.docx")
    assert not result.unexpected_failures(), result.output


def test_init_never_overwrites(tmp_path: Path) -> None:
    office = tmp_path / "office"
    (office / "plans" / "orgs").mkdir(parents=True)
    (office / "README.md").write_text("# của chúng tôi\n", encoding="utf-8")
    (office / "plans" / "orgs" / "coquan.yaml").write_text("# hồ sơ riêng\n", encoding="utf-8")
    proc = run_kh("init", str(office), "--no-git")
    assert proc.returncode == 0, proc.stderr
    assert "đã có, giữ nguyên (exists, kept): README.md" in proc.stdout
    assert (office / "README.md").read_text(encoding="utf-8") == "# của chúng tôi\n"
    assert (office / "plans/orgs/coquan.yaml").read_text(encoding="utf-8") == "# hồ sơ riêng\n"
    assert (office / ".gitattributes").is_file()


@pytest.mark.parametrize("args", [["--org", "Bad Code"], ["--symbol", "ubnd"]])
def test_init_rejects_bad_answers(tmp_path: Path, args: list[str]) -> None:
    proc = run_kh("init", str(tmp_path / "x"), "--no-git", *args)
    assert proc.returncode == 2 and not (tmp_path / "x" / "plans").exists()


def test_init_interactive_answers(tmp_path: Path) -> None:
    import sys

    from .conftest import ROOT

    answers = "Ủy ban nhân dân Xã An Phú\nỦY BAN NHÂN DÂN|XÃ AN PHÚ\nUBND\nXã An Phú\nLê Văn C\nCHỦ TỊCH\n\n"
    proc = subprocess.run([sys.executable, "-m", "generator", "init", str(tmp_path / "x"), "-i", "--no-git",
                           "--org", "anphu"], input=answers, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    profile = yaml.safe_load((tmp_path / "x/plans/orgs/anphu.yaml").read_text(encoding="utf-8"))
    assert profile["name"] == "Ủy ban nhân dân Xã An Phú" and profile["header"] == ["ỦY BAN NHÂN DÂN", "XÃ AN PHÚ"]
    assert profile["signers"]["ky"]["name"] == "Lê Văn C"
    assert profile["signers"]["ky"]["authority"] == "KT. CHỦ TỊCH"      # the default offered
    assert run_kh("build", "plans", cwd=tmp_path / "x").returncode == 0
