"""Tables whose rows live in a CSV or .xlsx file next to the plan (``source: lich.csv``).

Offices keep large tables in Excel; a plan names the file and kh reads its rows: CSV with the
standard library's :mod:`csv` (UTF-8, a BOM allowed; comma, semicolon or tab found by
:class:`csv.Sniffer`), .xlsx with openpyxl (read-only, values not formulas). The file must be in the
plans folder, as ``template:`` must (see :mod:`generator.core.confine`).

The first row is the header when the table writes no ``columns``; with ``columns`` that name a
``key``, the first row is the header and each column takes the file's column of that heading; with
``columns`` and no ``key``, every row is data. Cells are tidied like the plan's own text (NFC, spaces,
quotes), characters XML cannot hold are removed with a warning, and marks (``*``, ``^[``) are printed
as they are: a file's data is never read as emphasis. Blank rows are skipped.

Problems in a file's content are located in that file (``lich.csv:7``, ``lich.xlsx:7:3`` = row 7,
column C); a file missing, outside the plans folder or unreadable is located at ``source:`` in the plan.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import typing
import zipfile
from pathlib import Path
from typing import Any

from ..core.errors import PlanError, Problem, did_you_mean, shorten
from ..lang.typography import XML_BAD, clean
from ..model.content import iter_tables
from ..yamlio.source import MAX_FILE_BYTES, Source, read_bytes
from .texts import MAX_TEXT, bad_chars

if typing.TYPE_CHECKING:
    from ..model.tables import Table

#: Most data rows a source file may give one table.
MAX_SOURCE_ROWS = 100_000
#: Most columns a source file may give one table.
MAX_SOURCE_COLUMNS = 64
#: An .xlsx is a zip: its entries and inflated size are bounded before openpyxl opens it.
MAX_XLSX_ENTRIES = 10_000
MAX_XLSX_INFLATED = 256 * 1024 * 1024

_MARK = re.compile(r"([\\*^\[\]])")
XLS_HINT = "tệp .xls cũ: mở bằng Excel rồi lưu thành .xlsx (save an old .xls as .xlsx)"
SAVE_HINT = ("lưu lại bằng Excel: Tệp > Lưu thành > 'CSV UTF-8 (Comma delimited)' hoặc .xlsx"
             " (save as CSV UTF-8 or .xlsx)")


class SourceProblem(Exception):
    """A problem inside a source file: its message, 1-based row (line) and column there."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None,
                 hint: str | None = None, found: str | None = None):
        super().__init__(message)
        self.message, self.line, self.column, self.hint, self.found = message, line, column, hint, found


def resolve_sources(plan: Any, root: Path, base: Path, src: Source, warnings: list[Problem]) -> None:
    """Read the rows of every table of ``plan`` that names a ``source`` (files relative to ``base``,
    confined to ``root``); a :class:`PlanError` lists every problem."""
    from ..core.confine import ALLOW_HINT, outside_message

    problems: list[Problem] = []
    for where, table in iter_tables(plan):
        spec = table.source_file
        if spec is None:
            continue
        at = where + ("source",)
        if "\x00" in spec.file:
            problems.append(src.problem(at, "đường dẫn chứa ký tự NUL (NUL byte in path)", found=shorten(spec.file)))
            continue
        target = (base / spec.file).resolve()
        refused = outside_message(target, root, f"tệp {target}")
        if refused:
            problems.append(src.problem(at, refused, found=f"'{spec.file}'", hint=ALLOW_HINT))
            continue
        suffix = target.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            problems.append(src.problem(at, "bảng lấy từ tệp .csv hoặc .xlsx (a table's source is a .csv or"
                                        " .xlsx file)", found=f"'{spec.file}'", hint=XLS_HINT))
            continue
        if spec.sheet is not None and suffix != ".xlsx":
            problems.append(src.problem(at + ("sheet",), "'sheet' chỉ dùng với tệp .xlsx (sheets are in .xlsx files)"))
            continue
        try:
            raw = read_bytes(target, spec.file, MAX_FILE_BYTES)
        except PlanError as exc:
            why = exc.problems[0].message if exc.problems else "không đọc được (cannot read)"
            problems.append(src.problem(at, f"tệp của bảng: {why}", found=f"'{spec.file}'",
                                        hint=exc.problems[0].hint if exc.problems else None))
            continue
        name = str(Path(src.file).parent / spec.file) if not Path(spec.file).is_absolute() else spec.file
        spec.file = str(target)       # absolute, as ``template:`` is: the build's inputs name it
        try:
            rows, lines = (read_xlsx(raw, spec.sheet) if suffix == ".xlsx" else read_csv(raw))
            _fill(table, rows, lines, warnings, name)
        except SourceProblem as exc:
            problems.append(Problem(name, exc.line, exc.column, "", exc.message, found=exc.found, hint=exc.hint))
        except _KeyProblem as exc:
            problems.append(src.problem(where + ("columns", exc.index, "key"), exc.message,
                                        expected=exc.expected, hint=exc.hint))
    if problems:
        raise PlanError(problems)


