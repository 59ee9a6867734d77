"""Writer: a plan's tasks → an Excel workbook (.xlsx), one sheet per unit, for follow-up.

The first sheet, "Tổng hợp", lists every task; each unit then has its sheet (its name as the
profile writes it, shortened to Excel's 31 characters) with the tasks it leads or supports, the
other units, the timing as printed, the deadline as a real date cell, the product and an empty
"Kết quả" column to fill. Header row bold and frozen, A4 landscape, one page wide. The same plan
always gives the same bytes: the document properties carry the plan's date and the zip entries a
fixed time (:func:`..ooxml.package.normalise_zip`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any

from ..layout.metrics import text_width_pt
from ..layout.task_rows import LEAD, TaskRow, UnitTasks, issued_on, plan_reference, task_rows, units_tasks
from ..model.plan import Plan
from ..ooxml.package import normalise_zip

SUMMARY = "Tổng hợp"
#: Excel's limits: sheet name length (UTF-16 units), characters per cell.
MAX_SHEET_NAME, MAX_CELL = 31, 32767
#: Characters Excel refuses in a sheet name; a name may not start or end with an apostrophe either.
_SHEET_BAD = re.compile(r"[:\\/?*\[\]\x00-\x1f]")
#: Reserved by Excel (compared without case).
_RESERVED = {"history"}
DATE_FORMAT = "DD/MM/YYYY"
FONT = "Times New Roman"

#: (header, width in characters) of a unit's sheet and of the summary sheet.
UNIT_COLUMNS = [("STT", 5), ("Nhóm nhiệm vụ", 16), ("Nội dung công việc", 46), ("Vai trò", 9),
                ("Đơn vị chủ trì khác", 18), ("Đơn vị phối hợp khác", 18), ("Thời gian thực hiện", 13),
                ("Hạn hoàn thành", 11), ("Dự kiến sản phẩm", 18), ("Kết quả", 22)]
SUMMARY_COLUMNS = [("STT", 5), ("Nhóm nhiệm vụ", 16), ("Nội dung công việc", 48), ("Đơn vị chủ trì", 20),
                   ("Đơn vị phối hợp", 20), ("Thời gian thực hiện", 13), ("Hạn hoàn thành", 11),
                   ("Dự kiến sản phẩm", 18), ("Kết quả", 22)]
#: Body font size (pt) and the height of one of its lines (pt).
SIZE, LINE_HEIGHT = 11, 13.5
#: Points per unit of column width (Excel: the 7-pixel digit of the default Calibri 11) and the
#: cell's inner padding.
PT_PER_UNIT, CELL_PADDING_PT = 7 * 0.75, 3.0
#: Rows above the table: the sheet's title (the unit), the plan it comes from; then the header row.
HEADER_ROW = 3


def render_tasks_xlsx(plan: Plan) -> bytes:
    """The plan's tasks as .xlsx bytes: "Tổng hợp", then one sheet per unit (profile order)."""
    from openpyxl import Workbook

    rows = task_rows(plan)
    units = units_tasks(plan, rows)
    reference = plan_reference(plan)
    wb = Workbook()
    _base_font(wb)
    summary = wb.active
    summary.title = SUMMARY
    _table(summary, "Tổng hợp nhiệm vụ", reference, SUMMARY_COLUMNS, [_summary_values(r) for r in rows])
    for name, unit in zip(sheet_names([u.unit for u in units]), units, strict=True):
        _table(wb.create_sheet(name), unit.unit, reference, UNIT_COLUMNS, _unit_values(unit))
    stamp = dt.datetime.combine(issued_on(plan), dt.time())
    props = wb.properties
    props.creator, props.lastModifiedBy = "kh", None
    props.title = " ".join(plan.subject.split())
    props.created = props.modified = stamp
    return normalise_zip(_save(wb))


def _base_font(wb: Any) -> None:
    """Times New Roman as the workbook's Normal font: unstyled cells and the unit of column width.

    openpyxl has no public setting for it; its font list and Normal style are replaced before any
    cell is styled (a test checks the written styles.xml).
    """
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList

    base = Font(name=FONT, size=SIZE, family=1)
    wb._fonts = IndexedList([base])
    wb._named_styles["Normal"].font = base


