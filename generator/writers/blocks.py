"""Lay a :class:`Plan` out as worded, numbered blocks that every writer shares.

This is where the plan's structure becomes a document: references are worded, dates
written under the decree's rules, sections, points and bullets numbered, list punctuation
applied and the content closed with "./.". Writers only decide how blocks look.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import datewords, numbering
from ..model import Assignment, Basis, Bullet, DocRef, Plan, Point, Section
from ..typography import Span, end_sentence, list_item, parse_inline, upper_vi

DOC_TYPE = "KẾ HOẠCH"
DOC_ABBR = "KH"

#: Paragraph kinds; writers map each to a style.
BASIS, BODY, HEADING1, HEADING2, HEADING3, POINT, BULLET, SUB_BULLET = (
    "basis", "body", "heading1", "heading2", "heading3", "point", "bullet", "subbullet")


@dataclass
class Para:
    """One paragraph: its kind and its spans (label included)."""

    kind: str
    spans: list[Span]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass
class Layout:
    """A plan laid out as a document, ready for a writer."""

    parent: list[str]
    agency: list[str]
    number_line: str | None
    date_line: str | None
    doc_type: str
    subject: list[str]
    attached_line: str | None
    body: list[Para]
    recipients: list[str] = field(default_factory=list)
    signer_titles: list[str] = field(default_factory=list)
    signer_name: str | None = None
    year: int = 0

    @property
    def attached(self) -> bool:
        return self.attached_line is not None


def layout(plan: Plan) -> Layout:
    """Turn a validated plan into a :class:`Layout`."""
    org = plan.organisation
    attached = plan.attached_to is not None
    body: list[Para] = []
    body += _bases(plan.bases)
    body += [Para(BODY, parse_inline(t)) for t in plan.intro]
    for i, sec in enumerate(plan.sections, start=1):
        body += _section(sec, (i,), org.request_word, decimal=False)
    body += [Para(BODY, parse_inline(t)) for t in plan.closing]
    _close_content(body)
    signer = plan.signed_by
    return Layout(
        parent=[upper_vi(x) for x in org.parent],
        agency=[upper_vi(x) for x in org.header],
        number_line=None if attached else number_line(plan.number, org.symbol),
        date_line=None if attached else datewords.place_date(org.place, plan.date, plan.year),
        doc_type=DOC_TYPE,
        subject=plan.subject.split("\n"),
        attached_line=attached_line(plan.attached_to, plan.year or 0) if plan.attached_to else None,
        body=body,
        recipients=[] if attached else recipient_lines(plan.recipients, plan.archive),
        signer_titles=(list(signer.authority) + [signer.position]) if signer and not attached else [],
        signer_name=signer.name if signer and not attached else None,
        year=plan.year or 0,
    )


# ------------------------------------------------------------------ header
def number_line(number: int | str | None, symbol: str) -> str:
    """"Số: 118/KH-UBND"; numbers below 10 take a leading zero; a draft leaves a blank."""
    if number is None:
        num = datewords.BLANK
    else:
        num = f"{int(number):02d}"
    return f"Số: {num}/{DOC_ABBR}-{symbol}"


def ref_words(ref: DocRef | Basis) -> str:
    """"Kế hoạch số 1895/KH-UBND ngày 26 tháng 3 năm 2024 của ... về ..."."""
    parts: list[str] = [ref.kind or ""]
    if ref.number:
        num = ref.number
        if num.startswith("/"):
            num = datewords.BLANK + num
        parts.append(f"số {num}")
    elif ref.subject and not ref.issuer:
        parts.append(ref.subject)   # a law: "Luật Tổ chức chính quyền địa phương"
    if ref.date:
        parts.append(datewords.date_words(ref.date))
    if ref.issuer:
        parts.append(f"của {ref.issuer}")
    if ref.subject and (ref.number or ref.issuer):
        about = ref.about.strip()
        subject = ref.subject
        if about and not subject.lower().startswith(about.lower() + " "):
            subject = f"{about} {subject}"
        parts.append(subject)
    return " ".join(p for p in parts if p)


def attached_line(ref: DocRef, year: int) -> str:
    """"(Kèm theo Quyết định số 1963/QĐ-UBND ngày 28 tháng 5 năm 2021 của ...)"; blanks for a draft."""
    text = ref_words(ref)
    if ref.date is None:
        blank = datewords.date_words(None, year)
        text = text.replace(" của ", f" {blank} của ", 1) if " của " in text else f"{text} {blank}"
    return f"(Kèm theo {text})"


# ------------------------------------------------------------------ content
_LEADS = ("Căn cứ", "Thực hiện", "Theo đề nghị", "Xét đề nghị")


def basis_text(basis: Basis) -> str:
    """Worded basis without its closing punctuation."""
    if basis.text is not None:
        text = basis.text
        if text.startswith(_LEADS):
            return text
        return f"{basis.lead} {text[:1].lower() + text[1:] if basis.lead == 'Theo đề nghị của' else text}"
    return f"{basis.lead} {ref_words(basis)}"


def _bases(bases: list[Basis]) -> list[Para]:
    out = []
    for i, basis in enumerate(bases):
        text = list_item(basis_text(basis), last=i == len(bases) - 1)
        out.append(Para(BASIS, parse_inline(text)))
    return out


def _labelled(kind: str, label: str, texts: list[str], *, bold_title: bool = False) -> list[Para]:
    """First paragraph carries the label; the rest follow as body paragraphs."""
    first = parse_inline(texts[0]) if texts else []
    if bold_title:
        first = [Span(s.text, True, s.italic, s.note) for s in first]
    paras = [Para(kind, [Span(label + " ", bold_title)] + first)]
    paras += [Para(BODY, parse_inline(t)) for t in texts[1:]]
    return paras


def _section(sec: Section, path: tuple[int, ...], request_word: str, decimal: bool) -> list[Para]:
    depth = len(path)
    label = numbering.section_label(path, decimal=decimal or depth >= 3)
    out: list[Para] = []
    if sec.title is not None:
        title = upper_vi(sec.title) if depth == 1 else sec.title
        kind = HEADING1 if depth == 1 else HEADING2 if depth == 2 else HEADING3
        out += _labelled(kind, label, [title], bold_title=True)
        out += [Para(BODY, parse_inline(t)) for t in sec.text]
    else:
        out += _labelled(BODY, label, sec.text)
    child_decimal = sec.numbering == "decimal"
    for i, child in enumerate(sec.sections, start=1):
        out += _section(child, path + (i,), request_word, child_decimal)
    for i, point in enumerate(sec.points, start=1):
        out += _point(point, numbering.point_label(i))
    out += _bullets(sec.bullets, 0)
    for i, asg in enumerate(sec.assignments, start=1):
        out += _assignment(asg, path, i, request_word, child_decimal)
    return out


def _point(point: Point, label: str) -> list[Para]:
    return _labelled(POINT, label, point.text) + _bullets(point.bullets, 0)


def _bullets(bullets: list[Bullet], depth: int) -> list[Para]:
    out: list[Para] = []
    kind = BULLET if depth == 0 else SUB_BULLET
    for b in bullets:
        out += _labelled(kind, numbering.bullet_label(depth), b.text)
        out += _bullets(b.bullets, depth + 1)
    return out


def assignment_heading(asg: Assignment, request_word: str) -> str:
    """"Phòng Nội vụ quận" or "Kính đề nghị Ban Tuyên giáo và Dân vận Quận ủy"."""
    names = ", ".join(asg.unit)
    return f"{request_word} {names}" if asg.request else names


def _assignment(asg: Assignment, parent: tuple[int, ...], index: int, request_word: str,
                decimal: bool) -> list[Para]:
    heading = assignment_heading(asg, request_word)
    if len(parent) == 1:   # under a Roman section: a titled clause "1. Phòng Nội vụ quận"
        label = numbering.section_label(parent + (index,), decimal=decimal)
        out = _labelled(HEADING2, label, [heading], bold_title=True)
    else:                  # deeper: a point "a) Giám đốc Sở Nội vụ"
        out = _labelled(POINT, numbering.point_label(index), [heading])
    out += [Para(BODY, parse_inline(t)) for t in asg.text]
    out += _bullets(asg.tasks, 0)
    return out


def _close_content(body: list[Para]) -> None:
    """End the last paragraph of the content with "./."."""
    if not body:
        return
    last = body[-1]
    idx = max((i for i, s in enumerate(last.spans) if s.note is None and s.text.strip()), default=None)
    if idx is None:
        last.spans.append(Span("./."))
        return
    span = last.spans[idx]
    closed = end_sentence(span.text)
    if idx == len(last.spans) - 1:
        last.spans[idx] = Span(closed, span.bold, span.italic)
    else:   # footnotes after the last words: put the mark after them
        last.spans[idx] = Span(closed[:-3] if closed.endswith("./.") else closed, span.bold, span.italic)
        last.spans.append(Span("./."))


# ------------------------------------------------------------------ closing block
def recipient_lines(recipients: list[str], archive: str | None) -> list[str]:
    """"- Sở Nội vụ;" ... "- Lưu: VT, NV." (Phụ lục I §II.9.b)."""
    items = [r for r in recipients]
    if archive is None and items and items[-1].lower().startswith("lưu"):
        archive = items.pop()[3:].lstrip(" :")
    archive = (archive or "VT").strip()
    if not archive.upper().startswith("VT"):
        archive = f"VT, {archive}"
    lines = [f"- {list_item(r, last=False)}" for r in items]
    lines.append(f"- {list_item('Lưu: ' + archive, last=True)}")
    return lines
