"""Next year's plan from last year's (``kh clone``): the edit itself and the review list.

The old file is loaded round-trip (:mod:`generator.yamlio.roundtrip`), so the new file differs from it only
where it must: ``year``; ``number`` and ``date`` cleared (a draft, also in ``decision``); structured
dates and deadlines in ``tasks`` moved by the year difference. ``{{ year }}`` in text is left alone
(it follows ``year``). What a program cannot decide is listed for the writer, with file:line.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..yamlio import roundtrip as yamlrt
from ..yamlio.source import line_of_offset

PROSE_SKIP = {"org", "template", "unit", "signer", "symbol", "lead", "support", "numbering", "variables",
              "key", "type", "number", "kind", "about", "archive"}


@dataclass(frozen=True)
class Review:
    """One thing the writer should look at in the new plan."""

    line: int | None
    message: str

    def format(self, file: str) -> str:
        return f"{file}:{self.line}: {self.message}" if self.line else f"{file}: {self.message}"


class CloneError(ValueError):
    """The old file cannot be cloned (not a plan, no year)."""


def plan_year(data: Any) -> int | None:
    """The year of a loaded plan: ``year``, else the year of ``date``."""
    if isinstance(data.get("year"), int):
        return data["year"]
    date = data.get("date")
    return date.year if isinstance(date, dt.date) else None


def shift_year(date: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February → 28 February)."""
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


#: A mapping with any of these keys is a document kh can clone (a plan's sections, a Quyết định's
#: articles, a Công văn of paragraphs named by its kind).
DOCUMENT_KEYS = ("sections", "kind", "articles")


def clone_text(text: str, name: str, year: int | None = None, from_year: int | None = None,
               today: dt.date | None = None) -> tuple[str, list[Review], int, int]:
    """Clone plan ``text``; returns (new text, review list, old year, new year)."""
    data = yamlrt.load_text(text, name)
    if not isinstance(data, dict) or not any(key in data for key in DOCUMENT_KEYS):
        raise CloneError(f"{name}: không phải tệp văn bản (not a document file: none of 'sections', 'kind',"
                         " 'articles')")
    old = from_year if from_year is not None else plan_year(data)
    if old is None:
        raise CloneError(f"{name}: không biết năm của kế hoạch cũ: thêm --from-year"
                         " (the old plan has neither 'year' nor 'date'; pass --from-year)")
    new = year if year is not None else old + 1
    delta = new - old
    _set_year(data, new)
    for holder in (data, data.get("decision")):
        if isinstance(holder, dict):
            for key in ("number", "date"):
                if holder.get(key) is not None:
                    yamlrt.set_value(holder, key, None)
    for timing in _timings(data):
        for key in ("date", "before"):
            if isinstance(timing.get(key), dt.date):
                yamlrt.set_value(timing, key, shift_year(timing[key], delta))
        if isinstance(timing.get("year"), int) and not isinstance(timing.get("year"), bool):
            yamlrt.set_value(timing, "year", timing["year"] + delta)
    out = yamlrt.rewrite(data, text, name)      # every comment kept, else refused naming file:line
    return out, review(out, name, old, new, today or dt.date.today()), old, new


def _set_year(data: Any, year: int) -> None:
    if "year" in data:
        yamlrt.set_value(data, "year", year)
        return
    keys = list(data)
    after = next((k for k in ("date", "number", "org") if k in data), None)
    data.insert(keys.index(after) + 1 if after else 0, "year", year)


def _timings(data: Any) -> list[Any]:
    """Every structured timing mapping under ``tasks``."""
    out = []
    for group in data.get("tasks") or []:
        for task in (group.get("tasks") or []) if isinstance(group, dict) else []:
            timing = task.get("timing") if isinstance(task, dict) else None
            items = timing if isinstance(timing, list) else [timing]
            out += [t for t in items if isinstance(t, dict)]
    return out


# ------------------------------------------------------------------ review list
_DATE_DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})")
_DOC_NUMBER = re.compile(r"\b\d+[/-](?:(?:19|20)\d{2}/)?[A-ZĐ][A-ZĐ0-9/-]*")
_YEAR = re.compile(r"(?<![\d/.])((?:19|20)\d{2})(?![\d/])")


