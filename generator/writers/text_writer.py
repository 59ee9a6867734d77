"""Writer: a :class:`Plan` → plain text (UTF-8), for review in a terminal or a diff."""

from __future__ import annotations

from ..lang.typography import Span
from ..layout.blocks import AppendixLayout, Layout, Para, layout
from ..model.plan import Plan

NATION = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


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


def _header(doc: Layout, number_line: str | None, date_line: str | None) -> list[str]:
    left = doc.parent + doc.agency
    lines = [f"{(left[i] if i < len(left) else ''):<40}{(NATION[i] if i < len(NATION) else '')}".rstrip()
             for i in range(max(len(left), len(NATION)))]
    if number_line:
        lines.append(f"{number_line:<40}{date_line or ''}".rstrip())
    return lines


def _paras(paras: list[Para], notes: _Notes) -> list[str]:
    out: list[str] = []
    for para in paras:
        out += [notes.text(para.spans), ""]
    return out


def _closing(recipients: list[str], titles: list[str], name: str | None) -> list[str]:
    out = ["Nơi nhận:", *recipients, ""] if recipients else []
    if titles:
        out += [*titles, "", "", name or ""]
    return out


def _appendix(app: AppendixLayout, notes: _Notes) -> list[str]:
    out = ["", "=" * 40]
    out += [notes.text(p.spans) for p in app.top]
    out += ([app.label] if app.label else []) + app.title_lines + [app.attached_line, ""]
    out += _paras(app.before, notes)
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
    lines += _header(doc, doc.number_line, doc.date_line)
    lines += ["", doc.doc_type, *doc.subject]
    if doc.attached_line:
        lines.append(doc.attached_line)
    lines.append("")
    lines += _paras(doc.body, notes)
    lines += _paras(doc.after_end, notes)
    lines += _closing(doc.recipients, doc.signer_titles, doc.signer_name)
    for app in doc.appendices:
        lines += _appendix(app, notes)
    if notes.items:
        lines += ["", "-" * 20]
        lines += [f"[{i}] {n}" for i, n in enumerate(notes.items, start=1)]
    return "\n".join(lines).replace("\u00a0", " ").rstrip() + "\n"