class _KeyProblem(Exception):
    """A column ``key`` the file's header row does not have (located in the plan)."""

    def __init__(self, index: int, message: str, expected: str, hint: str | None):
        super().__init__(message)
        self.index, self.message, self.expected, self.hint = index, message, expected, hint


# ------------------------------------------------------------------ the files
def read_csv(raw: bytes) -> tuple[list[list[str]], list[int]]:
    """The rows of a CSV file (cells as written) and the line each starts on; blank rows left out."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise SourceProblem("tệp CSV không phải UTF-8 (not UTF-8: Windows-1258, TCVN3 or VNI?)", line,
                            hint=SAVE_HINT) from None
    if not text.strip():
        raise SourceProblem("tệp CSV trống (the CSV file is empty)", 1)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:65536], delimiters=",;\t")
        dialect.doublequote = True
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
                lines.append(start)
                if len(rows) > MAX_SOURCE_ROWS + 1:
                    raise SourceProblem(f"quá {MAX_SOURCE_ROWS:,} hàng (more than {MAX_SOURCE_ROWS:,} rows)".replace(
                        ",", "."), start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise SourceProblem(f"tệp CSV hỏng: {_csv_words(str(exc))} (malformed CSV: {exc})", start,
                            hint="kiểm tra dấu nháy kép \" chưa đóng (look for an unclosed quote)") from None
    return rows, lines


def _csv_words(message: str) -> str:
    if "NUL" in message:
        return "có ký tự NUL"
    if "quote" in message or "EOF" in message or "end of data" in message:
        return "dấu nháy kép chưa đóng hoặc đặt sai chỗ"
    return "không đọc được dòng này"


def read_xlsx(raw: bytes, sheet: str | None) -> tuple[list[list[str]], list[int]]:
    """The rows of one worksheet of an .xlsx file (values, not formulas) and their row numbers."""
    if not raw.startswith(b"PK\x03\x04"):
        raise SourceProblem("không phải tệp .xlsx (not an .xlsx file: not a zip package)", hint=XLS_HINT)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise SourceProblem(f"tệp .xlsx hỏng (broken .xlsx: {exc})") from None
    if len(infos) > MAX_XLSX_ENTRIES or sum(i.file_size for i in infos) > MAX_XLSX_INFLATED:
        raise SourceProblem("tệp .xlsx giải nén quá lớn (the .xlsx inflates to too much: a zip bomb?)")
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, SyntaxError) as exc:
        raise SourceProblem(f"tệp .xlsx hỏng, openpyxl không đọc được (broken .xlsx: {exc})") from None
    try:
        names = list(book.sheetnames)
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in names:
            ws = book[sheet]
        else:
            raise SourceProblem(f"không có trang tính '{sheet}' (no such worksheet)",
                                found=f"'{sheet}'", hint=(did_you_mean(sheet, names) or
                                                          "các trang tính: " + ", ".join(names)))
        rows: list[list[str]] = []
        lines: list[int] = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_value_text(v) for v in values]
            if any(c.strip() for c in cells):
                rows.append(cells)
                lines.append(number)
                if len(rows) > MAX_SOURCE_ROWS + 1:
                    raise SourceProblem(f"quá {MAX_SOURCE_ROWS} hàng (more than {MAX_SOURCE_ROWS} rows)", number)
    except SourceProblem:
        raise
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile, OSError, SyntaxError) as exc:
        raise SourceProblem(f"tệp .xlsx hỏng, openpyxl không đọc được (broken .xlsx: {exc})") from None
    finally:
        book.close()
    width = max((max((i for i, c in enumerate(r) if c.strip()), default=-1) + 1 for r in rows), default=0)
    return [r[:width] + [""] * (width - len(r)) for r in rows], lines


def _value_text(value: Any) -> str:
    """A worksheet value as the table prints it: 12; 2,5; 12/05/2026; 08:30; text as it is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).replace(".", ",")
    if isinstance(value, dt.datetime):
        day = value.strftime("%d/%m/%Y")
        return day if value.time() == dt.time() else f"{day} {value.strftime('%H:%M')}"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


