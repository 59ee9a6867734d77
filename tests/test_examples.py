"""The example plans end to end: build with the CLI, open, check, and compare with the seeds."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from .conftest import (
    EXAMPLES,
    KH_ND30_MIN_RULES,
    OTHER_PLANS,
    PLANS,
    SEED_OF,
    SEEDS,
    SHOWCASE,
    nd30check,
    other_plans,
    run_kh,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# Where each seed's plan starts and ends (the decision of seed 002 and the appendix of seed 004
# come with the appendix/decision issue), and the changes kh makes on purpose. Each entry
# is (seed text, what kh writes, why).
SEED_SPAN = {   # (first line compared, text where the comparison stops)
    "quan3-2025": ("KẾ HOẠCH", None),
    "tphcm-2021": ("QUYẾT ĐỊNH", None),     # the decision, then the plan attached to it
    "binhtan-2021": ("KẾ HOẠCH", "\nPhụ lục\n"),
}
CORRECTIONS: dict[str, list[tuple[str, str, str]]] = {
    "quan3-2025": [
        ("Truyền truyền", "Tuyên truyền", "typo named in seeds/README.md"),
        ("Mật trận", "Mặt trận", "typo named in seeds/README.md"),
        ("TUYÊN TRUYỀN,\n", "TUYÊN TRUYỀN\n", "stray comma after a heading"),
        ("- Lưu VT, NV, Nhân.", "- Lưu: VT, NV, Nhân.", "Nơi nhận needs 'Lưu:' (Phụ lục I §II.9.b)"),
    ],
    "tphcm-2021": [
        ("\nỦY BAN NHÂN DÂN THÀNH PHỐ", "", "seal text after the content, not part of the plan"),
    ],
    "binhtan-2021": [
        ("II. NỘI DUNG THỰC HIỆN: (theo Phụ lục đính kèm).", "II. NỘI DUNG THỰC HIỆN\n(theo Phụ lục đính kèm).",
         "a Roman heading is a line of its own, IN HOA (Phụ lục I §V)"),
        ("trên địa bàn quận Bình Tân năm 2021;\n\nỦy ban", "trên địa bàn quận Bình Tân năm 2021.\n\nỦy ban",
         "the last basis ends with '.' (Phụ lục I §II.6.a)"),
        (" *Ư*", "", "export artefact"),
        ("235/VHHT -", "", "export artefact (drafter's mark)"),
        ("- (đăng Website)", "- (đăng Website);", "every recipient line but the last ends with ';'"),
    ],
}

LABEL = re.compile(r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*\.|[a-zđ]{1,2}\)|[-+])\s+")
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    text = text.translate({ord(c): None for c in SUPERSCRIPTS})
    text = re.sub(r"\*+", "", text)     # the export's emphasis marks
    return re.sub(r"\s+", " ", text).strip()


def _unit(line: str) -> str:
    return _norm(LABEL.sub("", _norm(line)))


def seed_lines(name: str) -> tuple[list[str], list[str]]:
    """The seed's plan text as lines (labels dropped) and its footnote texts."""
    text = (SEEDS / SEED_OF[name]).read_text(encoding="utf-8")
    for old, new, _why in CORRECTIONS[name]:
        assert old in text, f"correction no longer applies: {old!r}"
        text = text.replace(old, new)
    first, stop = SEED_SPAN[name]
    text = text[re.search(f"^{first}$", text, re.M).start():]
    if stop:
        text = text[: text.index(stop)]
    lines, notes = [], []
    for line in text.splitlines():
        if re.match(f"^[{SUPERSCRIPTS}]+ ", line):
            notes.append(_norm(line[line.index(" "):]))
        elif _unit(line):
            lines.append(_unit(line))
    return lines, notes


def docx_lines(path: Path) -> tuple[list[str], list[str]]:
    """Paragraphs of the document from the title on (labels dropped), and its footnotes."""
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
        foot = etree.fromstring(z.read("word/footnotes.xml")) if "word/footnotes.xml" in z.namelist() else None
    paras = [_para_text(p) for p in root.iter(f"{W}p")]
    start = next(i for i, t in enumerate(paras) if t == SEED_SPAN[path.stem][0])
    stop = next((i for i, t in enumerate(paras) if re.fullmatch(r"Phụ lục( [IVXLC]+)?", t)), len(paras))
    lines = [_unit(t) for t in paras[start:stop] if _unit(t)]
    notes = []
    if foot is not None:
        for fn in foot.iter(f"{W}footnote"):
            if int(fn.get(f"{W}id")) > 0:
                notes.append(_norm("".join(t.text or "" for t in fn.iter(f"{W}t"))))
    return lines, notes


