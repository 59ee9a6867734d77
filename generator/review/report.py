"""Print a comparison: plain text (coloured on a terminal) or Markdown for a merge request."""

from __future__ import annotations

import re
from collections import Counter

import click

from .changes import GROUPS, Change, Report
from .words import Op

#: kind → (sign, Vietnamese (English), colour)
KINDS: dict[str, tuple[str, str, str]] = {
    "added": ("+", "thêm (added)", "green"),
    "removed": ("-", "bỏ (removed)", "red"),
    "changed": ("~", "sửa (changed)", "yellow"),
    "moved": ("↕", "chuyển chỗ (moved)", "cyan"),
    "renumbered": ("#", "đánh số lại (renumbered)", "cyan"),
    "reassigned": ("→", "giao lại (reassigned)", "magenta"),
    "deadline": ("⏱", "đổi thời hạn (deadline moved)", "magenta"),
}
_KEEP = 40   # characters of unchanged text kept either side of a change


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _trim(pieces: list[tuple[Op, str]]) -> list[tuple[Op, str]]:
    """Shorten long unchanged stretches to their ends next to a change."""
    out: list[tuple[Op, str]] = []
    for k, (op, text) in enumerate(pieces):
        if op == "equal" and len(text) > 2 * _KEEP + 5:
            first, last = k == 0, k == len(pieces) - 1
            if first:
                text = "…" + _tail(text)
            elif last:
                text = _head(text) + "…"
            else:
                text = _head(text) + " … " + _tail(text)
        out.append((op, text))
    return out


def _head(text: str) -> str:
    """About ``_KEEP`` characters from the start, ending at a word boundary."""
    cut = text.rfind(" ", 0, _KEEP)
    return text[: cut + 1 if cut > _KEEP // 2 else _KEEP]


def _tail(text: str) -> str:
    """About ``_KEEP`` characters from the end, starting at a word boundary."""
    start = len(text) - _KEEP
    cut = text.find(" ", start)
    return text[cut if 0 <= cut < start + _KEEP // 2 else start:]


def _blank(text: str) -> str:
    """A draft's blank (a run of spaces) made visible."""
    return re.sub(r"[\s\u00a0]{3,}", " (trống) ", text).strip() if text.strip() == "" or "   " in text else text


def _md_escape(text: str) -> str:
    for ch in "\\`*_~[]<>|":
        text = text.replace(ch, "\\" + ch)
    return text


def _words(pieces: list[tuple[Op, str]], fmt: str) -> str:
    out = []
    for op, text in _trim(pieces):
        text = text.replace("\n", " ¶ ")
        if op != "equal":
            text = _blank(text)
        if fmt == "markdown":
            text = _md_escape(text)
            if op == "equal" or not text.strip():
                out.append(text)
            else:   # spaces outside the marks, or Markdown does not read them as marks
                core = text.strip()
                lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
                out.append(lead + (f"~~{core}~~" if op == "delete" else f"**{core}**") + trail)
        elif fmt == "color":
            out.append(text if op == "equal" else click.style(text, fg="red", strikethrough=True) if op == "delete"
                       else click.style(text, fg="green", underline=True))
        else:
            out.append(text if op == "equal" else f"[-{text}-]" if op == "delete" else f"{{+{text}+}}")
    return "".join(out)


def _body(change: Change, fmt: str) -> str:
    if change.words:
        return _words(change.words, fmt)
    if change.kind == "removed" or (change.new is None and change.old is not None):
        text = change.old or ""
    else:
        text = change.new or change.old or ""
    text = _short(text.replace("\n", " ¶ "))
    return _md_escape(text) if fmt == "markdown" else text


def _line(change: Change, fmt: str) -> str:
    sign, name, colour = KINDS.get(change.kind, ("*", change.kind, "white"))
    detail = f" ({change.detail})" if change.detail else ""
    body = _body(change, fmt)
    if fmt == "markdown":
        return f"- **{name}** {_md_escape(change.where)}{_md_escape(detail)}: {body}"
    head = f"  {sign} {change.where}{detail} — {name}"
    if fmt == "color":
        head = click.style(f"  {sign} ", fg=colour, bold=True) + click.style(change.where, bold=True) + \
            f"{detail} — " + click.style(name, fg=colour)
    return f"{head}\n      {body}"


def summary(report: Report) -> str:
    if not report.changes:
        return "Không có thay đổi (no differences)."
    counts = Counter(c.kind for c in report.changes)
    parts = ", ".join(f"{n} {KINDS[k][1].split(' (')[0]}" for k, n in counts.items() if k in KINDS)
    return f"{len(report.changes)} thay đổi (changes): {parts}."


def render(report: Report, fmt: str = "text") -> str:
    """``fmt``: text (plain), color (ANSI styles) or markdown."""
    lines: list[str] = []
    title = f"kh diff: {report.old_name} → {report.new_name}"
    if fmt == "markdown":
        lines += [f"### {_md_escape(title)}", ""]
    else:
        lines += [click.style(title, bold=True) if fmt == "color" else title, ""]
    for group, heading in GROUPS.items():
        changes = [c for c in report.changes if c.group == group]
        if not changes:
            continue
        if fmt == "markdown":
            lines += [f"#### {heading}", ""]
        else:
            lines.append(click.style(heading, bold=True, underline=True) if fmt == "color" else heading)
        lines += [_line(c, fmt) for c in changes]
        lines.append("")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
