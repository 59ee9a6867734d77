"""`kh redline`: NEW's document with OLD → NEW as Word tracked changes.

The proof is LibreOffice: Accept All must give exactly NEW's text and Reject All OLD's (text of
`kh build` of each side, read by `kh text`). Run on a `kh clone` of quan3-2025 edited in a few
places, on a draft with task and budget tables edited (row insertions/deletions), and on pairs of
unrelated example plans (decision vs plan, appendices appearing/disappearing, footnotes).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from .conftest import PLANS, ROOT, git_commit_all, nd30check, need, run_kh
from .plan_edits import make_clone
from .wordclean import assert_word_clean

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ORG_NAME = "Ủy ban nhân dân Quận 3"
DATE = "2026-03-10T09:00"

#: A draft's tasks and budget edited: a deadline moved, a task reassigned, budget rows removed/added.
DRAFT_EDITS = [
    ("timing: {quarter: 2}", "timing: {quarter: 3}"),
    ("      - {item: Lớp tập huấn, unit: Lớp, quantity: 2, price: 12500000}\n", ""),
    ("      - {item: Video clip tuyên truyền, unit: Clip, quantity: 3, price: 8000000}\n",
     "      - {item: Video clip tuyên truyền, unit: Clip, quantity: 3, price: 8000000}\n"
     "      - {item: Tờ gấp tuyên truyền, unit: Tờ, quantity: 2000, price: 1500}\n"),
]
#: Unrelated example plans compared (different templates, appendices, footnotes; body tables and
#: table/content appendices against task/report/budget ones).
PAIRS = [("quan3-2025", "quan3-2026-du-thao"), ("quan3-2026-du-thao", "binhtan-2021"),
         ("tphcm-2021", "quan3-2025"), ("quan3-2026-du-thao", "tables-demo")]


def uno_python() -> str | None:
    """A Python that can `import uno` (Debian's python3-uno lives in the system Python)."""
    for exe in ("/usr/bin/python3", "/usr/lib/libreoffice/program/python", shutil.which("python3")):
        if exe and Path(exe).exists() and shutil.which("soffice") and subprocess.run(
                [exe, "-c", "import uno"], capture_output=True, timeout=60).returncode == 0:
            return exe
    return None


def text_of(path: Path) -> str:
    proc = run_kh("text", str(path))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def parts(path: Path) -> tuple[etree._Element, etree._Element | None]:
    with zipfile.ZipFile(path) as zf:
        doc = etree.fromstring(zf.read("word/document.xml"))
        notes = etree.fromstring(zf.read("word/footnotes.xml")) if "word/footnotes.xml" in zf.namelist() else None
    return doc, notes


def ptext(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t", f"{W}delText"))


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path, Path]]:
    """name → (old plan, new plan, redline .docx), every redline made by the CLI."""
    work = tmp_path_factory.mktemp("redline")
    old, new = make_clone(work / "clone")
    draft = work / "clone" / "draft-edited.yaml"
    text = (PLANS / "quan3-2026-du-thao.yaml").read_text(encoding="utf-8")
    for before, after in DRAFT_EDITS:
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    draft.write_text(text, encoding="utf-8")
    plans = {"clone": (old, new), "draft": (work / "clone" / "quan3-2026-du-thao.yaml", draft)}
    plans |= {f"{a}--{b}": (PLANS / f"{a}.yaml", PLANS / f"{b}.yaml") for a, b in PAIRS}
    out: dict[str, tuple[Path, Path, Path]] = {}
    for name, (o, n) in plans.items():
        red = work / f"{name}.docx"
        proc = run_kh("redline", str(o), str(n), "-o", str(red), "--date", DATE)
        assert proc.returncode == 0, proc.stderr
        assert "đã ghi" in proc.stdout and red.is_file()
        out[name] = (o, n, red)
    return out


