"""Hostile and messy input never hangs, crashes or loses text (issue 11 "YAML input", issue 12).

Plan files pasted together from Word, chat and old files, or written by an attacker: each case
ends in a correct document or a located Vietnamese error, quickly and in bounded memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from generator.core.errors import PlanError
from generator.readers import yaml_reader
from generator.readers.yaml_reader import read_plan
from generator.yamlio import source as yamlsource

from .conftest import ROOT, run_kh

BASE = """\
org: q3
number: 118
date: 2025-04-29
subject: Thông tin, tuyên truyền năm {{ year }}
sections:
  - title: Mục đích, yêu cầu
    text: Nội dung
recipients: [Sở Nội vụ Thành phố]
archive: VT, NV
signer: hang
"""


def _plan(project: Path, text: str, name: str = "x.yaml") -> Path:
    path = project / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list:
    with pytest.raises(PlanError) as info:
        read_plan(path)
    return info.value.problems


def _one(path: Path, words: str, line: int | None = None) -> None:
    problems = _problems(path)
    text = "\n".join(p.format() for p in problems)
    assert words in text, text
    if line is not None:
        assert any(p.line == line for p in problems), text


def _body(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


# ------------------------------------------------------------------ aliases, depth, keys
BOMB = "".join(f"  {c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))


@pytest.mark.parametrize("where", ["variables", "bullets"])
def test_billion_laughs_stops_with_a_located_error(project: Path, where: str):
    head = "  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + BOMB
    if where == "variables":
        text = BASE + "variables:\n" + head
    else:   # the case: the bomb under bullets, expanded by the model
        text = "variables:\n" + head + BASE.replace("    text: Nội dung\n", "    bullets: *i\n")
    _one(_plan(project, text), "bí danh (alias) lặp lại quá nhiều")


def test_billion_laughs_memory_is_bounded(project: Path):
    """The whole command, measured in its own process: far below the gigabytes the probe saw."""
    path = _plan(project, BASE + "variables:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + BOMB)
    code = ("import resource, sys\nfrom generator.app.cli import main\n"
            "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit as e:\n    code = e.code\n"
            "print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, 'EXIT', code)")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    rss_kb, exit_code = int(proc.stdout.split()[1]), proc.stdout.split()[3]
    assert exit_code == "2", proc.stdout + proc.stderr
    assert rss_kb < 400_000, rss_kb


def test_aliases_of_reasonable_size_still_work(project: Path):
    text = BASE.replace("    text: Nội dung\n", "    bullets: &b [Một việc, Hai việc]\n  - title: Kết quả\n"
                        "    bullets: *b\n")
    plan = read_plan(_plan(project, text))
    assert [b.text for b in plan.sections[1].bullets] == [["Một việc"], ["Hai việc"]]


def test_error_inside_aliased_content_points_at_where_it_is_written(project: Path):
    text = BASE.replace("    text: Nội dung\n", "    bullets: &b [Một việc, {txt: Hai}]\n  - title: Kết quả\n"
                        "    bullets: *b\n")
    problems = _problems(_plan(project, text))
    assert problems and all(p.line == 7 for p in problems), [p.format() for p in problems]


def test_recursive_alias(project: Path):
    _one(_plan(project, BASE + "variables: &v {a: *v}\n"), "bí danh đệ quy", line=11)


@pytest.mark.parametrize("depth", [100, 200_000])
def test_deep_nesting_is_an_error_not_a_crash(project: Path, depth: int):
    """libyaml's composer segfaults at this depth; kh stops at MAX_DEPTH."""
    _one(_plan(project, BASE + "variables: {x: " + "[" * depth + "]" * depth + "}\n"), "lồng nhau quá sâu", line=11)


def test_merge_key_and_impossible_date_key(project: Path):
    _one(_plan(project, BASE.replace("    text: Nội dung\n", "    text: x\n    <<: {text: y}\n")), "'<<'", line=8)
    _one(_plan(project, BASE + "2025-02-30: x\n"), "ngày không có thật", line=11)


