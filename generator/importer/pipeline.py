"""``kh import`` end to end: read → recognise → profile → YAML → validate → write (atomically)."""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import KhError, PlanError
from . import orgs, walk
from .convert import CONVERTIBLE, ConvertError, to_docx
from .recognise import Recogniser
from .report import ImportFailure, Report
from .screen import screen
from .source import SourceDoc

TEXT_SUFFIXES = (".txt", ".text", ".md")


@dataclass
class Outcome:
    plan_text: str
    org_text: str | None       # profile to write (new or updated), None when reused as is
    org_key: str
    org_path: Path
    report: Report
    reused: bool = False      # org_text, if any, is the matching profile with additions (--update-org)


def read_source(path: Path) -> SourceDoc:
    """Read ``path`` by its kind: .docx, plain text, or an older format through LibreOffice; then
    screened (:func:`~generator.importer.screen.screen`) before anything recognises it."""
    doc = _read_by_kind(path)
    screen(doc)
    return doc


def _read_by_kind(path: Path) -> SourceDoc:
    from ..ooxml.safe_open import DocxReadError
    from .docx_reader import read_docx
    from .text_reader import read_text

    suffix = path.suffix.lower()
    try:
        if suffix in TEXT_SUFFIXES:
            return read_text(path)
        if suffix in CONVERTIBLE:
            data = to_docx(path)
            doc = read_docx(path, data=data)
            doc.notes.append(f"đã chuyển {suffix} sang .docx bằng LibreOffice (converted with LibreOffice)")
            return doc
        if suffix == ".docx":
            return read_docx(path)
    except ConvertError as exc:
        raise ImportFailure(str(exc)) from None
    except DocxReadError as exc:      # already "<file>: what is wrong"
        raise ImportFailure(str(exc)) from None
    except (KeyError, ValueError) as exc:
        raise ImportFailure(f"{path}: không đọc được (cannot read): {exc}") from None
    except OSError as exc:
        raise ImportFailure(f"{path}: không đọc được (cannot read): {exc.strerror or exc}") from None
    raise ImportFailure(f"{path}: không biết đọc tệp '{suffix}' (unsupported file type);"
                       " dùng .docx, .txt, hoặc .doc/.odt/.rtf khi có LibreOffice")


def build(source: Path, out: Path, *, org_key: str | None = None, update_org: bool = False) -> Outcome:
    """Import ``source`` as a plan that will live at ``out``; nothing is written yet."""
    from ..yamlio.roundtrip import dump_new
    from .changes import differences, snapshot

    doc = read_source(source)
    as_read = snapshot(doc)
    result = Recogniser(doc).run()
    plan, info, report = result.plan, result.org, result.report
    orgs_dir = out.parent / "orgs"
    profiles = orgs.load_profiles(orgs_dir)
    key = org_key
    if key is None:
        key = next((k for k, data in profiles.items() if orgs.matches(info, data)), None)
    reused = key is not None and key in profiles
    if reused:
        profile = copy.deepcopy(profiles[key])
        changed = orgs.apply(plan, info, profile, add=update_org, report=report)
        word = profile.get("request_word") or "Kính đề nghị"
        if info.request_word and info.request_word != word:
            if update_org and "request_word" not in profile:
                profile["request_word"] = info.request_word
                changed = True
            else:
                report.fix(f"orgs/{key}.yaml", info.request_word, f"'{info.request_word}' → '{word}' (từ đề nghị của"
                           " hồ sơ tổ chức: the profile's request word)")
        report.recognised["hồ sơ tổ chức (profile)"] = f"dùng lại orgs/{key}.yaml (reused)" + (
            ", bổ sung (updated)" if changed else "")
        org_text = orgs.update_text(orgs_dir / f"{key}.yaml", profile) if changed else None
    else:
        key = key or orgs.default_key(info)
        profile = orgs.new_profile(info)
        missing = [f for f, v in (("header", info.header), ("place", info.place), ("symbol", info.symbol)) if not v]
        if missing:
            report.notes.append(f"hồ sơ mới thiếu {', '.join(missing)}: đã ghi giá trị tạm, cần sửa trong"
                                f" orgs/{key}.yaml (new profile lacks {', '.join(missing)}: placeholders written)")
        orgs.apply(plan, info, profile, add=True, report=report)
        report.recognised["hồ sơ tổ chức (profile)"] = f"tạo mới orgs/{key}.yaml (new)"
        org_text = dump_new(_fresh(_drop_empty(profile)), "org")
    _template_year(plan, report)
    plan = _fresh({"org": key, **plan})
    org_path = orgs_dir / f"{key}.yaml"
    _prefer_task_assignments(plan, org_text if org_text is not None else _read(org_path), org_path.name, report)
    plan_text = _flow_rows(dump_new(plan, "plan"))
    plan_text = plan_text.replace("\n", f"\n# Nhập từ (imported from) {source.name} bằng kh import.\n", 1)
    _placeholders(plan_text, org_text, report)
    rebuilt = _render_docx(plan_text, org_text if org_text is not None else _read(org_path), org_path.name)
    if rebuilt is not None:
        from .docx_reader import read_docx

        report.changes = differences(as_read, read_docx("rebuilt.docx", data=rebuilt),
                                     {e.where for e in report.unplaced})
    return Outcome(plan_text, org_text, key, orgs_dir / f"{key}.yaml", report, reused)


