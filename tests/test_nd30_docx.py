"""kh's own ND30 check of Word documents (generator/nd30, ``kh check FILE.docx``).

Inputs are built here: the example plans through ``kh build`` (the ``built_examples`` fixture), then
mutated at the XML level so that each rule of generator/nd30/rules.py is broken on its own. Nothing
here needs ../shared; where ../shared is present the shared checker's verdicts on the example
outputs and the wild documents are compared with kh's (bench/ND30_AGREEMENT.md).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from generator.nd30.check import check_path
from generator.nd30.rules import BY_ID, RULES, rules_for
from generator.ooxml.safe_open import DocxReadError, Limits, open_docx

from .conftest import EXAMPLES, SHARED, run_kh, shared_nd30check

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WILD = SHARED / "wild"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


# ---------------------------------------------------------------------- mutation helpers
Edit = Callable[[dict[str, etree._Element]], None]


def mutate(src: Path, dst: Path, edit: Edit) -> Path:
    """Copy of ``src`` with its word/*.xml parts changed by ``edit`` (part name → root element)."""
    with zipfile.ZipFile(src) as z:
        blobs = {n: z.read(n) for n in z.namelist()}
    trees = {n: etree.fromstring(b) for n, b in blobs.items()
             if n.startswith("word/") and n.endswith(".xml") and "/_rels/" not in n}
    edit(trees)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in blobs.items():
            z.writestr(name, etree.tostring(trees[name], xml_declaration=True, encoding="UTF-8", standalone=True)
                       if name in trees else blob)
    return dst


def text_of(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(q("t")))


def para(root: etree._Element, start: str, nth: int = 0) -> etree._Element:
    """The ``nth`` paragraph whose text starts with ``start``."""
    found = [p for p in root.iter(q("p")) if text_of(p).strip().startswith(start)]
    assert len(found) > nth, f"no paragraph starting {start!r}"
    return found[nth]


def doc(t: dict[str, etree._Element]) -> etree._Element:
    return t["word/document.xml"]


def run_prop(p: etree._Element, tag: str, **attrs: str) -> None:
    """Give every text run of ``p`` the run property ``tag`` (replacing one already there)."""
    for r in p.iter(q("r")):
        if r.find(q("t")) is None:
            continue
        rpr = r.find(q("rPr"))
        if rpr is None:
            rpr = etree.SubElement(r, q("rPr"))
            r.insert(0, rpr)
        for old in rpr.findall(q(tag)):
            rpr.remove(old)
        el = etree.SubElement(rpr, q(tag))
        for k, v in attrs.items():
            el.set(q(k), v)


def para_prop(p: etree._Element, tag: str, **attrs: str) -> etree._Element:
    """Set (merge) the paragraph property ``tag`` of ``p``."""
    ppr = p.find(q("pPr"))
    if ppr is None:
        ppr = etree.Element(q("pPr"))
        p.insert(0, ppr)
    el = ppr.find(q(tag))
    if el is None:
        el = etree.SubElement(ppr, q(tag))
    for k, v in attrs.items():
        el.set(q(k), v)
    return el


def set_text(p: etree._Element, old: str, new: str) -> None:
    for t in p.iter(q("t")):
        if t.text and old in t.text:
            t.text = t.text.replace(old, new, 1)
            return
    raise AssertionError(f"{old!r} not in {text_of(p)!r}")


def new_para(text: str, **ppr: dict[str, str]) -> etree._Element:
    p = etree.Element(q("p"))
    for tag, attrs in ppr.items():
        para_prop(p, tag, **attrs)
    r = etree.SubElement(p, q("r"))
    t = etree.SubElement(r, q("t"))
    t.text = text
    return p


def drop_border(p: etree._Element) -> None:
    ppr = p.find(q("pPr"))
    ppr.remove(ppr.find(q("pBdr")))


def border_after(root: etree._Element, start: str) -> etree._Element:
    """The empty bordered paragraph kh draws a rule with, following the paragraph starting ``start``."""
    p = para(root, start).getnext()
    while p is not None and p.find(f"{q('pPr')}/{q('pBdr')}") is None:
        p = p.getnext()
    assert p is not None
    return p


def body_sect(root: etree._Element) -> etree._Element:
    return root.find(q("body")).find(q("sectPr"))


# ---------------------------------------------------------------------- mutations, one per rule
def _landscape_tail(t: dict[str, etree._Element]) -> None:
    root = doc(t)
    body = root.find(q("body"))
    final = body_sect(root)
    end_first = new_para("")
    ppr = etree.Element(q("pPr"))
    ppr.append(etree.fromstring(etree.tostring(final)))   # a portrait section ends here
    end_first.insert(0, ppr)
    body.insert(body.index(final), end_first)
    body.insert(body.index(final), new_para("Ghi chú thêm của văn phòng."))
    size = final.find(q("pgSz"))
    w_, h_ = size.get(q("w")), size.get(q("h"))
    size.set(q("w"), h_)
    size.set(q("h"), w_)
    size.set(q("orient"), "landscape")


def _cv(t: dict[str, etree._Element]) -> None:
    """Turn the quan3 plan into a công văn: no type name, "V/v" under the number, "Kính gửi"."""
    root = doc(t)
    title = para(root, "KẾ HOẠCH")
    body = title.getparent()
    subject = title.getnext()
    rule = subject.getnext()
    for p in (title, subject, rule):
        body.remove(p)
    so = para(root, "Số:")
    set_text(so, "118/KH-UBND", "118/UBND-NV")
    vv = new_para("V/v thông tin, tuyên truyền cải cách hành chính năm 2025", jc={"val": "center"},
                  spacing={"before": "120"})
    run_prop(vv, "sz", val="24")
    run_prop(vv, "rFonts", ascii="Times New Roman", hAnsi="Times New Roman")
    so.addnext(vv)
    first_basis = para(root, "Căn cứ")
    first_basis.addprevious(new_para("Kính gửi: Sở Nội vụ Thành phố.", pStyle={"val": "KHBody"}))
    set_text(para(root, "- Sở Nội vụ Thành phố"), "Sở Nội vụ Thành phố", "Như trên")


def _cv_then(edit: Edit) -> Edit:
    def both(t: dict[str, etree._Element]) -> None:
        _cv(t)
        edit(t)
    return both


def _no_kinhgui(t: dict[str, etree._Element]) -> None:
    p = para(doc(t), "Kính gửi")
    p.getparent().remove(p)
    set_text(para(doc(t), "- Như trên"), "Như trên", "Sở Nội vụ Thành phố")


def _three_lines_above(t: dict[str, etree._Element]) -> None:
    body = doc(t).find(q("body"))
    for i in range(3):
        body.insert(0, new_para(f"Ghi chú {i + 1}"))


def _header_part(t: dict[str, etree._Element]) -> etree._Element:
    return next(root for name, root in t.items() if name.startswith("word/header")
                and any("PAGE" in (f.get(q("instr")) or "") for f in root.iter(q("fldSimple"))))


#: Rule id → (example built by kh, the edit that breaks that rule alone).
MUTATIONS: dict[str, tuple[str, Edit]] = {
    "PAGE-SIZE": ("quan3-2025", lambda t: body_sect(doc(t)).find(q("pgSz")).attrib.update(
        {q("w"): "12240", q("h"): "15840"})),
    "PAGE-ORIENT": ("quan3-2025", _landscape_tail),
    "PAGE-MARGIN": ("quan3-2025", lambda t: body_sect(doc(t)).find(q("pgMar")).set(q("top"), "567")),
    "FONT-FAMILY": ("quan3-2025", lambda t: run_prop(para(doc(t), "Ủy ban nhân dân Quận 3 ban hành"), "rFonts",
                                                     ascii="Arial", hAnsi="Arial")),
    "FONT-COLOR": ("quan3-2025", lambda t: run_prop(para(doc(t), "Ủy ban nhân dân Quận 3 ban hành"), "color",
                                                    val="FF0000")),
    "FONT-UNICODE": ("quan3-2025", lambda t: [setattr(x, "text", unicodedata.normalize("NFD", x.text))
                                              for x in para(doc(t), "Ủy ban nhân dân Quận 3 ban hành").iter(q("t"))
                                              if x.text]),
    "HDR-LAYOUT": ("quan3-2025", _three_lines_above),
    "HDR-QH": ("quan3-2025", lambda t: run_prop(para(doc(t), "CỘNG HÒA"), "b", val="0")),
    "HDR-TN": ("quan3-2025", lambda t: set_text(para(doc(t), "Độc lập"), "Độc lập - Tự do", "Độc lập – Tự do")),
    "HDR-TN-LINE": ("quan3-2025", lambda t: drop_border(border_after(doc(t), "Độc lập"))),
    "HDR-AGENCY": ("quan3-2025", lambda t: run_prop(para(doc(t), "QUẬN 3"), "sz", val="28")),
    "HDR-AGENCY-LINE": ("quan3-2025", lambda t: drop_border(border_after(doc(t), "QUẬN 3"))),
    "HDR-NUMBER": ("quan3-2025", lambda t: set_text(para(doc(t), "Số:"), "118/", "8/")),
    "HDR-DATE": ("quan3-2025", lambda t: set_text(para(doc(t), "Quận 3, ngày"), "tháng 4", "tháng 04")),
    "HDR-ROW": ("quan3-2025", lambda t: para_prop(para(doc(t), "Quận 3, ngày"), "spacing", before="1400")),
    "TITLE-TYPE": ("quan3-2025", lambda t: run_prop(para(doc(t), "KẾ HOẠCH"), "b", val="0")),
    "TITLE-TRICHYEU": ("quan3-2025", lambda t: run_prop(para(doc(t), "Thông tin, tuyên truyền cải cách"), "i")),
    "TITLE-LINE": ("quan3-2025", lambda t: drop_border(border_after(doc(t), "Thông tin, tuyên truyền cải cách"))),
    "HDR-VV": ("quan3-2025", _cv_then(lambda t: run_prop(para(doc(t), "V/v"), "i"))),
    "KINHGUI": ("quan3-2025", _cv_then(_no_kinhgui)),
    "BODY-CANCU": ("quan3-2025", lambda t: set_text(para(doc(t), "Căn cứ Kế hoạch số 92"), "Quận 3.", "Quận 3;")),
    "BODY-SIZE": ("quan3-2025", lambda t: run_prop(para(doc(t), "Ủy ban nhân dân Quận 3 ban hành"), "sz",
                                                   val="24")),
    "BODY-ALIGN": ("quan3-2025", lambda t: para_prop(para(doc(t), "Ủy ban nhân dân Quận 3 ban hành"), "jc",
                                                     val="left")),
    "BODY-INDENT": ("quan3-2025", lambda t: para_prop(para(doc(t), "Ủy ban nhân dân Quận 3 ban hành"), "ind",
                                                      firstLine="0")),
    "BODY-SPACING": ("quan3-2025", lambda t: para_prop(para(doc(t), "Ủy ban nhân dân Quận 3 ban hành"), "spacing",
                                                       before="0")),
    "BODY-NUMBERING": ("quan3-2025", lambda t: set_text(para(doc(t), "đ) "), "đ) ", "e) ")),
    "BODY-END": ("quan3-2025", lambda t: set_text(para(doc(t), "Trên đây là Kế hoạch"), "./.", ".")),
    "PAGENUM": ("quan3-2025", lambda t: run_prop(_header_part(t).find(f".//{q('p')}"), "sz", val="22")),
    "PAGENUM-FIRST": ("quan3-2025", lambda t: body_sect(doc(t)).remove(body_sect(doc(t)).find(q("titlePg")))),
    "NOINHAN-LABEL": ("quan3-2025", lambda t: run_prop(para(doc(t), "Nơi nhận"), "i", val="0")),
    "NOINHAN-ENTRIES": ("quan3-2025", lambda t: run_prop(para(doc(t), "- Sở Nội vụ"), "sz", val="24")),
    "SIGN-BLOCK": ("quan3-2025", lambda t: run_prop(para(doc(t), "Phạm Thị Thúy Hằng"), "sz", val="24")),
    "SIGN-PREFIX": ("quan3-2025", lambda t: set_text(para(doc(t), "KT. CHỦ TỊCH"), "KT. ", "KT ")),
    "APPX-HEAD": ("binhtan-2021", lambda t: run_prop(para(doc(t), "(Kèm theo Kế hoạch"), "i", val="0")),
    "APPX-PAGENUM": ("binhtan-2021", lambda t: body_sect(doc(t)).remove(body_sect(doc(t)).find(q("pgNumType")))),
}


def test_every_rule_has_a_mutation() -> None:
    assert set(MUTATIONS) == {r.id for r in RULES}


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_outputs_have_no_finding(built_examples: dict[str, Path], name: str) -> None:
    report = check_path(built_examples[name])
    assert [f"{f.rule}: {f.where}: {f.message}" for f in report.findings] == []
    assert report.kind == ("QĐ" if name == "tphcm-2021" else "KH")
    assert report.rules_checked == len(rules_for(report.kind)) >= 30


def test_decision_and_the_plan_it_issues_are_two_documents(built_examples: dict[str, Path]) -> None:
    report = check_path(built_examples["tphcm-2021"])
    assert report.kinds == ["QĐ", "KH"]


@pytest.mark.parametrize("rule_id", sorted(MUTATIONS))
def test_each_rule_fires_on_a_document_breaking_it_alone(built_examples: dict[str, Path], tmp_path: Path,
                                                         rule_id: str) -> None:
    example, edit = MUTATIONS[rule_id]
    out = mutate(built_examples[example], tmp_path / f"{rule_id}.docx", edit)
    report = check_path(out)
    fired = {f.rule for f in report.findings}
    assert fired == {rule_id}, [f"{f.rule}: {f.where}: {f.message}" for f in report.findings]
    finding = next(f for f in report.findings if f.rule == rule_id)
    assert finding.severity == BY_ID[rule_id].severity
    assert finding.place == BY_ID[rule_id].place and finding.message and finding.where


def test_the_synthesised_official_letter_is_clean(built_examples: dict[str, Path], tmp_path: Path) -> None:
    report = check_path(mutate(built_examples["quan3-2025"], tmp_path / "cv.docx", _cv))
    assert report.kind == "CV"
    assert [f"{f.rule}: {f.message}" for f in report.findings] == []
    assert "TITLE-TYPE" not in report.rules and "HDR-VV" in report.rules and "KINHGUI" in report.rules


def test_word_lettering_e_where_d_stroke_belongs(built_examples: dict[str, Path], tmp_path: Path) -> None:
    """A point list numbered by Word (lowerLetter: a, b, c, d, e) shows "e)" where "đ)" belongs."""
    def edit(t: dict[str, etree._Element]) -> None:
        numbering = t["word/numbering.xml"]
        ab = etree.SubElement(numbering, q("abstractNum"))
        ab.set(q("abstractNumId"), "90")
        lvl = etree.SubElement(ab, q("lvl"))
        lvl.set(q("ilvl"), "0")
        etree.SubElement(lvl, q("start")).set(q("val"), "1")
        etree.SubElement(lvl, q("numFmt")).set(q("val"), "lowerLetter")
        etree.SubElement(lvl, q("lvlText")).set(q("val"), "%1)")
        numbering.insert(0, ab)     # abstract numberings come first
        num = etree.SubElement(numbering, q("num"))
        num.set(q("numId"), "90")
        etree.SubElement(num, q("abstractNumId")).set(q("val"), "90")
        for letter in "abcdđeg":
            p = para(doc(t), f"{letter}) ")
            set_text(p, f"{letter}) ", "")
            numpr = para_prop(p, "numPr")
            etree.SubElement(numpr, q("ilvl")).set(q("val"), "0")
            etree.SubElement(numpr, q("numId")).set(q("val"), "90")

    report = check_path(mutate(built_examples["quan3-2025"], tmp_path / "letters.docx", edit))
    msgs = [f.message for f in report.findings if f.rule == "BODY-NUMBERING"]
    assert any("'e)' where 'đ)' belongs" in m for m in msgs), msgs


# ---------------------------------------------------------------------- bad input
def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in parts.items():
            z.writestr(name, blob)
    return path


def test_not_a_zip(tmp_path: Path) -> None:
    bad = tmp_path / "x.docx"
    bad.write_text("Đây không phải tệp Word", encoding="utf-8")
    with pytest.raises(DocxReadError, match="không phải tệp Word") as exc:
        check_path(bad)
    assert exc.value.exit_code == 2


def test_encrypted_ole_file(tmp_path: Path) -> None:
    enc = tmp_path / "enc.docx"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    enc.write_bytes(ole + bytes(512) + "EncryptedPackage".encode("utf-16-le") + bytes(64))
    with pytest.raises(DocxReadError, match="mật khẩu"):
        check_path(enc)
    old = tmp_path / "old.docx"
    old.write_bytes(ole + bytes(2048))
    with pytest.raises(DocxReadError, match="97-2003"):
        check_path(old)


def test_zip_bomb_refused_before_inflating(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            for _ in range(300):
                f.write(bytes(1 << 20))
    assert bomb.stat().st_size < 2_000_000
    start = time.perf_counter()
    with pytest.raises(DocxReadError, match="zip bomb"):
        check_path(bomb)
    assert time.perf_counter() - start < 2.0


def test_zip_entry_larger_than_declared_is_refused(built_examples: dict[str, Path], tmp_path: Path) -> None:
    """A central directory that understates a part's size: the read stops at the declared size."""
    src = built_examples["quan3-2025"]
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo("word/document.xml")
    name = b"word/document.xml"
    at = 0
    while True:   # the central directory entry of word/document.xml
        at = data.find(b"PK\x01\x02", at + 1)
        assert at > 0
        if data[at + 46:at + 46 + len(name)] == name:
            break
    data[at + 24:at + 28] = (info.file_size // 10).to_bytes(4, "little")
    liar = tmp_path / "liar.docx"
    liar.write_bytes(bytes(data))
    with pytest.raises(DocxReadError):
        check_path(liar)


def test_dtd_and_broken_xml(tmp_path: Path) -> None:
    lol = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
           f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>')
    with pytest.raises(DocxReadError, match="DTD"):
        check_path(_zip(tmp_path / "lol.docx", {"word/document.xml": lol.encode()}))
    with pytest.raises(DocxReadError, match="XML hỏng"):
        check_path(_zip(tmp_path / "broken.docx", {"word/document.xml": f'<w:document xmlns:w="{W}">'.encode()}))
    with pytest.raises(DocxReadError, match="không có phần nội dung chính"):
        check_path(_zip(tmp_path / "empty.docx", {"readme.txt": b"x"}))


def test_limits_are_enforced_from_the_directory(built_examples: dict[str, Path]) -> None:
    with pytest.raises(DocxReadError, match="quá giới hạn"):
        open_docx(built_examples["quan3-2025"], Limits(entries=3))
    pkg = open_docx(built_examples["quan3-2025"], Limits(part_bytes=1000))
    with pytest.raises(DocxReadError, match="zip bomb"):
        pkg.read("word/document.xml")


def _long_plan(src: Path, dst: Path, copies: int) -> Path:
    """The quan3 plan with its content repeated ``copies`` times (about 10 pages a copy)."""
    def edit(t: dict[str, etree._Element]) -> None:
        body = doc(t).find(q("body"))
        kids = list(body)
        first = kids.index(para(doc(t), "I. "))
        closing = next(i for i in range(first, len(kids)) if kids[i].tag == q("tbl"))
        chunk = [etree.tostring(k) for k in kids[first:closing]]
        at = closing
        for _ in range(copies - 1):
            for blob in chunk:
                body.insert(at, etree.fromstring(blob))
                at += 1
    return mutate(src, dst, edit)


@pytest.mark.slow
def test_two_hundred_pages_in_bounded_time_and_memory(built_examples: dict[str, Path], tmp_path: Path) -> None:
    big = _long_plan(built_examples["quan3-2025"], tmp_path / "big.docx", 20)
    code = ("import resource, sys, time; from pathlib import Path; from generator.nd30.check import check_path;"
            "t = time.perf_counter(); r = check_path(Path(sys.argv[1])); dt = time.perf_counter() - t;"
            "print(len(r.findings), r.paragraphs, round(dt, 3),"
            " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)")
    if sys.platform == "win32":
        pytest.skip("ru_maxrss is POSIX only; the time bound is tested on POSIX")
    proc = subprocess.run([sys.executable, "-c", code, str(big)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    findings, paragraphs, seconds, rss_mb = proc.stdout.split()
    assert int(paragraphs) > 2000          # 20 copies of ~110 paragraphs, > 200 pages
    assert float(seconds) < 15.0
    assert int(rss_mb) < 400
    assert int(findings) > 0               # the repeated "I." headings break the numbering


# ---------------------------------------------------------------------- the command
def test_cli_clean_file_exit_0(built_examples: dict[str, Path]) -> None:
    proc = run_kh("check", str(built_examples["quan3-2025"]))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "đạt" in proc.stdout and "Kế hoạch" in proc.stdout


def test_cli_findings_exit_1_and_json(built_examples: dict[str, Path], tmp_path: Path) -> None:
    bad = mutate(built_examples["quan3-2025"], tmp_path / "bad.docx", MUTATIONS["HDR-DATE"][1])
    proc = run_kh("check", str(bad))
    assert proc.returncode == 1
    assert "HDR-DATE" in proc.stdout and "Phụ lục I, Phần I, Mục II, khoản 4" in proc.stdout
    proc = run_kh("check", str(bad), "--format", "json")
    assert proc.returncode == 1
    out = json.loads(proc.stdout)
    (report,) = out["files"]
    assert report["kind"] == "KH" and report["rules_checked"] >= 30
    assert [f["rule"] for f in report["findings"]] == ["HDR-DATE"]
    assert "tháng '04'" in report["findings"][0]["message"]


def test_cli_folder_summary_and_unreadable_exit_2(built_examples: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(built_examples["quan3-2025"], folder / "a-clean.docx")
    mutate(built_examples["quan3-2025"], folder / "b-margins.docx", MUTATIONS["PAGE-MARGIN"][1])
    (folder / "c-broken.docx").write_text("not a zip", encoding="utf-8")
    proc = run_kh("check", str(folder))
    assert proc.returncode == 2
    assert "không phải tệp Word" in proc.stderr
    table = proc.stdout[proc.stdout.index("tệp (file)"):]
    assert re.search(r"a-clean\.docx\s+KH .*—", table) and re.search(r"b-margins\.docx\s+KH .*PAGE-MARGIN", table)
    assert "c-broken.docx" in table and "3 tệp: 1 đạt, 1 có lỗi thể thức, 1 không đọc được" in proc.stdout
    proc = run_kh("check", str(folder / "a-clean.docx"), str(folder / "b-margins.docx"), "--format", "json")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["summary"] == {"files": 2, "clean": 1, "with_findings": 1, "unreadable": 0}


def test_cli_plans_still_go_to_the_yaml_check(project: Path) -> None:
    proc = run_kh("check", str(project / "plan.yaml"), cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert "quy tắc (rules)" not in proc.stdout and ("hợp lệ" in proc.stdout or "0 lỗi (errors)" in proc.stderr)


@pytest.mark.requires("soffice")
def test_cli_odt_through_libreoffice(built_examples: dict[str, Path], tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice is not None
    src = tmp_path / "plan.docx"
    shutil.copy(built_examples["quan3-2025"], src)
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                    "--convert-to", "odt", "--outdir", str(tmp_path), str(src)], capture_output=True, timeout=180)
    odt = tmp_path / "plan.odt"
    assert odt.is_file()
    proc = run_kh("check", str(odt), "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)["files"][0]
    assert report["kind"] == "KH" and report["rules_checked"] >= 30


# ---------------------------------------------------------------------- second opinion (../shared)
needs_shared = pytest.mark.requires("shared")

#: (file, rule) → which checker bench/ND30_AGREEMENT.md shows to be right where the two disagree.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    **{(f, "HDR-QH"): "kh" for f in ("lc-bc-dinhky-vlncn-2025", "lc-kh-de-an-08", "lc-qd-3728-congnhan-kq",
                                     "lc-qd-doan-kiemtra-hoachat")},
    **{(f, "HDR-TN-LINE"): "kh" for f in ("lc-bc-dinhky-vlncn-2025", "lc-cv-3155-tuchoi",
                                          "lc-kh-2242-kiemtra-gcn-28-donvi", "lc-kh-3024-kiemtra-sin-quyen",
                                          "lc-kh-3898-huanluyen-nguoi-quanly", "lc-kh-3957-kiemtra-gcn-19-donvi",
                                          "lc-kh-ubnd-chi-thi-11", "lc-qd-3728-congnhan-kq",
                                          "lc-qd-ubnd-uyquyen-vlncn", "lc-tb-2245-kiemtra", "lc-ttr-panm")},
    **{(f, "HDR-AGENCY-LINE"): "kh" for f in ("lc-qd-ubnd-uyquyen-vlncn", "lc-tb-2245-kiemtra", "lc-ttr-panm")},
    **{(f, "PAGENUM"): "kh" for f in ("lc-bc-dinhky-vlncn-2025", "lc-kh-2242-kiemtra-gcn-28-donvi",
                                      "lc-kh-3024-kiemtra-sin-quyen", "lc-kh-3898-huanluyen-nguoi-quanly",
                                      "lc-kh-3957-kiemtra-gcn-19-donvi", "lc-kh-template-pccc",
                                      "lc-qd-3728-congnhan-kq")},
    ("lc-bc-dinhky-vlncn-2025", "BODY-ALIGN"): "kh", ("lc-bc-dinhky-vlncn-2025", "BODY-INDENT"): "kh",
    ("lc-kh-de-an-08", "BODY-ALIGN"): "kh", ("lc-kh-de-an-08", "BODY-INDENT"): "kh",
    ("lc-kh-de-an-08", "TITLE-LINE"): "kh", ("lc-kh-template-pccc", "BODY-NUMBERING"): "kh",
    ("lc-qd-3728-congnhan-kq", "TITLE-TRICHYEU"): "kh",
}


@needs_shared
def test_verdicts_agree_with_the_shared_checker_on_wild_files() -> None:
    wild = sorted(WILD.glob("*.docx"))
    assert len(wild) == 14
    changed = []
    for path in wild:
        theirs = shared_nd30check(path)
        assert len(theirs.passed) + len(theirs.failed) >= 30, theirs.output
        ours = {f.rule for f in check_path(path).findings}
        for rule in (r.id for r in RULES):
            if rule not in theirs.passed and rule not in theirs.failed:
                continue    # kh's own rules (HDR-VV, KINHGUI)
            agree = (rule in theirs.failed) == (rule in ours)
            if agree != ((path.stem, rule) not in KNOWN_DIFFERENCES):
                changed.append((path.stem, rule, theirs.failed.get(rule), rule in ours))
    assert changed == [], "verdicts differ from bench/ND30_AGREEMENT.md"


@needs_shared
@pytest.mark.parametrize("name", EXAMPLES)
def test_shared_checker_also_passes_the_example_outputs(built_examples: dict[str, Path], name: str) -> None:
    theirs = shared_nd30check(built_examples[name])
    assert len(theirs.passed) >= 30 and not theirs.failed, theirs.output


# ---------------------------------------------------------------------- documents made by other tools
def _python_docx(path: Path, lines: list[str]) -> Path:
    import docx

    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    d.save(str(path))
    return path


def test_plain_python_docx_document_is_judged_without_internal_errors(tmp_path: Path) -> None:
    path = _python_docx(tmp_path / "plain.docx", [
        "ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/KH-UBND", "Hà Nội, ngày 05 tháng 3 năm 2025", "KẾ HOẠCH", "Về việc thử", "I. MỤC ĐÍCH",
        "Nội dung thử./.", "Nơi nhận:", "- Lưu: VT.", "CHỦ TỊCH", "Nguyễn Văn A"])
    report = check_path(path)
    fired = {f.rule for f in report.findings}
    assert report.kind == "KH"
    assert {"HDR-LAYOUT", "FONT-FAMILY", "PAGE-SIZE", "PAGENUM"} <= fired   # Letter paper, Calibri, no header
    assert not [f for f in report.findings if "nội bộ" in f.where], report.findings


def test_empty_document(tmp_path: Path) -> None:
    report = check_path(_python_docx(tmp_path / "empty.docx", []))
    assert report.kind is None and report.rules_checked >= 25
    assert {"HDR-LAYOUT", "BODY-END"} <= {f.rule for f in report.findings}
    assert not [f for f in report.findings if "nội bộ" in f.where]


@needs_shared
def test_no_internal_error_on_the_wild_files() -> None:
    for path in sorted(WILD.glob("*.docx")):
        report = check_path(path)
        assert report.kind is not None, path
        assert not [f for f in report.findings if "nội bộ" in f.where], (path, report.findings)


def test_page_numbers_only_when_the_file_knows_them(tmp_path: Path) -> None:
    """python-docx's template says "1 page" whatever the length: no page is claimed for a long text."""
    report = check_path(_python_docx(tmp_path / "long.docx", ["Nội dung thử nghiệm dài. " * 40] * 150))
    assert report.pages is None and all(f.page is None for f in report.findings)
    short = check_path(_python_docx(tmp_path / "short.docx", ["Một dòng."]))
    assert short.pages == 1
