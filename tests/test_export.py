"""`kh export PLAN --to xlsx|csv|ics`: each unit's tasks for follow-up, checked against the plan's YAML.

The expectations are computed here from the example plans' raw YAML and their organisation
profiles (unit codes → names, timings → due dates), not from kh's own task model; the files are
read back with openpyxl, the csv module and icalendar.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import icalendar
import openpyxl
import pytest
import yaml

from .conftest import EXAMPLES, PLANS, ROOT, run_kh

FORMATS = ("xlsx", "csv", "ics")
LEAD, SUPPORT = "Chủ trì", "Phối hợp"


# ------------------------------------------------------------------ expectations from the raw YAML
@dataclass
class Expected:
    """What the exports of one plan must hold."""

    units: dict[str, list[tuple[str, dt.date | None]]] = field(default_factory=dict)  # unit → (role, due)
    tasks: list[tuple[str, dt.date | None, bool]] = field(default_factory=list)  # (text, due, whole), in order
    dated: list[dt.date] = field(default_factory=list)                                 # one per dated timing
    profile: set[str] = field(default_factory=set)


def _due(timing: object, year: int) -> dt.date | None:
    if not isinstance(timing, dict):
        return None
    y = timing.get("year", year)
    if "date" in timing or "before" in timing:
        value = timing.get("date", timing.get("before"))
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    month = timing["month"] if "month" in timing else 3 * timing["quarter"]
    return dt.date(y, month, calendar.monthrange(y, month)[1])


def expected(name: str) -> Expected:
    raw = yaml.safe_load((PLANS / f"{name}.yaml").read_text(encoding="utf-8"))
    org = yaml.safe_load((PLANS / "orgs" / f"{raw['org']}.yaml").read_text(encoding="utf-8"))
    names = {code: (u if isinstance(u, str) else u["name"]) for code, u in org.get("units", {}).items()}
    year = raw.get("year") or raw["date"].year

    def units(value: object) -> list[str]:
        items = value if isinstance(value, list) else [] if value is None else [value]
        return [i["text"] if isinstance(i, dict) else names.get(i, i) for i in items]

    out = Expected(profile=set(names.values()))
    rows: list[tuple[list[str], list[str], dt.date | None]] = []
    for group in raw.get("tasks", []):
        for task in group["tasks"]:
            timings = task.get("timing")
            timings = timings if isinstance(timings, list) else [] if timings is None else [timings]
            dues = [d for d in (_due(t, year) for t in timings) if d is not None]
            out.dated += dues
            due = max(dues, default=None)
            rows.append((units(task["lead"]), units(task.get("support")), due))
            text = task["task"] if isinstance(task["task"], str) else "\n".join(task["task"])
            out.tasks.append((" ".join(text.split()), due, True))

    def walk(sections: list[dict]) -> None:
        for sec in sections:
            if isinstance(sec.get("assignments"), list):
                for asg in sec["assignments"]:
                    count = len(asg.get("tasks") or []) or (1 if asg.get("text") else 0)
                    for k in range(count):
                        rows.append((units(asg["unit"]), [], None))
                        item = (asg.get("tasks") or [None])[k]
                        text = item if isinstance(item, str) else item["text"] if isinstance(item, dict) else ""
                        # a task with sub-bullets: its cell starts with its text, the "+" lines follow
                        out.tasks.append((" ".join(str(text).split()), None, isinstance(item, str)))
            walk(sec.get("sections", []))

    walk(raw["sections"])
    for leads, supports, due in rows:
        for unit in leads:
            out.units.setdefault(unit, []).append((LEAD, due))
        for unit in supports:
            if unit not in leads:
                out.units.setdefault(unit, []).append((SUPPORT, due))
    # free wording outside the profile ({text: ...}) that only ever supports gets no list of its own
    out.units = {u: seen for u, seen in out.units.items()
                 if u in out.profile or any(role == LEAD for role, _ in seen)}
    return out


# ------------------------------------------------------------------ the exports, made once by the CLI
class Exports(dict[tuple[str, str], Path]):
    """(plan, format) → exported file; ``made_at``: when the last one was written."""

    made_at = 0.0


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exports:
    """Every example exported in every format it has content for, by the real command line."""
    out = tmp_path_factory.mktemp("export")
    made = Exports()
    for name in EXAMPLES:
        for fmt in FORMATS:
            if fmt == "ics" and not expected(name).dated:
                continue
            target = out / f"{name}.{fmt}"
            proc = run_kh("export", str(PLANS / f"{name}.yaml"), "--to", fmt, "-o", str(target))
            assert proc.returncode == 0, proc.stderr
            assert f"→ {target}" in proc.stdout
            made[(name, fmt)] = target
    made.made_at = time.time()
    return made


def _header_row(ws: openpyxl.worksheet.worksheet.Worksheet) -> int:
    return next(r for r in range(1, 10) if ws.cell(r, 1).value == "STT")


def _column(ws: openpyxl.worksheet.worksheet.Worksheet, header: str) -> int:
    row = _header_row(ws)
    return next(c for c in range(1, ws.max_column + 1) if ws.cell(row, c).value == header)


def test_examples_cover_tasks_and_assignments_only() -> None:
    """The examples include plans with task lists and plans with hand-written assignments only."""
    kinds = {name: bool(yaml.safe_load((PLANS / f"{name}.yaml").read_text(encoding="utf-8")).get("tasks"))
             for name in EXAMPLES}
    assert any(kinds.values()) and not all(kinds.values()), kinds
    assert any(expected(n).dated for n in EXAMPLES)


@pytest.mark.parametrize("name", EXAMPLES)
def test_xlsx_one_sheet_per_unit_with_dates(name: str, exported: Exports) -> None:
    want = expected(name)
    wb = openpyxl.load_workbook(exported[(name, "xlsx")])
    assert wb.sheetnames[0] == "Tổng hợp"
    assert len(wb.sheetnames) == len(want.units) + 1
    assert len({s.casefold() for s in wb.sheetnames}) == len(wb.sheetnames)
    for title in wb.sheetnames:
        assert len(title) <= 31 and not set(title) & set(":\\/?*[]"), title
    # the summary: every task once, in the plan's order, deadlines as real date cells
    summary = wb["Tổng hợp"]
    head = _header_row(summary)
    assert summary.max_row - head == len(want.tasks)
    task_col, due_col = _column(summary, "Nội dung công việc"), _column(summary, "Hạn hoàn thành")
    for r, (text, due, whole) in enumerate(want.tasks, start=head + 1):
        if text and "{{" not in text and "*" not in text and "^[" not in text:
            got = " ".join(str(summary.cell(r, task_col).value).split())
            assert got == text if whole else got.startswith(text), (r, got[:80])
        cell = summary.cell(r, due_col)
        if due is None:
            assert cell.value is None
        else:
            assert cell.is_date and cell.value == dt.datetime.combine(due, dt.time()), (r, cell.value)
    # each unit's sheet: its full name on top, its tasks (led or supported) with role and deadline
    by_unit = {wb[s]["A1"].value: wb[s] for s in wb.sheetnames[1:]}
    assert set(by_unit) == set(want.units)
    for unit, seen in want.units.items():
        ws = by_unit[unit]
        head = _header_row(ws)
        assert ws.max_row - head == len(seen), unit
        role_col, due_col = _column(ws, "Vai trò"), _column(ws, "Hạn hoàn thành")
        got = [(ws.cell(r, role_col).value, ws.cell(r, due_col).value) for r in range(head + 1, ws.max_row + 1)]
        assert got == [(role, dt.datetime.combine(d, dt.time()) if d else None) for role, d in seen], unit
        assert all(ws.cell(r, due_col).is_date for r in range(head + 1, ws.max_row + 1)
                   if ws.cell(r, due_col).value is not None)
        result = _column(ws, "Kết quả")
        assert all(ws.cell(r, result).value is None for r in range(head + 1, ws.max_row + 1))


def test_xlsx_layout_and_print_setup(exported: Exports) -> None:
    path = exported[("binhtan-2021", "xlsx")]
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        head = _header_row(ws)
        assert ws.freeze_panes == f"A{head + 1}"
        assert all(ws.cell(head, c).font.b for c in range(1, ws.max_column + 1))
        assert ws.print_title_rows == f"${head}:${head}"
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9   # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width for c in range(1, ws.max_column + 1)]
        assert all(w and w >= 5 for w in widths)
        assert all(ws.row_dimensions[r].height for r in range(head, ws.max_row + 1))   # rows sized
    summary = wb["Tổng hợp"]
    head, col = _header_row(summary), _column(summary, "Nội dung công việc")
    rows = range(head + 1, summary.max_row + 1)
    longest = max(rows, key=lambda r: len(str(summary.cell(r, col).value)))
    shortest = min(rows, key=lambda r: max(len(str(summary.cell(r, c).value or "")) for c in range(1, 10)))
    assert summary.row_dimensions[longest].height > 5 * summary.row_dimensions[shortest].height
    with zipfile.ZipFile(path) as z:
        styles = z.read("xl/styles.xml").decode()
        core = z.read("docProps/core.xml").decode()
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    first_font = styles[styles.index("<fonts"):styles.index("</font>")]
    assert 'name val="Times New Roman"' in first_font         # the Normal style: width unit and plain cells
    assert "2021-02-09T00:00:00Z" in core and core.count("2021-02-09T00:00:00Z") == 2   # created, modified


def test_xlsx_passes_the_sdk_rules(exported: Exports) -> None:
    """openxml-audit finds no error in any exported workbook."""
    from .wordclean import audit_errors

    files = [path for (_, fmt), path in exported.items() if fmt == "xlsx"]
    assert files and audit_errors(files) == []


@pytest.mark.requires("shared")
def test_xlsx_valid_against_the_schema(exported: Exports) -> None:
    """Every SpreadsheetML part validates against ISO/IEC 29500-4 sml.xsd (in ../shared/ooxml/xsd)."""
    from lxml import etree

    from .conftest import SHARED

    schema = etree.XMLSchema(etree.parse(str(SHARED / "ooxml" / "xsd" / "ISO-IEC29500-4_2016" / "sml.xsd")))
    files = [path for (_, fmt), path in exported.items() if fmt == "xlsx"]
    checked = 0
    for path in files:
        with zipfile.ZipFile(path) as z:
            for part in z.namelist():
                if part.startswith("xl/") and part.endswith(".xml") and "/theme/" not in part:
                    assert schema.validate(etree.fromstring(z.read(part))), (path.name, part, schema.error_log)
                    checked += 1
    assert checked >= 3 * len(files)          # workbook, styles and at least one sheet each


@pytest.mark.parametrize("name", EXAMPLES)
def test_csv_round_trips(name: str, exported: Exports) -> None:
    want = expected(name)
    data = exported[(name, "csv")].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Đơn vị", "Vai trò", "STT nhiệm vụ"] and "Hạn hoàn thành" in header
    assert all(len(r) == len(header) for r in body)
    unit, role, due = header.index("Đơn vị"), header.index("Vai trò"), header.index("Hạn hoàn thành")
    got: dict[str, list[tuple[str, dt.date | None]]] = {}
    for r in body:
        got.setdefault(r[unit], []).append((r[role], dt.date.fromisoformat(r[due]) if r[due] else None))
    assert got == want.units
    assert len(body) == sum(len(v) for v in want.units.values())


@pytest.mark.parametrize("name", [n for n in EXAMPLES if expected(n).dated])
def test_ics_parses_one_event_per_deadline(name: str, exported: Exports) -> None:
    want = expected(name)
    data = exported[(name, "ics")].read_bytes()
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))           # folded (RFC 5545 §3.1)
    assert data.endswith(b"END:VCALENDAR\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    cal = icalendar.Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert sorted(e.decoded("DTSTART") for e in events) == sorted(want.dated)
    assert all(isinstance(e.decoded("DTSTART"), dt.date) and not isinstance(e.decoded("DTSTART"), dt.datetime)
               for e in events)                                          # all-day
    assert all(e.decoded("DTEND") - e.decoded("DTSTART") == dt.timedelta(days=1) for e in events)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids) and all(u.startswith(name) for u in uids)
    leads = {u for u, seen in want.units.items() if any(r == LEAD for r, _ in seen)}
    for e in events:
        summary, description = str(e["SUMMARY"]), str(e["DESCRIPTION"])
        assert any(summary.startswith(u) for u in leads), summary
        assert "Chủ trì: " in description and "Thời gian thực hiện: " in description
    raw = yaml.safe_load((PLANS / f"{name}.yaml").read_text(encoding="utf-8"))
    stamp = raw.get("date") or dt.date(raw["year"], 1, 1)
    assert {e.decoded("DTSTAMP") for e in events} == {dt.datetime.combine(stamp, dt.time(), dt.timezone.utc)}


def test_identical_bytes_on_another_run(exported: Exports, tmp_path: Path) -> None:
    """A later run (zip times have a 2-second grain: wait past it) writes the same bytes."""
    time.sleep(max(0.0, exported.made_at + 2.5 - time.time()))
    for (name, fmt), path in exported.items():
        again = tmp_path / path.name
        proc = run_kh("export", str(PLANS / f"{name}.yaml"), "-o", str(again))   # format from the suffix
        assert proc.returncode == 0, proc.stderr
        assert again.read_bytes() == path.read_bytes(), (name, fmt)


def test_no_dated_task_means_no_calendar(tmp_path: Path) -> None:
    name = next(n for n in EXAMPLES if not expected(n).dated)
    out = tmp_path / "x.ics"
    proc = run_kh("export", str(PLANS / f"{name}.yaml"), "-o", str(out))
    assert proc.returncode == 1 and "no dated task" in proc.stderr
    assert not out.exists()


def _project(tmp_path: Path, name: str) -> Path:
    (tmp_path / "plans").mkdir()
    shutil.copytree(PLANS / "orgs", tmp_path / "plans" / "orgs")
    plan = tmp_path / "plans" / f"{name}.yaml"
    shutil.copy(PLANS / f"{name}.yaml", plan)
    return plan


@pytest.mark.parametrize("fmt", FORMATS)
def test_invalid_plan_exit_2_located_and_nothing_written(tmp_path: Path, fmt: str) -> None:
    plan = _project(tmp_path, "quan3-2026-du-thao")
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("        lead: vp\n", "        lead: vpp\n"), encoding="utf-8")
    line = text.splitlines().index("        lead: vp") + 1
    out = tmp_path / "out"
    proc = run_kh("export", str(plan), "--to", fmt, "-d", str(out))
    assert proc.returncode == 2
    assert f"{plan}:{line}:15:" in proc.stderr and "unknown unit" in proc.stderr and "'vp'" in proc.stderr
    assert not out.exists() or not any(out.iterdir())


def test_text_never_becomes_a_formula(tmp_path: Path) -> None:
    """A task starting with '=' stays text: a string cell in Excel, an apostrophe first in CSV."""
    plan = _project(tmp_path, "quan3-2026-du-thao")
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("product: Hội nghị tổng kết", "product: '=SUM(1,2)'"), encoding="utf-8")
    for fmt in ("xlsx", "csv"):
        proc = run_kh("export", str(plan), "--to", fmt, "-o", str(tmp_path / f"t.{fmt}"))
        assert proc.returncode == 0, proc.stderr
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["Tổng hợp"]
    cell = ws.cell(_header_row(ws) + 1, _column(ws, "Dự kiến sản phẩm"))
    assert cell.value == "=SUM(1,2)" and cell.data_type == "s"
    with zipfile.ZipFile(tmp_path / "t.xlsx") as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    rows = list(csv.reader(io.StringIO((tmp_path / "t.csv").read_text(encoding="utf-8-sig"), newline="")))
    col = rows[0].index("Dự kiến sản phẩm")
    assert "'=SUM(1,2)" in [r[col] for r in rows[1:]]


def test_csv_to_standard_output() -> None:
    proc = run_kh("export", str(PLANS / "vothisau-2025.yaml"), "--to", "csv", "-o", "-")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(io.StringIO(proc.stdout.lstrip("\ufeff"), newline="")))
    assert len(rows) - 1 == sum(len(v) for v in expected("vothisau-2025").units.values())
    with open("/dev/full", "wb") as full:          # a full disk is an error, said once, no traceback
        proc = subprocess.run([sys.executable, "-m", "generator", "export", str(PLANS / "binhtan-2021.yaml"),
                               "--to", "xlsx", "-o", "-"], stdout=full, stderr=subprocess.PIPE, text=True,
                              cwd=ROOT, timeout=120)
    assert proc.returncode == 1 and "cannot write to standard output" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_sheet_names_excel_safe_and_unique() -> None:
    from generator.writers.tasks_xlsx import sheet_names

    units = ["Thủ trưởng các cơ quan chuyên môn, đơn vị sự nghiệp quận", "Tổng hợp", "Tổ: a/b [c]*?",
             "'Trích'", "History", "Các cơ quan, đơn vị trên địa bàn quận", "các cơ quan, đơn vị trên địa bàn quận",
             "A" * 40, "A" * 40, "\U0001F600" * 20]
    names = sheet_names(units)
    assert len(names) == len(units)
    assert all(len(n.encode("utf-16-le")) // 2 <= 31 for n in names)
    assert len({n.casefold() for n in [*names, "Tổng hợp"]}) == len(names) + 1
    assert not any(set(n) & set(":\\/?*[]") or n.startswith("'") or n.endswith("'") for n in names)
    assert names[0] == "Thủ trưởng các cơ quan chuyên…"                   # cut at a word
    assert "history" not in {n.casefold() for n in names}
    wb = openpyxl.Workbook()
    for n in names:                                                       # openpyxl accepts each as is
        assert wb.create_sheet(n).title == n