#: Values the import writes where the document said nothing; each is a placeholder to fill.
PLACEHOLDERS = ("(Trích yếu)", "(TÊN CƠ QUAN)", "(Họ và tên)", "(CHỨC VỤ)", "(Địa danh)")


def _placeholders(plan_text: str, org_text: str | None, report: Report) -> None:
    """Every placeholder left in the plan or the new profile, by file and line."""
    for name, text in (("kế hoạch (plan)", plan_text), ("hồ sơ (profile)", org_text or "")):
        for no, line in enumerate(text.splitlines(), start=1):
            for value in PLACEHOLDERS:
                if value in line:
                    where = f"{name}, dòng (line) {no}"
                    if not any(e.where == where for e in report.placeholders):
                        report.placeholder(where, line.strip(), f"chỗ giữ chỗ '{value}' cần điền (a placeholder to"
                                           " fill)")


def _render_docx(plan_text: str, org_text: str | None, org_file: str) -> bytes | None:
    """The .docx kh builds from the imported plan (None when it does not build: validation says why)."""
    from ..readers.yaml_reader import read_plan
    from ..writers.docx_writer import render_docx

    with tempfile.TemporaryDirectory(prefix="kh-import-") as tmp:
        (Path(tmp) / "orgs").mkdir()
        if org_text is not None:
            (Path(tmp) / "orgs" / org_file).write_text(org_text, encoding="utf-8")
        (Path(tmp) / "p.yaml").write_text(plan_text, encoding="utf-8")
        try:
            return render_docx(read_plan(Path(tmp) / "p.yaml"))
        except (KhError, ValueError, OSError):
            return None


def _flow_rows(text: str) -> str:
    """Each table row on one line (``- [Ngày 12/5, Phòng Tư pháp, …]``) as a person writes it, so the
    YAML diff of a changed cell is one line; a row longer than a line stays a block list."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from ..yamlio import roundtrip as yamlrt

    data = yamlrt.load_text(text)
    found = False
    pending: list[object] = [data]
    while pending:
        node = pending.pop()
        if isinstance(node, CommentedMap):
            table = node.get("table")
            if isinstance(table, CommentedMap):
                for key in ("rows", "header", "columns"):
                    rows = table.get(key)
                    for row in rows if isinstance(rows, CommentedSeq) else []:
                        items = row if key != "columns" else []
                        if isinstance(row, CommentedSeq):
                            row.fa.set_flow_style()
                            found = True
                        for cell in items if isinstance(items, CommentedSeq) else []:
                            if isinstance(cell, CommentedMap):
                                cell.fa.set_flow_style()
                    if key == "columns" and isinstance(rows, CommentedSeq) and all(isinstance(c, str) for c in rows):
                        rows.fa.set_flow_style()
            pending += list(node.values())
        elif isinstance(node, CommentedSeq):
            pending += list(node)
    if not found:
        return text
    return yamlrt.format_text(yamlrt.dump(data), "plan")


def _template_year(plan: dict[str, Any], report: Report) -> None:
    """Write the plan's own year as ``{{ year }}`` where the text speaks of the plan itself (subject,
    lead-in, closing, titles, the decision's subject and articles), so ``kh clone`` moves it to next
    year; citations (bases, footnotes, dates) keep their years."""
    import re

    date = plan.get("date")
    year = plan.get("year") or (date.year if isinstance(date, dt.date) else None)
    if not isinstance(year, int):
        return
    pattern = re.compile(rf"(?<!tháng )(?<!tháng \d )(?<!tháng \d\d )\bnăm {year}\b")
    count = 0

    def sub(text: Any) -> Any:
        nonlocal count
        if not isinstance(text, str):
            return text
        parts = re.split(r"(\^\[[^\]]*\])", text)     # not inside footnotes
        out = []
        for part in parts:
            if not part.startswith("^["):
                part, n = pattern.subn("năm {{ year }}", part)
                count += n
            out.append(part)
        return "".join(out)

    def each(value: Any) -> Any:
        return [sub(v) for v in value] if isinstance(value, list) else sub(value)

    for key in ("subject", "intro", "closing"):
        if key in plan:
            plan[key] = each(plan[key])
    decision = plan.get("decision")
    if isinstance(decision, dict):
        decision["subject"] = sub(decision.get("subject"))
        decision["articles"] = [a if isinstance(a, dict) else sub(a) for a in decision.get("articles", [])]

    for sec in walk.plan_sections(plan):
        if "title" in sec:
            sec["title"] = sub(sec["title"])
    for app in plan.get("appendices", []):
        app["title"] = sub(app["title"])
    if count:
        report.recognised["năm của kế hoạch (plan year)"] = f"{year} → {{{{ year }}}} ở {count} chỗ (places)"


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _render_text(plan: dict[str, Any], org_text: str | None, org_file: str) -> str | None:
    """kh's text rendering of plan data (with its profile), or None when it does not validate."""
    from ..core.errors import KhError
    from ..readers.yaml_reader import read_plan
    from ..writers.text_writer import render_text
    from ..yamlio.roundtrip import dump_new

    with tempfile.TemporaryDirectory(prefix="kh-import-") as tmp:
        (Path(tmp) / "orgs").mkdir()
        if org_text is not None:
            (Path(tmp) / "orgs" / org_file).write_text(org_text, encoding="utf-8")
        (Path(tmp) / "p.yaml").write_text(dump_new(_fresh(plan), "plan"), encoding="utf-8")
        try:   # layout warnings are not asked for: the text is only compared
            return render_text(read_plan(Path(tmp) / "p.yaml"))
        except (KhError, ValueError):
            return None


