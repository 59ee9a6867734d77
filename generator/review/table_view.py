"""A table as a reviewer reads it: named columns, rows with their cells by column, row names.

Built from the laid-out table (:class:`~generator.layout.grid.Table`), so the header names, merged
cells, group rows and the column-number row are the printed ones. A column numbered by kh itself
(the automatic STT of a plan's table, the STT of the budget and report tables) is left out of the
cells: it follows from the rows' order, so a row inserted above does not change the rows below.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass

from ..lang.numbering import roman
from ..layout.grid import Cell, Table, placed
from ..layout.table_layout import table_layout

if typing.TYPE_CHECKING:
    from ..lang.typography import Span
    from ..model.tables import Table as TableModel

_NUMBERS_ROW = re.compile(r"\(\d+\)")
#: Between the levels of a two-level header in a column's name: "Đơn vị / Chủ trì".
LEVELS = " / "


def spans_text(spans: list[Span]) -> str:
    """Spans as printed, footnotes shown inline as ``^[...]``."""
    return "".join("^[" + spans_text(list(s.note)) + "]" if s.note is not None else s.text for s in spans)


def cell_text(cell: Cell) -> str:
    """A cell's paragraphs, one a line."""
    return "\n".join(spans_text(p) for p in cell.paras)


@dataclass
class RowView:
    """One row below the header: ``kind`` data, group, form or total; ``cells``: the text of each
    cell that starts in the row, by content column (0 = the first column after kh's STT);
    ``shape``: where its cells start, how wide they are and how they merge."""

    kind: str
    cells: dict[int, str]
    shape: tuple[tuple[int, int, str], ...]
    printed: str          # the whole row as kh text prints it, STT included

    def key(self, columns: dict[int, int] | None = None) -> str:
        """What identifies the row: its kind and cells (``columns``: only these, renumbered)."""
        cells = self.cells if columns is None else {columns[c]: t for c, t in self.cells.items() if c in columns}
        return self.kind + "\x1e" + "\x1f".join(f"{c}\x1d{t}" for c, t in sorted(cells.items()))

    @property
    def text(self) -> str:
        return " | ".join(t for _, t in sorted(self.cells.items()))


@dataclass
class TableView:
    """``columns``: each content column's name as its header prints it ("" without a header);
    ``header``: the header rows as printed, one a line; ``rows``: the rows below the header."""

    columns: list[str]
    header: list[str]
    rows: list[RowView]
    format: str = ""      # what the plan asks of the table's look: page, text size, widths, alignment

    @property
    def title(self) -> str:
        """The table named by its columns: "bảng: Thời gian | Địa điểm …"."""
        names = [c for c in self.columns if c]
        return "bảng: " + " | ".join(names) if names else f"bảng {len(self.columns)} cột"

    @property
    def text(self) -> str:
        """Everything the table prints (to recognise it when it changed)."""
        return "\n".join([*self.header, *(r.printed for r in self.rows)])

    def column_name(self, col: int, span: int = 1) -> str:
        """"cột Thời gian"; a merged cell by what its columns share ("cột Đơn vị"); "cột 3" unnamed."""
        names = [self.columns[c] if c < len(self.columns) else "" for c in range(col, col + span)]
        if span > 1 and all(names):
            levels = [n.split(LEVELS) for n in names]
            common = []
            for parts in zip(*levels, strict=False):
                if len(set(parts)) != 1:
                    break
                common.append(parts[0])
            if common:
                return "cột " + LEVELS.join(common)
            return "cột " + "–".join([names[0], names[-1]])
        name = names[0] if names else ""
        return f"cột {name}" if name else f"cột {col + 1}"

    def row_names(self) -> list[str]:
        """Each row as a reader finds it: "hàng 3", under group rows "nhóm II › hàng 1" (numbered
        as the STT column numbers them), "nhóm II", "dòng tổng cộng"."""
        out: list[str] = []
        group = n = 0
        for row in self.rows:
            if row.kind == "group":
                group, n = group + 1, 0
                out.append(f"nhóm {roman(group)}")
            elif row.kind == "total":
                out.append("dòng tổng cộng")
            else:
                n += 1
                out.append(f"nhóm {roman(group)} › hàng {n}" if group else f"hàng {n}")
        return out


def model_view(model: TableModel) -> TableView:
    """The view of a plan's own table (``- table:``, ``type: table``)."""
    table, _warnings = table_layout(model, "")
    out = view(table, numbered=model.stt)
    out.format = table_format(model)
    return out


def table_format(model: TableModel) -> str:
    """The look a plan asks of its table, in words: "trang ngang; cỡ chữ 12; cột 1: rộng 22%, căn giữa"."""
    parts = ["trang ngang (landscape)"] if model.landscape else []
    if model.font_size:
        parts.append(f"cỡ chữ (size) {model.font_size:g}")
    aligns = {"center": "căn giữa (centred)", "right": "căn phải (right)"}
    for i, col in enumerate(model.columns or [], start=1):
        said = ([f"rộng (width) {col.width:g}%"] if col.width else []) + \
            ([aligns[col.align]] if col.align in aligns else [])
        if said:
            parts.append(f"cột {i}: " + ", ".join(said))
    return "; ".join(parts)


def view(table: Table, numbered: bool) -> TableView:
    """The view of a laid-out table; ``numbered``: its first column is kh's STT."""
    skip = 1 if numbered else 0
    width = len(table.widths) - skip
    heads = [r for r in table.rows if r.kind == "header"]
    names: list[list[str]] = [[] for _ in range(width)]
    header: list[str] = []
    for row in heads:
        header.append(" | ".join(cell_text(c) for c in row.cells).strip())
        texts = [cell_text(c) for c in row.cells]
        if texts and all(_NUMBERS_ROW.fullmatch(t) for t in texts):
            continue
        for col, cell in placed(row):
            if cell.merge == "continue":
                continue
            text = " ".join(cell_text(cell).split())
            for c in range(max(col, skip), col + cell.span):
                if text and c - skip < width and (not names[c - skip] or names[c - skip][-1] != text):
                    names[c - skip].append(text)
    rows = []
    for row in table.rows:
        if row.kind == "header":
            continue
        cells: dict[int, str] = {}
        shape: list[tuple[int, int, str]] = []
        for col, cell in placed(row):
            if col < skip:
                continue
            shape.append((col - skip, cell.span, cell.merge))
            if cell.merge != "continue":
                cells[col - skip] = cell_text(cell)
        printed = " | ".join("" if c.merge == "continue" else cell_text(c).replace("\n", " ") for c in row.cells)
        rows.append(RowView(row.kind, cells, tuple(shape), printed))
    return TableView([LEVELS.join(n) for n in names], header, rows)
