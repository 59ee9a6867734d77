"""Writer: a plan's tasks → CSV, one row per task and unit role, for spreadsheets and scripts.

UTF-8 with a byte-order mark, so Excel opens Vietnamese text correctly; CRLF line ends; a cell
holding several lines (products, timings) keeps them as lines inside the quoted field. The
deadline is an ISO date (2026-03-31), which every spreadsheet reads as a date. A text that a
spreadsheet would run as a formula (starting with =, +, -, @) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io

from ..layout.task_rows import task_rows, units_tasks
from ..model.plan import Plan

HEADERS = ["Đơn vị", "Vai trò", "STT nhiệm vụ", "Nhóm nhiệm vụ", "Nội dung công việc", "Đơn vị chủ trì",
           "Đơn vị phối hợp", "Thời gian thực hiện", "Hạn hoàn thành", "Dự kiến sản phẩm", "Kết quả"]
#: First characters that make a spreadsheet read a cell as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render_tasks_csv(plan: Plan) -> bytes:
    """The plan's tasks as CSV bytes: a header, then each unit's tasks in the plan's order."""
    rows = task_rows(plan)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for unit in units_tasks(plan, rows):
        for seen in unit.tasks:
            row = seen.row
            deadline = row.deadline
            writer.writerow([_safe(v) for v in (
                unit.unit, seen.role, str(row.number), row.group, row.text, ", ".join(row.leads),
                ", ".join(row.supports), "\n".join(row.timing), deadline.isoformat() if deadline else "",
                "\n".join(row.product), "")])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe(value: str) -> str:
    """``value``, with an apostrophe before a leading formula character."""
    return "'" + value if value.startswith(_FORMULA_START) else value
