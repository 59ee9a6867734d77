"""kh check as a linter: each rule reported at file:line with a hint; --strict; --fix keeps comments."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from generator.lang.legacy import from_tcvn3, is_tcvn3, is_vni

from .conftest import run_kh

TCVN3 = "Céng hoµ x· héi chñ nghÜa ViÖt Nam"
VNI = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam"
LONG = "Tổ chức tuyên truyền sâu rộng về cải cách hành chính đến từng khu phố"


def _plan(project: Path) -> Path:
    plan = project / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    text = text.replace("    subject: thông tin, tuyên truyền\n", "    subject: thông tin, tuyên truyền\n"
                        "  - kind: Kế hoạch\n    number: 1895/KH-UBND\n    date: 2024-03-26\n"
                        "    issuer: Ủy ban nhân dân Thành phố\n    subject: thông tin, tuyên truyền\n"
                        "  - text: Kế hoạch số 12/KH-UBND ngày 05 tháng 02 năm 2025 của Ủy ban nhân dân quận\n"
                        "  - text: Căn cứ Luật Tổ chức chính quyền địa phương   # ghi chú giữ nguyên\n")
    text = text.replace("intro: Ủy ban nhân dân Quận 3 ban hành Kế hoạch như sau",
                        "intro: Ngày 5 tháng 2 năm 2025 và ngày 5/3/2025, Ủy ban nhân dân Quận 3 ban hành"
                        "  Kế hoạch , cụ thể như sau")
    nfd = unicodedata.normalize("NFD", "Tuyên truyền về dịch vụ công")
    text = text.replace("          - Tuyên truyền các chủ trương\n",
                        f"          - Tuyên truyền các chủ trương\n          - {LONG}\n          - {LONG}\n"
                        f"          - {nfd}   # NFD\n          - {TCVN3}\n          - {VNI}\n"
                        f"          - Có  hai dấu cách   # kh: ignore\n")
    text = text.replace("closing: Trên đây là Kế hoạch năm {{ year }}",
                        "closing: Trên đây là Kế hoạch năm {{ year }}./.")
    plan.write_text(text, encoding="utf-8")
    return plan


def _line(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_lint_rules_with_lines_hints_and_exit_codes(project: Path) -> None:
    plan = _plan(project)
    text = plan.read_text(encoding="utf-8")
    proc = run_kh("check", str(plan))
    assert proc.returncode == 2, proc.stderr          # the hand-typed './.' would print './../.'
    err = proc.stderr

    def at(fragment: str, rule: str) -> None:
        n = _line(text, fragment)
        assert re.search(rf"^{re.escape(str(plan))}:{n}: .*\[{rule}\]", err, re.M), (rule, n, err)

    at("intro: Ngày 5 tháng 2", "ngay-so-0")
    assert "viết 'Ngày 05 tháng 02 năm 2025'" in err and "viết '05/3/2025'" in err
    at("text: Kế hoạch số 12/KH-UBND", "can-cu-tu-do")
    at("text: Căn cứ Luật", "can-cu-lap")
    at("closing:", "ket-thuc")
    assert "lỗi (error) [ket-thuc]" in err
    assert len(re.findall(r"\[trung-can-cu\]", err)) == 1
    assert len(re.findall(r"\[trung-doan\]", err)) == 1
    at("Kế hoạch , cụ thể", "dau-cach")
    at("NFD", "nfd")
    at(TCVN3, "tcvn3")
    at(VNI, "vni")
    at("unit: noi-vu", "noi-nhan")
    at("unit: btg", "noi-nhan")
    assert "Có  hai" not in err and str(_line(text, "Có  hai")) + ": " not in err  # '# kh: ignore'
    assert "gợi ý (hint)" in err


def test_fix_is_certain_and_keeps_comments(project: Path) -> None:
    plan = _plan(project)
    proc = run_kh("check", "--fix", str(plan))
    assert "đã sửa (fixed) 4 chỗ" in proc.stdout, proc.stdout + proc.stderr
    fixed = plan.read_text(encoding="utf-8")
    data = yaml.safe_load(fixed)
    bullets = data["sections"][0]["sections"][0]["bullets"]
    assert "Tuyên truyền về dịch vụ công" in bullets                       # NFC now
    assert "Cộng hoà xã hội chủ nghĩa Việt Nam" in bullets                 # TCVN3 converted
    assert VNI in bullets                                                   # VNI: reported, not guessed
    assert data["closing"] == "Trên đây là Kế hoạch năm {{ year }}"
    assert data["bases"][3]["text"] == "Luật Tổ chức chính quyền địa phương"
    for comment in ("# ghi chú giữ nguyên", "# NFD", "# kh: ignore"):
        assert comment in fixed
    proc = run_kh("check", str(plan))
    assert proc.returncode == 0 and "[tcvn3]" not in proc.stderr and "[vni]" in proc.stderr
    proc = run_kh("check", "--strict", str(plan))
    assert proc.returncode == 1 and "--strict" in proc.stderr


def test_clean_plan_passes_strict(project: Path) -> None:
    plan = project / "plan.yaml"
    text = plan.read_text(encoding="utf-8").replace(
        "recipients: [Sở Nội vụ Thành phố, TT. UBND Q.3]",
        "recipients: [Phòng Nội vụ quận, Ban Tuyên giáo và Dân vận Quận ủy, TT. UBND Q.3]")
    plan.write_text(text, encoding="utf-8")
    proc = run_kh("check", "--strict", str(plan))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"hợp lệ (valid): {plan}"


def test_profile_checked_as_a_profile(project: Path) -> None:
    org = project / "orgs" / "q3.yaml"
    proc = run_kh("check", str(org))
    assert proc.returncode == 0 and "hồ sơ tổ chức hợp lệ (valid profile)" in proc.stdout
    org.write_text(org.read_text(encoding="utf-8").replace("units:", "unitz:"), encoding="utf-8")
    proc = run_kh("check", str(org))
    assert proc.returncode == 2
    assert f"{org}:6" in proc.stderr and "unitz" in proc.stderr and "'units'" in proc.stderr
    assert "sections" not in proc.stderr                 # not read as a plan


def test_check_renders_the_document_in_memory(project: Path) -> None:
    (project / "broken.docx").write_bytes(b"not a zip")
    plan = project / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "template: broken.docx\n", encoding="utf-8")
    proc = run_kh("check", str(plan))
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "broken.docx" in proc.stderr
    assert not list(project.glob("output*"))


def test_legacy_detection_is_conservative() -> None:
    assert is_tcvn3(TCVN3) and from_tcvn3(TCVN3) == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    for text in ("Cộng hòa xã hội chủ nghĩa Việt Nam", "Phòng Nội vụ – ½ năm", "Café São Paulo"):
        assert not is_tcvn3(text) and not is_vni(text)
    assert is_vni(VNI)


def test_recipients_understand_abbreviations_and_groups() -> None:
    from generator.lint.plan_rules import _covers

    covered = [("VP. HĐND và UBND quận: CVP, các PCVP", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân quận"),
               ("UBMTTQVN quận và các tổ chức CT-XH quận",
                "Ủy ban Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội quận"),
               ("UB MTTQ VN Q.3", "Ủy ban Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội Quận 3"),
               ("Ban Tuyên giáo Quận ủy", "Ban Tuyên giáo và Dân vận Quận ủy"),
               ("Các cơ quan chuyên môn thuộc quận", "Phòng Tư pháp quận"),
               ("UBND 10 phường", "Chủ tịch Ủy ban nhân dân 10 phường")]
    missed = [("Sở Nội vụ Thành phố", "Phòng Nội vụ quận"), ("TT. UBND Q.3", "Phòng Nội vụ quận"),
              ("Các cơ quan chuyên môn thuộc quận", "Trung tâm Văn hóa - Thể thao Quận 3")]
    assert all(_covers(r, n) for r, n in covered)
    assert not any(_covers(r, n) for r, n in missed)


def test_hand_typed_numbering_is_an_error_and_fixed(project: Path) -> None:
    plan = project / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    text = text.replace("  - title: Mục đích, yêu cầu", "  - title: I. Mục đích, yêu cầu")
    text = text.replace("          - Tuyên truyền các chủ trương", "          - '- Tuyên truyền các chủ trương'")
    text = text.replace("points: [Điểm một,", "points: [a) Điểm một,")
    text = text.replace("recipients: [Sở Nội vụ Thành phố,", "recipients: ['- Sở Nội vụ Thành phố',")
    text = text.replace("archive: VT, NV", "archive: 'Lưu: VT, NV'   # nơi lưu")
    plan.write_text(text, encoding="utf-8")
    proc = run_kh("check", str(plan))
    assert proc.returncode == 2
    for fragment in ("title: I. Mục đích", "'- Tuyên truyền", "points: [a) Điểm", "recipients: ['-", "archive:"):
        assert re.search(rf":{_line(text, fragment)}: \S+: lỗi \(error\) \[so-tay\]", proc.stderr), fragment
    proc = run_kh("check", "--fix", str(plan))
    assert "đã sửa (fixed) 5 chỗ" in proc.stdout
    data = yaml.safe_load(plan.read_text(encoding="utf-8"))
    assert data["sections"][0]["title"] == "Mục đích, yêu cầu"
    assert data["sections"][0]["sections"][0]["bullets"][0] == "Tuyên truyền các chủ trương"
    assert data["sections"][0]["sections"][1]["points"][0] == "Điểm một"
    assert data["recipients"][0] == "Sở Nội vụ Thành phố" and data["archive"] == "VT, NV"
    assert "# nơi lưu" in plan.read_text(encoding="utf-8")
    out = project / "plan.txt"
    assert run_kh("build", str(plan), "-o", str(out)).returncode == 0
    printed = out.read_text(encoding="utf-8")
    assert "I. MỤC ĐÍCH, YÊU CẦU" in printed and "- Lưu: VT, NV." in printed and "- - " not in printed
