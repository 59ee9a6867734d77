"""A plan's tasks flattened for follow-up: one row per task, and each unit's tasks with its role.

Rows come from the plan's ``tasks:`` groups (task, lead, support, timing, product) and then from
every ``assignments:`` list written by hand (each unit's bullets; ``assignments: tasks`` is derived
from the task groups and adds nothing). Text is plain (marks and footnotes dropped), timing is
printed as the appendix table prints it (:func:`.blocks.timing_text`), and each structured timing
gets the date it falls due: the date itself, the last day of the month or of the quarter.
The Excel, CSV and calendar exports (``kh export``) share this.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from ..lang import datewords, numbering
from ..lang.typography import plain
from ..model import content
from ..model.plan import Assignment, Bullet, Plan, Section, Timing
from .blocks import DOC_ABBR, attached_line, decision_ref, doc_number, timing_text

LEAD, SUPPORT = "Chủ trì", "Phối hợp"


@dataclass(frozen=True)
class Deadline:
    """One dated timing of a task: when it falls due and how the plan prints it."""

    date: dt.date
    wording: str
    index: int          # position of the timing in the task's ``timing`` list


@dataclass(frozen=True)
class TaskRow:
    """One task of the plan, worded for a table cell."""

    number: int                     # 1, 2, ... over the whole plan, in reading order
    key: str                        # where it is written: "t1.2" (group 1, task 2), "a4.1-2.3" (section path, ...)
    group: str                      # task group name, or the title of the section holding the assignment
    text: str                       # the task in plain text (several paragraphs: one per line)
    leads: tuple[str, ...]          # lead units' names as the profile writes them
    supports: tuple[str, ...]
    timing: tuple[str, ...]         # printed wording, one per timing ("Quý I/2026", "Thường xuyên")
    deadlines: tuple[Deadline, ...]
    product: tuple[str, ...]

    @property
    def deadline(self) -> dt.date | None:
        """The last date the task falls due, or None when no timing has a date."""
        return max((d.date for d in self.deadlines), default=None)


@dataclass(frozen=True)
class UnitTask:
    """A task as one unit sees it: its role (:data:`LEAD` or :data:`SUPPORT`) and the other units."""

    role: str
    row: TaskRow
    other_leads: tuple[str, ...]
    other_supports: tuple[str, ...]


@dataclass(frozen=True)
class UnitTasks:
    """One unit and the tasks it leads or supports, in the plan's order."""

    unit: str
    tasks: tuple[UnitTask, ...]


def deadline_of(timing: str | Timing, year: int) -> dt.date | None:
    """When a timing falls due: a date or "before" date itself, the month's or quarter's last day."""
    if isinstance(timing, str):
        return None
    y = timing.year or year
    if timing.date is not None:
        return timing.date
    if timing.before is not None:
        return timing.before
    month = timing.month if timing.month is not None else 3 * (timing.quarter or 0)
    return dt.date(y, month, calendar.monthrange(y, month)[1])


def task_rows(plan: Plan) -> list[TaskRow]:
    """Every task of the plan, task groups first, then the hand-written assignments."""
    year = plan.year or 0
    rows: list[TaskRow] = []
    for g, group in enumerate(plan.tasks, start=1):
        for t, task in enumerate(group.tasks, start=1):
            dated = [(i, t_, deadline_of(t_, year)) for i, t_ in enumerate(task.timing)]
            rows.append(TaskRow(
                number=len(rows) + 1, key=f"t{g}.{t}", group=plain(group.group or ""),
                text="\n".join(plain(p) for p in task.task),
                leads=tuple(task.lead), supports=tuple(task.support),
                timing=tuple(timing_text(t_, year) for t_ in task.timing),
                deadlines=tuple(Deadline(d, timing_text(t_, year), i) for i, t_, d in dated if d is not None),
                product=tuple(plain(p) for p in task.product)))
    for path, title, assignments in _assignment_sections(plan.sections):
        for a, asg in enumerate(assignments, start=1):
            texts = [_bullet_text(b) for b in asg.tasks] or (["\n".join(plain(p) for p in asg.text)]
                                                              if asg.text else [])
            for k, text in enumerate(texts, start=1):
                rows.append(TaskRow(
                    number=len(rows) + 1, key=f"a{'.'.join(map(str, path))}-{a}.{k}", group=title, text=text,
                    leads=tuple(asg.unit), supports=(), timing=(), deadlines=(), product=()))
    return rows


