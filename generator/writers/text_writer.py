"""Writer: a :class:`Plan` → plain text (UTF-8), for review in a terminal or a diff."""

from __future__ import annotations

from ..model import Plan
from .blocks import Layout, layout


def render_text(plan: Plan) -> str:
    """The plan as plain text, one paragraph per line, footnotes listed at the end."""
    return layout_text(layout(plan))


def layout_text(doc: Layout) -> str:
    lines: list[str] = []
    left = doc.parent + doc.agency
    right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    for i in range(max(len(left), len(right))):
        a = left[i] if i < len(left) else ""
        b = right[i] if i < len(right) else ""
        lines.append(f"{a:<40}{b}".rstrip())
    if doc.number_line:
        lines.append(f"{doc.number_line:<40}{doc.date_line or ''}".replace("\u00a0", " ").rstrip())
    lines += ["", doc.doc_type, *doc.subject]
    if doc.attached_line:
        lines.append(doc.attached_line)
    lines.append("")
    notes: list[str] = []
    for para in doc.body:
        text = ""
        for span in para.spans:
            if span.note is not None:
                notes.append("".join(s.text for s in span.note))
                text += f"[{len(notes)}]"
            else:
                text += span.text
        lines += [text, ""]
    if doc.recipients:
        lines.append("Nơi nhận:")
        lines += doc.recipients
        lines.append("")
    if doc.signer_titles:
        lines += doc.signer_titles
        lines += ["", "", doc.signer_name or ""]
    if notes:
        lines += ["", "-" * 20]
        lines += [f"[{i}] {n}" for i, n in enumerate(notes, start=1)]
    return "\n".join(lines).replace("\u00a0", " ").rstrip() + "\n"
