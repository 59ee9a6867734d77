"""Writer: a :class:`Plan` (a document of any kind) → plain text (UTF-8), for review in a terminal or a diff.

Tables a plan writes itself (in the body, ``type: table``, in a content appendix) read as ``kh text``
reads a Word table; the built-in appendix tables keep their tab-separated rows.
"""

from __future__ import annotations

from ..lang.typography import Span
from ..layout.blocks import AppendixLayout, Layout, Para, Table, layout
from ..model.plan import Plan

NATION = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
#: Between the cells of a table row, as ``kh text`` writes a Word table.
CELL_SEP = " | "


def render_text(plan: Plan, warnings: list[str] | None = None) -> str:
    """The plan as plain text, one paragraph per line, footnotes listed at the end.

    ``warnings``: the layout's warnings (a too-narrow column …) are appended to it.
    """
    doc = layout(plan)
    if warnings is not None:
        warnings += doc.warnings
    return layout_text(doc)


class _Notes:
    def __init__(self) -> None:
        self.items: list[str] = []

    def text(self, spans: list[Span]) -> str:
        out = ""
        for span in spans:
            if span.note is not None:
                self.items.append("".join(s.text for s in span.note))
                out += f"[{len(self.items)}]"
            else:
                out += span.text
        return out


def _header(doc: Layout, number_line: str | None, date_line: str | None, letter: list[str] | None = None) -> list[str]:
    """The two header columns; ``letter``: an official letter's "V/v ..." lines under its number."""
    left = doc.parent + doc.agency
    lines = [f"{(left[i] if i < len(left) else ''):<40}{(NATION[i] if i < len(NATION) else '')}".rstrip()
             for i in range(max(len(left), len(NATION)))]
    if number_line:
        lines.append(f"{number_line:<40}{date_line or ''}".rstrip())
    return lines + list(letter or [])


def _paras(paras: list[Para | Table], notes: _Notes) -> list[str]:
    out: list[str] = []
    for para in paras:
        if isinstance(para, Table):
            out += [*table_lines(para, notes), ""]
        else:
            out += [notes.text(para.spans), ""]
    return out


def table_lines(table: Table, notes: _Notes) -> list[str]:
    """A table in reading order, as ``kh text`` reads a Word table: one line a row, cells joined by
    " | " (a merged cell once, a cell covered by a merge from above empty); a row with a cell of
    several paragraphs is read cell by cell, one paragraph a line."""
    out: list[str] = []
    for row in table.rows:
        cells = [[t for t in (notes.text(p).replace("\n", " ").strip() for p in cell.paras) if t]
                 for cell in row.cells]
        if all(len(c) <= 1 for c in cells):
            line = CELL_SEP.join(c[0] if c else "" for c in cells).strip(" |")
            if line:
                out.append(line)
        else:
            out += [t for c in cells for t in c]
    return out


def _closing(recipients: list[str], titles: list[str], name: str | None) -> list[str]:
    out = ["Nơi nhận:", *recipients, ""] if recipients else []
    if titles:
        out += [*titles, "", "", name or ""]
    return out


def _appendix(app: AppendixLayout, notes: _Notes) -> list[str]:
    out = [""] if app.after_signature else ["", "=" * 40]
    out += [notes.text(p.spans) for p in app.top]
    out += ([app.label] if app.label else []) + app.title_lines + [app.attached_line, ""]
    if app.blocks:
        return out + _paras(app.blocks, notes) + _paras(app.before + app.after, notes)
    out += _paras(app.before, notes)
    if app.table.keep_header:       # a table the plan writes itself: read as kh text reads Word's
        return out + table_lines(app.table, notes) + [""] + _paras(app.after, notes)
    for row in app.table.rows:
        cells = [" / ".join(notes.text(p).replace("\n", " / ") for p in cell.paras) for cell in row.cells]
        out.append("\t".join(cells))
    out.append("")
    out += _paras(app.after, notes)
    for place in app.signatures:
        out += [text for text, _ in place] + [""]
    return out


def layout_text(doc: Layout) -> str:
    notes = _Notes()
    lines: list[str] = []
    if doc.decision is not None:
        d = doc.decision
        lines += _header(doc, d.number_line, d.date_line)
        lines += ["", "QUYẾT ĐỊNH", *d.subject, "", d.authority, ""]
        lines += _paras(d.body, notes)
        lines += ["QUYẾT ĐỊNH:", ""]
        lines += _paras(d.articles, notes)
        lines += _closing(d.recipients, d.signer_titles, d.signer_name)
        lines += ["", "=" * 40]
    lines += _header(doc, doc.number_line, doc.date_line, doc.letter_subject)
    if doc.doc_type:       # a công văn has no type name: its trích yếu is in the header
        lines += ["", doc.doc_type, *doc.subject]
    if doc.attached_line:
        lines.append(doc.attached_line)
    lines.append("")
    if doc.addressees:
        lines += [*doc.addressees, ""]
    if doc.authority:
        lines += [doc.authority, ""]
    lines += _paras(doc.body, notes)
    lines += _paras(doc.after_end, notes)
    lines += _closing(doc.recipients, doc.signer_titles, doc.signer_name)
    for app in doc.appendices:       # those printed after the signature come first
        lines += _appendix(app, notes)
    if notes.items:
        lines += ["", "-" * 20]
        lines += [f"[{i}] {n}" for i, n in enumerate(notes.items, start=1)]
    return "\n".join(lines).replace("\u00a0", " ").rstrip() + "\n"