def _para_text(p) -> str:
    return "".join((t.text or "") if t.tag == f"{W}t" else " " for t in p.iter(f"{W}t", f"{W}br"))


def _in_order(units: list[str], text: str) -> list[str]:
    """Units not found in ``text`` at or after the previous unit's position."""
    missing, pos = [], 0
    for unit in units:
        found = text.find(unit, pos)
        if found < 0:
            missing.append(unit[:90])
        else:
            pos = found + len(unit)
    return missing


def test_every_listed_example_exists():
    assert set(EXAMPLES) == set(SEED_OF) | SHOWCASE
    assert all((PLANS / f"{name}.yaml").is_file() for name in EXAMPLES)


def test_an_offices_own_plan_is_found_but_not_compared(tmp_path):
    """A fork's own plan in plans/ is not an example: it is only built and checked (below)."""
    for name in (*EXAMPLES, "my-office-2026"):
        (tmp_path / f"{name}.yaml").write_text("org: x\n", encoding="utf-8")
    assert other_plans(tmp_path) == ["my-office-2026"]


@pytest.mark.parametrize("name", OTHER_PLANS)
def test_other_plans_build_and_pass_nd30check(name, tmp_path):
    out = tmp_path / f"{name}.docx"
    proc = run_kh("build", str(PLANS / f"{name}.yaml"), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    result = nd30check(out)
    assert result.unexpected_failures() == {}, result.output


@pytest.mark.parametrize("name", EXAMPLES)
def test_passes_nd30check(built_examples, name):
    result = nd30check(built_examples[name])
    assert result.unexpected_failures() == {}, result.output
    assert len(result.passed) + len(result.failed) >= KH_ND30_MIN_RULES, result.output


@pytest.mark.parametrize("name", EXAMPLES)
def test_opens_with_python_docx(built_examples, name):
    document = docx.Document(str(built_examples[name]))
    texts = [p.text for p in document.paragraphs]
    assert "KẾ HOẠCH" in texts
    header = document.tables[0]
    assert header.cell(0, 1).paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    section = document.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.5)


@pytest.mark.parametrize("name", sorted(SEED_OF))
def test_text_matches_the_seed_in_order(built_examples, name):
    seed, seed_notes = seed_lines(name)
    out, out_notes = docx_lines(built_examples[name])
    # every line of the seed is in the output, in order (page-split paragraphs are joined in kh)...
    assert _in_order(seed, " ".join(out)) == []
    # ...and every paragraph kh wrote comes from the seed, in order: nothing added or reordered.
    assert _in_order(out, " ".join(seed)) == []
    assert out_notes == seed_notes


def test_quan3_footnotes_are_real_word_footnotes(built_examples):
    with zipfile.ZipFile(built_examples["quan3-2025"]) as z:
        body = z.read("word/document.xml").decode()
        assert body.count("<w:footnoteReference") == 6
        assert "footnotes.xml" in z.read("word/_rels/document.xml.rels").decode()
    assert not re.search(f"[{SUPERSCRIPTS}]", body)


