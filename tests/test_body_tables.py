"""Issue 17, on paper: tables in the body and in the new appendices as Word and LibreOffice see them
(merges, repeated headers, rows kept whole, landscape sections, widths), content and table
appendices, the appendix after the signature, the text writer's reading order, a 2,000-row table,
and the example plans/tables-demo.yaml (ND30, Word-clean, kh fmt, kh clone)."""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from generator.readers.docx_text import docx_lines
from generator.writers.pdf_writer import docx_to_pdf

from .conftest import KH_ND30_MIN_RULES, PLANS, nd30check, run_kh
from .wordclean import assert_word_clean

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
DEMO = PLANS / "tables-demo.yaml"
HEAD = """\
org: q3
number: 118
date: 2025-04-29
subject: Thử bảng
"""
TAIL = """\
recipients: [Sở Nội vụ Thành phố]
signer: hang
"""

MERGES = """\
- title: Lịch kiểm tra
  body:
    - 'Đoàn kiểm tra làm việc theo lịch sau:'
    - table:
        header:
          - [{text: Nội dung, rows: 2}, {text: Thời gian, span: 2}, {text: Ghi chú, rows: 2}]
          - [Bắt đầu, Kết thúc]
        stt: true
        numbers: true
        font_size: 12
        rows:
          - {group: Cải cách thể chế}
          - ["Rà soát văn bản^[Theo Quyết định số 12/QĐ-UBND.]", {text: Cả năm, span: 2}, ""]
          - [{text: Kiểm soát thủ tục, rows: 2}, 01/3, 30/3, Đợt một]
          - [01/9, 30/9, Đợt hai]
          - {group: Tổ chức bộ máy}
          - [Sắp xếp bộ máy, 01/6, 30/6, "**Trọng tâm**"]
    - Trường hợp thay đổi lịch, Trưởng đoàn thông báo trước.^[Chậm nhất 01 ngày.]
"""

#: (cells Word holds in each row as (gridSpan, vMerge) pairs) of MERGES's table.
MERGES_GRID = [
    [(1, "restart"), (1, "restart"), (2, None), (1, "restart")],          # header 1
    [(1, "continue"), (1, "continue"), (1, None), (1, None), (1, "continue")],   # header 2
    [(1, None)] * 5,                                                      # (1) … (5)
    [(1, None), (4, None)],                                               # I | CẢI CÁCH THỂ CHẾ
    [(1, None), (1, None), (2, None), (1, None)],
    [(1, None), (1, "restart"), (1, None), (1, None), (1, None)],
    [(1, None), (1, "continue"), (1, None), (1, None), (1, None)],
    [(1, None), (4, None)],
    [(1, None)] * 5,
]


def plan(project: Path, sections: str, extra: str = "", name: str = "t.yaml") -> Path:
    path = project / name
    path.write_text(HEAD + "sections:\n" + textwrap.indent(textwrap.dedent(sections), "  ") + TAIL
                    + textwrap.dedent(extra), encoding="utf-8")
    return path


def build(path: Path, *more: str) -> Path:
    out = path.with_suffix(".docx")
    proc = run_kh("build", str(path), "-o", str(out), *more)
    assert proc.returncode == 0, proc.stderr
    return out


def document_xml(docx: Path) -> etree._Element:
    with zipfile.ZipFile(docx) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def grid(tbl: etree._Element) -> list[list[tuple[int, str | None]]]:
    """Each row's cells as (gridSpan, vMerge value) — ``"continue"`` for a bare ``w:vMerge``."""
    out = []
    for tr in tbl.findall("w:tr", NS):
        row = []
        for tc in tr.findall("w:tc", NS):
            span = tc.find("w:tcPr/w:gridSpan", NS)
            merge = tc.find("w:tcPr/w:vMerge", NS)
            row.append((int(span.get(f"{{{W}}}val")) if span is not None else 1,
                        None if merge is None else merge.get(f"{{{W}}}val", "continue")))
        out.append(row)
    return out


def body_tables(root: etree._Element) -> list[etree._Element]:
    """The tables of the document's body, the heading block and the Nơi nhận | signature table left out."""
    tables = root.findall("w:body/w:tbl", NS)
    return [t for t in tables if t.find(".//w:tblBorders", NS) is not None]


