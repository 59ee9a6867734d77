"""kh import on Word-style documents made by tests/fixtures/make_word_docs.py: typed and automatic
numbering give the same plan; headers, tables, footnotes, emphasis, legacy fonts are recognised;
the report is honest; files are never overwritten; profiles are reused or updated."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.readers.yaml_reader import read_plan

from .conftest import nd30check, run_kh
from .fixtures.make_word_docs import TCVN3_UNICODE, make
from .wordclean import assert_word_clean


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    """kind → (folder with plan.yaml and orgs/, JSON report) for the typed and automatic documents."""
    base = tmp_path_factory.mktemp("word")
    out = {}
    for kind in ("typed", "auto"):
        doc = make(kind, base / f"ke-hoach-{kind}.docx")
        folder = base / kind
        proc = run_kh("import", str(doc), "-o", str(folder / "plan.yaml"), "--report", "json")
        assert proc.returncode == 0, proc.stderr
        out[kind] = (folder, json.loads(proc.stdout))
    return out


def test_typed_and_automatic_numbering_give_the_same_plan(imported: dict[str, tuple[Path, dict]]) -> None:
    typed, auto = imported["typed"][0], imported["auto"][0]
    assert load(typed / "plan.yaml") == load(auto / "plan.yaml")
    assert load(typed / "orgs" / "quan-5.yaml") == load(auto / "orgs" / "quan-5.yaml")
    assert (typed / "plan.yaml").read_text(encoding="utf-8") != ""


def test_word_document_recognised(imported: dict[str, tuple[Path, dict]]) -> None:
    folder = imported["auto"][0]
    plan = load(folder / "plan.yaml")
    org = load(folder / "orgs" / "quan-5.yaml")
    assert org["header"] == ["ỦY BAN NHÂN DÂN", "QUẬN 5"] and org["symbol"] == "UBND" and org["place"] == "Quận 5"
    assert org["name"] == "Ủy ban nhân dân Quận 5"
    assert plan["number"] == 45 and str(plan["date"]) == "2025-02-10"
    assert plan["bases"][0]["date"] == "24/01/2025"          # kept as printed
    assert plan["bases"][1]["lead"] == "Thực hiện" and plan["bases"][1]["number"] == "30/KH-UBND"
    assert [s["title"] for s in plan["sections"]] == [
        "Mục đích, yêu cầu", "Nội dung, hình thức tuyên truyền", "Tổ chức thực hiện"]
    purpose = plan["sections"][0]["sections"][0]
    assert purpose["title"] == "Mục đích"                    # the typed "1." after Word's number is gone
    bullets = purpose["bullets"]
    assert bullets[0] == "Tuyên truyền **sâu rộng** các chủ trương về *cải cách hành chính* đến cán bộ, công chức."
    assert "^[Theo Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ.]" in bullets[1]
    assert "trực tuyến; bảo đảm" in bullets[1]               # the soft line break
    assert bullets[2] == TCVN3_UNICODE                       # .VnTime run converted
    content = plan["sections"][1]["sections"]
    assert len(content[0]["points"]) == 6
    assert content[0]["points"][1]["bullets"][0]["bullets"] == ["Số hồ sơ trực tuyến toàn trình."]
    assert content[1] == {"text": "**Hình thức:** qua Trang thông tin điện tử, bản tin và hội nghị của quận."}
    assignments = plan["sections"][2]["assignments"]
    assert [len(a["unit"]) if isinstance(a["unit"], list) else 1 for a in assignments] == [1, 2, 1]
    front = org["units"][assignments[2]["unit"]]
    assert front == {"name": "Ủy ban Mặt trận Tổ quốc Việt Nam quận", "request": True}
    assert plan["recipients"] == ["Sở Nội vụ Thành phố", "TT. QU, TT. UBND Q.5", "Các cơ quan chuyên môn thuộc quận"]
    assert plan["archive"] == "VT, NV"
    assert org["signers"][plan["signer"]]["name"] == "Nguyễn Văn An"
    groups = plan["tasks"]
    assert [g["group"] for g in groups] == ["Đối với cán bộ, công chức", "Đối với nhân dân, doanh nghiệp"]
    assert groups[0]["tasks"][0]["timing"] == {"quarter": 1}
    assert groups[0]["tasks"][1]["product"] == ["Lớp tập huấn", "Tài liệu"]
    assert str(groups[1]["tasks"][1]["timing"]["before"]) == "2025-06-30"
    assert plan["appendices"] == [{"type": "tasks", "title": "Nhiệm vụ thông tin, tuyên truyền năm {{ year }}",
                                   "landscape": True}]
    # the plan's own year becomes {{ year }} where the text speaks of the plan (kh clone moves it);
    # citations keep theirs
    assert plan["subject"] == "Thông tin, tuyên truyền cải cách hành chính năm {{ year }}"
    assert plan["bases"][0]["subject"] == "cải cách hành chính năm 2025"
    assert plan["closing"] == ["Trên đây là Kế hoạch thông tin, tuyên truyền cải cách hành chính năm {{ year }}"
                               " của Ủy ban nhân dân Quận 5"]


def test_report_is_honest(imported: dict[str, tuple[Path, dict]]) -> None:
    typed, auto = imported["typed"][1], imported["auto"][1]
    for report in (typed, auto):
        assert report["paragraphs"]["unplaced"] == 0 and report["paragraphs"]["structured"] > 60
        assert any("TCVN3" in n for n in report["notes"])
        assert "phụ lục (appendices)" in report["recognised"]
    typed_fixes = [c["why"] for c in typed["corrections"]]
    assert "chữ cái 'c)' → 'd)'" in typed_fixes               # the letter used twice
    assert "chữ cái 'd)' → 'đ)'" in typed_fixes               # "đ" skipped
    auto_fixes = [c["why"] for c in auto["corrections"]]
    assert any("typed number after an automatic one" in w for w in auto_fixes)
    assert any(c["where"].startswith("đoạn ") for c in auto["corrections"])


def test_imported_plan_builds_and_is_word_clean(imported: dict[str, tuple[Path, dict]]) -> None:
    folder = imported["auto"][0]
    read_plan(folder / "plan.yaml")
    proc = run_kh("build", str(folder / "plan.yaml"), "-o", str(folder / "plan.docx"))
    assert proc.returncode == 0, proc.stderr
    result = nd30check(folder / "plan.docx")
    assert not result.unexpected_failures(), result.output
    assert_word_clean(folder / "plan.docx")


def test_never_overwrites_and_reuses_or_updates_the_profile(imported: dict[str, tuple[Path, dict]],
                                                           tmp_path: Path) -> None:
    source = imported["typed"][0].parent / "ke-hoach-typed.docx"
    plans = tmp_path / "plans"
    (plans / "orgs").mkdir(parents=True)
    profile = plans / "orgs" / "q5.yaml"
    profile.write_text("# hồ sơ viết tay (hand-written)\nname: Ủy ban nhân dân Quận 5\n"
                       "header: [ỦY BAN NHÂN DÂN, QUẬN 5]\nsymbol: UBND\nplace: Quận 5\n"
                       "units:\n  noi-vu: Phòng Nội vụ quận\n", encoding="utf-8")
    before = profile.read_bytes()
    proc = run_kh("import", str(source), "-o", str(plans / "a.yaml"))
    assert proc.returncode == 0, proc.stderr
    plan = load(plans / "a.yaml")
    assert plan["org"] == "q5" and profile.read_bytes() == before and sorted(os.listdir(plans / "orgs")) == ["q5.yaml"]
    assert plan["sections"][2]["assignments"][0]["unit"] == "noi-vu"
    assert plan["sections"][2]["assignments"][2]["unit"] == {"text": "Ủy ban Mặt trận Tổ quốc Việt Nam quận"}
    assert plan["sections"][2]["assignments"][2]["request"] is True
    assert isinstance(plan["signer"], dict)                 # not in the profile: written inline
    assert "--update-org" in proc.stdout
    assert run_kh("build", str(plans / "a.yaml"), "-o", str(tmp_path / "a.docx")).returncode == 0

    written = (plans / "a.yaml").read_bytes()
    again = run_kh("import", str(source), "-o", str(plans / "a.yaml"))
    assert again.returncode == 1 and "--force" in again.stderr and (plans / "a.yaml").read_bytes() == written

    proc = run_kh("import", str(source), "-o", str(plans / "b.yaml"), "--update-org")
    assert proc.returncode == 0, proc.stderr
    updated = profile.read_text(encoding="utf-8")
    assert updated.startswith("# hồ sơ viết tay") and "Nguyễn Văn An" in updated
    data = load(profile)
    assert data["units"]["noi-vu"] == "Phòng Nội vụ quận" and len(data["units"]) == 5
    assert load(plans / "b.yaml")["signer"] in data["signers"]
    assert run_kh("build", str(plans / "b.yaml"), "-o", str(tmp_path / "b.docx")).returncode == 0


def test_unreadable_file_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "hong.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    proc = run_kh("import", str(bad), "-o", str(tmp_path / "plans" / "x.yaml"))
    assert proc.returncode == 1 and "hong.docx" in proc.stderr and "(corrupt zip package)" in proc.stderr
    assert not (tmp_path / "plans").exists()


def test_doc_formats_without_libreoffice_say_how_to_install(tmp_path: Path) -> None:
    src = tmp_path / "cu.doc"
    src.write_bytes(b"\xd0\xcf\x11\xe0 old word file")
    env = dict(os.environ, PATH=str(tmp_path))               # no soffice on this PATH
    proc = subprocess.run([sys.executable, "-m", "generator", "import", str(src), "-o", str(tmp_path / "x.yaml")],
                          capture_output=True, text=True, env=env, cwd=Path(__file__).resolve().parent.parent)
    assert proc.returncode == 1
    assert "LibreOffice" in proc.stderr and "apt-get install -y libreoffice-writer-nogui" in proc.stderr
    assert not (tmp_path / "x.yaml").exists()


@pytest.mark.requires("soffice")
@pytest.mark.parametrize("fmt", ["odt", "doc", "rtf"])
def test_older_formats_through_libreoffice(fmt: str, imported: dict[str, tuple[Path, dict]], tmp_path: Path) -> None:
    source = imported["auto"][0].parent / "ke-hoach-auto.docx"
    proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                           fmt, "--outdir", str(tmp_path), str(source)], capture_output=True, text=True, timeout=180)
    odt = tmp_path / f"ke-hoach-auto.{fmt}"
    assert odt.is_file(), proc.stderr
    proc = run_kh("import", str(odt), "-o", str(tmp_path / "plans" / "p.yaml"), "--report", "json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert any("LibreOffice" in n for n in report["notes"])
    plan, docx_plan = load(tmp_path / "plans" / "p.yaml"), load(imported["auto"][0] / "plan.yaml")
    for key in ("number", "date", "bases", "recipients", "archive", "tasks"):
        assert plan[key] == docx_plan[key], key
    assert [s["title"] for s in plan["sections"]] == [s["title"] for s in docx_plan["sections"]]


def test_bold_headings_without_numbers_and_paragraph_layout(tmp_path: Path) -> None:
    """A plainer Word file: header lines as paragraphs, headings only bold (no number), Nơi nhận and
    signer as paragraphs, a basis joined with the lead-in, text in NFD."""
    import unicodedata

    from docx import Document

    doc = Document()
    lines = [("ỦY BAN NHÂN DÂN", True), ("PHƯỜNG 7", True), ("Số: 12/KH-UBND", False),
             ("Phường 7, ngày 03 tháng 3 năm 2025", False), ("KẾ HOẠCH", True),
             ("Tuyên truyền cải cách hành chính năm 2025", True),
             ("Thực hiện Kế hoạch số 35/KH-UBND ngày 23 tháng 01 năm 2025 của Ủy ban nhân dân quận về cải cách"
              " hành chính; Ủy ban nhân dân Phường 7 ban hành Kế hoạch như sau:", False),
             ("MỤC ĐÍCH, YÊU CẦU", True), ("Mục đích", True), ("- Nâng cao nhận thức của người dân.", False),
             ("Yêu cầu", True), ("- Thực hiện nghiêm túc.", False),
             ("TỔ CHỨC THỰC HIỆN", True), ("Công chức Văn hóa - Xã hội phường", True),
             ("- Theo dõi, báo cáo kết quả./.", False),
             ("Nơi nhận:", True), ("- UBND quận;", False), ("- Lưu: VT.", False),
             ("CHỦ TỊCH", True), ("Lê Văn Bình", True)]
    for text, bold in lines:
        doc.add_paragraph().add_run(unicodedata.normalize("NFD", text)).bold = bold or None
    src = tmp_path / "p7.docx"
    doc.save(str(src))
    proc = run_kh("import", str(src), "-o", str(tmp_path / "plans" / "p7.yaml"), "--report", "json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    plan = load(tmp_path / "plans" / "p7.yaml")
    org = load(tmp_path / "plans" / "orgs" / "phuong-7.yaml")
    assert org["header"] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG 7"] and org["place"] == "Phường 7"
    assert plan["number"] == 12 and plan["bases"][0]["with_intro"] is True
    assert plan["intro"] == ["Ủy ban nhân dân Phường 7 ban hành Kế hoạch như sau:"]
    assert [s["title"] for s in plan["sections"]] == ["Mục đích, yêu cầu", "Tổ chức thực hiện"]
    assert [s["title"] for s in plan["sections"][0]["sections"]] == ["Mục đích", "Yêu cầu"]
    assert plan["sections"][1]["assignments"][0]["tasks"] == ["Theo dõi, báo cáo kết quả"]
    assert plan["recipients"] == ["UBND quận"] and plan["archive"] == "VT"
    assert org["signers"][plan["signer"]] == {"position": "CHỦ TỊCH", "name": "Lê Văn Bình"}
    assert any("NFD" in n for n in report["notes"])
    assert sum("heading without a number" in c["why"] for c in report["corrections"]) == 5
    assert run_kh("build", str(tmp_path / "plans" / "p7.yaml"), "-o", str(tmp_path / "p7-out.docx")).returncode == 0


def test_header_laid_out_with_tabs(tmp_path: Path) -> None:
    """No header table: agency and national name on one line, separated by tabs, as many offices type it."""
    from docx import Document

    doc = Document()
    for text, bold in [("ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
                       ("XÃ AN PHÚ\tĐộc lập - Tự do - Hạnh phúc", True),
                       ("Số: 3/KH-UBND\t\tAn Phú, ngày 05 tháng 01 năm 2025", False), ("KẾ HOẠCH", True),
                       ("Phòng, chống thiên tai năm 2025", True), ("I. NỘI DUNG", True), ("- Một ý./.", False),
                       ("Nơi nhận:", True), ("- Lưu: VT.", False), ("CHỦ TỊCH", True), ("Trần Văn Cường", True)]:
        p = doc.add_paragraph()
        for i, part in enumerate(text.split("\t")):
            if i:
                p.add_run().add_tab()
            if part:
                p.add_run(part).bold = bold or None
    doc.save(str(tmp_path / "an-phu.docx"))
    proc = run_kh("import", str(tmp_path / "an-phu.docx"), "-o", str(tmp_path / "plans" / "p.yaml"))
    assert proc.returncode == 0, proc.stderr
    org = load(tmp_path / "plans" / "orgs" / "xa-an-phu.yaml")
    assert org["header"] == ["ỦY BAN NHÂN DÂN", "XÃ AN PHÚ"] and org["place"] == "An Phú"
    assert org["name"] == "Ủy ban nhân dân xã An Phú"
    plan = load(tmp_path / "plans" / "p.yaml")
    assert plan["number"] == 3 and str(plan["date"]) == "2025-01-05"
    assert plan["subject"] == "Phòng, chống thiên tai năm {{ year }}"


def test_document_without_a_plan_writes_nothing(tmp_path: Path) -> None:
    from docx import Document

    Document().save(str(tmp_path / "trong.docx"))
    proc = run_kh("import", str(tmp_path / "trong.docx"), "-o", str(tmp_path / "plans" / "x.yaml"))
    assert proc.returncode == 1 and "no plan content found" in proc.stderr
    assert not (tmp_path / "plans").exists()


def test_word_list_levels_and_restarts(tmp_path: Path) -> None:
    """numbering.xml is counted like Word: deeper levels restart under a new parent item, and a list
    instance with a startOverride starts again."""
    from docx import Document
    from docx.oxml import parse_xml

    from generator.importer.docx_reader import read_docx

    from .fixtures.make_word_docs import NUMBERING, _numbered

    doc = Document()
    part = doc.part.numbering_part
    new = parse_xml(NUMBERING)
    part.element.clear()
    for child in list(new):
        part.element.append(child)
    for num, level, text in [(1, 0, "A"), (1, 1, "a1"), (1, 2, "x"), (1, 2, "y"), (1, 1, "a2"), (1, 2, "z"),
                             (1, 0, "B"), (1, 1, "b1"), (1, 2, "c1"), (3, 2, "restarted"), (3, 2, "next"),
                             (2, 0, "dash"), (2, 1, "plus")]:
        p = doc.add_paragraph(text)
        _numbered(p, num, level)
    doc.save(str(tmp_path / "lists.docx"))
    labels = [(p.auto_label, p.text) for p in read_docx(tmp_path / "lists.docx").blocks]
    assert labels == [("I.", "A"), ("1.", "a1"), ("a)", "x"), ("b)", "y"), ("2.", "a2"), ("a)", "z"),
                      ("II.", "B"), ("1.", "b1"), ("a)", "c1"), ("a)", "restarted"), ("b)", "next"),
                      ("-", "dash"), ("+", "plus")]


def test_imported_plan_clones_to_next_year(imported: dict[str, tuple[Path, dict]], tmp_path: Path) -> None:
    """import → kh clone → build: the plan's own year moves, the cited documents keep theirs."""
    shutil.copytree(imported["auto"][0], tmp_path / "plans")
    proc = run_kh("clone", str(tmp_path / "plans" / "plan.yaml"), str(tmp_path / "plans" / "next.yaml"))
    assert proc.returncode == 0, proc.stderr
    proc = run_kh("build", str(tmp_path / "plans" / "next.yaml"), "-o", str(tmp_path / "next.txt"))
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "next.txt").read_text(encoding="utf-8")
    assert "Thông tin, tuyên truyền cải cách hành chính năm 2026" in text
    assert "NHIỆM VỤ THÔNG TIN, TUYÊN TRUYỀN NĂM 2026" in text
    assert "Kế hoạch số 12/KH-UBND ngày 24/01/2025 của Ủy ban nhân dân Thành phố về cải cách hành chính năm 2025" \
        in text


