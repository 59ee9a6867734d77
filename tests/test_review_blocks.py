"""`kh diff`, `kh redline`, `kh watch` and the YAML itself with ordered blocks and tables (issue 17).

Edits of plans/tables-demo.yaml (a body table with STT and a vertical merge between paragraphs,
bullets and a note; a table appendix with a two-level header, group rows and the column-number
row; a content appendix holding a table): a changed cell is named where a reader finds it, an
inserted row is one addition, a block moved past a table is moved; the redline marks a changed
cell inside that cell and an inserted row as a tracked row, and LibreOffice's Accept All / Reject
All give NEW's / OLD's document, text and table grids.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from .conftest import PLANS, ROOT, need, run_kh
from .wordclean import assert_word_clean

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DEMO = "tables-demo.yaml"
DATE = "2026-03-10T09:00"

#: One cell of the body table, one of the appendix table, one of the content appendix's table.
CELL_EDITS = [
    ("- [Ngày 13/5/2026, Phòng Văn hóa và Thông tin quận, Trụ sở Phòng, Trưởng phòng]",
     "- [Ngày 13/5/2026, Phòng Văn hóa và Thông tin quận, Trụ sở Phòng Văn hóa, Trưởng phòng]"),
    ("- [Kiểm soát thủ tục hành chính, Văn phòng UBND quận, Phòng Tư pháp, Quý II/2026]",
     "- [Kiểm soát thủ tục hành chính, Văn phòng UBND quận, Phòng Tư pháp, Cả năm]"),
    ("- [Hồ sơ giải quyết đúng hạn, '1.150', '']", "- [Hồ sơ giải quyết đúng hạn, '1.150', '1.100']"),
]
#: A row inserted in the body table (above a vertical merge) and one at the end of a group.
ROW_EDITS = [
    ("            - [Ngày 13/5/2026,",
     "            - [Ngày 12/5/2026, Phòng Tài chính - Kế hoạch quận, Trụ sở Phòng, Trưởng phòng]\n"
     "            - [Ngày 13/5/2026,"),
    ("        - {group: Cải cách tổ chức bộ máy}\n",
     "        - [Công bố thủ tục hành chính mới, Văn phòng UBND quận, Các phòng, Quý III/2026]\n"
     "        - {group: Cải cách tổ chức bộ máy}\n"),
]
#: One cell changed in a body table row, one in an appendix row (lines within kh fmt's width).
YAML_EDITS = [(CELL_EDITS[0][0], CELL_EDITS[0][0].replace("Trưởng phòng]", "Phó phòng]")), CELL_EDITS[1]]
#: A row removed below a vertical merge that is undone.
MERGE_EDITS = [
    ("            - [UBND Phường 2, Hội trường phường, Phó Chủ tịch]\n", ""),
    ("[{text: Tuần 21/2026, rows: 2}, UBND Phường 1", "[Tuần 21/2026, UBND Phường 1")]
#: A header renamed, a group renamed, a column added, a table added to the body, one removed.
SHAPE_EDITS = [
    ("{header: Địa điểm, width: 22}", "{header: Địa điểm làm việc, width: 22}"),
    ("{group: Cải cách thể chế}", "{group: 'Cải cách thể chế, kiểm soát thủ tục'}"),
    ("columns: [Chỉ tiêu, {header: Kế hoạch, align: right}, {header: Đạt, align: right}]",
     "columns: [Chỉ tiêu, {header: Kế hoạch, align: right}, {header: Đạt, align: right}, Ghi chú]"),
    ("- [Hồ sơ tiếp nhận, '1.200', '']", "- [Hồ sơ tiếp nhận, '1.200', '', Cả hồ sơ trực tuyến]"),
    ("- [Hồ sơ giải quyết đúng hạn, '1.150', '']", "- [Hồ sơ giải quyết đúng hạn, '1.150', '', '']"),
    ("      - note: Lịch làm việc", "      - table: {columns: [Phường, Ngày], rows: [[Phường 4, 26/5/2026]]}\n"
                                   "      - note: Lịch làm việc"),
    ("          - table:\n              stt: true\n              source: tables-demo-don-vi.csv\n",
     "          - Danh sách gửi kèm.\n")]
REDLINES = {"cell": CELL_EDITS, "rows": ROW_EDITS, "merge": MERGE_EDITS, "columns": SHAPE_EDITS}
MOVED_PARAGRAPH = "Trường hợp thay đổi lịch, Trưởng đoàn kiểm tra thông báo"


def edited(folder: Path, name: str, edits: list[tuple[str, str]]) -> Path:
    """tables-demo.yaml with ``edits`` (each found exactly once), saved beside it as ``name``."""
    text = (folder / DEMO).read_text(encoding="utf-8")
    for before, after in edits:
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    out = folder / name
    out.write_text(text, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of plans/ (the demo's CSV and orgs beside it)."""
    folder = tmp_path_factory.mktemp("blocks")
    shutil.copytree(PLANS, folder, dirs_exist_ok=True)
    return folder


