"""A document's kind is a field (issue 21): Quyết định, Tờ trình, Báo cáo, Thông báo, Chỉ thị and Công văn
written like plans, their examples against the real documents they reproduce, and ``kh new``."""

from __future__ import annotations

import importlib.util
import re
import shutil
import zipfile
from pathlib import Path
from typing import get_args

import pytest
import yaml
from lxml import etree

from generator.layout.task_rows import task_rows
from generator.model.doc_kinds import KINDS, KindName, doc_kind
from generator.nd30 import doctypes, rules
from generator.nd30.check import check_path
from generator.readers.docx_text import read_docx_text
from generator.readers.yaml_reader import read_plan

from .conftest import PLANS, ROOT, SHARED, nd30check, need, run_kh, shared_nd30check
from .wordclean import assert_word_clean

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: A draft's blank number, as kh prints it.
BLANK = "\u00a0" * 6

#: The examples of issue 21: plan → (the real document it reproduces, kh's checker's kind code).
EXAMPLES = {
    "lc-qd-ubnd-uyquyen-vlncn": ("lc-qd-ubnd-uyquyen-vlncn.docx", "QĐ"),
    "lc-ttr-panm": ("lc-ttr-panm.docx", "TTr"),
    "lc-bc-dinhky-vlncn-2025": ("lc-bc-dinhky-vlncn-2025.docx", "BC"),
    "lc-tb-2245-kiemtra": ("lc-tb-2245-kiemtra.docx", "CV"),      # a thông báo written as a công văn (V/v)
    "lc-cv-3155-tuchoi": ("lc-cv-3155-tuchoi.docx", "CV"),
}
#: Every plan of plans/ (the drafts of ``kh new`` start from each).
ALL_PLANS = sorted(p.stem for p in PLANS.glob("*.yaml"))