def test_complex_keys_tags_and_second_documents(project: Path):
    _one(_plan(project, BASE + "? [a, b]\n: x\n"), "khóa phải là chữ")
    _one(_plan(project, BASE + "variables: {x: !!python/object:os.system ls}\n"), "thẻ YAML", line=11)
    _one(_plan(project, BASE + "variables: {x: !!binary aGVsbG8=}\n"), "thẻ YAML", line=11)
    _one(_plan(project, BASE + "---\norg: q3\n"), "một tài liệu YAML")


def test_five_thousand_digit_numbers(project: Path):
    _one(_plan(project, BASE.replace("number: 118", "number: " + "9" * 5000)), "số quá dài", line=2)
    _one(_plan(project, BASE.replace("number: 118", "number: '" + "9" * 5000 + "'")), "chữ số 0-9", line=2)


@pytest.mark.parametrize("number", ["0", "'0'", "'²'", "-3", "'١٢'"])
def test_document_numbers_zero_and_non_ascii_digits(project: Path, number: str):
    _one(_plan(project, BASE.replace("number: 118", f"number: {number}")), "số văn bản", line=2)


@pytest.mark.parametrize("year, words", [("10000", "tối đa 2999"), ("-5", "quá nhỏ"), ("1800", "quá nhỏ")])
def test_years_out_of_range(project: Path, year: str, words: str):
    text = BASE.replace("number: 118\ndate: 2025-04-29\n", f"year: {year}\n")
    _one(_plan(project, text), words, line=2)


def test_far_off_dates(project: Path):
    _one(_plan(project, BASE.replace("date: 2025-04-29", "date: 9999-12-31")), "2999")


# ------------------------------------------------------------------ encodings and bytes
def test_bom_and_windows_line_endings_build_the_same_document(project: Path, tmp_path: Path):
    plain = _plan(project, BASE, "lf.yaml")
    (project / "bom.yaml").write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    (project / "crlf.yaml").write_bytes(BASE.replace("\n", "\r\n").encode())
    out = tmp_path / "out"
    proc = run_kh("build", str(plain), str(project / "bom.yaml"), str(project / "crlf.yaml"), "-d", str(out))
    assert proc.returncode == 0, proc.stderr
    lf = (out / "lf.docx").read_bytes()
    assert (out / "bom.docx").read_bytes() == lf and (out / "crlf.docx").read_bytes() == lf


@pytest.mark.parametrize("encoding, words", [
    ("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-32", "UTF-32"), ("cp1258", "không phải UTF-8"),
    ("latin-1", "không phải UTF-8")])
def test_other_encodings_are_refused_by_name_never_mojibake(project: Path, encoding: str, words: str):
    path = project / "x.yaml"
    text = BASE if encoding != "latin-1" else BASE.replace("Nội dung", "Café")
    path.write_bytes(text.encode(encoding, errors="replace"))
    problems = _problems(path)
    assert words in problems[0].message and "UTF-8" in (problems[0].hint or "")


def test_legacy_code_page_error_names_line_and_column(project: Path):
    path = project / "x.yaml"
    path.write_bytes(BASE.replace("Nội dung", "Ni dung").encode().replace(b"Ni", b"N\xf4i"))
    [p] = _problems(path)
    assert (p.line, p.column) == (7, 12)


def test_tabs_for_indentation(project: Path):
    [p] = _problems(_plan(project, BASE.replace("    text: Nội dung", "\ttext: Nội dung")))
    assert p.line == 7 and "Tab" in p.hint


@pytest.mark.parametrize("char, name", [("\x1b", "ESC"), ("\x07", "BEL"), ("\x7f", "DEL"), ("\x85", None),
                                        ("\x9b", None)])
def test_raw_control_characters_are_located_errors(project: Path, char: str, name: str | None):
    [p] = _problems(_plan(project, BASE.replace("Nội dung", f"Nội{char}dung")))
    assert (p.line, p.column) == (7, 14)
    if name:
        assert name in p.message


def test_nul_byte_in_the_file(project: Path):
    path = project / "x.yaml"
    path.write_bytes(BASE.encode().replace("Nội dung".encode(), b"N\x00i"))
    [p] = _problems(path)
    assert p.line == 7 and "U+0000" in p.message


