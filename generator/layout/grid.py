"""Tables as writers receive them: rows of cells on a grid of columns whose widths are fractions of
the text width; and the warning for a column too narrow for its longest word.

A cell covers ``span`` grid columns; a vertical merge is a cell marked ``merge="restart"`` and, in
each row below it covers, a cell marked ``merge="continue"`` at the same place (as Word writes
``w:vMerge``). Rows of the built-in appendix tables have one cell per column (a group row: one
cell across all).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..lang.typography import Span
from . import metrics
from .geometry import LANDSCAPE_TEXT_WIDTH, TABLE_CELL_MARGIN, TEXT_WIDTH

TWIPS_PER_CM = 1440 / 2.54
#: Text size of tables unless a table asks for another (points).
TABLE_FONT = 13.0


@dataclass(slots=True)
class Cell:
    """A table cell: one or more paragraphs; ``span`` grid columns; ``merge``: "" (none), "restart"
    (the first row of a vertical merge) or "continue" (a row it covers below)."""

    paras: list[list[Span]]
    align: str = "left"
    bold: bool = False
    span: int = 1
    merge: str = ""


@dataclass(slots=True)
class Row:
    """A table row; ``kind`` is header, group (merged across), data, form (to fill in) or total."""

    kind: str
    cells: list[Cell]


@dataclass
class Table:
    """Column widths as fractions of the text width, and the rows.

    ``keep_header``: the header rows (and group rows) stay with the row below them on the page, and
    merged cells are written as merges (tables a plan writes itself); ``font_size``: points, None
    for :data:`TABLE_FONT`; ``landscape``: the table asks for a landscape page.
    """

    widths: list[float]
    rows: list[Row]
    keep_header: bool = False
    font_size: float | None = None
    landscape: bool = False

    @property
    def size(self) -> float:
        """The table's text size in points."""
        return self.font_size or TABLE_FONT


def placed(row: Row) -> Iterator[tuple[int, Cell]]:
    """(first grid column, cell) of each cell of ``row``."""
    col = 0
    for cell in row.cells:
        yield col, cell
        col += cell.span


#: Advice for a narrow column: (column index, width it needs in twips) → what to write.
Advice = Callable[[int, float], str]


def column_warnings(table: Table, landscape: bool, name: str, columns: list | None = None, *,
                    configurable: bool = False, advise: Advice | None = None) -> list[str]:
    """Columns narrower than their longest word (the renderer would split it mid-word).

    Widths are measured with :mod:`.metrics` (Times New Roman at the table's size; header row bold)
    against the column's width less the cell margins, as the .docx writer sets them. The advice
    names the ``width`` to give (plan widths are proportions of the text width), or ``advise``'s.
    Cells merged across columns are not a single column's and are not measured.
    """
    text_width = LANDSCAPE_TEXT_WIDTH if landscape else TEXT_WIDTH
    size = table.size
    width = len(table.widths)
    headers = [""] * width
    for row in table.rows:
        if row.kind != "header":
            break
        for col, cell in placed(row):
            if cell.span == 1 and cell.merge != "continue" and col < width:
                headers[col] = "".join(s.text for s in cell.paras[0]) if cell.paras else ""
    plain: list[set[str]] = [set() for _ in table.widths]     # each text split once
    bold: list[set[str]] = [set() for _ in table.widths]
    for row in table.rows:
        if row.kind == "group":
            continue
        if len(row.cells) == width:       # the common case: one cell per column
            pairs = zip(row.cells, plain, bold, strict=True)
        else:
            pairs = ((cell, plain[col], bold[col]) for col, cell in placed(row)
                     if cell.span == 1 and col < width)
        for cell, texts, bold_texts in pairs:
            if cell.span != 1:
                continue
            for spans in cell.paras:
                for span in spans:
                    if span.note is None:
                        (bold_texts if span.bold or cell.bold else texts).add(span.text)
    longest = [max(_longest_word(p, False, size), _longest_word(b, True, size))
               for p, b in zip(plain, bold, strict=True)]
    sized = bool(columns) and all(c.width for c in columns or [])
    out = []
    for col, (frac, (need_pt, word)) in enumerate(zip(table.widths, longest, strict=True)):
        usable_pt = (frac * text_width - 2 * TABLE_CELL_MARGIN) / metrics.TWIPS_PER_PT
        if need_pt <= usable_pt:
            continue
        need = need_pt * metrics.TWIPS_PER_PT + 2 * TABLE_CELL_MARGIN        # twips
        fixes = []
        if advise is not None:
            fixes.append(advise(col, need))
        elif sized and columns and need < text_width:
            # w'/(S - w + w') * text_width >= need  ⇔  w' >= need (S - w) / (text_width - need)
            total, own = sum(c.width or 0 for c in columns), columns[col].width or 0
            fixes.append(f"width: {math.ceil(need * (total - own) / (text_width - need) * 10) / 10:g}"
                         f" cho cột '{columns[col].key}'")
        elif configurable:
            fixes.append("khai báo 'columns' với width rộng hơn cho cột này")
        if not landscape:
            fixes.append("landscape: true")
        fixes.append("viết ngắn từ này" if not [f for f in fixes if f] else "")
        fix = " hoặc ".join(f for f in fixes if f)
        header = headers[col] or f"thứ {col + 1}"
        out.append(
            f"cảnh báo (warning): {name}, cột '{header}' rộng {_cm(frac * text_width)} cm, cần {_cm(need)} cm"
            f" cho từ '{word}' — chữ sẽ bị ngắt giữa từ; sửa: {fix}"
            " (column too narrow for its longest word)")
    return out


def _longest_word(texts: set[str], bold: bool, size: float = TABLE_FONT) -> tuple[float, str]:
    """(width in points at ``size``, word) of the widest word in ``texts``, ties to the greatest
    word; (0.0, "") for none. Longest words first, stopping where no shorter one can be wider."""
    best = (0.0, "")
    widest = metrics.WIDEST_BOLD if bold else metrics.WIDEST
    for word in sorted({w for text in texts for w in text.split()}, key=len, reverse=True):  # each word once
        if len(word) * widest * size / 1000.0 < best[0]:      # an upper bound, rounded as text_width_pt rounds
            break
        best = max(best, (metrics.text_width_pt(word, size, bold=bold), word))
    return best


def _cm(twips: float) -> str:
    return f"{twips / TWIPS_PER_CM:.1f}".replace(".", ",")
