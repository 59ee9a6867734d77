"""Appendices: the heading block, then a task table (groups, columns), a report form or a budget."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Protocol

from ..layout.blocks import TASK_HEADERS
from . import units
from .report import Report
from .source import Cell, Para, Row, SourceDoc, Table
from .text import Casing, markup, strip_runs


class Recogniser(Protocol):
    """What reading an appendix needs of the recogniser that calls it (importer.recognise)."""

    doc: SourceDoc
    report: Report
    casing: Casing
    org: Any
    plan: dict[str, Any]

    def mark(self, para: Para, status: str = ...) -> None: ...

_COLUMN_KEYS = (
    ("stt", re.compile(r"^(STT|TT|Số TT)$", re.I)),
    ("task", re.compile(r"nội dung|công việc|nhiệm vụ", re.I)),
    ("lead", re.compile(r"chủ trì", re.I)),
    ("support", re.compile(r"phối hợp", re.I)),
    ("timing", re.compile(r"thời gian|thời hạn|tiến độ", re.I)),
    ("product", re.compile(r"sản phẩm|kết quả", re.I)),
)
_GROUP = re.compile(r"^([IVXLC]+)\s*[.)]\s*(.+)$")


def _money(text: str) -> int | None:
    digits = text.replace(".", "").replace(" ", "")
    return int(digits) if digits.isdigit() else None


def _quantity(text: str) -> float | int | None:
    t = text.replace(".", "").replace(",", ".").strip()
    try:
        value = float(t)
    except ValueError:
        return None
    return int(value) if value == int(value) else value


def _cell_lines(rec: Recogniser, cell: Any) -> list[str]:
    out: list[str] = []
    for p in cell.paras:
        rec.mark(p)
        for line in p.text.split("\n") if not rec.doc.formatted else [None]:
            if line is None:
                text = markup(strip_runs(p.runs))
            else:
                text = line
            text = text.strip()
            if text:
                out.append(text)
    if len(out) > 1:
        out = [re.sub(r"^[-–+•]\s*", "", x) for x in out]
    return out


def _timing(text: str, year: int | None) -> Any:
    """"Quý I/2021" → {quarter: 1}; "Tháng 02/2021" → {month: 2}; dates; otherwise the words."""
    m = re.fullmatch(r"Quý (I|II|III|IV)/(\d{4})", text)
    if m:
        q = ("I", "II", "III", "IV").index(m.group(1)) + 1
        return {"quarter": q} if int(m.group(2)) == year else {"quarter": q, "year": int(m.group(2))}
    m = re.fullmatch(r"Tháng (\d{2}|\d{1,2})/(\d{4})", text)
    if m and (int(m.group(1)) > 2 or len(m.group(1)) == 2) and 1 <= int(m.group(1)) <= 12:
        month = int(m.group(1))
        if (month <= 2) == (len(m.group(1)) == 2) or month >= 10:
            return {"month": month} if int(m.group(2)) == year else {"month": month, "year": int(m.group(2))}
    m = re.fullmatch(r"(Trước ngày )?(\d{2})/(\d{2}|\d)/(\d{4})", text)
    if m:
        try:
            date = dt.date(int(m.group(4)), int(m.group(3)), int(m.group(2)))
        except ValueError:
            return text
        from ..lang.datewords import short_date

        if short_date(date) == text.removeprefix("Trước ngày "):
            return {"before": date} if m.group(1) else {"date": date}
    return text


def _is_group_row(cells: list[str], width: int) -> bool:
    filled = [c for c in cells if c]
    if not filled:
        return False
    if len(set(filled)) == 1 and (len(cells) == 1 or len(filled) == len(cells) or len(filled) == 1):
        return bool(_GROUP.match(filled[0])) or len(cells) == 1
    return False


def read_appendix(rec: Recogniser, blocks: list[Para | Table], labelled: bool = True) -> dict[str, Any] | None:
    """One appendix from the blocks after its "Phụ lục" line (or from its page when unlabelled)."""
    title: list[str] = []
    unit_line = "none"
    k = 0
    while k < len(blocks) and isinstance(blocks[k], Para):
        p = blocks[k]
        if not p.text:
            k += 1
            continue
        if p.text.startswith("Tên đơn vị"):
            unit_line = "above" if not title else "below"
            rec.mark(p)
            k += 1
            continue
        first_line = p.text.split("\n")[0]
        if p.text.startswith("(") or not (p.bold or p.text.upper() == p.text or (title and not labelled)
                                          or (not rec.doc.formatted and first_line.upper() == first_line)):
            break
        title += p.text.split("\n") if not rec.doc.formatted else [p.text]
        rec.mark(p)
        k += 1
    # the "(Kèm theo Kế hoạch ...)" line: kh writes it from the plan
    attached: list[str] = []
    while k < len(blocks) and isinstance(blocks[k], Para):
        p = blocks[k]
        if p.text and not (p.text.startswith("(") or p.text.startswith("của ") or re.search(r"\)$", p.text)):
            break
        rec.mark(p)
        attached.append(p.text)
        k += 1
        if p.text.endswith(")"):
            break
    _attached_facts(rec, " ".join(" ".join(attached).split()))
    heading = None
    if len(title) >= 2 and len(title[0].split()) <= 3 and title[0].upper() == title[0] \
            and title[1].upper() != title[1]:
        heading = rec.casing.sentence(title.pop(0))
        name = "\n".join(title)
    else:
        lines = [line for t in title for line in t.split("\n")]
        name = "\n".join(rec.casing.sentence(line, first=i == 0) for i, line in enumerate(lines))
    app: dict[str, Any] = {"title": name or "Phụ lục"}
    if not labelled:
        app["label"] = False
    rec.report.recognised.setdefault("phụ lục (appendices)", [])
    before: list[str] = []
    after: list[str] = []
    main: Table | None = None
    for block in blocks[k:]:
        if isinstance(block, Table):
            if main is None:
                main = block
                continue
            if main is not None and _continues(main, block):
                main.rows += block.rows
                continue
            texts = " ".join(c.text for r in block.rows for c in r.cells)
            if re.search(r"Người thực hiện|THỦ TRƯỞNG|Ký tên", texts):
                for r in block.rows:
                    for c in r.cells:
                        for p in c.paras:
                            rec.mark(p)
                continue
            for r in block.rows:
                for c in r.cells:
                    for p in c.paras:
                        rec.report.drop(p.where, p.text, "bảng thứ hai trong phụ lục (second table)")
                        rec.mark(p, "unplaced")
            continue
        if not block.text:
            continue
        if block.text.startswith("Tên đơn vị"):
            unit_line = "below" if unit_line == "none" else unit_line
            rec.mark(block)
            continue
        if block.text.startswith("Bằng chữ") or re.match(r"^(Người thực hiện|Ngày …)", block.text):
            rec.mark(block)   # written by kh: amount in words, the report form's signature places
            continue
        if main is not None and _GROUP.match(block.text) and block.text.upper() == block.text:
            main.rows.append(Row([Cell([block])]))    # a group row the text export took out of the table
            continue
        names = {" ".join(" ".join(rec.org.header).split()), (rec.org.name or "").upper(),
                 (getattr(rec, "appendix_org", None) or "").upper()} - {""}
        if main is not None and block.text.upper() == block.text and " ".join(block.text.split()) in names:
            rec.report.drop(block.where, block.text, "tên cơ quan sau bảng (the seal's text, not content)")
            rec.mark(block, "unplaced")
            continue
        (before if main is None else after).append(markup(strip_runs(block.runs)))
        rec.mark(block)
    if main is None:
        rec.report.notes.append(f"phụ lục '{app['title']}' không có bảng: bỏ qua (appendix without a table skipped)")
        for p in [b for b in blocks if isinstance(b, Para)]:
            if p.text:
                rec.report.drop(p.where, p.text, "phụ lục không có bảng (appendix without a table)")
                rec.mark(p, "unplaced")
        return None
    app["landscape"] = bool(rec.doc.landscape.get(main.section, False))
    if not rec.doc.formatted and main.width >= 5:
        app["landscape"] = True
        rec.report.notes.append("văn bản thuần không ghi hướng trang: bảng nhiều cột đặt trang ngang"
                                " (plain text has no page orientation: a wide table is set landscape)")
    if not app["landscape"]:
        del app["landscape"]
    header = [c.text for c in main.rows[0].cells]
    kind = _table_kind(main)
    if kind == "budget":
        app = {"type": "budget", **app, "items": _budget(rec, main)}
    elif kind == "report":
        app = {"type": "report", **app, **_report_form(rec, main)}
        if heading:
            app["heading"] = heading
        if unit_line != "below":
            app["unit_line"] = unit_line
    else:
        app = {"type": "tasks", **app}
        columns = _task_table(rec, main)
        if columns is not None:
            app["columns"] = columns
    if before:
        app["text"] = before
    if after:
        app["notes"] = after
    rec.report.recognised["phụ lục (appendices)"].append(
        f"{app['type']}: {app['title']} — cột (columns): {' | '.join(header)}"
        + (f"; nhóm (groups): {len(rec.plan.get('tasks', []))}" if app["type"] == "tasks" else ""))
    return app


def _continues(main: Table, block: Table) -> bool:
    """A table continuing the main one (same columns; a text export splits tables at page ends)."""
    return block.width == main.width and bool(block.rows)


_ATTACHED_PLAN = re.compile(r"Kế hoạch số\s*(\d*)\s*/\s*KH-([A-ZĐ0-9-]+)\s+ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+"
                            r"năm\s+(\d{4})(?:\s+của\s+(.+?))?\)?$")


def _attached_facts(rec: Recogniser, text: str) -> None:
    """Number, date and issuer from "(Kèm theo Kế hoạch số 106/KH-UBND ngày ... của ...)" when the
    header lost them (a text export)."""
    m = _ATTACHED_PLAN.search(text)
    if not m:
        return
    if m.group(6):
        rec.appendix_org = m.group(6).strip()
        rec.org.name = rec.org.name or rec.appendix_org
    rec.org.symbol = rec.org.symbol or m.group(2)
    if "decision" in rec.plan or "attached_to" in rec.plan:
        return
    if "number" not in rec.plan and m.group(1):
        rec.plan["number"] = int(m.group(1))
        rec.report.notes.append(f"số văn bản lấy từ dòng 'Kèm theo' của phụ lục: {m.group(1)}"
                                " (number from the appendix)")
    if "date" not in rec.plan:
        try:
            rec.plan["date"] = dt.date(int(m.group(5)), int(m.group(4)), int(m.group(3)))
            rec.plan.pop("year", None)
            rec.report.notes.append("ngày ban hành lấy từ dòng 'Kèm theo' của phụ lục (date from the appendix)")
        except ValueError:
            pass


def _table_kind(table: Table) -> str:
    header = " ".join(c.text for c in table.rows[0].cells)
    if re.search(r"Thành tiền|Đơn giá", header, re.I):
        return "budget"
    if re.search(r"chủ trì|phối hợp|Nội dung công việc", header, re.I):
        return "tasks"
    data = table.rows[1:]
    first = 2 if re.match(r"^(STT|TT)$", table.rows[0].cells[0].text.strip(), re.I) else 1
    if data and all(len(r.cells) > first and not any(c.text for c in r.cells[first:]) for r in data):
        return "report"
    return "tasks"


def _report_form(rec: Recogniser, table: Table) -> dict[str, Any]:
    header = [c.text for c in table.rows[0].cells]
    stt = bool(re.match(r"^(STT|TT)$", header[0].strip(), re.I))
    col = 1 if stt else 0
    for c in table.rows[0].cells:
        for p in c.paras:
            rec.mark(p)
    topics = []
    for row in table.rows[1:]:
        for c in row.cells:
            for p in c.paras:
                rec.mark(p)
        if len(row.cells) > col and row.cells[col].text:
            text = " ".join(row.cells[col].text.split())
            topics.append(text if stt else re.sub(r"^\d+\.\s*", "", text))
    out: dict[str, Any] = {"topics": topics, "fields": header[col + 1:]}
    if header[col] != "Nội dung":
        out["topic_header"] = header[col]
    if not stt:
        out["stt"] = False
    return out


def _budget(rec: Recogniser, table: Table) -> list[dict[str, Any]]:
    items = []
    for row in table.rows:
        cells = [c.text for c in row.cells]
        for c in row.cells:
            for p in c.paras:
                rec.mark(p)
        if len(cells) < 6 or not cells[0].strip().rstrip(".").isdigit():
            continue
        item: dict[str, Any] = {"item": " ".join(cells[1].split())}
        if cells[2]:
            item["unit"] = cells[2]
        qty, price, amount = _quantity(cells[3]), _money(cells[4]), _money(cells[5])
        if qty is not None:
            item["quantity"] = qty
        if price is not None:
            item["price"] = price
        if amount is not None and (qty is None or price is None or qty * price != amount):
            item["amount"] = amount
        items.append(item)
    return items


def _task_table(rec: Recogniser, table: Table) -> list[dict[str, Any]] | None:
    header_cells = [" ".join(c.text.split()) for c in table.rows[0].cells]
    keys: list[str | None] = []
    for h in header_cells:
        key = next((k for k, pat in _COLUMN_KEYS if pat.search(h) and k not in keys), None)
        keys.append(key)
    year = rec.plan.get("year") or (rec.plan.get("date").year if rec.plan.get("date") else None)
    groups: list[dict[str, Any]] = []
    last: dict[str, Any] | None = None
    for r_i, row in enumerate(table.rows):
        cells = [c.text for c in row.cells]
        if r_i == 0 or [" ".join(c.split()) for c in cells] == header_cells:
            for c in row.cells:
                for p in c.paras:
                    rec.mark(p)
            continue
        if _is_group_row(cells, len(header_cells)):
            text = next(c for c in cells if c)
            m = _GROUP.match(text)
            groups.append({"group": rec.casing.sentence(m.group(2) if m else text), "tasks": []})
            for c in row.cells:
                for p in c.paras:
                    rec.mark(p)
            continue
        if not groups:
            groups.append({"tasks": []})
        values: dict[str, list[str]] = {}
        for key, cell in zip(keys, row.cells, strict=False):
            if key is None:
                for p in cell.paras:
                    if p.text:
                        rec.report.drop(p.where, p.text, "cột bảng không nhận ra (unknown column)")
                        rec.mark(p, "unplaced")
                continue
            values[key] = _cell_lines(rec, cell)
        stt = " ".join(values.get("stt", []))
        if last is not None and (not stt or any(c.vmerge_continue for c in row.cells)):
            _continue_task(last, values)
            rec.report.fix(row.cells[1].paras[0].where if len(row.cells) > 1 and row.cells[1].paras else "?",
                           " ".join(cells), "hàng tiếp nối ở trang sau được nối vào nhiệm vụ trước (row continued)")
            continue
        task: dict[str, Any] = {"task": values.get("task", [""])}
        task["lead"] = [u for line in values.get("lead", []) for u in units.split_units(line)]
        support = [u for line in values.get("support", []) for u in units.split_units(line)]
        if support:
            task["support"] = support
        if values.get("timing"):
            task["timing"] = [_timing(t, year) for t in values["timing"]]
        if values.get("product"):
            task["product"] = values["product"]
        for name in task["lead"] + support:
            rec.org.units.setdefault(name, False)
        groups[-1]["tasks"].append(task)
        last = task
    for g in groups:
        for t in g["tasks"]:
            for key in ("task", "lead", "support", "timing", "product"):
                if key in t and isinstance(t[key], list) and len(t[key]) == 1:
                    t[key] = t[key][0]
    rec.plan["tasks"] = groups
    default = list(TASK_HEADERS)
    if keys == default and header_cells == list(TASK_HEADERS.values()):
        return None
    columns = []
    for key, h in zip(keys, header_cells, strict=False):
        if key is None:
            continue
        col: dict[str, Any] = {"key": key}
        if h != TASK_HEADERS[key]:
            col["header"] = h
        columns.append(col)
    return columns


def _continue_task(task: dict[str, Any], values: dict[str, list[str]]) -> None:
    for key, lines in values.items():
        if not lines or key == "stt":
            continue
        if key in ("lead", "support"):
            task.setdefault(key, [])
            task[key] += [u for line in lines for u in units.split_units(line)]
            continue
        current = task.setdefault(key, [])
        if key == "task" and current:
            current[-1] = f"{current[-1]} {lines[0]}".strip()
            current += lines[1:]
        else:
            current += lines
