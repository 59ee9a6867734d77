"""A draft's typed month (issue 18): "ngày      tháng 4 năm 2026" keeps its month.

``month`` on a document without ``date`` is printed on the date line and on the "(Kèm theo …)" line
of its appendices (months 1 and 2 as "01", "02"); with a date it is a located error; ``kh import``
reads it from a Word draft and the rebuilt date line is the original's."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import yaml

from .conftest import PLANS, run_kh
from .fixtures import make_real_docs as real

#: The example draft: no number, no date, appendices attached to it.
DRAFT = PLANS / "quan3-2026-du-thao.yaml"
#: "ngày … tháng … năm 2026" after the place, on the line it shares with the number.
DATE_LINE = re.compile(r", ngày\s.*?năm \d{4}")
#: What separates the number from the place: a tab, kh text's " | ", a run of spaces in --to txt.
SEPARATOR = re.compile(r"\t| \| | {2,}")


def _draft(folder: Path, **fields: object) -> Path:
    """The example draft with ``fields`` set, in ``folder``/plans next to a copy of its profiles."""
    plans = folder / "plans"
    shutil.copytree(PLANS / "orgs", plans / "orgs")
    data = yaml.safe_load(DRAFT.read_text(encoding="utf-8"))
    data.update(fields)
    path = plans / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _text_lines(path: Path, folder: Path) -> list[str]:
    out = folder / "p.txt"
    proc = run_kh("build", str(path), "--to", "txt", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return out.read_text(encoding="utf-8").splitlines()


def _words(line: str) -> str:
    """A line with its blanks (spaces, no-break spaces) folded to one space."""
    return " ".join(line.split())


def _date_line(lines: list[str]) -> str:
    """The first "Place, ngày … năm yyyy" of the lines, without the number beside it."""
    for line in lines:
        if m := DATE_LINE.search(line):
            place = SEPARATOR.split(line[:m.start()])[-1].strip()
            return place + m.group(0)
    raise AssertionError(f"no date line in {lines[:10]}")


def test_month_4_on_the_date_line(tmp_path: Path) -> None:
    lines = _text_lines(_draft(tmp_path, month=4), tmp_path)
    line = _date_line(lines)
    assert _words(line) == "Quận 3, ngày tháng 4 năm 2026"
    assert re.search(r"ngày\s{6}tháng 4 năm", line)      # the day's blank is kept for the văn thư


def test_month_2_is_written_02(tmp_path: Path) -> None:
    lines = _text_lines(_draft(tmp_path, month=2), tmp_path)
    assert _words(_date_line(lines)) == "Quận 3, ngày tháng 02 năm 2026"


def test_attached_appendix_line_keeps_the_month(tmp_path: Path) -> None:
    lines = _text_lines(_draft(tmp_path, month=4), tmp_path)
    attached = [_words(x) for x in lines if x.startswith("(Kèm theo Kế hoạch số")]
    assert attached, "the example draft has appendices attached to it"
    assert set(attached) == {"(Kèm theo Kế hoạch số /KH-UBND ngày tháng 4 năm 2026 của Ủy ban nhân dân Quận 3)"}
    # without a month the same lines keep both blanks
    blank = [_words(x) for x in _text_lines(_draft(tmp_path / "b"), tmp_path / "b")
             if x.startswith("(Kèm theo Kế hoạch số")]
    assert set(blank) == {"(Kèm theo Kế hoạch số /KH-UBND ngày tháng năm 2026 của Ủy ban nhân dân Quận 3)"}


def test_date_and_month_is_a_located_error(tmp_path: Path) -> None:
    path = _draft(tmp_path, date="2026-04-03", month=4)
    proc = run_kh("build", str(path), "-o", str(tmp_path / "p.docx"))
    assert proc.returncode == 2
    line = next(i for i, x in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if x.startswith("month:"))
    assert f"p.yaml:{line}:" in proc.stderr and "month" in proc.stderr and "both date and month" in proc.stderr
    assert not (tmp_path / "p.docx").exists()


def test_month_out_of_range_refused(tmp_path: Path) -> None:
    proc = run_kh("build", str(_draft(tmp_path, month=13)), "-o", str(tmp_path / "p.docx"))
    assert proc.returncode == 2 and "month" in proc.stderr


def test_import_keeps_a_drafts_month(tmp_path: Path) -> None:
    src = real.plan_after_signature(tmp_path / "du-thao.docx")
    out = tmp_path / "plans" / "plan.yaml"
    proc = run_kh("import", str(src), "-o", str(out), "--report", "json")
    assert proc.returncode == 0, proc.stderr
    plan = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert plan["month"] == 4 and plan["year"] == 2026 and "date" not in plan
    report = json.loads(proc.stdout)
    assert not any("tháng 4" in e["text"] for e in report["corrections"])   # no longer reported lost
    built = tmp_path / "output" / "plan.docx"
    proc = run_kh("build", str(out), "-o", str(built))
    assert proc.returncode == 0, proc.stderr
    original = _date_line(run_kh("text", str(src)).stdout.splitlines())
    rebuilt = _date_line(run_kh("text", str(built)).stdout.splitlines())
    assert _words(original) == "Lào Cai, ngày tháng 4 năm 2026"
    assert _words(rebuilt) == _words(original)
    check = run_kh("check", str(built))
    assert check.returncode == 0, check.stdout + check.stderr
