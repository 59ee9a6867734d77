"""A plan as a tree of numbered parts with the labels the document prints (I., 1., a), -).

The labels and words come from the same functions the layout uses (numbering, blocks), so a
comparison speaks of "II. › 2. › c)" exactly as the reader sees it in the .docx.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..lang import numbering
from ..lang.typography import parse_inline, upper_vi
from ..layout import blocks
from ..model.plan import Assignment, Bullet, Plan, Point, Section


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
    """One numbered part: a section (mục/khoản), point (điểm), bullet (ý) or assignment."""

    kind: str                   # section | point | bullet | assignment
    label: str                  # as printed: "II.", "2.", "c)", "-", "+"
    title: str                  # heading, or the first paragraph when the part has no heading
    paras: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    units: tuple[str, ...] = ()  # assignment: the unit names

    @property
    def key(self) -> str:
        """What identifies the part across versions when its number changes."""
        if self.kind == "assignment":
            return "unit:" + "|".join(self.units)
        return self.kind + ":" + self.title.strip().lower()

    @property
    def text(self) -> str:
        return "\n".join([self.title, *self.paras])

    @property
    def full_text(self) -> str:
        """The part with everything under it (to recognise it when its heading changed)."""
        return "\n".join([self.text, *(c.full_text for c in self.children)])


def outline(plan: Plan) -> list[Node]:
    """The numbered parts of ``plan``'s content, as printed."""
    ctx = blocks._Ctx(plan)
    return [_section(sec, (i,), ctx, decimal=False) for i, sec in enumerate(plan.sections, start=1)]


def _section(sec: Section, path: tuple[int, ...], ctx: blocks._Ctx, decimal: bool) -> Node:
    depth = len(path)
    label = numbering.section_label(path, decimal=decimal or depth >= 3)
    if sec.title is not None:
        node = Node("section", label, upper_vi(prose(sec.title)) if depth == 1 else prose(sec.title),
                    [prose(t) for t in sec.text])
    else:
        texts = [prose(t) for t in sec.text]
        node = Node("section", label, texts[0] if texts else "", texts[1:])
    child_decimal = sec.numbering == "decimal"
    node.children += [_section(c, path + (i,), ctx, child_decimal) for i, c in enumerate(sec.sections, start=1)]
    node.children += [_point(p, numbering.point_label(i)) for i, p in enumerate(sec.points, start=1)]
    node.children += _bullets(sec.bullets, 0)
    assignments = blocks.task_assignments(ctx) if sec.assignments == "tasks" else sec.assignments
    for i, asg in enumerate(assignments, start=1):
        node.children.append(_assignment(asg, path, i, ctx, child_decimal))
    return node


def _point(point: Point, label: str) -> Node:
    texts = [prose(t) for t in point.text]
    return Node("point", label, texts[0] if texts else "", texts[1:], _bullets(point.bullets, 0))


def _bullets(items: list[Bullet], depth: int) -> list[Node]:
    out = []
    for b in items:
        texts = [prose(t) for t in b.text]
        out.append(Node("bullet", numbering.bullet_label(depth), texts[0] if texts else "", texts[1:],
                        _bullets(b.bullets, depth + 1)))
    return out


def _assignment(asg: Assignment, parent: tuple[int, ...], index: int, ctx: blocks._Ctx, decimal: bool) -> Node:
    if len(parent) == 1:
        label = numbering.section_label(parent + (index,), decimal=decimal)
    else:
        label = numbering.point_label(index)
    heading = blocks.assignment_heading(asg, ctx.request_word)
    return Node("assignment", label, heading, [prose(t) for t in asg.text], _bullets(asg.tasks, 0),
                units=tuple(asg.unit))
