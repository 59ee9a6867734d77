"""A Word table → a plan table (``table:`` of a body block or a ``type: table`` appendix).

Header rows (marked to repeat, bold, or a second level under merged header cells) become the
columns' headings or ``header:`` rows with their merges; a column-number row "(1) (2) …" under the
header becomes ``numbers: true``; an STT column numbered 1, 2, … (typed or by Word, restarting under
each group row) becomes ``stt: true``; a row that runs across the table ("I | CẢI CÁCH THỂ CHẾ", one
merged cell) becomes a group row; merged cells keep their ``span`` and ``rows``. Empty cells are
not content. Every difference kh's layout will print (the STT heading, the numbers row's count, a
group's numeral) is reported with its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from .report import Report
from .source import Cell, Para, Table
from .text import Casing, markup, strip_runs


class _Rec(Protocol):
    report: Report
    casing: Casing

    def mark(self, para: Para, status: str = ...) -> None: ...


STT_HEADERS = ("STT", "TT", "SỐ TT", "SỐ THỨ TỰ")
_ROMAN = re.compile(r"^([IVXLC]+)\s*[.)]?$")
_ROMAN_LABEL = re.compile(r"^([IVXLC]+)\s*[.)]\s*(.+)$", re.S)
_NUMBER = re.compile(r"^(\d{1,4})\s*[.)]?$")
_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2})\)?$")


@dataclass
class _Slot:
    """A cell on the grid: where it starts, how many columns and rows it covers."""

    cell: Cell
    col: int
    rows: int = 1


def grid_row(table: Table, index: int) -> list[_Slot]:
    """Row ``index`` of the table's grid."""
    return _grid(table)[index]


def _grid(table: Table) -> list[list[_Slot]]:
    """Each row's cells that start there (vertical continuations folded into the cell above)."""
    out: list[list[_Slot]] = []
    open_at: dict[int, _Slot] = {}      # column → the slot a vertical merge started in
    for row in table.rows:
        slots: list[_Slot] = []
        col = 0
        for cell in row.cells:
            if cell.vmerge_continue and col in open_at:
                open_at[col].rows += 1
            else:
                slot = _Slot(cell, col)
                slots.append(slot)
                if cell.vmerge_start:
                    open_at[col] = slot
                else:
                    open_at.pop(col, None)
            col += cell.span
        out.append(slots)
    return out


def _text(cell: Cell) -> str:
    return " ".join(cell.shown.split())


def _is_header_row(slots: list[_Slot], row_header: bool) -> bool:
    texts = [_text(s.cell) for s in slots]
    filled = [s for s in slots if _text(s.cell)]
    if row_header:
        return True
    if not filled:
        return False
    bold = all(all(p.bold for p in s.cell.paras if p.text) for s in filled)
    return bold or texts[0].upper() in STT_HEADERS


def _numbers_row(slots: list[_Slot]) -> list[int] | None:
    values = []
    for s in slots:
        t = _text(s.cell)
        if not t:
            continue
        m = _COLUMN_NUMBER.match(t)
        if not m:
            return None
        values.append(int(m.group(1)))
    if len(values) >= 2 and values == list(range(1, len(values) + 1)):
        return values
    return None


def group_of(slots: list[_Slot], width: int, stt: bool) -> str | None:
    """The group name of a row that runs across the table, else None."""
    filled = [s for s in slots if _text(s.cell)]
    if not filled:
        return None
    if len(slots) == 1 and slots[0].cell.span == width and width > 1:
        return _text(slots[0].cell)
    if stt and len(filled) == 2 and filled[0] is slots[0] and _ROMAN.match(_text(slots[0].cell)) \
            and filled[1].col + filled[1].cell.span == width and all(
                not _text(s.cell) for s in slots if s is not filled[0] and s is not filled[1]):
        if filled[1].cell.span == width - 1 or len(slots) == 2:
            return _text(filled[1].cell)
    return None


def _cell_text(rec: _Rec, cell: Cell) -> list[str]:
    out = []
    for p in cell.paras:
        rec.mark(p)
        if p.text:
            out.append(markup(strip_runs(p.runs), plain=False))
    if not out and cell.shown:
        out = [cell.shown]
    return out


def _cell_value(rec: _Rec, slot: _Slot, header: bool = False) -> Any:
    lines = _cell_text(rec, slot.cell) if not header else [" ".join(slot.cell.shown.split())]
    for p in slot.cell.paras:
        rec.mark(p)
    if header:
        text: Any = lines[0] if lines else ""
    else:
        text = lines[0] if len(lines) == 1 else lines if lines else ""
    if slot.cell.span == 1 and slot.rows == 1 and isinstance(text, str):
        return text
    out: dict[str, Any] = {"text": text}
    if slot.cell.span > 1:
        out["span"] = slot.cell.span
    if slot.rows > 1:
        out["rows"] = slot.rows
    return out


@dataclass
class Parts:
    """A table's rows by role: header rows, the column-number row (its numbers), the rest."""

    header: list[list[_Slot]]
    numbers: list[int] | None
    body: list[list[_Slot]]
    width: int


