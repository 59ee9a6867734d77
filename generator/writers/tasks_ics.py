"""Writer: a plan's task deadlines → an iCalendar file (RFC 5545) to import into a calendar.

One all-day event per dated timing of a task (a date, "before" a date, a month or a quarter,
due on its last day): the lead units and the task as its summary, the details in its
description. Identical plans give identical bytes: each UID comes from the plan file's name and
the task's place in it, and DTSTAMP is the plan's date (1 January of its year for a draft).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from ..layout.task_rows import TaskRow, issued_on, plan_reference, task_rows
from ..model.plan import Plan

PRODID = "-//kh//Ke hoach ND30//VI"
#: Longest summary text before it is shortened with "…" (the description keeps the whole task).
SUMMARY_CHARS = 120


def render_tasks_ics(plan: Plan, source_name: str) -> bytes:
    """The deadlines of the plan's tasks as .ics bytes; ``source_name``: the plan file's name (UIDs)."""
    slug = _slug(source_name)
    stamp = issued_on(plan).strftime("%Y%m%dT000000Z")
    reference = plan_reference(plan)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{_text(reference)}"]
    for row in task_rows(plan):
        for due in row.deadlines:
            lines += [
                "BEGIN:VEVENT",
                f"UID:{slug}-{row.key}-{due.index + 1}@kh",
                f"DTSTAMP:{stamp}",
                f"DTSTART;VALUE=DATE:{due.date:%Y%m%d}",
                f"DTEND;VALUE=DATE:{due.date + dt.timedelta(days=1):%Y%m%d}",
                f"SUMMARY:{_text(_summary(row))}",
                f"DESCRIPTION:{_text(_description(row, due.wording, reference))}",
                "TRANSP:TRANSPARENT",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines).encode("utf-8")


def _summary(row: TaskRow) -> str:
    text = " ".join(row.text.split())
    if len(text) > SUMMARY_CHARS:
        text = text[:SUMMARY_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return f"{', '.join(row.leads)}: {text}" if row.leads else text


def _description(row: TaskRow, wording: str, reference: str) -> str:
    parts = [f"Nhiệm vụ {row.number}: {row.text}", f"Chủ trì: {', '.join(row.leads)}"]
    if row.supports:
        parts.append(f"Phối hợp: {', '.join(row.supports)}")
    parts.append(f"Thời gian thực hiện: {wording}")
    if row.product:
        parts.append(f"Dự kiến sản phẩm: {'; '.join(row.product)}")
    if row.group:
        parts.append(f"Nhóm: {row.group}")
    parts.append(reference)
    return "\n".join(parts)


def _text(value: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon, comma and newline escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    pieces, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:   # a continuation byte: step back
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start, limit = end, 74                                   # continuation lines start with a space
    return "\r\n ".join(pieces)


def _slug(name: str) -> str:
    """ASCII letters, digits and "-" of a file name without its extension ("quan3-2026-du-thao")."""
    stem = re.sub(r"\.ya?ml$", "", name, flags=re.IGNORECASE)
    ascii_ = unicodedata.normalize("NFD", stem.replace("đ", "d").replace("Đ", "D"))
    ascii_ = "".join(ch for ch in ascii_ if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_).strip("-").lower() or "ke-hoach"