def _save(wb: Any) -> bytes:
    """The workbook's package, written without openpyxl's ``save`` (which stamps the current time)."""
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    class Archive(zipfile.ZipFile):
        """The zip openpyxl writes into, with the fonts of styles.xml put in Excel's order."""

        def writestr(self, name: Any, data: Any, *args: Any, **kwargs: Any) -> None:
            if name == "xl/styles.xml":
                data = _font_order(data if isinstance(data, bytes) else data.encode("utf-8"))
            super().writestr(name, data, *args, **kwargs)

    buf = io.BytesIO()
    with Archive(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    return buf.getvalue()


#: Child order of <font> as Excel writes it and the Open XML SDK expects (the ISO schema allows any).
_FONT_ORDER = ["b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color",
               "name", "family", "charset", "scheme"]


def _font_order(styles: bytes) -> bytes:
    """styles.xml with each font's properties in Excel's order (openpyxl writes name first)."""
    from lxml import etree

    root = etree.fromstring(styles)
    rank = {name: i for i, name in enumerate(_FONT_ORDER)}
    for font in root.iter(f"{{{root.nsmap[None]}}}font"):
        children = sorted(font, key=lambda el: rank.get(etree.QName(el).localname, len(rank)))
        font[:] = children
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def sheet_names(units: Sequence[str]) -> list[str]:
    """Excel-safe, unique (without case) sheet names of at most 31 characters, one per unit.

    Forbidden characters become "-", a long name is cut at a word and ends with "…", a name met
    again (or "Tổng hợp") gets " (2)", " (3)", ...
    """
    taken = {SUMMARY.casefold(), *_RESERVED}
    out = []
    for unit in units:
        base = _SHEET_BAD.sub("-", " ".join(unit.split())).strip("'") or "Đơn vị"
        name, n = _fit(base, ""), 1
        while name.casefold() in taken:
            n += 1
            name = _fit(base, f" ({n})")
        taken.add(name.casefold())
        out.append(name)
    return out


def _units16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fit(base: str, suffix: str) -> str:
    """``base`` + ``suffix`` within :data:`MAX_SHEET_NAME`, cut at a word boundary with "…"."""
    if _units16(base + suffix) <= MAX_SHEET_NAME:
        return base + suffix
    room = MAX_SHEET_NAME - _units16(suffix) - 1
    cut = base
    while _units16(cut) > room:
        cut = cut[:-1]
    whole_word = cut.endswith(" ") or base[len(cut):len(cut) + 1].isspace()
    if not whole_word and " " in cut.strip():
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip(" ,;-–'") + "…" + suffix


def _lines(items: Sequence[str]) -> str:
    """Several lines in one cell as the appendix prints them ("- a" / "- b"), one line as it is."""
    if len(items) > 1:
        return "\n".join(i if i.startswith(("- ", "+ ")) else f"- {i}" for i in items)
    return items[0] if items else ""


def _summary_values(row: TaskRow) -> list[Any]:
    return [row.number, row.group, row.text, ", ".join(row.leads), ", ".join(row.supports),
            "\n".join(row.timing), row.deadline, _lines(row.product), None]


def _unit_values(unit: UnitTasks) -> list[list[Any]]:
    return [[n, t.row.group, t.row.text, t.role, ", ".join(t.other_leads), ", ".join(t.other_supports),
             "\n".join(t.row.timing), t.row.deadline, _lines(t.row.product), None]
            for n, t in enumerate(unit.tasks, start=1)]


def _table(ws: Any, title: str, reference: str, columns: list[tuple[str, int]], values: list[list[Any]]) -> None:
    """Fill a sheet: title, plan reference, bold frozen header, bordered wrapped cells, print set-up."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(columns))
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    top = Alignment(vertical="top", wrap_text=True)
    centre = Alignment(horizontal="center", vertical="top", wrap_text=True)
    body = Font(name=FONT, size=SIZE, family=1)
    _put(ws.cell(1, 1), title, Font(name=FONT, size=SIZE + 2, bold=True))
    _put(ws.cell(2, 1), reference, Font(name=FONT, size=SIZE, italic=True))
    for cell_range in (f"A1:{last}1", f"A2:{last}2"):
        ws.merge_cells(cell_range)
    ws.row_dimensions[2].height = 32
    ws["A2"].alignment = Alignment(vertical="top", wrap_text=True)
    fill = PatternFill("solid", fgColor="D9D9D9")
    for c, (header, width) in enumerate(columns, start=1):
        cell = ws.cell(HEADER_ROW, c)
        _put(cell, header, Font(name=FONT, size=SIZE, bold=True))
        cell.alignment, cell.border, cell.fill = centre, border, fill
        ws.column_dimensions[get_column_letter(c)].width = width
    centred = {c for c, (header, _) in enumerate(columns, start=1)
               if header in ("STT", "Vai trò", "Hạn hoàn thành", "Thời gian thực hiện")}
    for r, row in enumerate(values, start=HEADER_ROW + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c)
            _put(cell, value, body)
            cell.border = border
            cell.alignment = centre if c in centred else top
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            if value == LEAD and columns[c - 1][0] == "Vai trò":
                cell.font = Font(name=FONT, size=SIZE, bold=True)
        ws.row_dimensions[r].height = _height(row, [w for _, w in columns])
    ws.row_dimensions[HEADER_ROW].height = _height([h for h, _ in columns], [w for _, w in columns], bold=True)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if values:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + len(values)}"
    setup = ws.page_setup
    setup.orientation, setup.paperSize = "landscape", ws.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P/&N"


def _height(values: Sequence[Any], widths: Sequence[int], bold: bool = False) -> float:
    """A row height (pt) showing every wrapped line: spreadsheets do not size the rows of a new file."""
    lines = 1
    for value, width in zip(values, widths, strict=True):
        if isinstance(value, str):
            room = width * PT_PER_UNIT - CELL_PADDING_PT
            lines = max(lines, sum(_wrapped(part, room, bold) for part in value.split("\n")))
    return round(lines * LINE_HEIGHT + 3, 1)


def _wrapped(text: str, room: float, bold: bool) -> int:
    """Lines ``text`` takes in a column ``room`` points wide, wrapped at spaces (Times New Roman)."""
    lines, used = 1, 0.0
    space = text_width_pt(" ", SIZE, bold)
    for word in text.split(" "):
        width = text_width_pt(word, SIZE, bold)
        if used and used + space + width > room:
            lines, used = lines + 1, 0.0
        used += (space if used else 0.0) + width
        while used > room:                      # a word longer than the column breaks anywhere
            lines, used = lines + 1, used - room
    return lines


def _put(cell: Any, value: Any, font: Any) -> None:
    """Set a cell's value and font; text stays text (never a formula), within Excel's limits."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > MAX_CELL:
            value = value[:MAX_CELL - 1] + "…"
    cell.value = value
    if isinstance(value, str) and value:
        cell.data_type = "s"          # "=..." would otherwise be written as a formula
    cell.font = font