def split_rows(table: Table) -> Parts:
    """Header rows (one, or two under merged header cells or marked to repeat), the column-number
    row under them, and the body rows."""
    grid = _grid(table)
    n_header = 1 if grid and _is_header_row(grid[0], table.rows[0].header) else 0
    if n_header and len(grid) > 2:   # a second level: under a header cell merged down, or marked to repeat
        down = any(s.rows > 1 for s in grid[0])
        across = any(s.cell.span > 1 for s in grid[0])
        if table.rows[1].header or down or (across and _is_header_row(grid[1], False)):
            n_header = 2
    body = grid[n_header:]
    numbers = _numbers_row(body[0]) if body else None
    if numbers is not None:
        body = body[1:]
    return Parts(grid[:n_header], numbers, body, table.width)


def mark_all(rec: _Rec, slots: list[_Slot]) -> None:
    for s in slots:
        for p in s.cell.paras:
            rec.mark(p)


def table_data(rec: _Rec, table: Table, landscape: bool = False) -> dict[str, Any]:
    """The plan's ``table:`` for ``table``; every paragraph of it marked placed."""
    parts = split_rows(table)
    width, where = parts.width, table.where
    header_rows, numbers, body = parts.header, parts.numbers, parts.body
    n_header = len(header_rows)
    if numbers is not None:
        mark_all(rec, grid_row(table, n_header))
    head_texts = [_text(s.cell) for s in header_rows[0]] if header_rows else []
    stt = bool(head_texts) and head_texts[0].upper() in STT_HEADERS and header_rows[0][0].cell.span == 1 \
        and stt_column(body, width)
    out: dict[str, Any] = {}
    # header
    if header_rows:
        simple = len(header_rows) == 1 and all(s.cell.span == 1 and s.rows == 1 for s in header_rows[0])
        rows = [[s for s in r if not (stt and s.col == 0)] for r in header_rows]
        if simple:
            out["columns"] = [_cell_value(rec, s, header=True) for s in rows[0]]
        else:
            out["header"] = [[_cell_value(rec, s, header=True) for s in r] for r in rows]
        for r in header_rows:
            for s in r:
                for p in s.cell.paras:
                    rec.mark(p)
        if stt and head_texts[0] != "STT":
            rec.report.fix(f"{where}, hàng 1, ô 1", head_texts[0], f"tiêu đề cột '{head_texts[0]}' → 'STT'"
                           " (kh heads its automatic numbering column 'STT')")
    if stt:
        out["stt"] = True
    if numbers is not None:
        out["numbers"] = True
        if len(numbers) != width:
            rec.report.fix(f"{where}, hàng {n_header + 1}", " ".join(f"({n})" for n in numbers),
                           f"dòng số thứ tự cột: kh đánh (1) … ({width}) cho cả {width} cột"
                           f" (the column-number row numbers every column)")
    data: list[Any] = []
    group_no = 0
    for r_i, slots in enumerate(body, start=n_header + 1 + (numbers is not None)):
        group = group_of(slots, width, stt)
        if group is not None:
            group_no += 1
            for s in slots:
                for p in s.cell.paras:
                    rec.mark(p)
            m = _ROMAN_LABEL.match(group)
            name = m.group(2) if m else group
            data.append({"group": rec.casing.sentence(name)})
            if stt and not _ROMAN.match(_text(slots[0].cell)) and not m:
                rec.report.fix(f"{where}, hàng {r_i}", group, "dòng nhóm: kh thêm số La Mã ở cột STT"
                               " (a group row gets its Roman numeral)")
            if name.upper() != name:
                rec.report.fix(f"{where}, hàng {r_i}", group, "dòng nhóm: kh viết IN HOA (group rows are in capitals)")
            continue
        cells = [s for s in slots if not (stt and s.col == 0)]
        if stt:
            for p in slots[0].cell.paras:
                rec.mark(p)
        row = [_cell_value(rec, s) for s in cells]
        if not row:
            continue
        data.append(row)
    if not data:   # a form to fill in: header only; kh needs a row
        data.append([""] * _data_width(out, width, stt))
        rec.report.fix(where, head_texts[0] if head_texts else "", "bảng chỉ có dòng tiêu đề: kh thêm một hàng"
                       " trống để điền (a header-only table gets one empty row)")
    out["rows"] = data
    if landscape:
        out["landscape"] = True
    return out


def _data_width(out: dict[str, Any], width: int, stt: bool) -> int:
    if out.get("columns"):
        return len(out["columns"])
    if out.get("header"):
        return sum(c.get("span", 1) if isinstance(c, dict) else 1 for c in out["header"][0])
    return width - (1 if stt else 0)


def stt_column(body: list[list[_Slot]], width: int) -> bool:
    """The first column counts 1, 2, …, restarting under each group row (as kh numbers it)."""
    restart: list[int] = []
    n_restart = rows = 0
    for slots in body:
        if group_of(slots, width, True) is not None:
            n_restart = 0
            continue
        if not slots or slots[0].col != 0:
            return False
        m = _NUMBER.match(_text(slots[0].cell))
        if not m or slots[0].rows > 1:
            return False
        n_restart += 1
        restart.append(int(m.group(1)) - n_restart)
        rows += 1
    return rows > 0 and not any(restart)