def test_word_line_and_page_breaks_become_line_breaks(project: Path, tmp_path: Path):
    """Vertical tab and form feed (Word's manual line and page breaks, pasted) are line breaks."""
    path = _plan(project, BASE.replace("Nội dung", "'Dòng một\x0bDòng hai\x0cDòng ba'"))
    plan = read_plan(path)
    assert plan.sections[0].text == ["Dòng một\nDòng hai\nDòng ba"]
    proc = run_kh("build", str(path), "-o", str(tmp_path / "x.docx"))
    assert proc.returncode == 0, proc.stderr
    body = _body(tmp_path / "x.docx")
    assert "Dòng một" in body and "Dòng hai" in body and "Dòng ba" in body and "Dòng mộtDòng" not in body


def test_escaped_control_characters_are_removed_with_a_located_warning(project: Path, tmp_path: Path):
    path = _plan(project, BASE.replace("Nội dung", '"Nội\\x01 dung\\e"'))
    proc = run_kh("build", str(path), "-o", str(tmp_path / "x.docx"))
    assert proc.returncode == 0, proc.stderr
    assert "x.yaml:7:11: sections[0].text:" in proc.stderr and "U+0001" in proc.stderr and "U+001B" in proc.stderr
    assert "cảnh báo (warning)" in proc.stderr
    assert "Nội dung" in _body(tmp_path / "x.docx")


def test_zero_width_and_bom_characters_are_kept(project: Path):
    plan = read_plan(_plan(project, BASE.replace("Nội dung", "Nội\ufeffdung\u200dx\u200by")))
    assert plan.sections[0].text == ["Nội\ufeffdung\u200dx\u200by"]


