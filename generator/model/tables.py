"""The table a plan may hold anywhere a block stands (``- table: ...``) and as a ``type: table`` appendix.

Rows are YAML lists, one row a line; a cell is a text (inline marks allowed) or a mapping with
``span`` (columns merged to the right) and ``rows`` (rows merged downwards: the rows below omit that
cell). A ``{group: ...}`` row runs across the table; an automatic STT column restarts under each.
Header rows come from the columns' headers, or from ``header:`` (one or two levels, merged cells).
``source:`` reads the rows from a CSV or .xlsx file next to the plan (the reader loads it).

:func:`grid_problems` checks the shape (each row as wide as the table, merges inside it); the
model runs it on the rows written in YAML, the reader on the rows of a source file.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Discriminator, Field, Tag, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from .base import KhModel, Paragraphs
from .fields import CODE, PLAIN

#: Most columns and most rows one merge may cover (a table wider than this is not a plan's table).
MAX_SPAN = 64
#: Rows a vertical merge may cover.
MAX_ROWS_MERGED = 1000
#: Text sizes a table may use (points): smaller than the body's 13–14 is allowed, not below 11.
MIN_FONT, MAX_FONT = 11, 14

Align = Literal["left", "center", "right"]


def _scalar_text(value: Any) -> Any:
    """A number written bare in a cell is its text ("12", "2.5"); yes/no and dates must be quoted."""
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime)):
        raise ValueError(f"'{value}' đọc thành {'true/false' if isinstance(value, bool) else 'ngày'}, không"
                         " phải chữ: đặt trong dấu nháy, ví dụ '2026-05-12' hoặc 'Có'"
                         " (quote it to make it text)")
    if isinstance(value, (int, float)):
        return str(value)
    return value


def _cell_item(value: Any) -> Any:
    value = _scalar_text(value)
    return {"text": value} if isinstance(value, str) else value


def _column_item(value: Any) -> Any:
    value = _scalar_text(value)
    return {"header": value} if isinstance(value, str) else value


class TableColumn(KhModel):
    """Một cột của bảng: tiêu đề, độ rộng (phần trăm), căn lề."""

    header: Annotated[str | None, PLAIN] = Field(default=None, description="Tiêu đề cột (column heading).")
    width: float | None = Field(
        default=None, gt=0, le=100, allow_inf_nan=False,
        description="Độ rộng, phần trăm bề rộng bảng (không tính cột STT tự động); cột không ghi chia phần"
        " còn lại theo nội dung (width in % of the table; unsized columns share the rest).")
    align: Annotated[Align, CODE] = Field(
        default="left", description="Căn lề các ô của cột: left (mặc định), center, right.")
    key: Annotated[str | None, CODE] = Field(
        default=None,
        description="Chỉ với 'source': tên cột trong dòng đầu của tệp CSV/.xlsx để lấy cột này"
        " (the source file's column heading this column takes).")


ColumnItem = Annotated[TableColumn, BeforeValidator(_column_item, json_schema_input_type=str | TableColumn)]


class HeaderCell(KhModel):
    """Một ô của dòng tiêu đề: gộp sang phải (span) hoặc xuống dưới (rows)."""

    text: Annotated[str, PLAIN] = Field(description="Chữ trong ô tiêu đề.")
    span: int = Field(default=1, ge=1, le=MAX_SPAN, description="Số cột gộp (sang phải).")
    rows: int = Field(default=1, ge=1, le=3, description="Số dòng tiêu đề gộp (xuống dưới).")


HeaderItem = Annotated[HeaderCell, BeforeValidator(_cell_item, json_schema_input_type=str | HeaderCell)]


class TableCell(KhModel):
    """Một ô: lời văn (có thể **đậm**, *nghiêng*), gộp cột (span), gộp dòng (rows), căn lề."""

    text: Paragraphs = Field(default_factory=list, description="Lời văn của ô (nhiều đoạn: danh sách).")
    span: int = Field(default=1, ge=1, le=MAX_SPAN, description="Số cột gộp sang phải (columns merged).")
    rows: int = Field(default=1, ge=1, le=MAX_ROWS_MERGED,
                      description="Số dòng gộp xuống dưới; các dòng dưới bỏ ô này (rows merged downwards).")
    align: Annotated[Align | None, CODE] = Field(
        default=None, description="Căn lề riêng của ô: left, center, right (mặc định theo cột).")


CellItem = Annotated[TableCell, BeforeValidator(_cell_item, json_schema_input_type=str | int | float | TableCell)]


class GroupRow(KhModel):
    """Dòng nhóm chạy suốt bảng: 'I | CẢI CÁCH THỂ CHẾ' (có STT) — STT đánh lại từ 1 bên dưới."""

    group: Annotated[str, PLAIN] = Field(description="Tên nhóm (kh IN HOA; có STT thì đánh số La Mã).")


def _row_kind(value: Any) -> str:
    return "Group" if isinstance(value, dict) else "Cells"


#: A row: a list of cells, or a group row ``{group: ...}`` (the cells first: ``kh fmt`` describes
#: a row's mappings by the first model it finds here).
RowItem = Annotated[
    Annotated[list[CellItem], Tag("Cells")] | Annotated[GroupRow, Tag("Group")],
    Discriminator(_row_kind)]


class SourceFile(KhModel):
    """Tệp chứa các dòng của bảng, với tên trang tính của tệp .xlsx."""

    file: Annotated[str, CODE] = Field(description="Tệp .csv hoặc .xlsx cạnh kế hoạch (the file, next to the plan).")
    sheet: Annotated[str | None, CODE] = Field(
        default=None, description="Trang tính của tệp .xlsx (mặc định trang đầu) (worksheet).")


def _source_item(value: Any) -> Any:
    return {"file": value} if isinstance(value, str) else value


class Table(KhModel):
    """Một bảng: cột, dòng tiêu đề, các dòng (một dòng YAML một hàng), hoặc lấy từ tệp CSV/.xlsx."""

    columns: Annotated[list[ColumnItem] | None, PLAIN] = Field(
        default=None,
        description="Các cột: tiêu đề, hoặc {header, width (%), align}; ví dụ [Thời gian, {header: Địa điểm,"
        " width: 20}] (columns).")
    header: Annotated[list[list[HeaderItem]] | None, PLAIN] = Field(
        default=None,
        description="Dòng tiêu đề viết riêng (một hoặc hai tầng, ô gộp {text, span, rows}) thay cho tiêu đề"
        " các cột (explicit header rows).")
    stt: bool = Field(default=False, description="true: cột STT tự động ở đầu, đánh lại từ 1 dưới mỗi dòng nhóm.")
    numbers: bool = Field(default=False, description="true: dòng số thứ tự cột '(1) (2) (3) …' dưới tiêu đề.")
    rows: list[RowItem] = Field(
        default_factory=list,
        description="Các hàng, mỗi hàng một dòng: [ô, ô, ...]; ô gộp {text, span, rows}; dòng nhóm {group: ...}.")
    source: Annotated[str | SourceFile | None, CODE, BeforeValidator(_source_item)] = Field(
        default=None,
        description="Lấy các hàng từ tệp .csv hoặc .xlsx cạnh kế hoạch ({file, sheet}); dòng đầu là tiêu đề"
        " khi không ghi 'columns' (rows read from a CSV/XLSX file).")
    landscape: bool = Field(
        default=False, description="Trang ngang: trong nội dung, bảng nằm trong một đoạn (section) ngang riêng;"
        " trong phụ lục, cả phụ lục nằm ngang.")
    font_size: float | None = Field(
        default=None, ge=MIN_FONT, le=MAX_FONT, allow_inf_nan=False,
        description="Cỡ chữ trong bảng, 11–14 (mặc định 13) (text size in the table).")

    @model_validator(mode="after")
    def _shape(self) -> Table:
        if self.rows and self.source is not None:
            raise ValueError("bảng dùng 'rows' hoặc 'source', không dùng cả hai (rows or source, not both)")
        if not self.rows and self.source is None:
            raise ValueError("bảng cần 'rows' hoặc 'source' (a table needs rows or a source file)")
        if self.source is None and column_count(self) == 0:
            raise ValueError("bảng cần 'columns', 'header' hoặc một hàng có ô để biết số cột (a table needs"
                             " columns, a header or a row of cells)")
        if self.source is None and self.columns:
            for i, col in enumerate(self.columns):
                if col.key is not None:
                    _fail(("columns", i, "key"), col.key,
                          "'key' chỉ dùng khi bảng lấy từ 'source' (key selects a column of a source file)")
        problems = width_problems(self) + grid_problems(self)
        if problems:
            raise ValidationError.from_exception_data("Table", [InitErrorDetails(
                type=PydanticCustomError("value_error", message), loc=loc, input=None) for loc, message in problems])
        return self

    @property
    def source_file(self) -> SourceFile | None:
        """``source`` as a :class:`SourceFile` (the reader turns a bare path into one)."""
        return self.source if isinstance(self.source, SourceFile) else None


def _fail(loc: tuple[str | int, ...], value: Any, message: str) -> None:
    raise ValidationError.from_exception_data("Table", [InitErrorDetails(
        type=PydanticCustomError("value_error", message), loc=loc, input=value)])


#: A located problem of a table: where (relative to the table) and what.
TableProblem = tuple[tuple[str | int, ...], str]


def header_width(header: list[list[HeaderCell]]) -> int:
    """How many columns the first header row covers (its spans)."""
    return sum(c.span for c in header[0]) if header else 0


def column_count(table: Table) -> int:
    """The table's columns, without the automatic STT: from ``columns``, else the header, else the
    first row of cells (0 when nothing says yet: a source file not read)."""
    if table.columns:
        return len(table.columns)
    if table.header:
        return header_width(table.header)
    for row in table.rows:
        if isinstance(row, list):
            return sum(c.span for c in row)
    return 0


def width_problems(table: Table) -> list[TableProblem]:
    """Widths over 100 % in all, or none left for the columns written without one."""
    if not table.columns:
        return []
    given = [c.width for c in table.columns if c.width is not None]
    total = sum(given)
    if total > 100 + 1e-9:
        return [(("columns",), f"tổng độ rộng các cột là {total:g}%, quá 100% (column widths add up to over 100%)")]
    if len(given) < len(table.columns) and total >= 100 - 1e-9:
        return [(("columns",), "các cột có 'width' đã dùng hết 100%, không còn chỗ cho cột không ghi độ rộng"
                 " (no width left for the columns without one)")]
    return []


def grid_problems(table: Table, rows_key: str = "rows") -> list[TableProblem]:
    """Rows (and header rows) whose width, counting spans and cells merged from above, is not the
    table's; merges that reach past the last column or row (or across a group row)."""
    out: list[TableProblem] = []
    width = column_count(table)
    if table.header:
        if table.columns and header_width(table.header) != len(table.columns):
            out.append((("header", 0), f"dòng tiêu đề rộng {header_width(table.header)} cột, 'columns' có"
                        f" {len(table.columns)} cột (header and columns differ in width)"))
        out += _rows_problems([list(r) for r in table.header], width, ("header",), "dòng tiêu đề")
    if width:
        out += _rows_problems(table.rows, width, (rows_key,), "hàng")
    return out


