"""A plan as a tree of the parts a reader finds, with the labels the document prints (I., 1., a), -).

A part's content is its blocks in printed order: paragraphs, notes and tables as well as the
numbered parts (sub-sections, points, bullets, assignments), whichever way the plan wrote them
(:func:`generator.model.content.section_blocks`). Labels and numbering follow the layout
(:mod:`generator.layout.blocks`) block by block, so a comparison speaks of "II. › 2. › c)" or
"II. › bảng 1" exactly as the reader sees the .docx.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..lang import numbering
from ..lang.typography import parse_inline, upper_vi
from ..layout import blocks
from ..model import content
from ..model.plan import Appendix, Assignment, Bullet, Plan, Point, Section
from .table_view import TableView, model_view

#: Parts that are one paragraph, a note or a table: no number of their own.
LEAVES = ("para", "note", "table")


def prose(text: str) -> str:
    """A text as printed: marks removed, footnotes shown inline as ``^[...]``."""
    out = []
    for span in parse_inline(text):
        if span.note is not None:
            out.append("^[" + "".join(s.text for s in span.note) + "]")
        else:
            out.append(span.text)
    return "".join(out)


@dataclass
class Node:
    """One part: a section (mục/khoản), point (điểm), bullet (ý), assignment, paragraph, note or table.

    ``label`` is the number printed ("II.", "2.", "c)", "-"; "" for paragraphs, notes, tables);
    ``name`` is how a location names the part among its siblings: the label, or "ý 2", "đoạn 3",
    "bảng 1", "ghi chú". ``title``: the heading, or the first paragraph when there is none; the
    paragraph's, the note's text; a table's columns.
    """

    kind: str
    label: str
    name: str
    title: str
    children: list[Node] = field(default_factory=list)
    units: tuple[str, ...] = ()  # assignment: the unit names
    table: TableView | None = None

    @property
    def key(self) -> str:
        """What identifies the part across versions when its number changes."""
        if self.kind == "assignment":
            return "unit:" + "|".join(self.units)
        if self.kind == "table":
            return "table:" + self.title
        return self.kind + ":" + self.title.strip().lower()

    @property
    def paras(self) -> list[str]:
        """The paragraphs and notes right under the part."""
        return [c.title for c in self.children if c.kind in ("para", "note")]

    @property
    def text(self) -> str:
        """The heading and the paragraphs under it."""
        return "\n".join([self.title, *self.paras])

    @property
    def full_text(self) -> str:
        """The part with everything under it (to recognise it when its heading changed)."""
        if self.table is not None:
            return "\n".join([self.title, self.table.text])
        return "\n".join([self.title, *(c.full_text for c in self.children)])


def outline(plan: Plan) -> list[Node]:
    """The parts of ``plan``'s content, as printed: its sections (I., II. or 1., 2. for a document
    numbered in arabic) and a Quyết định's articles ("Điều 1.", with their clauses and points)."""
    ctx = blocks._Ctx(plan)
    arabic = plan.top_numbering == "arabic"
    nodes = []
    for i, sec in enumerate(plan.sections, start=1):
        node = _section(sec, (i,), ctx, full=arabic or sec.numbering == "decimal")
        if arabic:
            node.label = node.name = blocks.section_label((i,), True, True)
            if sec.title is not None:
                node.title = prose(sec.title)
        nodes.append(node)
    for i, art in enumerate(plan.articles, start=1):
        texts = list(art.text)
        label = f"Điều {i}."
        title = prose(art.title) if art.title is not None else (prose(texts.pop(0)) if texts else "")
        nodes.append(Node("section", label, label, title,
                          _blocks([*texts, *(content.body_block(b) for b in art.body)], (i,), ctx, False, ctx.colon)))
    return nodes


def appendix_outline(plan: Plan, app: Appendix) -> list[Node]:
    """The parts of a ``type: content`` appendix (sections I., 1., a) as in the body)."""
    ctx = blocks._Ctx(plan)
    return _blocks(content.appendix_blocks(app), (), ctx, False, ctx.colon)