def test_bullets_from_list_styles_nest_by_indent(tmp_path: Path) -> None:
    """Word's "List Bullet" / "List Bullet 2" styles are separate lists, all at level 0: the deeper
    indent is the nested bullet."""
    from docx import Document

    doc = Document()
    for text, style in [("KẾ HOẠCH", None), ("Thử danh sách theo kiểu đoạn", None), ("I. NỘI DUNG", None),
                        ("Ý lớn thứ nhất", "List Bullet"), ("Ý nhỏ", "List Bullet 2"),
                        ("Ý lớn thứ hai./.", "List Bullet"), ("Nơi nhận:", None), ("- Lưu: VT.", None),
                        ("CHỦ TỊCH", None), ("Lê Văn Bình", None)]:
        p = doc.add_paragraph(text, style=style)
        p.runs[0].bold = text.isupper() or text in ("Thử danh sách theo kiểu đoạn", "Lê Văn Bình") or None
    doc.save(str(tmp_path / "ds.docx"))
    proc = run_kh("import", str(tmp_path / "ds.docx"), "-o", str(tmp_path / "plans" / "p.yaml"))
    assert proc.returncode == 0, proc.stderr
    plan = load(tmp_path / "plans" / "p.yaml")
    assert plan["sections"][0]["bullets"] == [{"text": "Ý lớn thứ nhất", "bullets": ["Ý nhỏ"]}, "Ý lớn thứ hai"]