def _assignment_sections(sections: list[Section], parent: tuple[int, ...] = (),
                         title: str = "") -> list[tuple[tuple[int, ...], str, list[Assignment]]]:
    """The hand-written assignments of each section (all its assignment blocks, in order), in
    reading order, with the section's path and the nearest title."""
    out = []
    for i, sec in enumerate(sections, start=1):
        path = parent + (i,)
        here = plain(sec.title) if sec.title else title
        blocks = content.section_blocks(sec)
        mine = [asg for b in blocks if isinstance(b, content.Assignments) and isinstance(b.assignments, list)
                for asg in b.assignments]
        if mine:
            out.append((path, here, mine))
        out += _assignment_sections([b for b in blocks if isinstance(b, Section)], path, here)
    return out


def _bullet_text(bullet: Bullet, depth: int = 0) -> str:
    """A bullet's paragraphs, then its sub-bullets as "+ ..." lines (as the document prints them)."""
    lines = [plain(p) for p in bullet.text]
    if depth:
        lines[0] = f"{numbering.bullet_label(depth)} {lines[0]}"
    for sub in bullet.bullets:
        lines.append(_bullet_text(sub, depth + 1))
    return "\n".join(lines)


def units_tasks(plan: Plan, rows: list[TaskRow]) -> list[UnitTasks]:
    """Each unit's tasks: the profile's units in the profile's order, then other lead units as met.

    A supporting unit written as free text outside the profile ({text: ...}) gets no list of its
    own: it stays in the other units' "phối hợp" column. A unit both leading and supporting one
    task sees it once, as lead.
    """
    known = [u.name for u in plan.organisation.units.values()]
    seen = {name for row in rows for name in (*row.leads, *row.supports)}
    order = [name for name in dict.fromkeys(known) if name in seen]
    order += [name for row in rows for name in row.leads if name not in order]
    order = list(dict.fromkeys(order))
    out = []
    for unit in order:
        mine = []
        for row in rows:
            role = LEAD if unit in row.leads else SUPPORT if unit in row.supports else None
            if role is None:
                continue
            mine.append(UnitTask(role, row, tuple(u for u in row.leads if u != unit),
                                 tuple(u for u in row.supports if u != unit)))
        out.append(UnitTasks(unit, tuple(mine)))
    return out


def plan_reference(plan: Plan) -> str:
    """"Kế hoạch số 118/KH-UBND ngày 29/4/2025 — Thông tin, tuyên truyền ..." (a draft: "(dự thảo)")."""
    org = plan.organisation
    ref = plan.attached_to or (decision_ref(plan.decision, org) if plan.decision is not None else None)
    if ref is not None:
        line = attached_line(ref, plan.year or 0).strip("()")
        head = f"Kế hoạch {line[:1].lower()}{line[1:]}"
    elif plan.number is None and plan.date is None:
        head = f"Kế hoạch (dự thảo) năm {plan.year} của {org.name}"
    else:
        number = f" số {doc_number(plan.number, DOC_ABBR, org.symbol)}" if plan.number is not None else ""
        date = f" ngày {datewords.short_date(plan.date)}" if plan.date is not None else f" năm {plan.year}"
        head = f"Kế hoạch{number}{date} của {org.name}"
    return f"{head} — {' '.join(plan.subject.split())}"


def issued_on(plan: Plan) -> dt.date:
    """The plan's date, or 1 January of its year for a draft: the fixed time stamp of exports."""
    return plan.date or dt.date(plan.year or 1980, 1, 1)