def _recall_module():
    spec = importlib.util.spec_from_file_location("recall", ROOT / "bench" / "recall.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _paragraphs(path: Path) -> list[etree._Element]:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return list(root.iter(f"{W}p"))


def _text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def _style(p: etree._Element) -> str | None:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val") if style is not None else None


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of plans/ (profiles, schema, table sources) to write new documents into."""
    folder = tmp_path_factory.mktemp("kinds") / "plans"
    shutil.copytree(PLANS, folder, ignore=shutil.ignore_patterns("*.docx"))
    return folder


def _write(project: Path, name: str, text: str) -> Path:
    path = project / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _build(path: Path, out: Path | None = None, *extra: str) -> Path:
    out = out or path.with_suffix(".docx")
    proc = run_kh("build", str(path), "-o", str(out), *extra)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The five examples built once by the CLI."""
    out = tmp_path_factory.mktemp("kind-examples")
    proc = run_kh("build", *(str(PLANS / f"{n}.yaml") for n in EXAMPLES), "--outdir", str(out))
    assert proc.returncode == 0, proc.stderr
    return {n: out / f"{n}.docx" for n in EXAMPLES}


# ------------------------------------------------------------------ the table of kinds
def test_the_kinds_table_is_the_field_and_agrees_with_the_decree():
    assert list(KINDS) == list(get_args(KindName))
    assert doc_kind(None).name == "Kế hoạch"
    for kind in KINDS.values():
        assert (ROOT / "templates" / kind.template).is_file(), kind.template
        code = kind.abbr or "CV"
        assert rules.KINDS[code] == kind.name                        # kh's checker knows the kind by that name
        if kind.type_name is not None:                               # Phụ lục III, Mục I: the type's abbreviation
            assert doctypes.TYPE_ABBR[kind.type_name] == kind.abbr
            assert doctypes.kind_of_type(kind.type_name) == code
    assert KINDS["Công văn"].type_name is None and KINDS["Công văn"].is_letter
    assert {k.name for k in KINDS.values() if "to" in k.parts} == {"Tờ trình", "Báo cáo", "Công văn"}  # §II.9.b


def test_a_plan_saying_its_kind_builds_the_same_bytes(project: Path, tmp_path: Path):
    """``kind: Kế hoạch`` is the default: writing it changes nothing, .docx or text."""
    text = (PLANS / "quan3-2025.yaml").read_text(encoding="utf-8")
    said = _write(project, "quan3-kind", text.replace("\norg: quan3\n", "\nkind: Kế hoạch\norg: quan3\n", 1))
    assert "kind: Kế hoạch" in said.read_text(encoding="utf-8")
    for suffix in ("docx", "txt"):
        a = _build(PLANS / "quan3-2025.yaml", tmp_path / f"a.{suffix}", "--to", suffix)
        b = _build(said, tmp_path / f"b.{suffix}", "--to", suffix)
        assert a.read_bytes() == b.read_bytes(), suffix


# ------------------------------------------------------------------ the examples
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_passes_kh_check_as_its_kind(built: dict[str, Path], name: str):
    report = check_path(built[name])
    assert [f"{f.rule}: {f.where}: {f.message}" for f in report.findings] == []
    assert report.kind == EXAMPLES[name][1]
    assert report.rules_checked == len(rules.rules_for(report.kind)) >= 30


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_passes_the_shared_checker(built: dict[str, Path], name: str):
    result = shared_nd30check(built[name])
    assert result.unexpected_failures() == {}, result.output
    assert len(result.passed) + len(result.failed) == 34


def test_examples_are_word_clean(built: dict[str, Path]):
    assert_word_clean(*built.values())


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_reproduces_the_real_document(built: dict[str, Path], name: str):
    """Word 6-gram recall against ``kh text`` of the original ≥ 0.98 (bench/recall.py)."""
    need("shared")
    recall = _recall_module()
    original = SHARED / "wild" / EXAMPLES[name][0]
    assert original.is_file(), original
    m = recall.measure(original, built[name])
    assert m["recall"] >= recall.BAR, recall.missing(recall.text_of(original), recall.text_of(built[name]))
    assert m["precision"] >= 0.97
    assert set(recall.KIND_EXAMPLES) == set(EXAMPLES)


def test_the_recall_measure():
    recall = _recall_module()
    text = "Một hai ba bốn năm sáu bảy\nngắn | ô khác"
    assert recall.recall(text, text) == 1.0
    assert recall.grams(text)[("một", "hai", "ba", "bốn", "năm", "sáu")] == 1
    assert recall.grams(text)[("ngắn",)] == 1 and recall.grams(text)[("ô", "khác")] == 1   # cells apart
    # words the original ran together in one paragraph are found printed one per line
    assert recall.recall("- A b c; - D e f; - G h i.", "- A b c;\n- D e f;\n- G h i.") == 1.0
    assert recall.recall(text, "Một hai ba bốn năm sáu\nngắn") == pytest.approx(2 / 4)   # "…sáu bảy", "ô khác" lost


# ------------------------------------------------------------------ what each kind prints
def test_cong_van_has_no_type_name_and_its_subject_under_the_number(built: dict[str, Path]):
    path = built["lc-cv-3155-tuchoi"]
    paras = _paragraphs(path)
    texts = [_text(p) for p in paras]
    assert f"Số: {BLANK}/SCT-CN" in texts
    assert not any(t in texts for t in ("CÔNG VĂN", "KẾ HOẠCH"))
    vv = next(p for p in paras if _text(p).startswith("V/v "))
    assert _style(vv) == "KHLetterSubject" and vv.xpath("ancestor::w:tc", namespaces={"w": W[1:-1]})  # in the header
    assert _text(vv) == "V/v giải quyết đề nghị huấn luyện, kiểm tra cấp Giấy chứng nhận huấn luyện KTAT VLNCN"
    kg = next(p for p in paras if _text(p).startswith("Kính gửi"))
    assert _text(kg) == "Kính gửi: Hợp tác xã Văn Thịnh" and _style(kg) == "KHAddressee"
    lines = read_docx_text(path).splitlines()
    assert lines[lines.index("Nơi nhận:") + 1] == "- Như trên;"          # added: the document has Kính gửi


def test_several_addressees_stand_under_the_colon(project: Path):
    doc = _build(_write(project, "ttr-many", """\
kind: Tờ trình
org: lc-sct
year: 2026
subject: Về việc phê duyệt Kế hoạch kiểm tra năm 2026
to: [Ủy ban nhân dân tỉnh Lào Cai, Sở Tài chính, Sở Nội vụ]
intro: 'Sở Công Thương kính trình như sau:'
sections:
  - {title: Sự cần thiết, text: Cần kiểm tra.}
closing: Sở Công Thương kính trình Ủy ban nhân dân tỉnh xem xét, phê duyệt
recipients: [Như trên, Ban Giám đốc Sở]
archive: VT, CN
signer: thuan
"""))
    paras = [p for p in _paragraphs(doc) if _style(p) == "KHAddressee"]
    assert [_text(p) for p in paras] == ["Kính gửi:", "- Ủy ban nhân dân tỉnh Lào Cai;", "- Sở Tài chính;",
                                         "- Sở Nội vụ."]
    tabs = [int(p.find(f"{W}pPr/{W}tabs/{W}tab").get(f"{W}pos")) for p in paras]
    assert tabs[0] < tabs[1] == tabs[2] == tabs[3]       # the dashes aligned, right of the label's start
    assert all(p.find(f"{W}r/{W}tab") is not None for p in paras)
    report = check_path(doc)
    assert report.kind == "TTr" and [f.rule for f in report.findings] == []
    assert nd30check(doc).unexpected_failures() == {}
    lines = read_docx_text(doc).splitlines()
    assert lines[lines.index("Nơi nhận:") + 1:lines.index("Nơi nhận:") + 3] == ["- Như trên;", "- Ban Giám đốc Sở;"]


def test_quyet_dinh_standing_alone(built: dict[str, Path]):
    path = built["lc-qd-ubnd-uyquyen-vlncn"]
    paras = _paragraphs(path)
    texts = [_text(p) for p in paras]
    assert f"Số: {BLANK}/QĐ-UBND" in texts
    authority = texts.index("ỦY BAN NHÂN DÂN TỈNH LÀO CAI")
    decide = texts.index("QUYẾT ĐỊNH:")
    assert texts.index("QUYẾT ĐỊNH") < authority < decide and _style(paras[decide]) == "KHAuthority"
    assert all(_style(paras[i]) == "KHBasis" for i in range(authority + 1, decide))
    articles = [t for t in texts if re.match(r"Điều \d+\.", t)]
    assert [a[:7] for a in articles] == ["Điều 1.", "Điều 2.", "Điều 3.", "Điều 4."]
    head = paras[texts.index("Điều 3. Tổ chức thực hiện")]
    assert all(r.find(f"{W}rPr/{W}b") is not None for r in head.iter(f"{W}r") if _text(r).strip())  # title bold
    after = texts[texts.index("Điều 3. Tổ chức thực hiện") + 1:texts.index("Điều 4. Điều khoản thi hành")]
    assert [t[:3] for t in after] == ["1. ", "2. ", "a) ", "b) ", "c) ", "d) ", "đ) "]   # clauses, points
    assert texts[texts.index("Điều 4. Điều khoản thi hành") + 2].endswith("./.")
    assert "TM. ỦY BAN NHÂN DÂN" in texts and "KT. CHỦ TỊCH" in texts


@pytest.mark.parametrize(("kind", "symbol", "title"), [
    ("Thông báo", "TB-SCT", "THÔNG BÁO"), ("Chỉ thị", "CT-SCT", "CHỈ THỊ"), ("Báo cáo", "BC-SCT", "BÁO CÁO"),
    ("Tờ trình", "TTr-SCT", "TỜ TRÌNH")])
def test_named_kinds_print_their_type_and_symbol(project: Path, kind: str, symbol: str, title: str):
    doc = _build(_write(project, f"k-{symbol}", f"""\
kind: {kind}
org: lc-sct
number: 7
date: 2026-02-03
subject: Nội dung thử
intro: 'Sở Công Thương nêu như sau:'
sections:
  - title: Việc thứ nhất
    text: Nội dung.
  - title: Việc thứ hai
    points: [Điểm một, Điểm hai]
closing: Đề nghị các phòng thực hiện
recipients: [Các phòng thuộc Sở]
archive: VT, VP
signer: thuan
"""))
    texts = [_text(p) for p in _paragraphs(doc)]
    assert f"Số: 07/{symbol}" in texts and title in texts and "Nội dung thử" in texts
    arabic = doc_kind(kind).numbering == "arabic"
    assert ("1. Việc thứ nhất" in texts) == arabic and ("I. VIỆC THỨ NHẤT" in texts) == (not arabic)
    assert ("2. Việc thứ hai" in texts) == arabic and ("II. VIỆC THỨ HAI" in texts) == (not arabic)
    assert "a) Điểm một" in texts and "b) Điểm hai" in texts
    report = check_path(doc)
    assert report.kind == (doc_kind(kind).abbr or "CV") and [f.rule for f in report.findings] == []
    assert nd30check(doc).unexpected_failures() == {}


def test_arabic_numbering_goes_down_in_decimals(project: Path):
    doc = _build(_write(project, "arabic", """\
kind: Báo cáo
org: lc-ubnd
year: 2026
subject: Về kết quả
section_numbering: arabic
sections:
  - title: Kết quả
    sections:
      - title: Về tổ chức
        sections: [{text: Chi tiết.}]
      - text: Về kinh phí.
closing: Ủy ban nhân dân tỉnh báo cáo
recipients: [Sở Công Thương]
archive: VT
signer: sinh
"""))
    texts = [_text(p) for p in _paragraphs(doc)]
    assert ["1. Kết quả", "1.1. Về tổ chức", "1.1.1. Chi tiết.", "1.2. Về kinh phí."] == \
        [t for t in texts if re.match(r"\d", t)]


def test_a_table_stands_among_the_points_of_a_report(built: dict[str, Path]):
    lines = read_docx_text(built["lc-bc-dinhky-vlncn-2025"]).splitlines()
    table = lines.index("TT | Loại hình hoạt động của tổ chức | Số lượng tổ chức | Số lượng Giấy phép"
                        " | Cơ quan cấp phép")
    assert lines[table - 1].startswith("a) ")
    assert lines[table + 1] == "Bộ Công Thương | Bộ Quốc phòng | UBND tỉnh/Sở Công Thương"
    assert lines[table + 6].startswith("b) ")                             # lettering goes on after the table


@pytest.mark.parametrize(("edit", "message"), [
    ("to: Sở Nội vụ\n", "Kế hoạch không có 'to'"),
    ("articles: [Điều một]\n", "Kế hoạch không có 'articles'"),
    ("unit_symbol: CN\n", "Kế hoạch không có 'unit_symbol'"),
    ("kind: Công văn\n", "Công văn cần 'to'"),
    ("kind: Quyết định\n", "Quyết định không có 'sections'"),
    ("kind: Thư\n", "kind"),
])
def test_a_part_the_kind_has_not_is_a_located_error(project: Path, edit: str, message: str):
    text = (PLANS / "quan3-2025.yaml").read_text(encoding="utf-8").replace("\norg: quan3\n", f"\n{edit}org: quan3\n", 1)
    proc = run_kh("check", str(_write(project, "bad-kind", text)))
    assert proc.returncode == 2
    assert message in proc.stderr and "bad-kind.yaml:" in proc.stderr


def test_a_decision_without_articles_and_a_lower_case_unit_are_refused(project: Path):
    base = "org: lc-sct\nyear: 2026\nsubject: Thử\nrecipients: [A]\nsigner: thuan\n"
    proc = run_kh("check", str(_write(project, "qd-empty", "kind: Quyết định\n" + base)))
    assert proc.returncode == 2 and "Quyết định cần 'articles'" in proc.stderr
    proc = run_kh("check", str(_write(project, "cv-unit", "kind: Công văn\nto: A\nintro: Một câu.\nunit_symbol: cn\n"
                                      + base)))
    assert proc.returncode == 2 and "unit_symbol" in proc.stderr and "IN HOA" in proc.stderr


def test_text_writer_prints_each_kind(project: Path, tmp_path: Path):
    out = _build(PLANS / "lc-cv-3155-tuchoi.yaml", tmp_path / "cv.txt", "--to", "txt")
    lines = out.read_text(encoding="utf-8").splitlines()
    number = next(i for i, t in enumerate(lines) if t.startswith("Số:"))
    assert lines[number + 1].startswith("V/v giải quyết") and "Kính gửi: Hợp tác xã Văn Thịnh" in lines
    out = _build(PLANS / "lc-qd-ubnd-uyquyen-vlncn.yaml", tmp_path / "qd.txt", "--to", "txt")
    text = out.read_text(encoding="utf-8")
    assert text.index("ỦY BAN NHÂN DÂN TỈNH LÀO CAI") < text.index("Căn cứ Luật") < text.index("QUYẾT ĐỊNH:") < \
        text.index("Điều 1. Nội dung, phạm vi ủy quyền")


# ------------------------------------------------------------------ every command on every kind
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_fmt_keeps_each_example(project: Path, name: str):
    proc = run_kh("fmt", "--check", str(PLANS / f"{name}.yaml"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = (PLANS / f"{name}.yaml").read_text(encoding="utf-8")
    messy = re.sub(r"\nsigner: (\S+)\n", r"\nsigner: '\1'   \n", text)             # quoted, trailing spaces
    messy = re.sub(r"\nkind: (.*)\norg: (.*)\n", r"\norg: \2\nkind: \1\n", messy)      # keys out of order
    assert messy != text
    copy = _write(project, f"fmt-{name}", messy)
    assert run_kh("fmt", str(copy)).returncode == 0
    assert copy.read_text(encoding="utf-8") == (PLANS / f"{name}.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_clone_makes_next_years_draft_of_each_kind(project: Path, name: str):
    new = project / f"{name}-next.yaml"
    proc = run_kh("clone", str(PLANS / f"{name}.yaml"), str(new), "--force")
    assert proc.returncode == 0, proc.stderr
    data = yaml.safe_load(new.read_text(encoding="utf-8"))
    assert data["kind"] == yaml.safe_load((PLANS / f"{name}.yaml").read_text(encoding="utf-8"))["kind"]
    plan = read_plan(new)
    assert plan.year == read_plan(PLANS / f"{name}.yaml").year + 1
    assert check_path(_build(new)).findings == []


def test_diff_of_two_versions_of_a_cong_van(project: Path):
    old = PLANS / "lc-cv-3155-tuchoi.yaml"
    text = old.read_text(encoding="utf-8")
    new = _write(project, "cv-v2", text.replace("unit_symbol: CN", "unit_symbol: VP").replace(
        "chủ động bố trí nhân sự", "chủ động bố trí lại nhân sự").replace(
        "Theo hồ sơ, ông Bùi Đình Đăng", "Theo hồ sơ đã nộp, ông Bùi Đình Đăng"))
    proc = run_kh("diff", str(old), str(new))
    assert proc.returncode in (0, 1), proc.stderr
    out = proc.stdout
    assert "/SCT-[-CN-]{+VP+}" in out
    assert "Theo hồ sơ{+ đã nộp+}, ông Bùi Đình Đăng" in out
    assert "bố trí{+ lại+} nhân sự" in out
    assert "3 thay đổi (changes)" in out


# ------------------------------------------------------------------ kh new
def _new(project: Path, what: str, name: str, *extra: str) -> Path:
    out = project / f"{name}-{what}.yaml"
    proc = run_kh("new", what, "--for", str(project / f"{name}.yaml"), "-o", str(out), "--force", *extra)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.parametrize("what", ["to-trinh", "bao-cao"])
@pytest.mark.parametrize("name", ALL_PLANS)
def test_new_draft_of_every_plan_builds_nd30_clean(project: Path, name: str, what: str):
    path = _new(project, what, name)
    assert run_kh("fmt", "--check", str(path)).returncode == 0           # kh's normal YAML
    doc = _build(path)
    report = check_path(doc)
    assert report.kind == ("TTr" if what == "to-trinh" else "BC")
    assert [f"{f.rule}: {f.where}: {f.message}" for f in report.findings] == []
    result = nd30check(doc)
    assert result.unexpected_failures() == {}, result.output


def test_new_to_trinh_summarises_the_plan(project: Path):
    plan = read_plan(PLANS / "quan3-2025.yaml")
    path = _new(project, "to-trinh", "quan3-2025")
    draft = read_plan(path)
    assert draft.kind == "Tờ trình" and draft.org.name == plan.org.name and draft.signer == plan.signer
    assert draft.subject == f"Về việc ban hành Kế hoạch {plan.subject[0].lower()}{plan.subject[1:]}"
    assert draft.to == [plan.org.name] and len(draft.bases) == len(plan.bases)
    summary = draft.sections[1].bullets
    assert [b.text[0].split(".")[0] for b in summary[:len(plan.sections)]] == \
        [f"Mục {r}" for r in ("I", "II", "III", "IV", "V")]
    assert plan.sections[0].title in summary[0].text[0]
    text = read_docx_text(_build(path))
    assert "(Có dự thảo Kế hoạch thông tin, tuyên truyền cải cách hành chính" in text
    assert "Trên đây là Tờ trình về việc ban hành Kế hoạch" in text and "Kính gửi: Ủy ban nhân dân Quận 3" in text


def test_new_bao_cao_lists_every_task_and_the_summary_table(project: Path):
    plan = read_plan(PLANS / "quan3-2026-du-thao.yaml")
    rows = task_rows(plan)
    path = _new(project, "bao-cao", "quan3-2026-du-thao", "--to", "Sở Nội vụ Thành phố")
    text = read_docx_text(_build(path))
    lines = text.splitlines()
    assert "Kính gửi: Sở Nội vụ Thành phố" in lines
    for row in rows:
        task = next(t for t in lines if t.split(" ", 1)[-1].startswith(row.text.split("\n")[0].rstrip(".")))
        assert f"chủ trì: {', '.join(row.leads)}" in task and all(t in task for t in row.timing)
        assert lines[lines.index(task) + 1].startswith("Kết quả:…")
    header = lines.index("STT | Nhóm nhiệm vụ | Tổng số | Đã hoàn thành | Đang thực hiện | Chưa thực hiện")
    groups = {r.group for r in rows}
    assert lines[header + len(groups) + 1] == f"Tổng cộng | {len(rows)}"
    assert sum(int(line.split(" | ")[2]) for line in lines[header + 1:header + 1 + len(groups)]) == len(rows)
    assert "Thực hiện Kế hoạch số" in text and "báo cáo kết quả thực hiện như sau:" in text


def test_new_never_overwrites_without_force_and_writes_nothing_invalid(project: Path):
    out = project / "quan3-2025-to-trinh.yaml"
    out.write_text("giữ nguyên\n", encoding="utf-8")
    proc = run_kh("new", "to-trinh", "--for", str(project / "quan3-2025.yaml"))
    assert proc.returncode == 1 and "--force" in proc.stderr
    assert out.read_text(encoding="utf-8") == "giữ nguyên\n"
    proc = run_kh("new", "bao-cao", "--for", str(project / "quan3-2025.yaml"), "--org", "khong-co", "-o",
                  str(project / "x-bao-cao.yaml"))
    assert proc.returncode == 2 and "không ghi" in proc.stderr and "x-bao-cao.yaml" in proc.stderr
    assert not (project / "x-bao-cao.yaml").exists()
    assert not list(project.glob(".kh-new-*"))
    proc = run_kh("new", "to-trinh", "--for", str(project / "quan3-2025.yaml"), "--force")
    assert proc.returncode == 0 and out.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=plan.schema.json\n")


# ------------------------------------------------------------------ a decision and the document it issues
_QUY_CHE = """\
kind: Quyết định
org: lc-sct
number: 12
date: 2026-03-02
subject: Về việc ban hành Quy chế làm việc của Sở Công Thương
authority: GIÁM ĐỐC SỞ CÔNG THƯƠNG
bases:
  - text: Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025
  - {lead: Theo đề nghị của, text: Chánh Văn phòng Sở}
articles:
  - Ban hành kèm theo Quyết định này Quy chế làm việc của Sở Công Thương.
  - Quyết định này có hiệu lực kể từ ngày ký.
  - Chánh Văn phòng Sở, Trưởng các phòng chịu trách nhiệm thi hành Quyết định này.
attachment:
  kind: Quy chế
  subject: Làm việc của Sở Công Thương tỉnh Lào Cai
  chapters:
    - title: Những quy định chung
      articles:
        - {title: Phạm vi điều chỉnh, text: 'Quy chế này quy định nguyên tắc, lề lối làm việc của Sở.'}
        - title: Nguyên tắc làm việc
          body:
            - text: Tuân thủ quy định của pháp luật.
            - {text: 'Mỗi việc chỉ giao một người phụ trách:', points: [Giám đốc phân công, Phó Giám đốc thực hiện]}
    - title: Trách nhiệm, phạm vi giải quyết công việc
      articles:
        - Giám đốc chịu trách nhiệm toàn diện trước Ủy ban nhân dân tỉnh về mọi mặt công tác của Sở.
        - text:
            - Phó Giám đốc giúp Giám đốc phụ trách lĩnh vực được phân công.
            - Phó Giám đốc chịu trách nhiệm trước Giám đốc và trước pháp luật về lĩnh vực được phân công.
            - Khi Giám đốc vắng mặt, một Phó Giám đốc được ủy quyền điều hành công việc của Sở.
            - Phó Giám đốc báo cáo Giám đốc kết quả công việc hằng tuần.
recipients: [Như Điều 3, UBND tỉnh]
archive: VT, VP
signer: {position: GIÁM ĐỐC, name: Nguyễn Văn An}
"""


def test_a_decision_prints_the_quy_che_it_issues_with_chapters_and_articles(project: Path, tmp_path: Path):
    doc = _build(_write(project, "qd-quy-che", _QUY_CHE))
    lines = read_docx_text(doc).splitlines()
    assert "Số: 12/QĐ-SCT" in lines[4] and lines.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 2
    start = lines.index("QUY CHẾ")                                        # the attached document, on its own
    assert lines[start + 1:start + 3] == ["Làm việc của Sở Công Thương tỉnh Lào Cai",
                                          "(Kèm theo Quyết định số 12/QĐ-SCT ngày 02 tháng 3 năm 2026 của Sở Công"
                                          " Thương tỉnh Lào Cai)"]
    rest = lines[start + 3:]
    assert rest[:2] == ["Chương I", "NHỮNG QUY ĐỊNH CHUNG"]
    assert [t[:7] for t in rest if t.startswith("Điều ")] == ["Điều 1.", "Điều 2.", "Điều 3.", "Điều 4."]  # on
    assert rest[rest.index("Chương II") + 1] == "TRÁCH NHIỆM, PHẠM VI GIẢI QUYẾT CÔNG VIỆC"
    assert "1. Tuân thủ quy định của pháp luật." in rest and "a) Giám đốc phân công" in rest
    assert rest[-1].endswith("./.") and "Nơi nhận:" not in rest
    paras = _paragraphs(doc)
    chapter = next(p for p in paras if _text(p) == "Chương II")
    assert _style(chapter) == "KHChapter"
    with zipfile.ZipFile(doc) as z:                                       # numbered from 1 again
        assert b'<w:pgNumType w:start="1"/>' in z.read("word/document.xml")
    report = check_path(doc)
    assert report.kinds == ["QĐ", "khác"]
    assert [f"{f.rule}: {f.where}: {f.message}" for f in report.findings] == []
    assert nd30check(doc).unexpected_failures() == {}
    assert_word_clean(doc)
    text = _build(project / "qd-quy-che.yaml", tmp_path / "qd.txt", "--to", "txt").read_text(encoding="utf-8")
    assert text.index("QUYẾT ĐỊNH:") < text.index("QUY CHẾ") < text.index("Chương I")


def test_an_attachment_needs_chapters_or_articles_and_only_a_decision_has_one(project: Path):
    bad = _QUY_CHE.replace("  chapters:\n", "  articles: [Một điều]\n  chapters:\n", 1)
    proc = run_kh("check", str(_write(project, "qd-both", bad)))
    assert proc.returncode == 2 and "'chapters' (các chương) hoặc 'articles'" in proc.stderr
    plan = (PLANS / "quan3-2025.yaml").read_text(encoding="utf-8") + \
        "attachment: {kind: Quy định, subject: Thử, articles: [Một điều]}\n"
    proc = run_kh("check", str(_write(project, "kh-attachment", plan)))
    assert proc.returncode == 2 and "Kế hoạch không có 'attachment'" in proc.stderr
