"""Issue 17, the model and the reader: ordered ``body`` blocks, tables (YAML rows, CSV, .xlsx), the
new appendices and their labels; and every bad table input a located Vietnamese error (exit 2)."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from generator.core.errors import PlanError
from generator.layout.blocks import layout
from generator.model import content
from generator.model.plan import Section
from generator.readers.yaml_reader import read_plan

from .conftest import run_kh

HEAD = """\
org: q3
number: 118
date: 2025-04-29
subject: Thử
"""
TAIL = """\
recipients: [Sở Nội vụ Thành phố]
signer: hang
"""


def write(project: Path, body: str, extra: str = "", name: str = "t.yaml") -> Path:
    """A plan in ``project`` whose ``sections:`` are ``body`` (YAML, indented as written)."""
    path = project / name
    path.write_text(HEAD + "sections:\n" + textwrap.indent(textwrap.dedent(body), "  ") + TAIL
                    + textwrap.dedent(extra), encoding="utf-8")
    return path


def texts(plan_path: Path) -> list[str]:
    """The body of the laid-out plan: each paragraph's text, a table as "[table r×c]"."""
    doc = layout(read_plan(plan_path, []))
    return [f"[table {len(b.rows)}×{len(b.widths)}]" if not hasattr(b, "spans") else b.text for b in doc.body]


def error(project: Path, path: Path) -> str:
    """The build's error output; the build must refuse the plan with exit 2 and write nothing."""
    out = project / "out.docx"
    proc = run_kh("build", str(path), "-o", str(out))
    assert proc.returncode == 2, proc.stderr
    assert not out.exists()
    assert "Traceback" not in proc.stderr
    return proc.stderr


# ------------------------------------------------------------------ each block kind, alone
BLOCKS = {
    "paragraph": ("- Một đoạn văn.", ["Một đoạn văn./."]),
    "table": ("- table: {columns: [A, B], rows: [[a, b]]}", ["[table 2×2]", "./."]),   # "./." after the table
    "bullets": ("- bullets: [Ý một, Ý hai.]", ["- Ý một", "- Ý hai./."]),
    "points": ("- points: [Điểm một, Điểm hai.]", ["a) Điểm một", "b) Điểm hai./."]),
    "note": ("- note: Gửi báo cáo trước ngày 18.", ["Ghi chú: Gửi báo cáo trước ngày 18./."]),
    "sub-section": ("- {title: Kinh phí, text: Từ ngân sách.}", ["1. Kinh phí", "Từ ngân sách./."]),
    "assignments": ("- assignments: [{unit: noi-vu, tasks: [Tổng hợp.]}]", ["1. Phòng Nội vụ quận", "- Tổng hợp./."]),
}


@pytest.mark.parametrize("kind", sorted(BLOCKS))
def test_each_block_kind_alone(project: Path, kind: str) -> None:
    block, expected = BLOCKS[kind]
    path = write(project, f"- title: Mục\n  body:\n    {block}\n")
    got = texts(path)
    assert got[0] == "I. MỤC"
    assert got[1:] == expected          # the content ends with "./."


def test_each_kind_alone_is_the_block_of_its_kind(project: Path) -> None:
    path = write(project, "- title: Mục\n  body:\n" + "".join(f"    {b}\n" for b, _ in BLOCKS.values()))
    [sec] = read_plan(path, []).sections
    kinds = [type(b).__name__ for b in content.section_blocks(sec)]
    assert kinds == ["str", "TableBlock", "Bullets", "Points", "Note", "Section", "Assignments"]


# ------------------------------------------------------------------ interleaved
INTERLEAVED = """\
- title: Lịch kiểm tra
  body:
    - 'Đoàn kiểm tra làm việc theo lịch sau:'
    - table:
        columns: [Thời gian, Đơn vị]
        rows:
          - [Ngày 12/5, Công ty A]
    - Trường hợp thay đổi lịch, Trưởng đoàn thông báo trước.
    - bullets: [Chuẩn bị hồ sơ;, Bố trí người làm việc.]
    - points: [Điểm một.]
    - {title: Kinh phí, text: Từ ngân sách.}
    - Đoạn giữa hai điểm.
    - points: [Điểm hai.]
    - {title: Báo cáo, text: Hằng tháng.}
    - assignments: [{unit: noi-vu, tasks: [Tổng hợp.]}]
    - note: 'Ghi chú: các đơn vị gửi báo cáo trước ngày 18.'
"""