# ------------------------------------------------------------------ Word's view
def test_a_body_table_with_merges_groups_and_repeated_header(project: Path) -> None:
    root = document_xml(build(plan(project, MERGES)))
    [tbl] = body_tables(root)
    assert grid(tbl) == MERGES_GRID
    rows = tbl.findall("w:tr", NS)
    assert [r.find("w:trPr/w:tblHeader", NS) is not None for r in rows] == [True, True, True] + [False] * 6
    assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)        # no row split across pages
    # header and group rows stay with the row below them
    keep = [all(p.find("w:pPr/w:keepNext", NS) is not None for p in r.iter(f"{{{W}}}p")) for r in rows]
    assert keep == [True, True, True, True, False, False, False, True, False]
    assert {s.get(f"{{{W}}}val") for s in tbl.iter(f"{{{W}}}sz")} == {"24"}         # font_size: 12
    # in reading order: lead-in (kept with the table), the table, the paragraph after it
    children = list(root.find("w:body", NS))
    at = children.index(tbl)
    before, after = children[at - 1], children[at + 1]
    assert "".join(before.itertext()) == "Đoàn kiểm tra làm việc theo lịch sau:"
    assert before.find("w:pPr/w:keepNext", NS) is not None
    assert "".join(after.itertext()).startswith("Trường hợp thay đổi lịch")


def test_body_tables_look_like_appendix_tables(project: Path) -> None:
    """Same borders, cell margins, fixed layout as the appendix tables; the widths fill the line."""
    path = plan(project, MERGES, extra="""\
        tasks:
          - tasks: [{task: Rà soát, lead: noi-vu}]
        appendices:
          - {type: tasks, title: Nhiệm vụ}
        """)
    tables = body_tables(document_xml(build(path)))
    assert len(tables) == 2
    body, appendix = (t.find("w:tblPr", NS) for t in tables)
    for part in ("w:tblBorders", "w:tblCellMar", "w:tblLayout", "w:jc", "w:tblW"):
        assert etree.tostring(body.find(part, NS)) == etree.tostring(appendix.find(part, NS)), part
    widths = [int(g.get(f"{{{W}}}w")) for g in tables[0].findall("w:tblGrid/w:gridCol", NS)]
    assert sum(widths) == int(body.find("w:tblW", NS).get(f"{{{W}}}w")) == 9355


def test_footnotes_in_cells_are_numbered_in_reading_order(project: Path) -> None:
    lines = docx_lines(build(plan(project, MERGES)).read_bytes())
    assert lines[-2:] == ["[1] Theo Quyết định số 12/QĐ-UBND.", "[2] Chậm nhất 01 ngày."]


def test_the_text_writer_reads_tables_as_kh_text_reads_the_docx(project: Path) -> None:
    path = plan(project, MERGES)
    docx = build(path)
    txt = path.with_suffix(".txt")
    assert run_kh("build", str(path), "--to", "txt", "-o", str(txt)).returncode == 0
    written = [ln for ln in txt.read_text(encoding="utf-8").splitlines() if " | " in ln]
    read = [ln for ln in docx_lines(docx.read_bytes()) if " | " in ln and not ln.startswith("Số:")]
    assert written == read
    assert written[:4] == ["STT | Nội dung | Thời gian | Ghi chú", "Bắt đầu | Kết thúc",
                           "(1) | (2) | (3) | (4) | (5)", "I | CẢI CÁCH THỂ CHẾ"]
    assert "3 |  | 01/9 | 30/9 | Đợt hai" in written        # a cell merged from above reads empty


def test_a_landscape_table_has_its_own_section_and_page_numbers_go_on(project: Path) -> None:
    path = plan(project, """\
        - title: Mục
          body:
            - Đoạn trước.
            - table: {columns: [A, B], landscape: true, rows: [[a, b]]}
            - table: {columns: [C], landscape: true, rows: [[c]]}
            - Đoạn sau.
        """)
    root = document_xml(build(path))
    sects = root.findall(".//w:sectPr", NS)
    assert len(sects) == 3            # portrait before, one landscape section for both tables, portrait after
    orient = [s.find("w:pgSz", NS).get(f"{{{W}}}orient") for s in sects]
    assert orient == [None, "landscape", None]
    assert [s.find("w:titlePg", NS) is not None for s in sects] == [True, False, False]   # no number on page 1 only
    assert not any(s.find("w:pgNumType", NS) is not None and s.find("w:pgNumType", NS).get(f"{{{W}}}start")
                   for s in sects[1:])                                                    # numbering goes on
    assert len(body_tables(root)) == 2


