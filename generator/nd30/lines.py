"""Which text each drawn line stands under, and how long a border line is.

Word users draw the lines of the header with a shape anchored in *some* paragraph: often the one
below the text ("Số:" under the agency name), placed a fraction of a point below that paragraph's
top; sometimes in the text's own paragraph, one line height down; sometimes in another column. A
line is therefore placed by geometry: its vertical position relative to its anchor, the estimated
heights of the paragraphs around it (Times metrics, wrapped to the cell or page width), and for
table cells its horizontal centre (which grid column it falls in). The line belongs under the last
paragraph with text whose first line's middle is above it.

Borders, underscore rows and inline line shapes need no geometry: they belong to their own
paragraph when it has text, else to the paragraph with text above them in the same column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .facts import Cell, DrawnLine, Facts, Para, Table
from .geometry import line_height, spacing_pt, text_width

_WINDOW = 8           # paragraphs looked at on each side of a line's anchor in the body flow


def avail_width(facts: Facts, para: Para) -> float:
    """Width (pt) the paragraph's text may use: its cell's or the page's, less indents."""
    indents = (max(para.fmt.left, 0) + max(para.fmt.right, 0)) / 20.0
    if para.cell is not None:
        left, right = para.cell.table.margins
        return max(20.0, (para.cell.width - left - right) / 20.0 - indents)
    s = facts.section_of(para)
    if s.width:
        return max(20.0, (s.width - (s.left or 0) - (s.right or 0) - s.gutter) / 20.0 - indents)
    return 450.0 - indents


def text_lines(facts: Facts, para: Para) -> int:
    """Estimated number of lines the paragraph's text wraps to."""
    if not para.runs:
        return 1
    avail = avail_width(facts, para)
    count = 0
    width = para.first_indent / 20.0 if para.first_indent > 0 else 0.0
    for r in para.runs:
        chunks = r.text.split("\n")
        for i, chunk in enumerate(chunks):
            if i:
                count += max(1, math.ceil(width / avail))
                width = 0.0
            width += text_width(chunk.upper() if r.caps else chunk, r.size, r.bold)
    return count + max(1, math.ceil(width / avail))


def size_of(para: Para) -> float:
    return max(para.sizes())


def height(facts: Facts, para: Para) -> float:
    """Estimated height (pt) of the paragraph with its spacing before and after."""
    size = size_of(para)
    lh = line_height(para.fmt, size)
    return (spacing_pt(para.fmt.before, para.fmt.before_lines, size) + lh * text_lines(facts, para)
            + spacing_pt(para.fmt.after, para.fmt.after_lines, size))


def fits_one_page(facts: Facts, layouts: Layouts) -> bool:
    """True if the body's estimated height fits on one page (stops adding as soon as it does not)."""
    s = facts.sections[0]
    if not s.height:
        return False
    room = 1.15 * (s.height - (s.top or 0) - (s.bottom or 0)) / 20.0
    used = 0.0
    seen_tables: set[int] = set()
    for p in facts.body:
        if p.cell is not None:
            if p.cell.table.index in seen_tables:
                continue
            seen_tables.add(p.cell.table.index)
            used += layouts.table(p.cell.table).row_tops[-1]
        else:
            used += height(facts, p)
        if used > room:
            return False
    return True


def text_mid(para: Para, top: float) -> float:
    """Vertical middle (pt) of the paragraph's first line, given its top."""
    size = size_of(para)
    return top + spacing_pt(para.fmt.before, para.fmt.before_lines, size) + line_height(para.fmt, size) / 2


@dataclass
class TableLayout:
    """Estimated positions (pt) of a table's paragraphs, from the table's top-left."""

    col_left: list[float]
    tops: dict[int, float]             # id(para) → top
    columns: dict[int, list[Para]]     # grid column → its paragraphs top to bottom
    row_tops: list[float]
    position: dict[tuple[int, int], int] = field(default_factory=dict)   # (column, id(para)) → index

    def index(self, column: int, para: Para) -> int | None:
        if not self.position:
            self.position = {(c, id(p)): i for c, paras in self.columns.items() for i, p in enumerate(paras)}
        return self.position.get((column, id(para)))

    def column_at(self, x: float) -> int | None:
        for i in range(len(self.col_left) - 1):
            if self.col_left[i] <= x < self.col_left[i + 1]:
                return i
        return None