def test_quan3_points_are_lettered_correctly(built_examples):
    document = docx.Document(str(built_examples["quan3-2025"]))
    letters = [m.group(1) for p in document.paragraphs if (m := re.match(r"^([a-zđ])\) ", p.text))]
    # II.2 has thirteen points a)…n) (the seed printed a) b) c) d) c) d) e) ...);
    # II.3 has six, a)…e) with đ) (the seed printed d) twice)
    assert letters[:13] == list("abcd") + ["đ"] + list("eghiklmn")
    assert letters[13:19] == list("abcd") + ["đ", "e"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_byte_identical_rebuild(built_examples, name, tmp_path):
    out = tmp_path / f"{name}.docx"
    proc = run_kh("build", f"plans/{name}.yaml", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == built_examples[name].read_bytes()


def test_build_check_reports_up_to_date_and_stale(built_examples):
    outdir = built_examples["quan3-2025"].parent
    examples = [f"plans/{name}.yaml" for name in EXAMPLES]     # not the folder: a fork may add its own plans
    assert run_kh("build", *examples, "--outdir", str(outdir), "--check").returncode == 0
    stale = built_examples["quan3-2025"]
    original = stale.read_bytes()
    try:
        stale.write_bytes(b"old")
        proc = run_kh("build", *examples, "--outdir", str(outdir), "--check")
        assert proc.returncode == 1 and "quan3-2025" in proc.stdout
        assert stale.read_bytes() == b"old"     # --check never writes
    finally:
        stale.write_bytes(original)


def test_default_output_folder(tmp_path):
    proc = run_kh("build", str(Path.cwd() / "plans" / "binhtan-2021.yaml"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "output" / "binhtan-2021.docx").is_file()


def test_plain_text_writer(tmp_path):
    out = tmp_path / "q3.txt"
    assert run_kh("build", "plans/quan3-2025.yaml", "-o", str(out)).returncode == 0
    text = out.read_text(encoding="utf-8")
    assert "Số: 118/KH-UBND" in text and "Quận 3, ngày 29 tháng 4 năm 2025" in text
    assert "n) Tuyên truyền về công tác thanh tra" in text
    assert text.count("[6]") == 2   # the reference and the note itself


# --------------------------------------------------------------------------- appendix table
def _cell_norm(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text)                     # the export's <p>, <ul><li>
    text = re.sub(r"(^|\n)\s*[-•]\s+", r"\1", text)          # list markers
    text = _norm(text)
    return re.sub(r"^(\d+)\.$", r"\1", text)                 # "1." → "1"


def seed_table_rows(name: str) -> list[list[str]]:
    """The seed's appendix table: header repeats dropped, page-split rows merged back."""
    text = (SEEDS / SEED_OF[name]).read_text(encoding="utf-8")
    text = text[text.index("\nPhụ lục\n"):]
    rows: list[list[str]] = []
    for line in text.splitlines():
        if "\t" not in line or line.startswith("STT\t"):
            continue
        cells = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in line.split("\t")]
        if not cells[0] and rows:                      # continuation of the previous row
            # a word split at a hyphen ("10-" / "CT/TTg") joins without a space
            rows[-1] = [(a + b if a.endswith("-") else f"{a} {b}").strip()
                        for a, b in zip(rows[-1], cells, strict=False)]
        else:
            rows.append(cells)
    # the export flattens a cell's bullet list onto one line: "- A. - B"
    return [[_cell_norm(c.replace(" - ", "\n- ") if c.strip().startswith("- ") else c) for c in row]
            for row in rows]


def docx_table_rows(path: Path) -> list[list[str]]:
    table = docx.Document(str(path)).tables[-1]
    out = []
    for row in table.rows[1:]:
        seen, cells = set(), []
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(_cell_norm(cell.text))
        out.append(cells)
    return out


def test_binhtan_appendix_heading(built_examples):
    document = docx.Document(str(built_examples["binhtan-2021"]))
    texts = [p.text for p in document.paragraphs if p.text]
    i = texts.index("Phụ lục")
    assert texts[i + 1] == ("NỘI DUNG THỰC HIỆN CÔNG TÁC THÔNG TIN, TUYÊN TRUYỀN VỀ CÔNG TÁC CẢI CÁCH HÀNH CHÍNH, "
                            "KIỂM SOÁT THỦ TỤC HÀNH CHÍNH NĂM 2021 TRÊN ĐỊA BÀN QUẬN BÌNH TÂN")
    # the seed writes "(Ban hành kèm theo ..."; Mẫu 2.1 of the decree (and nd30check) "(Kèm theo ..."
    assert texts[i + 2] == ("(Kèm theo Kế hoạch số 106/KH-UBND ngày 09 tháng 02 năm 2021"
                            " của Ủy ban nhân dân quận Bình Tân)")
    assert document.sections[-1].orientation == 1   # landscape


def test_binhtan_appendix_table_matches_the_seed(built_examples):
    seed = seed_table_rows("binhtan-2021")
    out = docx_table_rows(built_examples["binhtan-2021"])
    assert len(out) == len(seed) == 29          # 3 group rows + 13 + 12 + 1 tasks
    for got, want in zip(out, seed, strict=True):
        want = [c for c in want if c] if len(got) == 1 else want   # a group row is one merged cell
        assert got == want


def test_showcase_draft(built_examples):
    document = docx.Document(str(built_examples["quan3-2026-du-thao"]))
    cells = [c.text for r in document.tables[0].rows for c in r.cells]
    assert "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/KH-UBND" in cells
    texts = [p.text for p in document.paragraphs]
    assert [t for t in texts if re.fullmatch(r"Phụ lục [IVX]+", t)] == ["Phụ lục I", "Phụ lục II", "Phụ lục III"]
    assert "Bằng chữ: Tám mươi sáu triệu hai trăm nghìn đồng." in texts
    assert "2. Văn phòng Ủy ban nhân dân quận" in texts           # assignments drawn from the tasks
    assert [s.orientation for s in document.sections] == [0, 1, 0, 0]
