"""A section's content as one ordered list of blocks, whichever way the plan wrote it.

A section is written either with ``body:`` (blocks in the order printed) or with the shorthand keys
``text``, ``sections``, ``points``, ``bullets``, ``assignments``, which print in that fixed order.
:func:`section_blocks` turns both into the same list, so layout, writers and review see one shape:

- ``str``: a paragraph;
- :class:`~generator.model.plan.Section`: a sub-section (numbered among the section's sub-sections);
- :class:`Points`, :class:`Bullets`, :class:`Assignments`, :class:`TableBlock`, :class:`Note`.

Also here: every table of a plan with where it is written (:func:`iter_tables`), and the labels of
the appendices ("Phụ lục I", "Phụ lục 1", "Phụ lục số 01") as the plan asks for them.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..lang.numbering import roman

if typing.TYPE_CHECKING:
    from .plan import Appendix, Assignment, Bullet, Plan, Point, Section
    from .tables import Table


@dataclass(frozen=True)
class Points:
    """Lettered points a), b), …; lettering goes on across the section's points blocks."""

    points: list[Point]


@dataclass(frozen=True)
class Bullets:
    """Bullets "-" (nested "+")."""

    bullets: list[Bullet]


@dataclass(frozen=True)
class Assignments:
    """Assignments by unit ("tasks": made from the plan's task list); ``colon``: the block's own choice."""

    assignments: list[Assignment] | str
    colon: bool | None = None


@dataclass(frozen=True)
class TableBlock:
    """A table standing among the paragraphs."""

    table: Table


@dataclass(frozen=True)
class Note:
    """An italic note, "Ghi chú: ..."."""

    text: str


#: One block of content.
Block = Any   # str | Section | Points | Bullets | Assignments | TableBlock | Note


def section_blocks(sec: Section) -> list[Block]:
    """The content of ``sec`` below its heading, in printed order.

    Shorthand: its paragraphs, sub-sections, points, bullets, assignments (at most one list kind).
    An untitled section's first paragraph carries its number, written either way.
    """
    if sec.body:
        return [body_block(item) for item in sec.body]
    out: list[Block] = list(sec.text)
    out += sec.sections
    if sec.points:
        out.append(Points(sec.points))
    if sec.bullets:
        out.append(Bullets(sec.bullets))
    if sec.assignments:
        out.append(Assignments(sec.assignments, sec.assignment_colon))
    return out


def body_block(item: str | Section) -> Block:
    """One item of a ``body`` list as a block."""
    if isinstance(item, str):
        return item
    kind = item.block_kind
    if kind is None:
        return item
    if kind == "table":
        assert item.table is not None
        return TableBlock(item.table)
    if kind == "note":
        return Note(item.note or "")
    if kind == "points":
        return Points(item.points)
    if kind == "bullets":
        return Bullets(item.bullets)
    return Assignments(item.assignments, item.assignment_colon)


def appendix_blocks(app: Appendix) -> list[Block]:
    """The blocks of a ``type: content`` appendix."""
    return [body_block(item) for item in app.body]


# ------------------------------------------------------------------ tables with their place
#: Where a value is in the plan file: keys and list indices.
Where = tuple[Any, ...]


def iter_tables(plan: Plan) -> Iterator[tuple[Where, Table]]:
    """Every table of ``plan`` (body blocks, appendices) with its path in the file: the sections'
    first, in the order written, then the appendices'. An explicit stack: no recursion limit."""
    ordered: list[tuple[Where, Any]] = [(("sections", i), sec) for i, sec in enumerate(plan.sections)]
    ordered += [(("appendices", a), app) for a, app in enumerate(plan.appendices)]
    pending = ordered[::-1]
    while pending:
        where, node = pending.pop()
        table = getattr(node, "table", None)
        if table is not None:
            yield where + ("table",), table
        children = [(where + ("body", i), item) for i, item in enumerate(getattr(node, "body", []))
                    if not isinstance(item, str)]
        children += [(where + ("sections", i), sub) for i, sub in enumerate(getattr(node, "sections", []))]
        pending += children[::-1]


def source_files(plan: Plan) -> list[str]:
    """The CSV/.xlsx files the plan's tables were read from (absolute once the reader has read them):
    inputs of the build, as the plan, its profile and its template are."""
    return [t.source_file.file for _, t in iter_tables(plan) if t.source_file is not None]


# ------------------------------------------------------------------ appendix labels
#: How appendices are numbered: "Phụ lục I" (the decree), "Phụ lục 1", "Phụ lục số 01".
NUMBERINGS = ("roman", "arabic", "so")


def appendix_number(n: int, style: str) -> str:
    """The number of the ``n``-th appendix as ``style`` writes it: "II", "2", "số 02"."""
    if style == "arabic":
        return str(n)
    if style == "so":
        return f"số {n:02d}"
    return roman(n)


def appendix_labels(labelled: list[bool], style: str = "roman", *, always: bool = False,
                    order: list[int] | None = None) -> list[str]:
    """Labels of a plan's appendices: "Phụ lục" alone for one (unless ``always``), else numbered in
    ``style``; "" for an appendix printed without a label (not counted).

    ``order``: the appendices' indices in the order they are printed (an appendix printed after the
    signature comes first); labels are numbered in that order and returned in the plan's order.
    """
    count = sum(labelled)
    out = [""] * len(labelled)
    n = 0
    for i in order if order is not None else range(len(labelled)):
        if not labelled[i]:
            continue
        n += 1
        out[i] = "Phụ lục" if count == 1 and not always else f"Phụ lục {appendix_number(n, style)}"
    return out


def printed_order(after_signature: list[bool]) -> list[int]:
    """Indices of the appendices in printed order: those after the signature first, then the rest."""
    return [i for i, a in enumerate(after_signature) if a] + [i for i, a in enumerate(after_signature) if not a]


def appendix_names(appendices: list[object], style: str = "roman", *, always: bool = False) -> list[str]:
    """How the plan's text cites each appendix (``{{ appendices[i] }}``), from the raw plan data.

    A labelled appendix is cited by its label; an unlabelled report form as "mẫu báo cáo", any
    other unlabelled appendix by its title, first letter in lower case.
    """
    items = [a if isinstance(a, dict) else {} for a in appendices]
    order = printed_order([a.get("placement") == "after_signature" for a in items])
    labels = appendix_labels([a.get("label", True) is not False for a in items], style, always=always, order=order)
    names = []
    for label, item in zip(labels, items, strict=True):
        title = str(item.get("title") or "").replace("\n", " ").strip()
        if label or not title or item.get("type") == "report":
            names.append(label or ("mẫu báo cáo" if item.get("type") == "report" else "phụ lục"))
        else:
            names.append(title[0].lower() + title[1:] if title[1:2].islower() else title)
    return names