# ------------------------------------------------------------------ rows into the table
def _fill(table: Table, rows: list[list[str]], lines: list[int], warnings: list[Problem], name: str) -> None:
    """Put the file's ``rows`` (starting on ``lines``) into ``table``: header, columns, cells."""
    from ..model.tables import TableCell, TableColumn

    columns = table.columns
    keyed = bool(columns) and any(c.key is not None for c in columns or [])
    if columns and keyed and not all(c.key is not None for c in columns):
        missing = next(i for i, c in enumerate(columns) if c.key is None)
        raise _KeyProblem(missing, "bảng lấy cột từ tệp theo 'key': mọi cột đều cần 'key' (every column needs a key)",
                          "tên một cột ở dòng đầu của tệp", None)
    if not rows:
        raise SourceProblem("tệp không có hàng nào (the file has no rows)", 1)
    picks: list[int] | None = None
    width = len(columns) if columns else 0
    if columns is None or keyed:
        head = [_tidy(c, name, lines[0], j, warnings) for j, c in enumerate(rows[0])]
        while head and not head[-1]:
            head.pop()
        if not head:
            raise SourceProblem("dòng đầu (tiêu đề) trống (the header row is empty)", lines[0])
        if len(head) > MAX_SOURCE_COLUMNS:
            raise SourceProblem(f"quá {MAX_SOURCE_COLUMNS} cột (more than {MAX_SOURCE_COLUMNS} columns)", lines[0])
        rows, lines = rows[1:], lines[1:]
        width = len(head)
        if columns is None:
            table.columns = [TableColumn.model_construct(header=h or None, width=None, align="left", key=None)
                             for h in head]
        else:
            folded = {h.casefold(): j for j, h in enumerate(head)}
            picks = []
            for i, col in enumerate(columns):
                j = folded.get(str(col.key).strip().casefold())
                if j is None:
                    raise _KeyProblem(i, f"tệp không có cột '{col.key}' ở dòng đầu (unknown column)",
                                      "một trong: " + ", ".join(h for h in head if h),
                                      did_you_mean(str(col.key), [h for h in head if h]))
                picks.append(j)
                if col.header is None:
                    col.header = head[j]
        if not rows:
            raise SourceProblem("tệp chỉ có dòng tiêu đề, không có hàng dữ liệu (no data rows)", 1)
    out: list[list[TableCell]] = []
    for row, line in zip(rows, lines, strict=True):
        filled = len(row)
        while filled and not row[filled - 1].strip():
            filled -= 1
        if filled > width or len(row) < width:
            raise SourceProblem(f"hàng có {filled if filled > width else len(row)} ô, bảng có {width} cột"
                                f" (ragged row: {filled if filled > width else len(row)} cells, {width} columns)",
                                line, hint="mỗi hàng cần đủ số ô như dòng tiêu đề; ô trống vẫn phải có dấu phân"
                                " cách (every row needs as many cells as the header)")
        cells = row[:width] if picks is None else [row[j] if j < len(row) else "" for j in picks]
        out.append([TableCell.model_construct(text=[t] if t else [], span=1, rows=1, align=None)
                    for t in (_tidy(c, name, line, j, warnings) for j, c in enumerate(cells))])
    table.rows = out      # type: ignore[assignment]


def _tidy(text: str, name: str, line: int, column: int, warnings: list[Problem]) -> str:
    """A cell's text tidied as the plan's prose is, its marks escaped (printed as they are)."""
    if len(text) > MAX_TEXT:
        raise SourceProblem(f"ô quá dài: {len(text):,} ký tự, giới hạn {MAX_TEXT:,} (cell text too long)".replace(
            ",", "."), line, column + 1)
    bad = bad_chars(text)
    if bad:
        warnings.append(Problem(name, line, column + 1, "", f"đã bỏ ký tự Word/XML không chứa được: {bad}"
                                " (removed characters XML cannot hold)", found=repr(text)[:60]))
        text = XML_BAD.sub("", text)
    text = clean(text)
    return _MARK.sub(r"\\\1", text) if ("*" in text or "^" in text or "[" in text or "]" in text
                                        or "\\" in text) else text