class Layouts:
    """Table layouts worked out on demand, once each."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self._tables: dict[int, TableLayout] = {}

    def table(self, table: Table) -> TableLayout:
        if table.index in self._tables:
            return self._tables[table.index]
        facts = self.facts
        col_left = [0.0]
        for g in table.grid:
            col_left.append(col_left[-1] + g / 20.0)
        cell_heights: dict[int, float] = {}
        rows: dict[int, list[Cell]] = {}
        for cell in table.cells:
            rows.setdefault(cell.row, []).append(cell)
            cell_heights[id(cell)] = sum(height(facts, p) for p in cell.paras)
        row_tops = [0.0]
        for r in range(table.rows):
            row_tops.append(row_tops[-1] + max([cell_heights[id(c)] for c in rows.get(r, [])] or [0.0]))
        tops: dict[int, float] = {}
        columns: dict[int, list[Para]] = {}
        for cell in table.cells:
            y = row_tops[cell.row]
            for p in cell.paras:
                tops[id(p)] = y
                y += height(facts, p)
                for c in range(cell.col, cell.col + cell.span):
                    columns.setdefault(c, []).append(p)
        for paras in columns.values():
            paras.sort(key=lambda p: tops[id(p)])
        layout = TableLayout(col_left, tops, columns, row_tops)
        self._tables[table.index] = layout
        return layout


def assign_lines(facts: Facts, layouts: Layouts) -> None:
    """Set each drawn line's owner (and length, for borders); list it under its owner."""
    for line in facts.lines:
        if line.owner is not None:
            line.owner.under.clear()
    for line in facts.lines:
        if line.kind == "border":
            p = line.anchor
            line.length = avail_width(facts, p)
        owner = _owner(facts, layouts, line)
        line.owner = owner
        if owner is not None:
            owner.under.append(line)


def _owner(facts: Facts, layouts: Layouts, line: DrawnLine) -> Para | None:
    anchor = line.anchor
    if line.kind != "shape" or line.y is None or line.rel_v not in ("paragraph", "line"):
        if anchor.text.strip("_ ") and line.kind != "shape":
            return anchor
        return _text_above(facts, layouts, anchor, include_self=line.kind == "shape")
    if anchor.cell is not None:
        return _owner_in_table(facts, layouts, line)
    return _owner_in_flow(facts, line)


def _text_above(facts: Facts, layouts: Layouts, para: Para, include_self: bool) -> Para | None:
    """The nearest paragraph with text above ``para`` in its column (itself first if asked)."""
    if include_self and para.text.strip("_ "):
        return para
    if para.cell is not None:
        layout = layouts.table(para.cell.table)
        column = layout.columns.get(para.cell.col, [])
        idx = layout.index(para.cell.col, para)
        if idx is None:
            return None
        for i in range(idx - 1, max(-1, idx - _WINDOW), -1):
            if column[i].text.strip("_ "):
                return column[i]
        return None
    seq = _story_seq(facts, para)
    for i in range(para.order - 1, max(-1, para.order - _WINDOW), -1):
        p = seq[i]
        if p.cell is not None and para.story == "body":
            return None        # a table stands between: not "under" its text
        if p.text.strip("_ "):
            return p
    return None


def _story_seq(facts: Facts, para: Para) -> list[Para]:
    if para.story == "body":
        return facts.body
    if para.story == "textbox":
        return facts.textboxes
    if para.story == "footnote":
        return facts.footnotes
    return facts.stories.get(para.part, [para])


def _owner_in_table(facts: Facts, layouts: Layouts, line: DrawnLine) -> Para | None:
    anchor = line.anchor
    cell = anchor.cell
    assert cell is not None and line.y is not None
    layout = layouts.table(cell.table)
    y_line = layout.tops[id(anchor)] + line.y
    column = cell.col
    if line.x is not None and line.length and line.rel_h in ("column", "character"):
        left = layout.col_left[cell.col] + cell.table.margins[0] / 20.0
        centre = left + (line.x if not math.isnan(line.x) else 0.0) + line.length / 2
        if math.isnan(line.x):
            right = layout.col_left[min(cell.col + cell.span, len(layout.col_left) - 1)]
            centre = (layout.col_left[cell.col] + right) / 2
        found = layout.column_at(centre)
        if found is not None:
            column = found
    paras = layout.columns.get(column, [])
    start = _bisect(layout, paras, y_line)
    for i in range(min(start, len(paras) - 1), max(-1, start - _WINDOW), -1):
        p = paras[i]
        if p.text.strip("_ ") and text_mid(p, layout.tops[id(p)]) < y_line:
            return p
    return None


def _bisect(layout: TableLayout, paras: list[Para], y: float) -> int:
    """Index of the first paragraph whose top is at or below ``y``."""
    lo, hi = 0, len(paras)
    while lo < hi:
        mid = (lo + hi) // 2
        if layout.tops[id(paras[mid])] < y:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _owner_in_flow(facts: Facts, line: DrawnLine) -> Para | None:
    anchor = line.anchor
    assert line.y is not None
    seq = _story_seq(facts, anchor)
    i0 = anchor.order
    tops = {i0: 0.0}
    y = 0.0
    lo = i0
    for i in range(i0 - 1, max(-1, i0 - _WINDOW), -1):     # upwards, stopping at a table
        p = seq[i]
        if p.cell is not None and anchor.story == "body":
            break
        y -= height(facts, p)
        tops[i] = y
        lo = i
    y = 0.0
    hi = i0
    for i in range(i0, min(len(seq), i0 + _WINDOW)):       # downwards
        p = seq[i]
        if p.cell is not None and anchor.story == "body":
            break
        tops[i] = y
        y += height(facts, p)
        hi = i
    best = None
    for i in range(lo, hi + 1):
        p = seq[i]
        if not p.text.strip("_ "):
            continue
        if text_mid(p, tops[i]) < line.y:
            best = p
        else:
            break
    return best