def review(text: str, name: str, old: int, new: int, today: dt.date) -> list[Review]:
    """What to look at in the cloned plan ``text``, each with its line."""
    data = yamlrt.load_text(text, name)
    lines = text.splitlines()
    out: list[Review] = []
    for holder, where in ((data, ""), (data.get("decision"), "decision.")):
        if not isinstance(holder, dict):
            continue
        for i, basis in enumerate(holder.get("bases") or []):
            if isinstance(basis, dict) and isinstance(basis.get("date"), dt.date) and basis["date"].year < new - 1:
                label = " ".join(str(basis.get(k)) for k in ("kind", "number") if basis.get(k))
                out.append(Review(yamlrt.line_of(holder["bases"], i),
                                  f"{where}bases[{i}]: căn cứ {label} ngày {basis['date']:%d/%m/%Y} từ trước năm"
                                  f" {new - 1}: còn hiệu lực, có văn bản mới hơn? (basis from before {new - 1})"))
        if holder.get("signer") is not None:
            out.append(Review(yamlrt.line_of(holder, "signer"),
                              f"{where}signer: người ký '{holder['signer']}' có thể đã thay đổi: kiểm tra người"
                              " ký, chức vụ (the signer may have changed)"))
    if isinstance(data.get("attached_to"), dict):
        out.append(Review(yamlrt.line_of(data, "attached_to"),
                          "attached_to: ghi số, ngày của quyết định ban hành mới (the issuing decision is new)"))
    for timing, line in _timing_lines(data):
        end = _timing_end(timing, new)
        if end is not None and end < today:
            out.append(Review(line, f"thời hạn {_timing_text(timing, new)} đã qua (deadline already past, today"
                                    f" {today:%d/%m/%Y})"))
    for value, line in _prose(data, ()):
        out += _text_reviews(value, line, lines, old, new)
    return sorted(set(out), key=lambda r: (r.line or 0, r.message))


def _timing_lines(data: Any) -> list[tuple[Any, int | None]]:
    out = []
    for group in data.get("tasks") or []:
        for task in (group.get("tasks") or []) if isinstance(group, dict) else []:
            timing = task.get("timing") if isinstance(task, dict) else None
            if isinstance(timing, list):
                out += [(t, yamlrt.line_of(timing, i)) for i, t in enumerate(timing) if isinstance(t, dict)]
            elif isinstance(timing, dict):
                out.append((timing, yamlrt.line_of(task, "timing")))
    return out


def _timing_end(timing: Any, year: int) -> dt.date | None:
    y = timing.get("year") if isinstance(timing.get("year"), int) else year
    for key in ("date", "before"):
        if isinstance(timing.get(key), dt.date):
            return timing[key]
    if isinstance(timing.get("quarter"), int) and 1 <= timing["quarter"] <= 4:
        month = 3 * timing["quarter"]
        return dt.date(y, month, calendar.monthrange(y, month)[1])
    if isinstance(timing.get("month"), int) and 1 <= timing["month"] <= 12:
        return dt.date(y, timing["month"], calendar.monthrange(y, timing["month"])[1])
    return None


def _timing_text(timing: Any, year: int) -> str:
    y = timing.get("year") or year
    if "quarter" in timing:
        return f"quý {timing['quarter']}/{y}"
    if "month" in timing:
        return f"tháng {timing['month']}/{y}"
    key = "date" if "date" in timing else "before"
    return f"{'trước ' if key == 'before' else ''}{timing[key]:%d/%m/%Y}"


def _prose(value: Any, path: tuple[Any, ...]) -> list[tuple[str, int | None]]:
    """(text, line) of every prose string (identifiers and codes skipped)."""
    out: list[tuple[str, int | None]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k in PROSE_SKIP:
                continue
            if isinstance(v, str):
                out.append((v, yamlrt.value_line(value, k)))
            else:
                out += _prose(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, str):
                out.append((v, yamlrt.value_line(value, i)))
            else:
                out += _prose(v, path + (i,))
    return out


def _text_reviews(text: str, line: int | None, lines: list[str], old: int, new: int) -> list[Review]:
    out = []
    masked = text
    for rx in (_DATE_WORDS, _DATE_DMY):
        for m in rx.finditer(masked):
            year = int(m.group(3))
            if year < new - 1:
                out.append(Review(line_of_offset(lines, line, m.start()),
                                  f"văn bản dẫn ngày {m.group(0).removeprefix('ngày ')} từ trước năm {new - 1}:"
                                  " còn hiệu lực? (cited document from before the previous year)"))
            masked = masked[: m.start()] + " " * len(m.group(0)) + masked[m.end():]
    masked = _DOC_NUMBER.sub(lambda m: " " * len(m.group(0)), masked)
    for m in _YEAR.finditer(masked):
        year = int(m.group(1))
        if old - 1 <= year <= new and "{{" not in m.group(0):
            hint = {old: "{{ year }}", old - 1: "{{ previous_year }}", old + 1: "{{ next_year }}"}.get(year)
            suggest = f"; nếu là năm của kế hoạch, viết {hint} (if it is the plan's year, write {hint})" if hint else ""
            out.append(Review(line_of_offset(lines, line, m.start()),
                              f"năm {year} gõ tay trong lời văn (literal year in text){suggest}"))
    return out
