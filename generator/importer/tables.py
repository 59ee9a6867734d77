"""Appendices: the heading block and its "Kèm theo" line, then one table (a task table with its groups,
extra columns and column-number row; a report form; a budget; a table of its own columns) or content
written like the body (a ``type: content`` appendix)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Protocol

from ..layout.blocks import TASK_HEADERS
from . import units
from .report import Report
from .source import Cell, Para, Row, SourceDoc, Table
from .text import Casing, find_label, markup, strip_runs


class Recogniser(Protocol):
    """What reading an appendix needs of the recogniser that calls it (importer.recognise)."""

    doc: SourceDoc
    report: Report
    casing: Casing
    org: Any
    plan: dict[str, Any]
    appendix_issuers: list[tuple[str, str]]

    def mark(self, para: Para, status: str = ...) -> None: ...

    def build_content(self, items: list[Para | Table]) -> list[Any]: ...

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


def read_appendix(rec: Recogniser, blocks: list[Para | Table], label: re.Match[str] | None = None,
                  after_signature: bool = False) -> dict[str, Any] | None:
    """One appendix from the blocks after its "Phụ lục" label (``label``; None: an appendix without
    one, opened by its heading and "(Kèm theo …)" line or by its page): the heading, the "Kèm theo"
    line (its issuer kept), then one table (a task table, a budget, a report form, or a table of its
    own columns) or content written like the body (sections, points, bullets, tables)."""
    title: list[str] = []
    rest = (label.group("rest") or "").strip() if label else ""
    if rest:
        title.append(rest)
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
        if find_label(p.text) is not None and find_label(p.text).kind in ("roman", "num", "letter", "article"):
            break     # the content's first section
        continued = bool(title) and rec.doc.formatted and p.align == "center" and not p.italic \
            and p.text[:1].islower()     # "ĐỀ CƯƠNG BÁO CÁO" / "kết quả thực hiện …"
        if p.text.startswith("(") or not (p.bold or p.text.upper() == p.text or continued or (title and not label)
                                          or (not rec.doc.formatted and first_line.upper() == first_line)):
            break
        if title and label is None and rec.doc.formatted and not (p.bold or continued):
            break
        title += p.text.split("\n") if not rec.doc.formatted else [p.text]
        rec.mark(p)
        k += 1
    # the "(Kèm theo Kế hoạch ...)" line: kh writes it from the plan
    attached: list[Para] = []
    while k < len(blocks) and isinstance(blocks[k], Para):
        p = blocks[k]
        if p.text and not (p.text.startswith("(") or p.text.startswith("của ") or re.search(r"\)$", p.text)):
            break
        if p.text and attached and not p.text.startswith("của ") and p.text.startswith("("):
            break
        if p.text.startswith("(") and not re.match(r"^\((Ban hành )?[Kk]èm theo", p.text):
            break
        rec.mark(p)
        if p.text:
            attached.append(p)
        k += 1
        if p.text.endswith(")"):
            break
    attached_text = " ".join(" ".join(p.text for p in attached).split())
    _attached_facts(rec, attached_text, attached[0].where if attached else "")
    heading = None
    if len(title) >= 2 and len(title[0].split()) <= 3 and title[0].upper() == title[0] \
            and title[1].upper() != title[1]:
        heading = rec.casing.sentence(title.pop(0))
        name = "\n".join(title)
    else:
        lines = [line for t in title for line in t.split("\n")]
        name = "\n".join(rec.casing.sentence(line, first=i == 0) for i, line in enumerate(lines))
    app: dict[str, Any] = {"title": name or "Phụ lục"}
    if not name:
        rec.report.placeholder("appendices[].title", "Phụ lục", "phụ lục không có tên: ghi 'Phụ lục'"
                               " (an appendix without a title)")
    if label is None:
        app["label"] = False
    if after_signature:
        app["placement"] = "after_signature"
    rec.report.recognised.setdefault("phụ lục (appendices)", [])
    content = [b for b in blocks[k:] if isinstance(b, Table) or b.text]
    tables = [b for b in content if isinstance(b, Table)]
    main = _one_table(rec, content, tables)
    if main is None:
        if not content:
            rec.report.notes.append(f"phụ lục '{app['title']}' không có nội dung: bỏ qua (empty appendix skipped)")
            return None
        body = rec.build_content(content)
        app = {"type": "content", **app, "body": body}
        rec.report.recognised["phụ lục (appendices)"].append(f"content: {app['title']} — {len(body)} khối (blocks)")
        return app
    before: list[str] = []
    after: list[str] = []
    for block in content:
        if isinstance(block, Table):
            if _signature_places(block):     # the report form's places to sign: kh writes them
                for row in block.rows:
                    for cell in row.cells:
                        for para in cell.paras:
                            rec.mark(para)
            elif block is not main:      # a table continuing the main one (a text export splits tables)
                main.rows += block.rows
            continue
        if block.text.startswith("Tên đơn vị"):
            unit_line = "below" if unit_line == "none" else unit_line
            rec.mark(block)
            continue
        if block.text.startswith("Bằng chữ") or re.match(r"^(Người thực hiện|Ngày …)", block.text):
            rec.mark(block)   # written by kh: amount in words, the report form's signature places
            continue
        seen = any(b is main for b in content[:content.index(block)])
        if seen and _GROUP.match(block.text) and block.text.upper() == block.text:
            main.rows.append(Row([Cell([block])]))    # a group row the text export took out of the table
            continue
        names = {" ".join(" ".join(rec.org.header).split()), (rec.org.name or "").upper(),
                 (getattr(rec, "appendix_org", None) or "").upper()} - {""}
        if seen and block.text.upper() == block.text and " ".join(block.text.split()) in names:
            rec.report.drop(block.where, block.text, "tên cơ quan sau bảng (the seal's text, not content)")
            rec.mark(block, "unplaced")
            continue
        (after if seen else before).append(markup(strip_runs(block.runs)))
        rec.mark(block)
    landscape = bool(rec.doc.landscape.get(main.section, False))
    if not rec.doc.formatted and main.width >= 5:
        landscape = True
        rec.report.notes.append("văn bản thuần không ghi hướng trang: bảng nhiều cột đặt trang ngang"
                                " (plain text has no page orientation: a wide table is set landscape)")
    if landscape and not after_signature:
        app["landscape"] = True
    header = [c.shown for c in main.rows[0].cells]
    kind = _table_kind(main)
    if kind == "budget":
        app = {"type": "budget", **app, "items": _budget(rec, main)}
    elif kind == "report":
        app = {"type": "report", **app, **_report_form(rec, main)}
        if heading:
            app["heading"] = heading
        if unit_line != "below":
            app["unit_line"] = unit_line
    elif kind == "tasks":
        app = {"type": "tasks", **app}
        columns, numbers = _task_table(rec, main)
        if columns is not None:
            app["columns"] = columns
        if numbers:
            app["numbers"] = True
    else:
        from .grid import table_data

        app = {"type": "table", **app, "table": table_data(rec, main)}
    if heading and kind != "report":
        app["title"] = f"{heading}\n{app['title']}"
    if before:
        app["text"] = before
    if after:
        app["notes"] = after
    rec.report.recognised["phụ lục (appendices)"].append(
        f"{app['type']}: {app['title']} — cột (columns): {' | '.join(header)}"
        + (f"; nhóm (groups): {len(rec.plan.get('tasks', []))}" if app["type"] == "tasks" else ""))
    return app


def _one_table(rec: Recogniser, content: list[Para | Table], tables: list[Table]) -> Table | None:
    """The appendix's one table when it is all the appendix holds (with a few lines around it, and the
    pieces of the same table a text export split), else None: a content appendix."""
    tables = [t for t in tables if not _signature_places(t)]
    if not tables:
        return None
    main = tables[0]
    if any(not _continues(main, t) for t in tables[1:]):
        return None
    start = content.index(main)
    paras = [b for i, b in enumerate(content) if isinstance(b, Para)
             and not (i > start and _GROUP.match(b.text) and b.text.upper() == b.text)]   # group rows of a text export
    if len(paras) > 4 or any(find_label(p.text) and find_label(p.text).kind in ("roman", "num") for p in paras):
        return None
    return main


def _signature_places(table: Table) -> bool:
    """The places to sign under a report form ("Người thực hiện", "THỦ TRƯỞNG ĐƠN VỊ")."""
    return bool(re.search(r"THỦ TRƯỞNG|Ký tên", " ".join(c.text for r in table.rows for c in r.cells))) \
        and len(table.rows) <= 2


def _continues(main: Table, block: Table) -> bool:
    """A table continuing the main one (same columns; a text export splits tables at page ends)."""
    return block.width == main.width and bool(block.rows)


_ATTACHED_PLAN = re.compile(r"Kế hoạch số\s*(\d*)\s*/\s*KH-([A-ZĐ0-9-]+)\s+ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+"
                            r"năm\s+(\d{4})(?:\s+của\s+(.+?))?\)?$")


def _attached_facts(rec: Recogniser, text: str, where: str = "") -> None:
    """Number, date and issuer from "(Kèm theo Kế hoạch số 106/KH-UBND ngày ... của ...)": the issuer as
    written (the plan's ``appendix_issuer`` when it is not the organisation's name), and the number and
    date when the header lost them (a text export)."""
    issuer = re.search(r"\bcủa\s+(.+?)\)?$", text)
    if issuer and "decision" not in rec.plan and "attached_to" not in rec.plan:
        rec.appendix_issuers.append((issuer.group(1).strip(), where))
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
    """budget, tasks (a column of lead units), report (a form: its columns to fill are empty) or table."""
    header = " ".join(c.shown for c in table.rows[0].cells)
    if re.search(r"Thành tiền|Đơn giá", header, re.I):
        return "budget"
    if re.search(r"chủ trì", header, re.I):
        return "tasks"
    data = table.rows[1:]
    first = 2 if re.match(r"^(STT|TT)$", table.rows[0].cells[0].shown.strip(), re.I) else 1
    if data and all(len(r.cells) > first and not any(c.text for c in r.cells[first:]) for r in data) \
            and all(r.cells[first - 1].text for r in data) and len(table.rows[0].cells) == table.width:
        return "report"
    if re.search(r"Nội dung công việc", header, re.I) and re.search(r"phối hợp|thời gian", header, re.I):
        return "tasks"
    return "table"


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


def _task_table(rec: Recogniser, table: Table) -> tuple[list[dict[str, Any]] | None, bool]:
    """The plan's ``tasks`` (by group) from a task table; returns its columns (None: kh's default
    ones) and whether it has the column-number row. Header rows (one or two levels), the
    column-number row and group rows are recognised as such, never read as tasks; a column kh has
    no key for is an extra column (its cells in each task's ``extra``)."""
    from .grid import group_of, mark_all, split_rows

    parts = split_rows(table)
    width = parts.width
    header = parts.header
    body = parts.body
    if not header:       # no row marked or bold as a header: the first one is
        from .grid import _grid

        grid = _grid(table)
        header, body = grid[:1], grid[1:]
        if body and parts.numbers is None:
            from .grid import _numbers_row

            if _numbers_row(body[0]) is not None:
                parts.numbers = _numbers_row(body[0])
                body = body[1:]
    heads = [""] * width
    for row in header:
        mark_all(rec, row)
        for slot in row:
            text = " ".join(slot.cell.shown.split())
            for c in range(slot.col, min(width, slot.col + slot.cell.span)):
                heads[c] = text
    if parts.numbers is not None:
        from .grid import grid_row

        mark_all(rec, grid_row(table, len(header)))
    keys: list[str] = []
    taken: set[str] = set()
    for h in heads:
        key = next((k for k, pat in _COLUMN_KEYS if pat.search(h) and k not in keys), None)
        if key is None:
            key = units.unique_key(units.slug(h, 3) if h else "cot", taken | set(TASK_HEADERS))
        keys.append(key)
        taken.add(key)
    if len(header) > 1:
        rec.report.fix(table.where, " | ".join(heads), "tiêu đề hai tầng của bảng nhiệm vụ: kh in một dòng tiêu"
                       " đề (a two-level task-table header is printed as one row)")
    year = rec.plan.get("year") or (rec.plan.get("date").year if rec.plan.get("date") else None)
    groups: list[dict[str, Any]] = []
    last: dict[str, Any] | None = None
    merged: dict[int, tuple[list[str], int]] = {}    # column → (lines, rows still covered) of a vertical merge
    has_stt = "stt" in keys
    n_in_group = 0
    for r_i, slots in enumerate(body, start=len(header) + 1 + (parts.numbers is not None)):
        cells = [s.cell.shown for s in slots]
        if [" ".join(c.split()) for c in cells] == heads:    # the header repeated (a text export's page)
            mark_all(rec, slots)
            continue
        group = group_of(slots, width, has_stt)
        if group is None and _is_group_row(cells, width):
            group = next(c for c in cells if c)
        if group is not None:
            m = _GROUP.match(group)
            groups.append({"group": rec.casing.sentence(m.group(2) if m else group), "tasks": []})
            mark_all(rec, slots)
            n_in_group = 0
            merged.clear()
            continue
        if not groups:
            groups.append({"tasks": []})
        values: dict[str, list[str]] = {}
        for col, (lines, left) in list(merged.items()):
            values[keys[col]] = list(lines)
            merged[col] = (lines, left - 1)
            if left <= 1:
                del merged[col]
        for slot in slots:
            key = keys[slot.col] if slot.col < width else None
            lines = _cell_lines(rec, slot.cell)
            if not lines and slot.cell.shown:
                lines = [slot.cell.shown]
            if key is None:
                continue
            values[key] = lines
            if slot.rows > 1 and lines:
                merged[slot.col] = (lines, slot.rows - 1)
                rec.report.fix(f"{table.where}, hàng {r_i}", " ".join(lines), f"ô gộp {slot.rows} hàng: kh ghi lại ở"
                               " từng nhiệm vụ (a cell merged down is written in each task's row)")
        stt = " ".join(values.get("stt", []))
        if last is not None and has_stt and not stt:
            _continue_task(last, values)
            rec.report.fix(slots[1].cell.paras[0].where if len(slots) > 1 and slots[1].cell.paras else table.where,
                           " ".join(cells), "hàng tiếp nối ở trang sau được nối vào nhiệm vụ trước (row continued)")
            continue
        n_in_group += 1
        if has_stt and stt.rstrip(".") != str(n_in_group):
            rec.report.fix(f"{table.where}, hàng {r_i}", stt, f"STT '{stt}' → '{n_in_group}' (kh đánh số lại từ 1"
                           " trong mỗi nhóm: numbered from 1 in each group)")
        task: dict[str, Any] = {"task": values.get("task", [""])}
        if not values.get("task"):
            rec.report.placeholder(f"tasks[{len(groups) - 1}].tasks[{len(groups[-1]['tasks'])}].task", "",
                                   "nhiệm vụ không có nội dung (a task without text)")
        task["lead"] = [u for line in values.get("lead", []) for u in units.split_units(line)]
        support = [u for line in values.get("support", []) for u in units.split_units(line)]
        if support:
            task["support"] = support
        if values.get("timing"):
            task["timing"] = [_timing(t, year) for t in values["timing"]]
        if values.get("product"):
            task["product"] = values["product"]
        extra = {k: v for k, v in values.items() if k not in TASK_HEADERS and v}
        if extra:
            task["extra"] = extra
        for name in task["lead"] + support:
            rec.org.units.setdefault(name, False)
        groups[-1]["tasks"].append(task)
        last = task
    for g in groups:
        for t in g["tasks"]:
            for key in ("task", "lead", "support", "timing", "product"):
                if key in t and isinstance(t[key], list) and len(t[key]) == 1:
                    t[key] = t[key][0]
            for key, value in t.get("extra", {}).items():
                if len(value) == 1:
                    t["extra"][key] = value[0]
    rec.plan["tasks"] = groups
    numbers = parts.numbers is not None
    if numbers and len(parts.numbers or []) != width:
        rec.report.fix(f"{table.where}, hàng {len(header) + 1}", " ".join(f"({n})" for n in parts.numbers or []),
                       f"dòng số thứ tự cột: kh đánh (1) … ({width}) cho cả {width} cột"
                       " (the column-number row numbers every column)")
    default = list(TASK_HEADERS)
    if keys == default and heads == list(TASK_HEADERS.values()):
        return None, numbers
    columns = []
    for key, h in zip(keys, heads, strict=False):
        col: dict[str, Any] = {"key": key}
        if h != TASK_HEADERS.get(key):
            col["header"] = h
        columns.append(col)
    return columns, numbers


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