def test_interleaved_blocks_keep_their_order_and_numbering(project: Path) -> None:
    assert texts(write(project, INTERLEAVED)) == [
        "I. LỊCH KIỂM TRA",
        "Đoàn kiểm tra làm việc theo lịch sau:",
        "[table 2×2]",
        "Trường hợp thay đổi lịch, Trưởng đoàn thông báo trước.",
        "- Chuẩn bị hồ sơ;",
        "- Bố trí người làm việc.",
        "a) Điểm một.",
        "1. Kinh phí",               # sub-sections numbered among themselves
        "Từ ngân sách.",
        "Đoạn giữa hai điểm.",
        "b) Điểm hai.",              # lettering goes on across the section
        "2. Báo cáo",
        "Hằng tháng.",
        "3. Phòng Nội vụ quận",      # an assignment under a Roman section is the next clause
        "- Tổng hợp.",
        "Ghi chú: các đơn vị gửi báo cáo trước ngày 18./.",   # label kept, italic; the content's end
    ]


def test_the_shorthand_builds_the_same_bytes_as_its_body(project: Path) -> None:
    """The shorthand keys are normalised into the very blocks ``body`` writes: same document."""
    short = write(project, """\
        - title: Mục đích
          text: [Đoạn một., Đoạn hai.]
          points: [Điểm một, {text: Điểm hai, bullets: [Ý]}]
        - title: Nội dung
          sections:
            - {title: Một, bullets: [a, b]}
            - {text: Khoản không tiêu đề., assignments: [{unit: noi-vu, tasks: [Việc]}]}
        """, name="short.yaml")
    body = write(project, """\
        - title: Mục đích
          body:
            - Đoạn một.
            - Đoạn hai.
            - points: [Điểm một, {text: Điểm hai, bullets: [Ý]}]
        - title: Nội dung
          body:
            - {title: Một, body: [{bullets: [a, b]}]}
            - {body: [Khoản không tiêu đề., {assignments: [{unit: noi-vu, tasks: [Việc]}]}]}
        """, name="body.yaml")
    for path in (short, body):
        assert run_kh("build", str(path), "-o", str(path.with_suffix(".docx"))).returncode == 0
        assert run_kh("build", str(path), "--to", "txt", "-o", str(path.with_suffix(".txt"))).returncode == 0
    assert short.with_suffix(".docx").read_bytes() == body.with_suffix(".docx").read_bytes()
    assert short.with_suffix(".txt").read_text(encoding="utf-8") == body.with_suffix(".txt").read_text(encoding="utf-8")


def test_a_content_appendix_is_numbered_like_the_body(project: Path) -> None:
    path = write(project, "- {title: Mục, text: Xem phụ lục.}\n", extra="""\
        appendices:
          - type: content
            title: Đề cương báo cáo
            body:
              - Báo cáo gồm:
              - title: Kết quả
                body:
                  - points: [Cải cách thể chế.]
                  - {title: Số liệu, text: Theo mẫu.}
              - {title: Kiến nghị, bullets: [Đề xuất.]}
        """.replace("- Báo cáo gồm:", "- 'Báo cáo gồm:'"))
    [app] = layout(read_plan(path, [])).appendices
    assert [p.text for p in app.blocks] == ["Báo cáo gồm:", "I. KẾT QUẢ", "a) Cải cách thể chế.", "1. Số liệu",
                                            "Theo mẫu.", "II. KIẾN NGHỊ", "- Đề xuất."]
    assert app.table.rows == []