def changes(old: Path, new: Path, *args: str) -> list[str]:
    """`kh diff`'s changes, each as "head :: body" (exit 1: they differ)."""
    proc = run_kh("diff", str(old), str(new), *args)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    return [f"{lines[i].strip()} :: {lines[i + 1].strip()}" for i in range(len(lines) - 1)
            if lines[i].startswith("  ") and not lines[i].startswith("      ")]


# ------------------------------------------------------------------ kh diff
def test_diff_names_a_changed_cell(plans: Path) -> None:
    new = edited(plans, "cell.yaml", CELL_EDITS)
    assert changes(plans / DEMO, new) == [
        "~ II. › bảng 1 › hàng 2 › cột Địa điểm — sửa (changed) :: Trụ sở Phòng{+ Văn hóa+}",
        "~ Phụ lục I › bảng › nhóm I › hàng 2 › cột Thời hạn — sửa (changed) :: [-Quý II/2026-]{+Cả năm+}",
        "~ Phụ lục II › I. › 1. › bảng 1 › hàng 2 › cột Đạt — sửa (changed) :: {+1.100+}",
    ]
    md = run_kh("diff", str(plans / DEMO), str(new), "--format", "markdown").stdout
    assert "- **sửa (changed)** II. › bảng 1 › hàng 2 › cột Địa điểm: Trụ sở Phòng **Văn hóa**" in md


def test_diff_inserted_row_is_one_addition(plans: Path) -> None:
    new = edited(plans, "rows.yaml", ROW_EDITS)
    assert changes(plans / DEMO, new) == [
        "+ II. › bảng 1 › hàng 2 — thêm (added) :: 2 | Ngày 12/5/2026 | Phòng Tài chính - Kế hoạch quận |"
        " Trụ sở Phòng | Trưởng phòng",
        "+ Phụ lục I › bảng › nhóm I › hàng 3 — thêm (added) :: 3 | Công bố thủ tục hành chính mới |"
        " Văn phòng UBND quận | Các phòng | Quý III/2026",
    ]
    # and back: the same rows removed, named by OLD's numbers
    assert [c.split(" :: ")[0] for c in changes(new, plans / DEMO)] == [
        "- II. › bảng 1 › hàng 2 — bỏ (removed)", "- Phụ lục I › bảng › nhóm I › hàng 3 — bỏ (removed)"]


def test_diff_removed_row_and_changed_merge(plans: Path) -> None:
    new = edited(plans, "merge.yaml", MERGE_EDITS)
    assert changes(plans / DEMO, new) == [
        "~ II. › bảng 1 › hàng 3 (ô gộp khác (cells merged differently)) — sửa (changed) :: 3 | Tuần 21/2026 |"
        " UBND Phường 1 | Hội trường phường | Chủ tịch",
        "- II. › bảng 1 › hàng 4 — bỏ (removed) :: 4 | | UBND Phường 2 | Hội trường phường | Phó Chủ tịch",
    ]


def test_diff_block_moved_among_blocks(plans: Path) -> None:
    text = (plans / DEMO).read_text(encoding="utf-8")
    lines = text.split("\n")
    at = next(i for i, ln in enumerate(lines) if MOVED_PARAGRAPH in ln)
    para = lines[at - 1:at + 1]            # "- >-" and the paragraph's line
    assert para[0].strip() == "- >-"
    del lines[at - 1:at + 1]
    table_at = next(i for i, ln in enumerate(lines) if ln.strip() == "- table:")
    moved = plans / "moved.yaml"
    moved.write_text("\n".join(lines[:table_at] + para + lines[table_at:]), encoding="utf-8")
    assert changes(plans / DEMO, moved) == [
        "↕ II. › đoạn 2 (trước là (was) sau (after) bảng 1; nay (now) sau (after) đoạn 1) — chuyển chỗ (moved) :: "
        + MOVED_PARAGRAPH + " cho đơn vị trước ít nhất 01 ngày làm việc."]