@pytest.fixture(scope="module")
def lo_views(cases: dict[str, tuple[Path, Path, Path]]) -> dict[str, tuple[Path, Path]]:
    """name → (all accepted, all rejected) .docx saved by LibreOffice (one soffice for all)."""
    need("soffice", "uno")
    exe = uno_python()
    assert exe is not None, "no Python that imports uno among /usr/bin/python3, LibreOffice's, python3"
    args: list[str] = []
    views: dict[str, tuple[Path, Path]] = {}
    for name, (_, _, red) in cases.items():
        acc, rej = red.with_suffix(".accepted.docx"), red.with_suffix(".rejected.docx")
        args += ["accept", str(red), str(acc), "reject", str(red), str(rej)]
        views[name] = (acc, rej)
    proc = subprocess.run([exe, str(ROOT / "tests" / "lo_accept_reject.py"), *args], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return views


@pytest.mark.requires("soffice", "uno")
@pytest.mark.parametrize("name", ["clone", "draft", *(f"{a}--{b}" for a, b in PAIRS)])
def test_accept_all_gives_new_reject_all_gives_old(name: str, cases, lo_views, tmp_path: Path) -> None:
    old, new, red = cases[name]
    accepted, rejected = lo_views[name]
    built_old, built_new = tmp_path / "old.docx", tmp_path / "new.docx"
    for plan, out in ((old, built_old), (new, built_new)):
        proc = run_kh("build", str(plan), "-o", str(out), "-q")
        assert proc.returncode == 0, proc.stderr
    new_text, old_text = text_of(built_new), text_of(built_old)
    assert new_text != old_text
    assert text_of(accepted) == new_text
    assert text_of(rejected) == old_text
    # kh text reads a redline as accepted, too
    assert text_of(red) == new_text


def test_redline_is_word_clean_and_nd30(cases) -> None:
    assert_word_clean(*(red for _, _, red in cases.values()))    # one run of each checker for all
    result = nd30check(cases["clone"][2])
    assert not result.unexpected_failures(), result.output


def test_word_level_marks_keep_formatting(cases) -> None:
    """Changed words are w:del/w:ins inside the paragraph; the rest of it is untouched text."""
    doc, _ = parts(cases["clone"][2])
    body = doc.find(f"{W}body")
    para = next(p for p in body.iter(f"{W}p") if "hình triển khai và kết quả thực hiện" in ptext(p))
    deleted = ["".join(t.text for t in d.iter(f"{W}delText")) for d in para.iter(f"{W}del")]
    inserted = ["".join(t.text for t in i.iter(f"{W}t")) for i in para.iter(f"{W}ins")]
    assert deleted == ["tính", "CCHC"]
    assert inserted == ["tình", "cải cách hành chính"]
    plain = [r for r in para.findall(f"{W}r")]
    assert any("các kênh thông tin chính thống về " in ptext(r) for r in plain)
    for mark in [*para.iter(f"{W}ins"), *para.iter(f"{W}del")]:
        assert mark.get(f"{W}author") == ORG_NAME
        assert mark.get(f"{W}date") == "2026-03-10T09:00:00Z"
    # only the changed word of the subject line is marked
    subject = next(p for p in body.iter(f"{W}p") if ptext(p).startswith("Thông tin, tuyên truyền cải cách"))
    ins_runs = [r for i in subject.iter(f"{W}ins") for r in i.iter(f"{W}r")]
    assert ins_runs and all(ptext(r) == "2026" for r in ins_runs)


def test_whole_paragraphs_and_rows(cases) -> None:
    doc, _ = parts(cases["clone"][2])
    body = doc.find(f"{W}body")
    paras = list(body.iter(f"{W}p"))
    added = next(p for p in paras if "Sở Văn hóa và Thể thao Thành phố" in ptext(p))
    assert all(r.getparent().tag == f"{W}ins" for r in added.findall(f".//{W}r") if ptext(r))
    removed = next(p for p in paras if "TT. QU Q.3" in ptext(p))
    assert not list(removed.iter(f"{W}t")) or not "".join(t.text or "" for t in removed.iter(f"{W}t")).strip()
    assert "".join(t.text for t in removed.iter(f"{W}delText")) == "- TT. QU Q.3;"
    # the paragraph mark before a vanished paragraph is deleted, before an added one inserted
    marks = [p.find(f"{W}pPr/{W}rPr") for p in paras]
    assert any(m is not None and m.find(f"{W}del") is not None for m in marks)
    assert any(m is not None and m.find(f"{W}ins") is not None for m in marks)
    # budget rows: one deleted, one inserted (w:trPr/w:del, w:trPr/w:ins)
    doc, _ = parts(cases["draft"][2])
    rows = list(doc.iter(f"{W}tr"))
    gone = [r for r in rows if r.find(f"{W}trPr/{W}del") is not None]
    new = [r for r in rows if r.find(f"{W}trPr/{W}ins") is not None]
    assert ["Lớp tập huấn" in "".join(t.text for t in r.iter(f"{W}delText")) for r in gone] == [True]
    assert any("Tờ gấp tuyên truyền" in ptext(r) for r in new)


def test_deleted_footnote_is_kept_for_reject(cases) -> None:
    """A footnote only OLD has is copied into NEW's footnotes and referenced from deleted text."""
    doc, notes = parts(cases["quan3-2026-du-thao--binhtan-2021"][2])
    assert notes is not None
    refs = [r for r in doc.iter(f"{W}footnoteReference")]
    assert refs and all(any(a.tag == f"{W}del" for a in r.iterancestors()) for r in refs)
    ids = {n.get(f"{W}id") for n in notes.iter(f"{W}footnote") if n.get(f"{W}type") is None}
    assert {r.get(f"{W}id") for r in refs} == ids


def test_reproducible_with_source_date_epoch(tmp_path: Path) -> None:
    old, new = PLANS / "quan3-2025.yaml", PLANS / "quan3-2026-du-thao.yaml"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}   # 2026-01-01T00:00:00Z
    outs = []
    for k in range(2):
        out = tmp_path / f"r{k}.docx"
        proc = subprocess.run([sys.executable, "-m", "generator", "redline", str(old), str(new), "-o",
                               str(out), "--author", "Phòng Nội vụ"], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    doc, _ = parts(tmp_path / "r0.docx")
    marks = list(doc.iter(f"{W}ins"))
    assert marks and {m.get(f"{W}date") for m in marks} == {"2026-01-01T00:00:00Z"}
    assert {m.get(f"{W}author") for m in marks} == {"Phòng Nội vụ"}
    with zipfile.ZipFile(tmp_path / "r0.docx") as zf:   # the reviewer's own edits are tracked too
        assert b"<w:trackRevisions/>" in zf.read("word/settings.xml")


def test_errors(tmp_path: Path, project: Path) -> None:
    bad = project / "bad.yaml"
    bad.write_text((project / "plan.yaml").read_text(encoding="utf-8").replace("bullets:", "bulets:", 1),
                   encoding="utf-8")
    out = tmp_path / "r.docx"
    proc = run_kh("redline", str(project / "plan.yaml"), str(bad), "-o", str(out))
    assert proc.returncode == 2 and "bulets" in proc.stderr and "khóa không hợp lệ" in proc.stderr
    assert not out.exists()
    plan = str(project / "plan.yaml")
    proc = run_kh("redline", plan, plan, "-o", plan)
    assert proc.returncode == 2 and "không ghi đè" in proc.stderr
    proc = run_kh("redline", plan, plan, "-o", str(out), "--date", "hôm qua")
    assert proc.returncode == 2 and "--date" in proc.stderr and not out.exists()
    proc = run_kh("redline", str(project / "plan.yaml"), "-o", str(out))
    assert proc.returncode == 2 and "hai tệp" in proc.stderr


def test_rev_against_git(project: Path) -> None:
    git_commit_all(project)
    plan = project / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("Điểm ba", "Điểm ba đã sửa"), encoding="utf-8")
    out = project / "r.docx"
    proc = run_kh("redline", str(plan), "--rev", "HEAD", "-o", str(out), "--date", DATE)
    assert proc.returncode == 0, proc.stderr
    doc, _ = parts(out)
    assert ["đã sửa"] == [ptext(i).strip() for i in doc.iter(f"{W}ins")]
    assert [p.name for p in project.iterdir() if p.name.startswith(".") and p.name != ".git"] == []   # no temp left
