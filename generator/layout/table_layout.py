"""A plan's own table (``- table: ...``, ``type: table``) laid out on the page: header rows (the
columns' headings or ``header:``), the STT column and its numbering, group rows, the column-number
row, merged cells as a grid, and column widths that fit the text width.

Widths: a column with ``width`` takes that share (per cent of the table less the STT column); the
others share what is left by their content, as a browser lays out an automatic table: each needs
at least its longest word and would like its longest line; the room between is shared in
proportion to what each would still like. A column that still cannot hold its longest word is
named in a warning (:func:`~.grid.column_warnings`), with the ``width`` that would fit it.
"""

from __future__ import annotations

import math
import typing

from ..lang import numbering
from ..lang.typography import Span, parse_inline, upper_vi
from . import metrics
from .geometry import LANDSCAPE_TEXT_WIDTH, TABLE_CELL_MARGIN, TEXT_WIDTH
from .grid import TABLE_FONT, Cell, Row, Table, _longest_word, column_warnings

if typing.TYPE_CHECKING:
    from ..model.tables import Table as TableModel

STT = "STT"
#: Extra room in a column beyond its text (twips): Word's line breaking is not exactly ours.
_SLACK = 40


def table_layout(model: TableModel, name: str, landscape: bool | None = None) -> tuple[Table, list[str]]:
    """Lay out ``model`` (``landscape``: the page it stands on, default the table's own wish);
    returns the table and the warnings about columns too narrow for their words (``name`` names
    the table in them)."""
    from ..model.tables import column_count

    wide = model.landscape if landscape is None else landscape
    size = model.font_size or TABLE_FONT
    ncols = column_count(model)
    columns = model.columns or []
    aligns = [c.align for c in columns] or ["left"] * ncols
    header = _header_rows(model, ncols)
    body = _body_rows(model, aligns)
    rows = _with_stt(model, header, body) if model.stt else header + body
    if model.numbers:
        total = ncols + (1 if model.stt else 0)
        rows.insert(len(header), Row("header", [Cell([[Span(f"({i})", italic=True)]], "center")
                                                for i in range(1, total + 1)]))
    text_width = LANDSCAPE_TEXT_WIDTH if wide else TEXT_WIDTH
    widths = _widths(model, rows, ncols, text_width, size)
    table = Table(widths, rows, keep_header=True, font_size=model.font_size, landscape=model.landscape)
    shift = 1 if model.stt else 0

    def advise(col: int, need: float) -> str:
        if col < shift:
            return "viết ngắn từ này"
        target = need / (text_width - (widths[0] * text_width if shift else 0)) * 100
        header_text = columns[col - shift].header if col - shift < len(columns) else None
        where = f"cột '{header_text}'" if header_text else f"cột thứ {col - shift + 1}"
        if target >= 100:
            return "viết ngắn từ này"
        return f"width: {math.ceil(target)} cho {where} trong 'columns'"

    return table, column_warnings(table, wide, name, advise=advise)


# ------------------------------------------------------------------ rows
def _header_rows(model: TableModel, ncols: int) -> list[Row]:
    if model.header:
        spec = [[(c.text, c.span, c.rows) for c in row] for row in model.header]
    elif model.columns and any(c.header for c in model.columns):
        spec = [[(c.header or "", 1, 1) for c in model.columns]]
    else:
        return []
    cells = [[(Cell([[Span(text, bold=True)]] if text else [[]], "center", True, span), rows)
              for text, span, rows in row] for row in spec]
    return [Row("header", cs) for cs in _merged(cells)]


def _body_rows(model: TableModel, aligns: list[str]) -> list[Row]:
    out: list[tuple[str, list[tuple[Cell, int]]]] = []
    for row in model.rows:
        if not isinstance(row, list):
            out.append(("group", [(Cell([[Span(upper_vi(row.group), bold=True)]], "left", True,
                                       len(aligns)), 1)]))
            continue
        cells = [(Cell([parse_inline(t) for t in cell.text] or [[]], cell.align or "", False, cell.span), cell.rows)
                 for cell in row]      # align "": the column's, once the cell's column is known
        out.append(("data", cells))
    grid = _merged([cells for _, cells in out], aligns)
    return [Row(kind, cells) for (kind, _), cells in zip(out, grid, strict=True)]