def test_a_narrow_column_is_warned_about(project: Path) -> None:
    path = plan(project, """\
        - title: Mục
          body:
            - table:
                columns: [{header: Mã, width: 4}, Nội dung]
                rows: [[Khôngthểngắtđượctừnày, x]]
        """)
    proc = run_kh("build", str(path), "-o", str(project / "n.docx"))
    assert proc.returncode == 0
    assert "cảnh báo (warning): Bảng 1 (mục I.), cột 'Mã'" in proc.stderr
    assert re.search(r"sửa: width: \d+ cho cột 'Mã' trong 'columns' hoặc landscape: true", proc.stderr)


# ------------------------------------------------------------------ appendices
APPENDICES = """\
appendix_numbering: so
appendix_issuer: Chủ tịch Ủy ban nhân dân Quận 3
appendices:
  - type: table
    title: Phân công nhiệm vụ
    label: false
    placement: after_signature
    table:
      columns: [{header: Nhiệm vụ, width: 60}, Người thực hiện]
      stt: true
      rows: [[Rà soát hồ sơ, Ông A], [Chấm bài, Bà B]]
  - type: content
    title: Đề cương báo cáo
    body:
      - 'Báo cáo gồm:'
      - {title: Kết quả, body: [Số liệu theo bảng., {table: {columns: [Chỉ tiêu, Số], rows: [[Hồ sơ, '12']]}}]}
  - type: table
    title: Danh sách
    table: {columns: [Đơn vị], landscape: true, rows: [[A]]}
"""


def test_content_and_table_appendices_and_one_after_the_signature(project: Path) -> None:
    docx = build(plan(project, "- {title: Mục, text: 'Xem {{ appendices[1] }}.'}\n", extra=APPENDICES))
    root = document_xml(docx)
    body = list(root.find("w:body", NS))
    texts = ["".join(el.itertext()) for el in body]
    sign = next(i for i, t in enumerate(texts) if "Phạm Thị Thúy Hằng" in t)
    heading = texts.index("PHÂN CÔNG NHIỆM VỤ")
    # after the signature, in the plan's own section: no section break between them
    assert heading > sign and not any(el.find(".//w:sectPr", NS) is not None for el in body[sign:heading])
    assert texts[heading + 1] == ("(Kèm theo Kế hoạch số 118/KH-UBND ngày 29 tháng 4 năm 2025 của Chủ tịch"
                                  " Ủy ban nhân dân Quận 3)")
    # the others on their own pages, numbered from 1, labelled "Phụ lục số 01", "số 02"
    assert texts.count("Phụ lục số 01") == 1 and texts.count("Phụ lục số 02") == 1
    sects = root.findall(".//w:sectPr", NS)
    assert [s.find("w:pgNumType", NS).get(f"{{{W}}}start") for s in sects[1:]] == ["1", "1"]
    assert [s.find("w:pgSz", NS).get(f"{{{W}}}orient") for s in sects] == [None, None, "landscape"]
    lines = docx_lines(docx.read_bytes())
    assert "Xem Phụ lục số 01./." in lines
    at = lines.index("ĐỀ CƯƠNG BÁO CÁO")
    assert lines[at + 2:at + 7] == ["Báo cáo gồm:", "I. KẾT QUẢ", "Số liệu theo bảng.", "Chỉ tiêu | Số", "Hồ sơ | 12"]
    assert "STT | Nhiệm vụ | Người thực hiện" in lines and "2 | Chấm bài | Bà B" in lines


def test_merges_landscape_and_every_new_appendix_are_word_clean(project: Path) -> None:
    merges = build(plan(project, MERGES, name="merges.yaml"))
    landscape = build(plan(project, MERGES.replace("        font_size: 12\n", "        landscape: true\n"),
                           extra=APPENDICES, name="landscape.yaml"))
    assert len(document_xml(landscape).findall(".//w:sectPr", NS)) == 5    # 3 of the body, 2 appendices
    assert_word_clean(merges, landscape)