# ------------------------------------------------------------------ tables
def test_table_rows_merges_groups_and_stt(project: Path) -> None:
    path = write(project, """\
        - title: Mục
          body:
            - table:
                header:
                  - [{text: Nội dung, rows: 2}, {text: Thời gian, span: 2}]
                  - [Bắt đầu, Kết thúc]
                stt: true
                numbers: true
                rows:
                  - {group: Cải cách thể chế}
                  - [{text: Hai cột gộp, span: 2}, x]
                  - [{text: Gộp dọc, rows: 2}, a, b]
                  - [c, d]
                  - {group: Tổ chức bộ máy}
                  - ["**đậm**", 12, 2.5]
        """)
    [_, table, _] = layout(read_plan(path, [])).body
    shape = [(r.kind, [(c.span, c.merge, "".join(s.text for p in c.paras for s in p)) for c in r.cells])
             for r in table.rows]
    assert shape == [
        ("header", [(1, "restart", "STT"), (1, "restart", "Nội dung"), (2, "", "Thời gian")]),
        ("header", [(1, "continue", ""), (1, "continue", ""), (1, "", "Bắt đầu"), (1, "", "Kết thúc")]),
        ("header", [(1, "", f"({i})") for i in range(1, 5)]),
        ("group", [(1, "", "I"), (3, "", "CẢI CÁCH THỂ CHẾ")]),
        ("data", [(1, "", "1"), (2, "", "Hai cột gộp"), (1, "", "x")]),
        ("data", [(1, "", "2"), (1, "restart", "Gộp dọc"), (1, "", "a"), (1, "", "b")]),
        ("data", [(1, "", "3"), (1, "continue", ""), (1, "", "c"), (1, "", "d")]),
        ("group", [(1, "", "II"), (3, "", "TỔ CHỨC BỘ MÁY")]),       # numbering restarts under a group
        ("data", [(1, "", "1"), (1, "", "đậm"), (1, "", "12"), (1, "", "2.5")]),
    ]
    assert table.rows[-1].cells[1].paras[0][0].bold       # inline marks in a cell
    assert sum(table.widths) == pytest.approx(1.0)


def test_widths_given_in_percent_and_shared_by_content(project: Path) -> None:
    path = write(project, """\
        - title: Mục
          body:
            - table:
                columns: [{header: Thời gian, width: 20}, Đơn vị được kiểm tra, Ghi chú]
                rows:
                  - [Ngày 12/5, Công ty trách nhiệm hữu hạn thương mại dịch vụ A, x]
        """)
    [_, table, _] = layout(read_plan(path, [])).body
    assert table.widths[0] == pytest.approx(0.20)
    assert table.widths[1] > 3 * table.widths[2]        # the long column gets the room
    assert sum(table.widths) == pytest.approx(1.0)


# ------------------------------------------------------------------ sources
CSV_TABLE = """\
- title: Mục
  body:
    - table: {source: lich.csv, stt: true}
"""


def test_a_table_from_csv(project: Path) -> None:
    (project / "lich.csv").write_text(
        "Thời gian;Đơn vị;Ghi chú\nNgày 12/5;\"Công ty A; chi nhánh 2\";*không* đậm\n\n"
        "Ngày 13/5;Công ty B;\n", encoding="utf-8-sig")
    plan = read_plan(write(project, CSV_TABLE), [])
    assert content.source_files(plan) == [str((project / "lich.csv").resolve())]     # an input of the build
    table = plan.sections[0].body[0].table
    assert [c.header for c in table.columns] == ["Thời gian", "Đơn vị", "Ghi chú"]
    lines = [[c.text for c in row] for row in table.rows]
    assert lines == [[["Ngày 12/5"], ["Công ty A; chi nhánh 2"], ["\\*không\\* đậm"]],
                     [["Ngày 13/5"], ["Công ty B"], []]]
    [_, laid, _] = layout(plan).body
    assert "".join(s.text for s in laid.rows[1].cells[3].paras[0]) == "*không* đậm"     # printed as written
    assert not any(s.italic for s in laid.rows[1].cells[3].paras[0])


def test_columns_pick_a_source_files_columns_by_key(project: Path) -> None:
    (project / "lich.csv").write_text("Ngày,Đơn vị,Địa chỉ\n12/5,A,Số 1\n13/5,B,Số 2\n", encoding="utf-8")
    path = write(project, """\
        - title: Mục
          body:
            - table:
                columns: [{key: Đơn vị}, {key: ngày, header: Thời gian}]
                source: lich.csv
        """)
    table = read_plan(path, []).sections[0].body[0].table
    assert [c.header for c in table.columns] == ["Đơn vị", "Thời gian"]
    assert [[c.text[0] for c in row] for row in table.rows] == [["A", "12/5"], ["B", "13/5"]]