def test_diff_headers_groups_columns_tables(plans: Path) -> None:
    new = edited(plans, "shape.yaml", SHAPE_EDITS)
    got = changes(plans / DEMO, new)
    assert got == [
        "~ II. › bảng 1 › tiêu đề (header) — sửa (changed) :: STT | Thời gian | Đơn vị được kiểm tra | Địa điểm"
        " {+làm việc +}| Thành phần làm việc",
        "+ II. › bảng 2 — thêm (added) :: bảng: Phường | Ngày (1 hàng)",
        "~ Phụ lục I › bảng › nhóm I — sửa (changed) :: CẢI CÁCH THỂ CHẾ{+, KIỂM SOÁT THỦ TỤC+}",
        "+ Phụ lục II › I. › 1. › bảng 1 › cột Ghi chú — thêm (added) :: hàng 1: Cả hồ sơ trực tuyến",
        "- Phụ lục II › III. › bảng 1 — bỏ (removed) :: bảng: Đơn vị được kiểm tra | Địa chỉ | Ngày làm việc |"
        " Người liên hệ (7 hàng)",
        "+ Phụ lục II › III. › đoạn 1 — thêm (added) :: Danh sách gửi kèm.",
    ], "\n".join(got)


def test_diff_table_look(plans: Path) -> None:
    """A table put on a landscape page, a column's width, an appendix turned portrait: the document
    differs though no word does."""
    new = edited(plans, "look.yaml", [
        ("          stt: true\n          rows:", "          stt: true\n          landscape: true\n          rows:"),
        ("{header: Địa điểm, width: 22}", "{header: Địa điểm, width: 25}"),
        ("    title: Nội dung kiểm tra năm {{ year }}\n    landscape: true\n",
         "    title: Nội dung kiểm tra năm {{ year }}\n")])
    assert changes(plans / DEMO, new) == [
        "~ II. › bảng 1 › trình bày (format) — sửa (changed) :: {+trang ngang (landscape); +}cột 1: rộng (width)"
        " 22%; cột 3: rộng (width) [-22-]{+25+}%",
        "~ Phụ lục I: trang ngang (landscape) — sửa (changed) :: [-có-]{+không+} ([-yes-]{+no+})"]


def test_diff_task_table_extra_columns(plans: Path) -> None:
    draft = plans / "quan3-2026-du-thao.yaml"
    text = draft.read_text(encoding="utf-8")
    before = "    title: Nhiệm vụ thông tin, tuyên truyền cải cách hành chính năm {{ year }}\n"
    task = "        product: Hội nghị tổng kết\n"
    assert text.count(before) == 1 and text.count(task) == 1
    columns = "    columns: [{key: task}, {key: lead}, {key: timing}, {key: ghi-chu, header: Ghi chú}]\n"
    text = text.replace(before, before + columns)
    old, new = plans / "extra-old.yaml", plans / "extra-new.yaml"
    old.write_text(text.replace(task, task + "        extra: {ghi-chu: Quý I}\n"), encoding="utf-8")
    new.write_text(text.replace(task, task + "        extra: {ghi-chu: Tháng 01}\n"), encoding="utf-8")
    assert changes(old, new) == [
        "~ nhiệm vụ 1 (bảng nhiệm vụ), Ghi chú — sửa (changed) :: [-Quý I-]{+Tháng 01+}"]