def _section(sec: Section, path: tuple[int, ...], ctx: blocks._Ctx, full: bool) -> Node:
    depth = len(path)
    label = numbering.section_label(path, decimal=depth >= 3, full=full)
    items = content.section_blocks(sec)
    counts: Counter[str] = Counter()
    if sec.title is not None:
        title = upper_vi(prose(sec.title)) if depth == 1 else prose(sec.title)
    else:                      # the number opens the first paragraph: the part's first paragraph
        title = prose(items[0])
        items = items[1:]
        counts["para"] = 1
    own = ctx.colon if sec.assignment_colon is None else sec.assignment_colon
    return Node("section", label, label, title, _blocks(items, path, ctx, full, own, counts))


def _blocks(items: list[content.Block], path: tuple[int, ...], ctx: blocks._Ctx, full: bool, colon: bool,
            counts: Counter[str] | None = None) -> list[Node]:
    """The blocks under a part, numbered as the layout numbers them (sub-sections and the
    assignments that are clauses among themselves; points and the assignments that are points
    lettered on across the part)."""
    counts = Counter() if counts is None else counts
    out: list[Node] = []
    clause = point = 0
    for item in items:
        if isinstance(item, str):
            out.append(_leaf(counts, "para", prose(item)))
        elif isinstance(item, Section):
            clause += 1
            sub_full = (item.numbering == "decimal") if not path else full
            out.append(_section(item, path + (clause,), ctx, sub_full))
        elif isinstance(item, content.Points):
            for p in item.points:
                point += 1
                out.append(_point(p, numbering.point_label(point)))
        elif isinstance(item, content.Bullets):
            out += _bullets(item.bullets, 0, counts)
        elif isinstance(item, content.Assignments):
            assignments = blocks.task_assignments(ctx) if item.assignments == "tasks" else item.assignments
            own = colon if item.colon is None else item.colon
            for asg in assignments:
                if len(path) == 1:
                    clause += 1
                    label = numbering.section_label(path + (clause,), full=full)
                else:
                    point += 1
                    label = numbering.point_label(point)
                out.append(_assignment(asg, label, ctx, own))
        elif isinstance(item, content.TableBlock):
            counts["table"] += 1
            table = model_view(item.table)
            out.append(Node("table", "", f"bảng {counts['table']}", table.title, table=table))
        elif isinstance(item, content.Note):
            text = prose(item.text)
            if not item.text.lstrip("*").lower().startswith(blocks.NOTE_LABEL.lower()):
                text = f"{blocks.NOTE_LABEL}: {text}"
            counts["note"] += 1
            out.append(Node("note", "", "ghi chú" + (f" {counts['note']}" if counts["note"] > 1 else ""), text))
    return out


def _leaf(counts: Counter[str], kind: str, text: str) -> Node:
    counts[kind] += 1
    return Node(kind, "", f"đoạn {counts[kind]}", text)


def _paragraphs(texts: list[str]) -> tuple[str, list[Node]]:
    """A labelled part's first paragraph (its title) and the others as paragraph parts."""
    counts: Counter[str] = Counter(para=1)
    return (prose(texts[0]) if texts else ""), [_leaf(counts, "para", prose(t)) for t in texts[1:]]


def _point(point: Point, label: str) -> Node:
    title, paras = _paragraphs(point.text)
    return Node("point", label, label, title, paras + _bullets(point.bullets, 0, Counter()))


def _bullets(items: list[Bullet], depth: int, counts: Counter[str]) -> list[Node]:
    out = []
    for b in items:
        counts["bullet"] += 1
        title, paras = _paragraphs(b.text)
        out.append(Node("bullet", numbering.bullet_label(depth), f"ý {counts['bullet']}", title,
                        paras + _bullets(b.bullets, depth + 1, Counter())))
    return out


def _assignment(asg: Assignment, label: str, ctx: blocks._Ctx, colon: bool) -> Node:
    heading = blocks.assignment_heading(asg, ctx.request_word, colon)
    counts: Counter[str] = Counter()
    paras = [_leaf(counts, "para", prose(t)) for t in asg.text]
    return Node("assignment", label, label, heading, paras + _bullets(asg.tasks, 0, Counter()),
                units=tuple(asg.unit))