def _merged(rows: list[list[tuple[Cell, int]]], aligns: list[str] | None = None) -> list[list[Cell]]:
    """Rows of (cell, rows it covers) → rows of cells on the grid, each vertical merge a "restart"
    cell and a "continue" cell in every row it covers below; a cell without an alignment takes its
    column's (``aligns``)."""
    below: dict[int, tuple[int, Cell]] = {}       # grid column → (rows still covered, restart cell)
    out: list[list[Cell]] = []
    for row in rows:
        cells: list[Cell] = []
        col = 0
        for cell, rows_down in row:
            col = _cover(below, cells, col)
            if not cell.align:
                cell.align = aligns[col] if aligns and col < len(aligns) else "left"
            if rows_down > 1:
                cell.merge = "restart"
                below[col] = (rows_down - 1, cell)
            cells.append(cell)
            col += cell.span
        _cover(below, cells, col)
        out.append(cells)
    return out


def _cover(below: dict[int, tuple[int, Cell]], cells: list[Cell], col: int) -> int:
    """Add to ``cells`` the "continue" cells of the merges from above that stand at ``col`` (and
    after, while they follow one another); returns the next free column."""
    while col in below:
        left, first = below[col]
        cells.append(Cell([[]], first.align, first.bold, first.span, "continue"))
        if left <= 1:
            del below[col]
        else:
            below[col] = (left - 1, first)
        col += first.span
    return col


def _with_stt(model: TableModel, header: list[Row], body: list[Row]) -> list[Row]:
    """The automatic STT column first: "STT" over the header rows, numbers restarting under each
    group row, the group's Roman numeral beside its name."""
    out: list[Row] = []
    for i, row in enumerate(header):
        first = Cell([[Span(STT, bold=True)]] if i == 0 else [[]], "center", True, 1,
                     ("restart" if i == 0 else "continue") if len(header) > 1 else "")
        out.append(Row("header", [first, *row.cells]))
    n = group = 0
    for row in body:
        if row.kind == "group":
            group += 1
            n = 0
            out.append(Row("group", [Cell([[Span(numbering.roman(group), bold=True)]], "center", True), *row.cells]))
            continue
        n += 1
        out.append(Row(row.kind, [Cell([[Span(str(n))]], "center"), *row.cells]))
    return out


# ------------------------------------------------------------------ widths
def _widths(model: TableModel, rows: list[Row], ncols: int, text_width: int, size: float) -> list[float]:
    """Each grid column's width as a fraction of ``text_width`` (see the module's docstring)."""
    shift = 1 if model.stt else 0
    total = ncols + shift
    most = [0.0] * total             # points: the longest line
    words: list[tuple[set[str], set[str]]] = [(set(), set()) for _ in range(total)]    # (roman, bold) texts
    for row in rows:
        col = 0
        for cell in row.cells:
            if cell.span == 1 and cell.merge != "continue":
                plain, heavy = words[col]
                for spans in cell.paras:
                    line = 0.0
                    for span in spans:
                        if span.note is None and span.text:
                            bold = cell.bold or span.bold
                            line += metrics.text_width_pt(span.text, size, bold=bold)
                            (heavy if bold else plain).add(span.text)
                    most[col] = max(most[col], line)
            col += cell.span
    least = [max(_longest_word(p, False, size)[0], _longest_word(b, True, size)[0]) * metrics.TWIPS_PER_PT
             for p, b in words]
    most = [m * metrics.TWIPS_PER_PT for m in most]
    room = 2 * TABLE_CELL_MARGIN + _SLACK
    least = [w + room for w in least]
    most = [max(m + room, lw) for m, lw in zip(most, least, strict=True)]
    widths = [0.0] * total
    available = float(text_width)
    if shift:
        widths[0] = least[0]
        available -= widths[0]
    columns = model.columns or []
    given = {j + shift: c.width for j, c in enumerate(columns) if c.width is not None}
    if given and len(given) == ncols:          # every column sized: shares of the whole
        scale = sum(given.values())
        for j, w in given.items():
            widths[j] = available * w / scale
    else:
        for j, w in given.items():
            widths[j] = available * w / 100
        free = [j for j in range(shift, total) if j not in given]
        rest = available - sum(widths[j] for j in given)
        low, high = sum(least[j] for j in free), sum(most[j] for j in free)
        for j in free:
            if high <= rest:                   # all fit on one line: the rest shared by their lines
                widths[j] = most[j] + (rest - high) * most[j] / high
            elif low >= rest:                  # not even the words fit: shared by the words (warned)
                widths[j] = rest * least[j] / low
            else:
                widths[j] = least[j] + (rest - low) * (most[j] - least[j]) / (high - low)
    return [w / text_width for w in widths]