def _prefer_task_assignments(plan: dict[str, Any], org_text: str | None, org_file: str, report: Report) -> None:
    """A section whose per-unit assignments are exactly what kh derives from the task table is written
    ``assignments: tasks`` (the tasks are then written once), when the document text stays the same."""
    if not plan.get("tasks"):
        return
    sections = [s for s in walk.sections(plan.get("sections", [])) if isinstance(s.get("assignments"), list)]
    if not sections:
        return
    before = _render_text(plan, org_text, org_file)
    for sec in sections:
        kept = sec["assignments"]
        sec["assignments"] = "tasks"
        if before is None or _render_text(plan, org_text, org_file) != before:
            sec["assignments"] = kept
        else:
            report.recognised["phân công lập từ bảng nhiệm vụ (assignments from the task table)"] = \
                sec.get("title", "")


def _fresh(value: Any) -> Any:
    """A copy with no shared objects (a shared date would be written as a YAML anchor)."""
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    return value


def _drop_empty(profile: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in profile.items() if v not in ({}, [], None)}


def validate(outcome: Outcome, out: Path) -> None:
    """Read the result with kh's own reader, in a scratch copy: raises PlanError if it does not validate."""
    from ..readers.yaml_reader import read_plan

    with tempfile.TemporaryDirectory(prefix="kh-import-") as tmp:
        plan = Path(tmp) / out.name
        (Path(tmp) / "orgs").mkdir()
        org_text = outcome.org_text
        if org_text is None and outcome.org_path.is_file():
            org_text = outcome.org_path.read_text(encoding="utf-8")
        if org_text is not None:
            (Path(tmp) / "orgs" / outcome.org_path.name).write_text(org_text, encoding="utf-8")
        plan.write_text(outcome.plan_text, encoding="utf-8")
        try:
            read_plan(plan)
        except KhError as exc:
            scratch_org = Path(tmp) / "orgs" / outcome.org_path.name
            text = str(exc)
            if isinstance(exc, PlanError):   # the profile's problems located in the user's own file
                text = orgs.relocate(exc, scratch_org, outcome.org_path,
                                     outcome.org_text if outcome.reused else None).format()
            text = text.replace(str(scratch_org), str(outcome.org_path)).replace(str(plan), str(out))
            raise ImportFailure(f"{out}: kế hoạch nhập được chưa hợp lệ, không ghi gì (the imported plan does not"
                                f" validate; nothing written):\n{text}") from None


def write(outcome: Outcome, out: Path, *, force: bool = False) -> None:
    """Write the plan (and the profile when new or updated); never over a file without ``force``."""
    from ..yamlio.roundtrip import write_text_atomic

    if out.exists() and not force:
        raise ImportFailure(f"{out}: tệp đã có; thêm --force để ghi đè (file exists; use --force to overwrite)")
    org_new = outcome.org_text is not None and not outcome.org_path.exists()
    if outcome.org_text is not None:
        write_text_atomic(outcome.org_path, outcome.org_text)
    try:
        write_text_atomic(out, outcome.plan_text)
    except BaseException:
        if org_new:
            outcome.org_path.unlink(missing_ok=True)
        raise
    outcome.report.outputs.append(str(out))
    if outcome.org_text is not None:
        outcome.report.outputs.append(str(outcome.org_path))