def _rows_problems(rows: list[Any], width: int, where: tuple[str, ...], what: str) -> list[TableProblem]:
    english = "row" if what == "hàng" else "header row"
    out: list[TableProblem] = []
    below = [0] * width              # per column: rows still covered by a vertical merge from above
    started: list[tuple[int, int] | None] = [None] * width    # (row, cell) where that merge started
    for r, row in enumerate(rows):
        if not isinstance(row, list):          # a group row runs across: no merge may cross it
            for col in range(width):
                if below[col] and started[col] is not None:
                    sr, sc = started[col]
                    out.append((where + (sr, sc, "rows"), "ô gộp dọc vượt qua dòng nhóm bên dưới"
                                " (a vertical merge cannot cross a group row)"))
                    _clear(below, started, started[col])
            continue
        col = 0
        used = 0
        bad_cell = False
        for c, cell in enumerate(row):
            while col < width and below[col]:
                col += 1
                used += 1
            if col >= width:            # more cells than columns: said below, as the row's width
                used += sum(x.span for x in row[c:])
                break
            if col + cell.span > width:
                out.append((where + (r, c), f"ô gộp {cell.span} cột từ cột {col + 1} vượt quá {width} cột của bảng"
                            " (merge out of range)"))
                bad_cell = True
                break
            if cell.rows > 1:
                if r + cell.rows > len(rows):
                    out.append((where + (r, c, "rows"), f"ô gộp {cell.rows} dòng nhưng chỉ còn {len(rows) - r}"
                                f" {what} (merge out of range)"))
                for k in range(col, col + cell.span):     # (what is left of it: no second error below)
                    below[k] = min(cell.rows, len(rows) - r)     # counted down after this row
                    started[k] = (r, c)
            col += cell.span
            used += cell.span
        if bad_cell:
            _step_down(below, started)
            continue
        while col < width and below[col]:
            col += 1
            used += 1
        if used != width:
            out.append((where + (r,), f"{what} {r + 1} có {used} ô (tính cả ô gộp), bảng có {width} cột"
                        f" ({english} {r + 1} has {used} cells, the table"
                        f" {width} columns)"))
        _step_down(below, started)
    return out


def _step_down(below: list[int], started: list[tuple[int, int] | None]) -> None:
    """One row further down: each vertical merge covers one row less."""
    for k, n in enumerate(below):
        if n:
            below[k] = n - 1
            if below[k] == 0:
                started[k] = None


def _clear(below: list[int], started: list[tuple[int, int] | None], origin: tuple[int, int]) -> None:
    for k, s in enumerate(started):
        if s == origin:
            below[k] = 0
            started[k] = None