# ------------------------------------------------------------------ files and sizes
def test_devices_fifos_and_folders_are_refused(tmp_path: Path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    for target, words in (("/dev/zero", "thiết bị"), (str(fifo), "FIFO")):
        for command in ("build", "check"):
            proc = run_kh(command, target, *(["-o", str(tmp_path / "z.docx")] if command == "build" else []))
            assert proc.returncode == 2 and words in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    with pytest.raises(PlanError, match="thư mục"):
        yamlsource.load(tmp_path)


def test_file_size_limit_is_named(project: Path, tmp_path: Path):
    """A paragraph over 10 MB is never cut silently: the file is refused with the limit named."""
    path = _plan(project, BASE.replace("Nội dung", "x" * (10 * 1024 * 1024)))
    proc = run_kh("build", str(path), "-o", str(tmp_path / "x.docx"))
    assert proc.returncode == 2 and "tệp quá lớn" in proc.stderr and "8.000.000" in proc.stderr
    assert not (tmp_path / "x.docx").exists()


def test_text_field_size_limit_is_named(project: Path):
    limit = yaml_reader.MAX_TEXT
    read_plan(_plan(project, BASE.replace("Nội dung", "x" * limit)))
    _one(_plan(project, BASE.replace("Nội dung", "x" * (limit + 1))), "giới hạn 100.000", line=7)
    _one(_plan(project, BASE.replace("Nội dung", "'{{ \"ab\" * 60000 }}'")), "100.000", line=7)


def test_nul_in_org_and_template(project: Path):
    _one(_plan(project, BASE.replace("org: q3", 'org: "q\\x003"')), "U+0000", line=1)
    _one(_plan(project, BASE + 'template: "a\\0.docx"\n'), "U+0000", line=11)


# ------------------------------------------------------------------ expressions in plan text
ESCAPES = [
    "{{ ''.__class__ }}", "{{ ''.__class__.__mro__ }}", "{{ ().__class__.__base__.__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os }}", "{{ joiner() }}", "{{ namespace() }}", "{{ lipsum }}",
    "{{ lipsum(1000000) }}", "{{ date.today() }}", "{{ range(10**9) | list }}", "{{ 'a' * 10**9 }}",
    "{{ 9 ** (9 ** 9) }}", "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}",
    "{{ 'x' | wordwrap(10**9) }}", "{{ 'a' | center(10**9) }}", "{{ variables.__class__ }}",
    "{{ '%s' % 'x' * 10**8 }}", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
]


@pytest.mark.parametrize("expr", ESCAPES)
def test_sandbox_escapes_and_amplifiers_are_refused(project: Path, expr: str):
    escaped = expr.replace("'", "''")
    problems = _problems(_plan(project, BASE.replace("Nội dung", f"'Trước {escaped} sau'")))
    assert [p.line for p in problems] == [7] and "Jinja" in problems[0].message, problems


def test_expressions_with_stars_are_not_read_as_emphasis(project: Path):
    plan = read_plan(_plan(project, BASE.replace("Nội dung", "'Năm {{ 2 * 1000 + 25 }}, {{ 3**2 }} việc'")))
    assert plan.sections[0].text == ["Năm 2025, 9 việc"]


def test_expressions_are_not_evaluated_once_the_plan_is_wrong(project: Path):
    """An unclosed mark elsewhere: the undefined name is never evaluated (nothing reported for it)."""
    text = BASE.replace("Nội dung", "'{{ khong_co }}'").replace("archive: VT, NV", "archive: VT, NV\nclosing: '**x'")
    problems = _problems(_plan(project, text))
    assert len(problems) == 1 and "chưa đóng" in problems[0].message


@pytest.mark.parametrize("made", ["{{ '*' ~ '*' }}", "{{ variables.x }}"])
def test_markup_made_by_an_expression_is_checked_again(project: Path, made: str):
    text = BASE.replace("Nội dung", f"\"Xem {made}\"") + "variables: {x: '^['}\n"
    _one(_plan(project, text), "sau khi tính biểu thức", line=7)


def test_variables_with_control_characters_are_cleaned_with_a_warning(project: Path, capsys):
    text = BASE.replace("Nội dung", "'Xem {{ variables.x }}'") + 'variables: {x: "a\\x01b"}\n'
    plan = read_plan(_plan(project, text))
    assert plan.sections[0].text == ["Xem ab"]
    assert "U+0001" in capsys.readouterr().err


# ------------------------------------------------------------------ marks where they cannot be printed
PLAIN_FIELDS = [
    ("subject", "subject: Thông tin, tuyên truyền năm {{ year }}", "subject: Thông tin **năm** {{ year }}"),
    ("recipients[0]", "[Sở Nội vụ Thành phố]", "['Sở Nội vụ^[ghi chú]']"),
    ("archive", "archive: VT, NV", "archive: VT, *NV*"),
    ("appendices[0].title", "archive: VT, NV", "archive: VT, NV\nappendices: [{type: budget, title: '**Dự toán**',"
     " items: [{item: In, amount: 1000}]}]"),
    ("tasks[0].group", "archive: VT, NV", "archive: VT, NV\ntasks: [{group: '*Nhóm*', tasks: [{task: a,"
     " lead: noi-vu}]}]\nappendices: [{type: tasks, title: PL}]"),
    ("appendices[0].fields[0]", "archive: VT, NV", "archive: VT, NV\nappendices: [{type: report, title: Mẫu,"
     " topics: [Số tin], fields: ['**Kết quả**']}]"),
    ("appendices[0].topic_header", "archive: VT, NV", "archive: VT, NV\nappendices: [{type: report, title: Mẫu,"
     " topics: [Số tin], fields: [Kết quả], topic_header: '^[x]'}]"),
]


@pytest.mark.parametrize("field, old, new", PLAIN_FIELDS, ids=[f[0] for f in PLAIN_FIELDS])
def test_marks_in_plain_fields_are_refused_not_printed(project: Path, field: str, old: str, new: str):
    problems = _problems(_plan(project, BASE.replace(old, new)))
    assert [p.path for p in problems] == [field] and "chữ thường" in problems[0].message, problems


def test_escaped_marks_in_plain_fields_print_the_mark(project: Path, tmp_path: Path):
    path = _plan(project, BASE.replace("archive: VT, NV", "archive: 'VT, NV\\*'").replace(
        "subject: Thông tin, tuyên truyền năm {{ year }}", "subject: 'Dấu \\* trong trích yếu'"))
    plan = read_plan(path)
    assert plan.archive == "VT, NV*" and plan.subject == "Dấu * trong trích yếu"
    proc = run_kh("build", str(path), "-o", str(tmp_path / "x.docx"))
    assert proc.returncode == 0, proc.stderr
    body = _body(tmp_path / "x.docx")
    tables = "\n".join(c.text for t in docx.Document(str(tmp_path / "x.docx")).tables for r in t.rows for c in r.cells)
    assert "Dấu * trong trích yếu" in body + tables and "\\*" not in body + tables


@pytest.mark.parametrize("field, old, new", [
    ("subject", "subject: Thông tin, tuyên truyền năm {{ year }}", "subject: {text: x}"),
    ("recipients[0]", "[Sở Nội vụ Thành phố]", "[{text: x}]"),
    ("archive", "archive: VT, NV", "archive: {text: x}"),
    ("sections[0].title", "title: Mục đích, yêu cầu", "title: {text: x}"),
])
def test_mapping_where_text_is_expected(project: Path, field: str, old: str, new: str):
    problems = _problems(_plan(project, BASE.replace(old, new)))
    assert [p.path for p in problems] == [field], problems
    assert "cần văn bản" in problems[0].message and problems[0].line > 1


def test_longest_allowed_paragraph_is_printed_whole(project: Path, tmp_path: Path):
    """Nothing is cut: a paragraph at the size limit reaches the .docx entire, and the rest follows it."""
    words = " ".join(f"từ{i}" for i in range(yaml_reader.MAX_TEXT // 8))[: yaml_reader.MAX_TEXT - 10] + " HẾT"
    path = _plan(project, BASE.replace("Nội dung", words))
    proc = run_kh("build", str(path), "-o", str(tmp_path / "x.docx"))
    assert proc.returncode == 0, proc.stderr
    body = _body(tmp_path / "x.docx")
    assert words in body and "Lưu: VT, NV." in "\n".join(
        c.text for t in docx.Document(str(tmp_path / "x.docx")).tables for r in t.rows for c in r.cells)


def test_profile_unit_names_are_prose_and_checked(project: Path):
    """A unit name in the profile is printed in headings and task cells: cleaned and its marks checked."""
    orgs = project / "orgs" / "q3.yaml"
    orgs.write_text(orgs.read_text(encoding="utf-8").replace("noi-vu: Phòng Nội vụ quận",
                                                             "noi-vu: Phòng  Nội vụ **quận"), encoding="utf-8")
    [p] = _problems(_plan(project, BASE))
    assert p.file.endswith("q3.yaml") and p.path == "units.noi-vu" and "chưa đóng" in p.message
    line = orgs.read_text(encoding="utf-8").splitlines()[p.line - 1]
    assert line[p.column - 1:].startswith("**quận")
    orgs.write_text(orgs.read_text(encoding="utf-8").replace("**quận", "quận"), encoding="utf-8")
    plan = read_plan(_plan(project, BASE.replace("archive: VT, NV", "archive: VT, NV\ntasks: [{tasks: [{task: a,"
                                                                    " lead: noi-vu}]}]")))
    assert plan.tasks[0].tasks[0].lead == ["Phòng Nội vụ quận"]


def test_c1_controls_are_removed_with_a_warning(project: Path, capsys):
    """U+0080-U+009F are legal XML but Word refuses them: removed, and said where."""
    plan = read_plan(_plan(project, BASE.replace("Nội dung", '"Nội\\x8e dung\\N"')))
    assert plan.sections[0].text == ["Nội dung"]
    err = capsys.readouterr().err
    assert "x.yaml:7:11: sections[0].text" in err and "U+008E" in err and "U+0085" in err


def test_profile_text_is_literal(project: Path):
    """No expressions in a profile (shared between plans): braces there are printed as written."""
    orgs = project / "orgs" / "q3.yaml"
    orgs.write_text(orgs.read_text(encoding="utf-8").replace("noi-vu: Phòng Nội vụ quận",
                                                             "noi-vu: 'Phòng {{ year }} {%p'"), encoding="utf-8")
    plan = read_plan(_plan(project, BASE.replace("archive: VT, NV", "archive: VT, NV\ntasks: [{tasks: [{task: a,"
                                                                    " lead: noi-vu}]}]")))
    assert plan.tasks[0].tasks[0].lead == ["Phòng {{ year }} {%p"]