def test_a_table_from_xlsx(project: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")   # a dependency of kh: always there
    book = openpyxl.Workbook()
    book.active.title = "Khác"
    sheet = book.create_sheet("Lịch")
    for row in [["Ngày", "Đơn vị", "Số hồ sơ", "Tỷ lệ"], [dt.datetime(2026, 5, 12), "Công ty A", 120, 0.5],
                [None, None, None, None], [dt.date(2026, 5, 13), "Công ty **B**", 80.0, None]]:
        sheet.append(row)
    book.save(project / "lich.xlsx")
    path = write(project, """\
        - title: Mục
          body:
            - table: {source: {file: lich.xlsx, sheet: Lịch}}
        """)
    table = read_plan(path, []).sections[0].body[0].table
    assert [c.header for c in table.columns] == ["Ngày", "Đơn vị", "Số hồ sơ", "Tỷ lệ"]
    assert [[c.text for c in row] for row in table.rows] == [
        [["12/05/2026"], ["Công ty A"], ["120"], ["0,5"]],
        [["13/05/2026"], ["Công ty \\*\\*B\\*\\*"], ["80"], []]]
    out = project / "x.docx"
    assert run_kh("build", str(path), "-o", str(out)).returncode == 0


# ------------------------------------------------------------------ bad input: located, exit 2
BAD = {
    "ragged row": ("rows: [[a, b], [c]]", "hàng 2 có 1 ô", (1,), "row 2 has 1 cells"),
    "too many cells": ("rows: [[a, b, c]]", "hàng 1 có 3 ô", (0,), "the table 2 columns"),
    "span out of range": ("rows: [[a, {text: b, span: 2}]]", "vượt quá 2 cột", (0, 1), "merge out of range"),
    "rows out of range": ("rows: [[{text: a, rows: 3}, b], [c]]", "chỉ còn 2 hàng", (0, 0, "rows"),
                          "merge out of range"),
    "merge across a group": ("rows: [[{text: a, rows: 2}, b], {group: G}, [c, d]]", "vượt qua dòng nhóm",
                             (0, 0, "rows"), "cannot cross a group row"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_rows_are_located_errors(project: Path, case: str) -> None:
    rows, words, where, english = BAD[case]
    path = write(project, f"- title: Mục\n  body:\n    - table:\n        columns: [A, B]\n        {rows}\n")
    err = error(project, path)
    place = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where)
    assert f"sections[0].body[0].table.rows{place}:" in err
    assert words in err and english in err
    assert f"{path}:10:" in err          # the line of the rows, with its column


def test_widths_over_a_hundred_percent(project: Path) -> None:
    path = write(project, "- title: Mục\n  body:\n    - table:\n"
                          "        columns: [{header: A, width: 70}, {header: B, width: 40}]\n        rows: [[a, b]]\n")
    err = error(project, path)
    assert f"{path}:9:20: sections[0].body[0].table.columns: tổng độ rộng các cột là 110%, quá 100%" in err
    assert "column widths add up to over 100%" in err
    zero = write(project, "- title: Mục\n  body:\n    - table:\n"
                          "        columns: [{header: A, width: 0}]\n        rows: [[a]]\n", name="zero.yaml")
    assert "sections[0].body[0].table.columns[0].width: số quá nhỏ" in error(project, zero)


def test_body_and_shorthand_together(project: Path) -> None:
    path = write(project, "- title: Mục\n  text: Đoạn.\n  bullets: [a]\n  body: [x]\n")
    err = error(project, path)
    assert f"{path}:7:11: sections[0].text: mục viết 'body' thì không dùng thêm text, bullets" in err
    assert "(a section with body takes no text, bullets" in err


def test_a_table_outside_a_body_and_two_kinds_in_one_block(project: Path) -> None:
    err = error(project, write(project, "- title: Mục\n  table: {columns: [A], rows: [[a]]}\n"))
    assert "sections[0].table: 'table' là một khối riêng trong 'body'" in err
    err = error(project, write(project, "- title: Mục\n  body:\n    - {bullets: [a], points: [b]}\n"))
    assert "sections[0].body[0].bullets: một khối chỉ có một loại" in err


def test_a_paragraph_ending_with_a_colon_must_be_quoted(project: Path) -> None:
    path = write(project, "- title: Mục\n  body:\n    - Lịch như sau:\n    - table: {columns: [A], rows: [[a]]}\n")
    err = error(project, path)
    assert f"{path}:8:9: sections[0].body[0]: đoạn văn kết thúc bằng dấu ':'" in err and "quote it" in err


def test_an_unknown_key_suggests_the_right_one(project: Path) -> None:
    err = error(project, write(project, "- title: Mục\n  body:\n    - tabel: {columns: [A], rows: [[a]]}\n"))
    assert "khóa không hợp lệ 'tabel' (unknown key)" in err and "có phải ý bạn là 'table'?" in err
    err = error(project, write(project, "- title: Mục\n  body:\n    - table: {columns: [A], rows: [[a], {grup: G}]}\n",
                               name="group.yaml"))
    assert "table.rows[1].grup: khóa không hợp lệ 'grup' (unknown key)\n    cần (expected): một trong: group\n" in err


def test_source_files_missing_outside_and_malformed(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    missing = write(project, CSV_TABLE)
    err = error(project, missing)
    assert f"{missing}:8:25: sections[0].body[0].table.source: tệp của bảng:" in err
    assert "lich.csv" in err

    outside = tmp_path_factory.mktemp("elsewhere") / "lich.csv"
    outside.write_text("A\nb\n", encoding="utf-8")
    far = write(project, CSV_TABLE.replace("lich.csv", str(outside)), name="far.yaml")
    err = error(project, far)
    assert "nằm ngoài thư mục kế hoạch" in err and "outside the plans folder" in err and "--allow-outside" in err
    assert run_kh("--allow-outside", "build", str(far), "-o", str(project / "far.docx")).returncode == 0

    (project / "lich.csv").write_text('A,B\n"open,x\nc,d\n', encoding="utf-8")
    err = error(project, missing)
    assert "lich.csv:2: tệp CSV hỏng" in err and "malformed CSV" in err

    (project / "lich.csv").write_text("A,B\na,b\nc\n", encoding="utf-8")
    err = error(project, missing)
    assert "lich.csv:3: hàng có 1 ô, bảng có 2 cột (ragged row" in err

    (project / "lich.csv").write_bytes("A,B\nNôi,dung\n".encode("cp1258"))     # saved by an old Excel
    err = error(project, missing)
    assert "lich.csv:2: tệp CSV không phải UTF-8" in err


def test_bad_xlsx_and_unknown_sheet_and_key(project: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    (project / "lich.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    path = write(project, CSV_TABLE.replace("lich.csv", "lich.xlsx"))
    assert "lich.xlsx: tệp .xlsx hỏng" in error(project, path)
    book = openpyxl.Workbook()
    book.active.title = "Lịch"
    book.active.append(["Ngày", "Đơn vị"])
    book.active.append(["12/5", "A"])
    book.save(project / "lich.xlsx")
    sheet = write(project, "- title: Mục\n  body:\n    - table: {source: {file: lich.xlsx, sheet: Lich}}\n",
                  name="sheet.yaml")
    err = error(project, sheet)
    assert "không có trang tính 'Lich' (no such worksheet)" in err and "có phải ý bạn là 'Lịch'?" in err
    key = write(project, "- title: Mục\n  body:\n    - table:\n        columns: [{key: Don vi}]\n"
                         "        source: lich.xlsx\n", name="key.yaml")
    err = error(project, key)
    assert "sections[0].body[0].table.columns[0].key: tệp không có cột 'Don vi' ở dòng đầu (unknown column)" in err
    assert "cần (expected): một trong: Ngày, Đơn vị" in err


def test_task_extra_columns_and_unknown_column_keys(project: Path) -> None:
    tasks = """\
        tasks:
          - tasks:
              - {task: Rà soát, lead: noi-vu, extra: {ghi-chu: Quý I}}
              - {task: Tổng hợp, lead: noi-vu}
        appendices:
          - type: tasks
            title: Nhiệm vụ
            numbers: true
            columns: [{key: stt}, {key: task}, {key: ghi-chu, header: Ghi chú}, {key: theo-doi, header: Theo dõi}]
        """
    path = write(project, "- {title: Mục, text: Đoạn.}\n", extra=tasks)
    [app] = layout(read_plan(path, [])).appendices
    rows = [[" ".join(s.text for p in c.paras for s in p) for c in r.cells] for r in app.table.rows]
    assert rows == [["STT", "Nội dung công việc", "Ghi chú", "Theo dõi"], ["(1)", "(2)", "(3)", "(4)"],
                    ["1", "Rà soát", "Quý I", ""], ["2", "Tổng hợp", "", ""]]
    typo = write(project, "- {title: Mục, text: Đoạn.}\n", extra=tasks.replace("{ghi-chu: Quý I}", "{ghichu: Quý I}"),
                 name="typo.yaml")
    err = error(project, typo)
    assert "tasks[0].tasks[0].extra.ghichu: cột 'ghichu' không có trong 'columns'" in err
    assert "(unknown column)" in err and "có phải ý bạn là 'ghi-chu'?" in err
    own = write(project, "- {title: Mục, text: Đoạn.}\n", extra=tasks.replace("{key: task}", "{key: tsk}"),
                name="own.yaml")
    assert "appendices[0].columns[1].key: cột 'tsk' không phải cột có sẵn" in error(project, own)


# ------------------------------------------------------------------ appendix labels and issuer
@pytest.mark.parametrize(("style", "labels"), [
    (None, ["Phụ lục I", "Phụ lục II"]), ("roman", ["Phụ lục I", "Phụ lục II"]),
    ("arabic", ["Phụ lục 1", "Phụ lục 2"]), ("so", ["Phụ lục số 01", "Phụ lục số 02"])])
def test_appendix_labels(project: Path, style: str | None, labels: list[str]) -> None:
    apps = """\
        appendices:
          - {type: content, title: Một, body: [Đoạn.]}
          - {type: table, title: Hai, table: {columns: [A], rows: [[a]]}}
        """
    numbering = f"appendix_numbering: {style}\n" if style else ""
    path = write(project, "- {title: Mục, text: 'Xem {{ appendices[0] }} và {{ appendices[1] }}.'}\n",
                 extra=numbering + textwrap.dedent(apps))
    doc = layout(read_plan(path, []))
    assert [a.label for a in doc.appendices] == labels
    assert doc.body[1].text == f"Xem {labels[0]} và {labels[1]}./."


def test_one_appendix_is_numbered_only_when_the_plan_asks(project: Path) -> None:
    one = "appendices:\n  - {type: content, title: Một, body: [Đoạn.]}\n"
    path = write(project, "- {title: Mục, text: Đoạn.}\n", extra=one)
    assert layout(read_plan(path, [])).appendices[0].label == "Phụ lục"
    path = write(project, "- {title: Mục, text: Đoạn.}\n", extra="appendix_numbering: so\n" + one,
                 name="so.yaml")
    assert layout(read_plan(path, [])).appendices[0].label == "Phụ lục số 01"


def test_after_signature_comes_first_and_the_issuer_is_named(project: Path) -> None:
    apps = """\
        appendix_issuer: Chủ tịch Ủy ban nhân dân Quận 3
        appendices:
          - {type: content, title: Đề cương, body: [Đoạn.]}
          - {type: table, title: Phân công, placement: after_signature, table: {columns: [A], rows: [[a]]}}
        """
    path = write(project, "- {title: Mục, text: 'Phân công tại {{ appendices[1] }}.'}\n", extra=apps)
    doc = layout(read_plan(path, []))
    assert [(a.label, a.title, a.after_signature) for a in doc.appendices] == [
        ("Phụ lục I", "PHÂN CÔNG", True), ("Phụ lục II", "ĐỀ CƯƠNG", False)]
    assert doc.body[1].text == "Phân công tại Phụ lục I./."
    assert doc.appendices[0].attached_line.endswith("năm 2025 của Chủ tịch Ủy ban nhân dân Quận 3)")
    landscape = apps.replace("placement: after_signature", "placement: after_signature, landscape: true")
    land = write(project, "- {title: Mục, text: Đoạn.}\n", extra=landscape, name="land.yaml")
    assert "appendices[1].placement: phụ lục in ngay sau chữ ký" in error(project, land)


def test_the_models_normalised_blocks_are_the_models_own() -> None:
    sec = Section.model_validate({"title": "T", "text": ["a"], "points": ["p"]})
    blocks = content.section_blocks(sec)
    assert blocks[0] == "a" and isinstance(blocks[1], content.Points) and blocks[1].points == sec.points
    with pytest.raises(ValueError):
        Section.model_validate({"title": "T", "body": ["a"], "bullets": ["b"]})


def test_reading_twice_gives_the_same_plan(project: Path) -> None:
    (project / "lich.csv").write_text("A,B\na,b\n", encoding="utf-8")
    path = write(project, CSV_TABLE)
    assert read_plan(path, []).model_dump() == read_plan(path, []).model_dump()
    with pytest.raises(PlanError):
        (project / "lich.csv").unlink()
        read_plan(path, [])