# ------------------------------------------------------------------ the YAML: one line a row
def _git(folder: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=folder,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.requires("git")
def test_yaml_diff_is_one_line_per_row(tmp_path: Path) -> None:
    shutil.copytree(PLANS, tmp_path, dirs_exist_ok=True)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "plans")
    plan = tmp_path / DEMO
    for before, after in YAML_EDITS:
        plan.write_text(plan.read_text(encoding="utf-8").replace(before, after), encoding="utf-8")
        assert _git(tmp_path, "diff", "--numstat", "--", DEMO).split() == ["1", "1", DEMO]
        diff = _git(tmp_path, "diff", "-U0", "--", DEMO)
        removed, added = [ln for ln in diff.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---")]
        assert removed.startswith("-") and removed.endswith(before)
        assert added.startswith("+") and added.endswith(after)
        proc = run_kh("fmt", str(plan))             # kh fmt keeps the row on its line
        assert proc.returncode == 0, proc.stderr
        assert _git(tmp_path, "diff", "--numstat", "--", DEMO).split() == ["1", "1", DEMO]
        _git(tmp_path, "commit", "-qam", "one cell")


def test_fmt_keeps_a_long_row_on_one_line(tmp_path: Path) -> None:
    shutil.copytree(PLANS, tmp_path, dirs_exist_ok=True)
    plan = tmp_path / DEMO
    before, _ = CELL_EDITS[0]
    long = before.replace("Phòng Văn hóa và Thông tin quận", "Phòng Văn hóa và Thông tin quận cùng các đơn vị sự"
                          " nghiệp trực thuộc và các tổ chức liên quan trên địa bàn")
    text = plan.read_text(encoding="utf-8").replace(before, long)
    plan.write_text(text, encoding="utf-8")
    assert run_kh("fmt", str(plan)).returncode == 0
    assert plan.read_text(encoding="utf-8") == text


def test_fmt_keeps_a_long_header_row_on_one_line(tmp_path: Path) -> None:
    shutil.copytree(PLANS, tmp_path, dirs_exist_ok=True)
    plan = tmp_path / DEMO
    before = "        - [Chủ trì, Phối hợp]\n"
    long = ("        - [Chủ trì cùng các đơn vị sự nghiệp trực thuộc và các tổ chức liên quan trên địa bàn quận,"
            " Phối hợp]\n")
    text = plan.read_text(encoding="utf-8")
    assert before in text
    text = text.replace(before, long)
    plan.write_text(text, encoding="utf-8")
    assert run_kh("fmt", str(plan)).returncode == 0
    assert plan.read_text(encoding="utf-8") == text


# ------------------------------------------------------------------ kh redline
def _redline(plans: Path, old: Path, new: Path, name: str) -> Path:
    out = plans / f"{name}.docx"
    proc = run_kh("redline", str(old), str(new), "-o", str(out), "--date", DATE)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def redlines(plans: Path) -> dict[str, tuple[Path, Path, Path]]:
    """name → (old plan, new plan, redline): a one-cell change per table, rows inserted, a row removed
    and a merge undone, columns and tables added and removed (both ways)."""
    out = {name: (plans / DEMO, edited(plans, f"red-{name}.yaml", edits))
           for name, edits in REDLINES.items()}
    out["columns-back"] = (out["columns"][1], plans / DEMO)
    return {name: (old, new, _redline(plans, old, new, name)) for name, (old, new) in out.items()}


def _document(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def _text(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t", f"{W}delText"))


def _marks(el: etree._Element) -> list[tuple[str, str]]:
    """Tracked changes inside ``el``: (ins|del, their text)."""
    return [(m.tag[len(W):], _text(m)) for m in el.iter(f"{W}ins", f"{W}del")]


def test_redline_cell_change_is_marked_inside_its_cell(redlines) -> None:
    doc = _document(redlines["cell"][2])
    marked = [tc for tc in doc.iter(f"{W}tc") if _marks(tc)]
    assert [(_text(tc), _marks(tc)) for tc in marked] == [
        ("Trụ sở Phòng Văn hóa", [("ins", " Văn hóa")]),
        ("Quý II/2026Cả năm", [("del", "Quý II/2026"), ("ins", "Cả năm")]),
        ("1.100", [("ins", "1.100")]),
    ]
    # nothing else is marked: no paragraph mark, no row
    assert len(list(doc.iter(f"{W}ins", f"{W}del"))) == 4
    for tc in marked:
        assert len(tc.findall(f"{W}p")) == 1            # still one paragraph in the cell
        assert all(m.getparent().tag == f"{W}p" for m in tc.iter(f"{W}ins", f"{W}del"))


def test_redline_inserted_row_is_a_tracked_row(redlines) -> None:
    doc = _document(redlines["rows"][2])
    inserted = [tr for tr in doc.iter(f"{W}tr") if tr.find(f"{W}trPr/{W}ins") is not None]
    assert [_text(tr) for tr in inserted] == [
        "2Ngày 12/5/2026Phòng Tài chính - Kế hoạch quậnTrụ sở PhòngTrưởng phòng",
        "3Công bố thủ tục hành chính mớiVăn phòng UBND quậnCác phòngQuý III/2026"]
    assert not any(tr.find(f"{W}trPr/{W}del") is not None for tr in doc.iter(f"{W}tr"))
    for tr in inserted:                                  # the row's text inserted too
        assert all(r.getparent().tag == f"{W}ins" for r in tr.iter(f"{W}r") if _text(r))
    # the rows below keep their cells: only kh's STT numbers change, word by word
    renumbered = [m for tc in doc.iter(f"{W}tc") if tc.getparent().find(f"{W}trPr/{W}ins") is None
                  for m in _marks(tc)]
    assert renumbered == [("del", "2"), ("ins", "3"), ("del", "3"), ("ins", "4"), ("del", "4"), ("ins", "5")]


def test_table_redlines_are_word_clean(redlines) -> None:
    """Rows of another width than the grid (a column added or removed) leave the rest empty."""
    assert_word_clean(*(red for _, _, red in redlines.values()))
    doc = _document(redlines["columns"][2])
    short = [tr for tr in doc.iter(f"{W}tr") if tr.find(f"{W}trPr/{W}gridAfter") is not None]
    assert [(_text(tr), tr.find(f"{W}trPr/{W}gridAfter").get(f"{W}val")) for tr in short] == [
        ("Chỉ tiêuKế hoạchĐạt", "1"), ("Hồ sơ tiếp nhận1.200", "1"), ("Hồ sơ giải quyết đúng hạn1.150", "1")]
    assert all(tr.find(f"{W}trPr/{W}del") is not None for tr in short)


def _grids(path: Path, padded: bool = False) -> list[list[list[tuple[str, str | None, str | None]]]]:
    """Every table as rows of cells: (text, columns spanned, vertical merge); ``padded``: without the
    empty cells ending a row."""
    out = []
    for tbl in _document(path).iter(f"{W}tbl"):
        rows = []
        for tr in tbl.findall(f"{W}tr"):
            cells = []
            for tc in tr.findall(f"{W}tc"):
                span, merge = tc.find(f"{W}tcPr/{W}gridSpan"), tc.find(f"{W}tcPr/{W}vMerge")
                cells.append(("".join(t.text or "" for t in tc.iter(f"{W}t")),
                              span.get(f"{W}val") if span is not None else None,
                              (merge.get(f"{W}val") or "continue") if merge is not None else None))
            while padded and cells and cells[-1] == ("", None, None):
                cells.pop()
            rows.append(cells)
        out.append(rows)
    return out


@pytest.mark.requires("soffice", "uno")
@pytest.mark.parametrize("name", [*REDLINES, "columns-back"])
def test_redline_accept_all_is_new_reject_all_is_old(name: str, redlines, lo_views, tmp_path: Path) -> None:
    old, new, red = redlines[name]
    accepted, rejected = lo_views[name]
    built_old, built_new = tmp_path / "old.docx", tmp_path / "new.docx"
    for plan, out in ((old, built_old), (new, built_new)):
        proc = run_kh("build", str(plan), "-o", str(out), "-q")
        assert proc.returncode == 0, proc.stderr
    texts = {}
    for path in (built_old, built_new, accepted, rejected):
        proc = run_kh("text", str(path))
        assert proc.returncode == 0, proc.stderr
        texts[path] = proc.stdout
    assert texts[built_old] != texts[built_new]
    assert texts[accepted] == texts[built_new]
    assert texts[rejected] == texts[built_old]
    # the tables themselves: rows, cells, merges (a column added or removed: the table keeps the wider
    # grid, and LibreOffice fills the rows left narrower, w:gridAfter, with empty cells at their end)
    padded = name.startswith("columns")
    assert _grids(accepted, padded) == _grids(built_new, padded)
    assert _grids(rejected, padded) == _grids(built_old, padded)


@pytest.fixture(scope="module")
def lo_views(redlines) -> dict[str, tuple[Path, Path]]:
    """name → (all accepted, all rejected), saved by LibreOffice (one soffice for all)."""
    need("soffice", "uno")
    from generator.writers.pdf_writer import uno_python

    exe = uno_python()
    assert exe is not None
    args: list[str] = []
    views: dict[str, tuple[Path, Path]] = {}
    for name, (_, _, red) in redlines.items():
        acc, rej = red.with_suffix(".accepted.docx"), red.with_suffix(".rejected.docx")
        args += ["accept", str(red), str(acc), "reject", str(red), str(rej)]
        views[name] = (acc, rej)
    proc = subprocess.run([exe, str(ROOT / "tests" / "lo_accept_reject.py"), *args], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return views


# ------------------------------------------------------------------ kh watch
@pytest.mark.requires("soffice", "poppler", "chromium")
def test_watch_shows_tables_and_follows_a_cell_change(tmp_path: Path) -> None:
    """The live preview of tables-demo: every page shown (the table appendix on a landscape page);
    a saved cell change, in the plan or in the CSV a table reads, is a new build holding the new cell."""
    import os
    import re
    import signal
    import sys

    from docx import Document

    from .test_watch import PAGES_LOADED, Browser

    folder = tmp_path / "plans"
    shutil.copytree(PLANS, folder)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    kh = subprocess.Popen([sys.executable, "-m", "generator", "watch", DEMO, "--dpi", "60"], cwd=folder, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    browser = None
    built = folder / "output" / "tables-demo.docx"

    def cells() -> list[str]:
        return [c.text for t in Document(built).tables for row in t.rows for c in row.cells]

    try:
        url = re.search(r"http://127\.0\.0\.1:\d+/[A-Za-z0-9_-]+/", kh.stdout.readline())
        assert url
        browser = Browser(tmp_path / "chromium")
        browser.call("Page.navigate", url=url.group(0))
        first = browser.wait_for(PAGES_LOADED)
        shapes = browser.js("[...document.querySelectorAll('#pages img')].map(i => [i.naturalWidth, i.naturalHeight])")
        pdf = tmp_path / "demo.pdf"
        proc = run_kh("build", str(folder / DEMO), "--to", "pdf", "-o", str(pdf), "-q")
        assert proc.returncode == 0, proc.stderr
        pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                 text=True).stdout).group(1))
        assert len(shapes) == pages
        assert sum(w > h for w, h in shapes) >= 1 and sum(w < h for w, h in shapes) >= 1   # landscape appendix
        assert "Trụ sở Phòng" in cells()
        plan = folder / DEMO
        before, after = CELL_EDITS[0]
        plan.write_text(plan.read_text(encoding="utf-8").replace(before, after), encoding="utf-8")
        version = int(first.split(":")[0])
        browser.wait_for(f"(() => {{ const v = {PAGES_LOADED}; return v && Number(v.split(':')[0]) > {version}"
                         " && v; })()")
        assert "Trụ sở Phòng Văn hóa" in cells()
        # the table read from a CSV file: saving the file is a new build too
        version = int(browser.js(PAGES_LOADED).split(":")[0])
        csv = folder / "tables-demo-don-vi.csv"
        csv.write_text(csv.read_text(encoding="utf-8").replace("Bà Lê Thị Thu Hà", "Ông Lê Văn Hải"),
                       encoding="utf-8")
        browser.wait_for(f"(() => {{ const v = {PAGES_LOADED}; return v && Number(v.split(':')[0]) > {version}"
                         " && v; })()")
        assert "Ông Lê Văn Hải" in cells() and "Bà Lê Thị Thu Hà" not in cells()
    finally:
        if browser is not None:
            browser.close()
        kh.send_signal(signal.SIGINT)
        try:
            _out, err = kh.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            kh.kill()
            raise
    assert kh.returncode == 0, err
    assert "Traceback" not in err


def test_watch_inputs_include_table_source_files() -> None:
    """kh watch and folder builds rebuild when a table's CSV/.xlsx is saved: it is one of the inputs."""
    from generator.app.service import render_with_inputs

    _docx, inputs = render_with_inputs(PLANS / DEMO, "docx")
    assert (PLANS / "tables-demo-don-vi.csv").resolve() in inputs
