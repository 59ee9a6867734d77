"""The reliability probe's minimal crashing plans (../shared/probe/repro, copied in tests/fixtures):
each now ends well.

Every plan ends in a document (exit 0) or in a located Vietnamese error (exit 2) — never a
traceback or an internal error — and ``kh check`` gives the same verdict as ``kh build``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from generator.app.cli import main

from .conftest import PLANS, REPRO, run_kh
from .wordclean import assert_word_clean

#: plan → None (builds a document) or (line, words the message must contain).
EXPECTED: dict[str, tuple[int, str] | None] = {
    "D01_jinja_markup": (9, "sau khi tính biểu thức"),
    "D01b_variable_markup": (10, "sau khi tính biểu thức"),
    "D02_subject_256": None,
    "D03a_inline_org_ctrl": None,
    "D03b_budget_unit_ctrl": None,
    "D03c_lead_text_markup": (8, "chưa đóng"),
    "D03d_unit_text_markup": (9, "chưa đóng"),
    "D04_raw_vertical_tab": None,
    "D05a_merge_key": (10, "'<<'"),
    "D05b_bad_date_key": (8, "ngày không có thật"),
    "D06a_recursive_alias": (7, "đệ quy"),
    "D06b_deep_1000": (7, "lồng nhau quá sâu"),
    "D07_alias_bomb_in_variables": (13, "bí danh (alias) lặp lại quá nhiều"),
    "D08_year_10000": (2, "2999"),
    "D09_number_superscript": (2, "chữ số 0-9"),
    "D10a_budget_quantity_inf": (8, "số hữu hạn"),
    "D10b_column_width_inf": (9, "số hữu hạn"),
    "D11_tasks_scalar": (8, "cần một danh sách"),
    "D12_empty_task_text": (8, "danh sách quá ngắn"),
    "D13_org_nul": (1, "ký tự điều khiển U+0000"),
    "D22_mapping_for_string": (7, "cần văn bản"),
}

BAD_OUTPUT = ("Traceback", "lỗi nội bộ", "internal error", "Input should", "validation error")


@pytest.fixture(scope="module")
def repro(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repro plans copied beside a copy of plans/orgs."""
    folder = tmp_path_factory.mktemp("repro")
    shutil.copytree(PLANS / "orgs", folder / "orgs")
    for path in REPRO.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    return folder


def test_every_repro_plan_is_covered():
    assert {p.stem for p in REPRO.glob("*.yaml")} == set(EXPECTED)


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes is not None else "")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_repro_ends_in_document_or_located_error(repro: Path, name: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(repro)
    plan = f"{name}.yaml"
    out = repro / "out" / f"{name}.docx"
    build_code, build_out = _invoke("build", plan, "-o", str(out))
    check_code, check_out = _invoke("check", plan)
    for text in (build_out, check_out):
        assert not any(bad in text for bad in BAD_OUTPUT), text
    expected = EXPECTED[name]
    if expected is None:
        assert build_code == 0 and out.is_file(), build_out
        assert check_code == 0, check_out
        docx.Document(str(out))
    else:
        line, words = expected
        assert build_code == 2 and not out.exists(), build_out
        assert check_code == 2, check_out
        for text in (build_out, check_out):
            assert f"{plan}:{line}:" in text and words in text, text


def test_documents_are_word_clean_and_keep_the_text(repro: Path, monkeypatch: pytest.MonkeyPatch):
    """The four plans that build: through the real CLI, Word-clean, nothing silently lost."""
    names = [n for n, e in EXPECTED.items() if e is None]
    out = repro / "clean"
    proc = run_kh("build", *(f"{n}.yaml" for n in names), "-d", str(out), cwd=repro)
    assert proc.returncode == 0, proc.stderr
    paths = [out / f"{n}.docx" for n in names]
    assert_word_clean(*paths)
    # Word's pasted line break (vertical tab) became a line break, not a crash or a lost line
    body = "\n".join(p.text for p in docx.Document(str(out / "D04_raw_vertical_tab.docx")).paragraphs)
    assert "Dòng 1" in body and "Dòng 2" in body and "Dòng 1Dòng 2" not in body
    # a control character in an inline profile / a budget unit is removed with a located warning
    assert "D03a_inline_org_ctrl.yaml:1:13: org.name" in proc.stderr and "U+0001" in proc.stderr
    assert "D03b_budget_unit_ctrl.yaml:8:" in proc.stderr
    tables = docx.Document(str(out / "D03b_budget_unit_ctrl.docx")).tables
    assert any(c.text == "Tờ" for t in tables for r in t.rows for c in r.cells)


def test_folder_build_goes_past_every_bad_plan(repro: Path):
    """A folder build reports each bad plan and still writes the good ones (exit 2)."""
    proc = run_kh("build", str(repro), "-d", str(repro / "folder"), cwd=repro)
    assert proc.returncode == 2
    assert not any(bad in proc.stderr + proc.stdout for bad in BAD_OUTPUT), proc.stderr
    built = {p.stem for p in (repro / "folder").glob("*.docx")}
    assert built == {n for n, e in EXPECTED.items() if e is None}