# ------------------------------------------------------------------ a large table
def test_a_2000_row_table_builds_whole(project: Path) -> None:
    rows = "\n".join(f"          - [Ngày {i % 28 + 1}/6, Đơn vị số {i}, Địa điểm {i}]" for i in range(1, 2001))
    path = plan(project, "- title: Lịch\n  body:\n    - table:\n        columns: [Ngày, Đơn vị, Địa điểm]\n"
                         "        stt: true\n        rows:\n" + textwrap.indent(rows, "  ") + "\n")
    docx = build(path)
    [tbl] = body_tables(document_xml(docx))
    trs = tbl.findall("w:tr", NS)
    assert len(trs) == 2001 and all(len(tr.findall("w:tc", NS)) == 4 for tr in trs)
    lines = docx_lines(docx.read_bytes())
    assert "2000 | Ngày 13/6 | Đơn vị số 2000 | Địa điểm 2000" in lines


# ------------------------------------------------------------------ LibreOffice's view
needs_lo = pytest.mark.requires("soffice", "poppler")


def _odt_rows(docx: Path, tmp_path: Path) -> list[list[tuple[str, int, int]]]:
    """The body table as LibreOffice opens it (converted to .odt): each row's cells as (kind,
    columns spanned, rows spanned), kind "cell" or "covered"."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice is not None
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                    "--convert-to", "odt", "--outdir", str(tmp_path), str(docx)], capture_output=True, timeout=180)
    with zipfile.ZipFile(tmp_path / (docx.stem + ".odt")) as zf:
        root = etree.fromstring(zf.read("content.xml"))
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    tables = [t for t in root.iter(f"{{{table}}}table") if "CẢI CÁCH THỂ CHẾ" in "".join(t.itertext())]
    out = []
    for tr in tables[0].iter(f"{{{table}}}table-row"):
        row = []
        for cell in tr:
            kind = {f"{{{table}}}table-cell": "cell", f"{{{table}}}covered-table-cell": "covered"}.get(cell.tag)
            if kind:
                row.append((kind, int(cell.get(f"{{{table}}}number-columns-spanned", "1")),
                            int(cell.get(f"{{{table}}}number-rows-spanned", "1"))))
        out.append(row)
    return out


@needs_lo
def test_merges_and_group_rows_open_in_libreoffice_with_the_right_cells(project: Path, tmp_path: Path) -> None:
    rows = _odt_rows(build(plan(project, MERGES)), tmp_path)
    assert len(rows) == 9
    assert all(sum(1 for _ in row) == 5 for row in rows)        # five columns in every row, merged or not
    assert rows[0] == [("cell", 1, 2), ("cell", 1, 2), ("cell", 2, 1), ("covered", 1, 1), ("cell", 1, 2)]
    assert rows[3] == [("cell", 1, 1), ("cell", 4, 1)] + [("covered", 1, 1)] * 3       # the group row
    assert rows[5][1] == ("cell", 1, 2) and rows[6][1] == ("covered", 1, 1)           # merged downwards


def _pdf_pages(docx: Path, tmp_path: Path) -> tuple[list[str], list[str]]:
    pdf = tmp_path / (docx.stem + ".pdf")
    pdf.write_bytes(docx_to_pdf(docx.read_bytes()))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1], [ln for ln in info.splitlines() if ln.startswith("Page") and "size" in ln]


def _long_table_plan(project: Path, before: int, name: str) -> Path:
    filler = "".join(f"    - Đoạn văn thứ {i} đẩy bảng xuống gần cuối trang, để thử xem dòng tiêu đề có bị bỏ"
                     " lại một mình hay không.\n" for i in range(before))
    rows = "".join(f"          - [Ngày {i}/6/2026, Đơn vị số {i}, Địa điểm {i}]\n" for i in range(1, 60))
    return plan(project, "- title: Lịch\n  body:\n" + filler + "    - 'Lịch như sau:'\n    - table:\n"
                "        columns: [Thời gian, Đơn vị, Địa điểm]\n        stt: true\n        rows:\n" + rows
                + "    - Đoạn sau bảng.\n    - table: {columns: [Một, Hai], landscape: true, rows: [[a, b]]}\n"
                "    - Đoạn cuối.\n", name=name)


@needs_lo
@pytest.mark.parametrize("before", [9, 10, 11])
def test_on_paper_headers_repeat_never_alone_and_landscape_pages(project: Path, tmp_path: Path, before: int) -> None:
    """Whatever room is left on page 1, the header row never ends a page; it opens every page the
    table runs on; the landscape table has a landscape page; page numbers go on (2, 3, …)."""
    pages, sizes = _pdf_pages(build(_long_table_plan(project, before, f"long{before}.yaml")), tmp_path)
    header = re.compile(r"^\s*STT\s+Thời gian\s+Đơn vị\s+Địa điểm\s*$")
    table_pages = [i for i, page in enumerate(pages) if "Đơn vị số" in page]
    assert len(table_pages) >= 2
    for i, page in enumerate(pages):
        lines = [ln for ln in page.splitlines() if ln.strip()]
        assert not header.match(lines[-1]), f"page {i + 1} ends with the header row alone"
        if i in table_pages:
            at = next(k for k, ln in enumerate(lines) if "Đơn vị số" in ln)
            assert any(header.match(ln) for ln in lines[:at]), f"page {i + 1}: no header above the rows"
        if i:
            assert lines[0].strip() == str(i + 1)               # the page number, continued
    landscape = [i for i, s in enumerate(sizes) if "841.89 x 595.3" in s]
    assert len(landscape) == 1 and "Một" in pages[landscape[0]] and "Đoạn cuối" in pages[landscape[0] + 1]


# ------------------------------------------------------------------ the example
@pytest.mark.requires("shared")
def test_the_example_passes_both_nd30_checkers_and_is_word_clean(tmp_path: Path) -> None:
    out = tmp_path / "tables-demo.docx"
    proc = run_kh("build", str(DEMO), "-o", str(out))
    assert proc.returncode == 0 and "cảnh báo" not in proc.stderr, proc.stderr
    result = nd30check(out)
    assert result.failed == {} and len(result.passed) >= KH_ND30_MIN_RULES, result.output
    own = run_kh("check", str(out))
    assert own.returncode == 0 and "không có lỗi thể thức" in own.stdout, own.stdout
    assert_word_clean(out)


def test_the_example_holds_every_new_form() -> None:
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    body = next(s["body"] for s in data["sections"] if "body" in s)
    kinds = [next(iter(b)) if isinstance(b, dict) else "text" for b in body]
    assert kinds[:5] == ["text", "table", "text", "bullets", "text"]       # paragraph – table – paragraph – …
    apps = {a["type"]: a for a in data["appendices"]}
    table = apps["table"]["table"]
    assert table["stt"] and table["numbers"] and any("group" in r for r in table["rows"] if isinstance(r, dict))
    assert any(isinstance(c, dict) and c.get("span", 1) > 1 for c in table["header"][0])
    assert "content" in apps
    csv = [t for t in re.findall(r"source: (\S+)", DEMO.read_text(encoding="utf-8"))]
    assert csv and all((PLANS / name).is_file() for name in csv)


def test_kh_fmt_and_kh_clone_keep_the_example(tmp_path: Path) -> None:
    assert run_kh("fmt", "--check", str(DEMO)).returncode == 0         # already canonical: nothing to change
    folder = tmp_path / "plans"
    shutil.copytree(PLANS, folder)
    copy = folder / "tables-demo.yaml"
    text = copy.read_text(encoding="utf-8")
    swap = ("              stt: true\n              source: tables-demo-don-vi.csv\n",
            "              source: tables-demo-don-vi.csv\n              stt: true\n")     # keys out of order
    messy = text.replace(*swap).replace("'**Hội trường** phường'", '"**Hội trường** phường"')
    assert messy.count("\n") == text.count("\n") and messy != text
    copy.write_text(messy, encoding="utf-8")
    assert run_kh("fmt", str(copy)).returncode == 0
    assert copy.read_text(encoding="utf-8") == DEMO.read_text(encoding="utf-8")
    proc = run_kh("clone", str(copy), str(folder / "tables-demo-2027.yaml"), "--year", "2027")
    assert proc.returncode == 0, proc.stderr
    new = yaml.safe_load((folder / "tables-demo-2027.yaml").read_text(encoding="utf-8"))
    old = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    assert new.pop("year") == 2027 and old.pop("year") == 2026 and new == old
    assert build(folder / "tables-demo-2027.yaml").is_file()