def test_a_different_profile_under_the_same_name_is_not_overwritten(imported: dict[str, tuple[Path, dict]],
                                                                    tmp_path: Path) -> None:
    source = imported["typed"][0].parent / "ke-hoach-typed.docx"
    (tmp_path / "orgs").mkdir()
    other = tmp_path / "orgs" / "quan-5.yaml"
    other.write_text("name: Phòng Nội vụ Quận 5\nheader: [ỦY BAN NHÂN DÂN QUẬN 5, PHÒNG NỘI VỤ]\nsymbol: PNV\n"
                     "place: Quận 5\n", encoding="utf-8")
    before = other.read_bytes()
    proc = run_kh("import", str(source), "-o", str(tmp_path / "p.yaml"))
    assert proc.returncode == 1 and "quan-5.yaml" in proc.stderr and "--force" in proc.stderr
    assert other.read_bytes() == before and not (tmp_path / "p.yaml").exists()
    proc = run_kh("import", str(source), "-o", str(tmp_path / "p.yaml"), "--update-org")
    assert proc.returncode == 1 and other.read_bytes() == before and not (tmp_path / "p.yaml").exists()
    proc = run_kh("import", str(source), "-o", str(tmp_path / "p.yaml"), "--org", "q5-ubnd")
    assert proc.returncode == 0, proc.stderr
    assert other.read_bytes() == before and (tmp_path / "orgs" / "q5-ubnd.yaml").is_file()
