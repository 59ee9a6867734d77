"""Lay a :class:`Plan` out as worded, numbered blocks that every writer shares.

This is where the plan's structure becomes a document: references are worded, dates
written under the decree's rules, sections, points and bullets numbered, list punctuation
applied and the content closed with "./.". Writers only decide how blocks look.

A section's content comes as one ordered list of blocks however the plan wrote it
(:func:`generator.model.content.section_blocks`); the body is paragraphs and tables
(:mod:`.table_layout`) in printed order, sub-sections numbered and points lettered across them.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field

from ..lang import datewords, numbering, vnwords
from ..lang.typography import Span, end_sentence, list_item, parse_inline, upper_vi
from ..model import content
from ..model.doc_kinds import doc_kind, number_symbol
from ..model.plan import (
    Appendix,
    Article,
    Assignment,
    Attachment,
    Basis,
    Bullet,
    Decision,
    DocRef,
    Org,
    Plan,
    Point,
    Section,
    Task,
    Timing,
)
from .grid import TWIPS_PER_CM, Cell, Row, Table, _longest_word, column_warnings
from .table_layout import table_layout

if typing.TYPE_CHECKING:
    from ..model.tables import Table as TableModel

#: Re-exported: the table shapes and the narrow-column warning live in :mod:`.grid`.
GRID = (Cell, Row, Table, TWIPS_PER_CM, _longest_word, column_warnings)

DOC_TYPE = "KẾ HOẠCH"
DOC_ABBR = "KH"
DECISION_ABBR = "QĐ"

#: Paragraph kinds; writers map each to a style. DECIDE: a decision's "QUYẾT ĐỊNH:" line, centred and bold.
BASIS, BODY, HEADING1, HEADING2, HEADING3, POINT, BULLET, SUB_BULLET, ARTICLE, DECIDE = (
    "basis", "body", "heading1", "heading2", "heading3", "point", "bullet", "subbullet", "article", "decide")
#: "Chương I" and the chapter's title of an attached Quy định, centred and bold (Phụ lục I §II.6.đ).
CHAPTER = "chapter"
#: The line between a decision's bases and its articles (Mẫu 1.2, 1.3).
DECIDE_LINE = "QUYẾT ĐỊNH:"
#: The word before a document's addressees (ô 9a).
TO_LABEL = "Kính gửi:"
#: What an official letter's trích yếu starts with (ô 5b).
LETTER_SUBJECT = "V/v"


@dataclass
class Para:
    """One paragraph: its kind and its spans (label included)."""

    kind: str
    spans: list[Span]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


#: One block of a laid-out body: a paragraph or a table.
Block = Para | Table


@dataclass
class Layout:
    """A plan laid out as a document, ready for a writer.

    ``body``: paragraphs and tables (:class:`~.grid.Table`) in printed order. ``warnings``: what the
    document will show badly though the plan is valid (e.g. a too-narrow column); the build
    reports them on stderr and still writes the document. ``appendices`` are in printed order:
    those placed after the signature first.

    By the document's kind (:mod:`generator.model.doc_kinds`): ``doc_type`` is its type name ("" for a
    công văn, whose trích yếu is ``letter_subject``, "V/v ..." under the number); ``addressees`` the
    "Kính gửi:" lines (one line, or "Kính gửi:" then "- ...;" lines); ``authority`` a Quyết định's
    issuing authority, above its bases (the body then holds bases, "QUYẾT ĐỊNH:" and the articles).
    """

    parent: list[str]
    agency: list[str]
    number_line: str | None
    date_line: str | None
    doc_type: str
    subject: list[str]
    attached_line: str | None
    body: list[Block]
    recipients: list[str] = field(default_factory=list)
    signer_titles: list[str] = field(default_factory=list)
    signer_name: str | None = None
    year: int = 0
    decision: DecisionLayout | None = None
    appendices: list[AppendixLayout] = field(default_factory=list)
    after_end: list[Para] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    kind: str = "Kế hoạch"
    addressees: list[str] = field(default_factory=list)
    letter_subject: list[str] = field(default_factory=list)
    authority: str | None = None

    @property
    def attached(self) -> bool:
        return self.attached_line is not None


@dataclass
class DecisionLayout:
    """The Quyết định that issues the plan, or the document it prints after it (Mẫu 1.3)."""

    number_line: str
    date_line: str
    subject: list[str]
    authority: str
    body: list[Para]
    articles: list[Block]
    recipients: list[str]
    signer_titles: list[str]
    signer_name: str


@dataclass
class AppendixLayout:
    """One Phụ lục: heading block, optional lead text, a table, notes, signature places.

    ``label`` is "" for an appendix printed without one; ``title`` may hold "\n" line breaks;
    ``top`` paragraphs stand above the label and title ("Tên đơn vị: ..." of a report form);
    ``heading`` is a line over the title ("BÁO CÁO"). A content appendix has ``blocks`` (paragraphs
    and tables, printed in place of ``table``, which is then empty). ``after_signature``: printed
    right after the signature, in the document's own pages.
    """

    label: str
    title: str
    attached_line: str
    landscape: bool
    before: list[Para]
    table: Table
    after: list[Para]
    signatures: list[list[tuple[str, str]]] = field(default_factory=list)
    top: list[Para] = field(default_factory=list)
    heading: str | None = None
    warnings: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    after_signature: bool = False

    @property
    def title_lines(self) -> list[str]:
        """The heading line (if any) and the title, split at its line breaks."""
        return ([self.heading] if self.heading else []) + self.title.split("\n")


def layout(plan: Plan) -> Layout:
    """Turn a validated plan into a :class:`Layout`."""
    org = plan.organisation
    attached = plan.attached
    kind = doc_kind(plan.kind)
    ctx = _Ctx(plan)
    body: list[Block] = []
    body += _bases([b for b in plan.bases if not b.with_intro])
    body += _intro([b for b in plan.bases if b.with_intro], plan.intro)
    arabic = plan.top_numbering == "arabic"
    for i, sec in enumerate(plan.sections, start=1):
        body += _section(sec, (i,), ctx, full=arabic or sec.numbering == "decimal", arabic=arabic)
    if plan.attachment is not None:       # the decision first (Mẫu 1.3), then the document it issues
        return _with_attachment(plan, plan.attachment, body, ctx)
    if plan.articles:
        body.append(Para(DECIDE, [Span(DECIDE_LINE, bold=True)]))
        body += article_blocks(plan.articles, ctx)
    body += [Para(BODY, parse_inline(t)) for t in plan.closing]
    _close_content(body)
    order = content.printed_order([a.placement == "after_signature" for a in plan.appendices])
    labels = content.appendix_labels([a.label for a in plan.appendices], plan.appendix_numbering,
                                     always="appendix_numbering" in plan.model_fields_set, order=order)
    appendices = [appendix_layout(plan, plan.appendices[i], labels[i], ctx) for i in order]
    signer = plan.signed_by
    attached_ref = plan.attached_to or (decision_ref(plan.decision, org) if plan.decision else None)
    doc = Layout(
        parent=[upper_vi(x) for x in org.parent],
        agency=[upper_vi(x) for x in org.header],
        number_line=None if attached else f"Số: {number_text(plan.number)}/"
        f"{number_symbol(kind, org.symbol, plan.unit_symbol)}",
        date_line=None if attached else place_date(org.place, plan),
        doc_type=kind.type_name or "",
        subject=plan.subject.split("\n"),
        attached_line=attached_line(attached_ref, plan.year or 0) if attached_ref else None,
        body=body,
        recipients=[] if attached else recipient_lines(plan.recipients, plan.archive),
        signer_titles=(list(signer.authority) + [signer.position]) if signer and not attached else [],
        signer_name=signer.name if signer and not attached else None,
        year=plan.year or 0,
        decision=decision_layout(plan.decision, org, plan.year or 0, ctx) if plan.decision else None,
        appendices=appendices,
        after_end=[Para(BODY, parse_inline(t)) for t in plan.after_end],
        warnings=ctx.warnings + [w for app in appendices for w in app.warnings],
        kind=kind.name,
        addressees=addressee_lines(plan.to),
        letter_subject=letter_subject(plan.subject) if kind.is_letter else [],
        authority=_authority(plan) if plan.articles else None,
    )
    if plan.to and not attached:
        doc.recipients = recipient_lines(_as_above(plan.recipients), plan.archive)
    return doc


def _authority(plan: Plan) -> str:
    """A Quyết định's issuing authority: the document's, else the profile's, else "CHỦ TỊCH <tên cơ quan>"."""
    org = plan.organisation
    return upper_vi(plan.authority or org.authority or f"CHỦ TỊCH {upper_vi(org.name)}")


def _with_attachment(plan: Plan, att: Attachment, bases: list[Block], ctx: _Ctx) -> Layout:
    """A Quyết định and the document it issues: the decision is :attr:`Layout.decision`, the attached
    document the layout itself (no number, date, recipients or signature; "(Kèm theo Quyết định ...)")."""
    org = plan.organisation
    year = plan.year or 0
    articles = article_blocks(plan.articles, ctx)
    _close_content(articles)
    signer = plan.signed_by
    assert signer is not None, "signer not resolved"
    authority = _authority(plan)
    decision = DecisionLayout(
        number_line=f"Số: {number_text(plan.number)}/{DECISION_ABBR}-{org.symbol}",
        date_line=place_date(org.place, plan),
        subject=plan.subject.split("\n"), authority=authority,
        body=[b for b in bases if isinstance(b, Para)], articles=articles,
        recipients=recipient_lines(plan.recipients, plan.archive),
        signer_titles=list(signer.authority) + [signer.position], signer_name=signer.name)
    issuer = att.issuer or (f"Chủ tịch {org.short_name or org.name}" if authority.startswith("CHỦ TỊCH")
                            else org.name)
    ref = DocRef(kind="Quyết định", number=f"{number_text(plan.number).replace(datewords.BLANK, '')}/"
                 f"{DECISION_ABBR}-{org.symbol}", date=plan.date, issuer=issuer)
    body = attachment_blocks(att, ctx)
    _close_content(body)
    order = content.printed_order([a.placement == "after_signature" for a in plan.appendices])
    labels = content.appendix_labels([a.label for a in plan.appendices], plan.appendix_numbering,
                                     always="appendix_numbering" in plan.model_fields_set, order=order)
    appendices = [appendix_layout(plan, plan.appendices[i], labels[i], ctx) for i in order]
    return Layout(
        parent=[upper_vi(x) for x in org.parent], agency=[upper_vi(x) for x in org.header],
        number_line=None, date_line=None, doc_type=upper_vi(att.kind), subject=att.subject.split("\n"),
        attached_line=attached_line(ref, year, plan.month), body=body, year=year, decision=decision,
        appendices=appendices,
        after_end=[Para(BODY, parse_inline(t)) for t in plan.after_end],
        warnings=ctx.warnings + [w for app in appendices for w in app.warnings], kind=plan.kind)


def attachment_blocks(att: Attachment, ctx: _Ctx) -> list[Block]:
    """The attached document's content: "Chương I" and its title (IN HOA), centred and bold, then its
    articles, numbered on across the chapters (Phụ lục I §II.6.đ)."""
    if not att.chapters:
        return article_blocks(att.articles, ctx)
    out: list[Block] = []
    first = 1
    for c, chapter in enumerate(att.chapters, start=1):
        out.append(Para(CHAPTER, [Span(f"Chương {numbering.roman(c)}", bold=True)]))
        out.append(Para(CHAPTER, [Span(upper_vi(s.text), True, s.italic, s.note) for s in parse_inline(chapter.title)]))
        out += article_blocks(chapter.articles, ctx, first)
        first += len(chapter.articles)
    return out


def addressee_lines(to: list[str]) -> list[str]:
    """"Kính gửi: Bộ Nội vụ" for one addressee; "Kính gửi:" then "- Bộ Nội vụ;" … "- Bộ Tài chính." for
    several (Phụ lục I §II.9.d)."""
    names = [re.sub(r"^kính gửi\s*:?\s*", "", t.strip(), flags=re.I).lstrip("-– ").rstrip(" ;.") for t in to]
    if len(names) == 1:
        return [f"{TO_LABEL} {names[0]}"]
    return [TO_LABEL] + [f"- {list_item(n, last=i == len(names) - 1)}" for i, n in enumerate(names)] if names else []


def letter_subject(subject: str) -> list[str]:
    """An official letter's trích yếu under its number: "V/v " and the subject as written (its line
    breaks kept); a subject that already starts with "V/v" is printed as it is."""
    lines = subject.split("\n")
    if not lines[0].lower().startswith("v/v "):
        lines[0] = f"{LETTER_SUBJECT} {lines[0]}"
    return lines


#: The first recipient of a document with addressees: "Như trên" stands for them (Phụ lục I §II.9.b).
AS_ABOVE = "Như trên"


def _as_above(recipients: list[str]) -> list[str]:
    """``recipients`` opened by "Như trên" (added when the document does not write it)."""
    if recipients and recipients[0].strip().lower().startswith(AS_ABOVE.lower()):
        return recipients
    return [AS_ABOVE, *recipients]


class _Ctx:
    """What content layout needs from the plan besides the content itself."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.org: Org = plan.organisation
        self.request_word = self.org.request_word
        self.year = plan.year or 0
        self.colon = plan.assignment_colon
        self.warnings: list[str] = []      # the body's tables'
        self.tables = 0                    # tables of the body laid out so far

    def table(self, model: TableModel, where: str, landscape: bool | None = None) -> Table:
        """A table of the content (``where``: what holds it, "mục II › 1."), its warnings kept;
        ``landscape``: the page it stands on (default: the table's own wish)."""
        self.tables += 1
        table, warnings = table_layout(model, f"Bảng {self.tables} ({where})" if where else f"Bảng {self.tables}",
                                       landscape)
        self.warnings += warnings
        return table


# ------------------------------------------------------------------ header
def number_text(number: int | str | None) -> str:
    """"118"; numbers below 10 take a leading zero ("05"); a draft leaves a blank."""
    return datewords.BLANK if number is None else f"{int(number):02d}"


def doc_number(number: int | str | None, abbr: str, symbol: str) -> str:
    """"118/KH-UBND"; numbers below 10 take a leading zero; a draft leaves a blank."""
    return f"{number_text(number)}/{abbr}-{symbol}"


def number_line(number: int | str | None, symbol: str, abbr: str = DOC_ABBR) -> str:
    """"Số: 118/KH-UBND" (ô 3)."""
    return f"Số: {doc_number(number, abbr, symbol)}"


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
    printed = ref.printed_date if isinstance(ref, Basis) else None
    if printed:
        parts.append(f"ngày {printed}")   # as the cited document printed it: "ngày 24/01/2025"
    elif ref.date:
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


def draft_date_words(date: dt.date | None, year: int, month: int | None = None) -> str:
    """:func:`datewords.date_words`, keeping a draft's known month: "ngày      tháng 4 năm 2026"."""
    if date is not None or month is None:
        return datewords.date_words(date, year)
    return f"ngày{datewords.BLANK}tháng {datewords.month_text(month)} năm {year}"


def place_date(place: str, plan: Plan) -> str:
    """The document's own "Lào Cai, ngày ... tháng ... năm ..." (ô 4), a draft's month kept."""
    return f"{place}, {draft_date_words(plan.date, plan.year or 0, plan.month)}"


def ref_words_blank(ref: DocRef, year: int, month: int | None = None) -> str:
    """:func:`ref_words`, with the blank date of a draft ("ngày      tháng      năm 2025"); ``month`` is the
    draft's month when it is known ("ngày      tháng 4 năm 2026")."""
    text = ref_words(ref)
    if ref.date is None:
        blank = draft_date_words(None, year, month)
        text = text.replace(" của ", f" {blank} của ", 1) if " của " in text else f"{text} {blank}"
    return text


def attached_line(ref: DocRef, year: int, month: int | None = None) -> str:
    """"(Kèm theo Quyết định số 1963/QĐ-UBND ngày 28 tháng 5 năm 2021 của ...)"; blanks for a draft."""
    return f"(Kèm theo {ref_words_blank(ref, year, month)})"


# ------------------------------------------------------------------ content
_LEADS = ("Căn cứ", "Thực hiện", "Theo đề nghị", "Xét đề nghị")


def basis_text(basis: Basis) -> str:
    """Worded basis without its closing punctuation."""
    if basis.text is not None:
        text = basis.text
        if text.startswith(_LEADS):
            return text
        return f"{basis.lead} {text}"
    return f"{basis.lead} {ref_words(basis)}"


def _bases(bases: list[Basis]) -> list[Para]:
    out = []
    for i, basis in enumerate(bases):
        text = list_item(basis_text(basis), last=i == len(bases) - 1)
        out.append(Para(BASIS, parse_inline(text)))
    return out


def _intro(joined: list[Basis], intro: list[str]) -> list[Para]:
    """The lead-in; bases marked ``with_intro`` open its first paragraph, joined by ";".

    "Thực hiện Kế hoạch số 33/KH-UBND ...; Ủy ban nhân dân phường ... như sau:" — an upright
    body paragraph, so the italic "Căn cứ" block above it still ends with "." (ND30 §II.6).
    """
    texts = list(intro)
    if joined and texts:
        lead = "; ".join(list_item(basis_text(b), last=False)[:-1] for b in joined)
        texts[0] = f"{lead}; {texts[0]}"
    return [Para(BODY, parse_inline(t)) for t in texts]


def _labelled(kind: str, label: str, texts: list[str], *, bold_title: bool = False) -> list[Para]:
    """First paragraph carries the label; the rest follow as body paragraphs."""
    first = parse_inline(texts[0]) if texts else []
    if bold_title:
        first = [Span(s.text, True, s.italic, s.note) for s in first]
    paras = [Para(kind, [Span(label + " ", bold_title)] + first)]
    paras += [Para(BODY, parse_inline(t)) for t in texts[1:]]
    return paras


def section_label(path: tuple[int, ...], full: bool, arabic: bool = False) -> str:
    """The number of the section at ``path``: "II.", "3.", "3.1." (:func:`numbering.section_label`);
    ``arabic``: the document numbers its top level "1.", "2." (below it "1.1.", "1.1.1.")."""
    if arabic and len(path) == 1:
        return f"{path[0]}."
    return numbering.section_label(path, decimal=len(path) >= 3, full=full)


def _section(sec: Section, path: tuple[int, ...], ctx: _Ctx, full: bool,
             landscape: bool | None = None, arabic: bool = False) -> list[Block]:
    """A section and everything in it; ``full``: its Roman section asked for ``numbering: decimal``
    ("2.1.", "2.1.1." under "II."). Clauses under a clause are always "1.1." (a restarted "1."
    would break the sequence of the clauses around it). ``arabic``: a top-level section numbered
    "1." (its title not in capitals)."""
    depth = len(path)
    label = section_label(path, full, arabic)
    blocks = content.section_blocks(sec)
    out: list[Block] = []
    if sec.title is not None:
        title = upper_vi(sec.title) if depth == 1 and not arabic else sec.title
        kind = HEADING1 if depth == 1 else HEADING2 if depth == 2 else HEADING3
        out += _labelled(kind, label, [title], bold_title=True)
    else:       # the number opens the first paragraph
        out += _labelled(BODY, label, [blocks[0]])
        blocks = blocks[1:]
    colon = ctx.colon if sec.assignment_colon is None else sec.assignment_colon
    where = "mục " + " › ".join(numbering.section_label(path[:k], decimal=k >= 3, full=full)
                                for k in range(1, depth + 1))
    out += _content(blocks, path, ctx, full, colon, where, landscape)
    return out


def _content(blocks: list[content.Block], path: tuple[int, ...], ctx: _Ctx, full: bool, colon: bool,
             where: str, landscape: bool | None = None) -> list[Block]:
    """The blocks of a section (or of a content appendix, ``path`` ()) in order: sub-sections
    numbered among themselves (with the assignments that are clauses), points lettered on across
    the section (with the assignments that are points)."""
    out: list[Block] = []
    clause = point = 0
    for block in blocks:
        if isinstance(block, str):
            out.append(Para(BODY, parse_inline(block)))
        elif isinstance(block, Section):
            clause += 1
            out += _section(block, path + (clause,), ctx, (block.numbering == "decimal") if not path else full,
                            landscape)
        elif isinstance(block, content.Points):
            for p in block.points:
                point += 1
                out += _point(p, numbering.point_label(point))
        elif isinstance(block, content.Bullets):
            out += _bullets(block.bullets, 0)
        elif isinstance(block, content.Assignments):
            assignments = task_assignments(ctx) if block.assignments == "tasks" else block.assignments
            own = colon if block.colon is None else block.colon
            for asg in assignments:
                if len(path) == 1:
                    clause += 1
                    out += _assignment(asg, path, clause, ctx.request_word, full, own)
                else:
                    point += 1
                    out += _assignment(asg, path, point, ctx.request_word, full, own)
        elif isinstance(block, content.TableBlock):
            out.append(ctx.table(block.table, where, landscape))
        elif isinstance(block, content.Note):
            out.append(note_para(block.text))
    return out


NOTE_LABEL = "Ghi chú"


def note_para(text: str) -> Para:
    """"Ghi chú: ..." in italics (the label added unless the text has one)."""
    spans = parse_inline(text)
    if not text.lstrip("*").lower().startswith(NOTE_LABEL.lower()):
        spans = [Span(f"{NOTE_LABEL}: "), *spans]
    return Para(BODY, [Span(s.text, s.bold, True, s.note) for s in spans])


def _point(point: Point, label: str) -> list[Para]:
    return _labelled(POINT, label, point.text) + _bullets(point.bullets, 0)


def _bullets(bullets: list[Bullet], depth: int) -> list[Para]:
    out: list[Para] = []
    kind = BULLET if depth == 0 else SUB_BULLET
    for b in bullets:
        out += _labelled(kind, numbering.bullet_label(depth), b.text)
        out += _bullets(b.bullets, depth + 1)
    return out


def assignment_heading(asg: Assignment, request_word: str, colon: bool = False) -> str:
    """"Phòng Nội vụ quận" or "Kính đề nghị Ban Tuyên giáo và Dân vận Quận ủy"; with ``colon``,
    "Phòng Nội vụ quận:"."""
    names = ", ".join(asg.unit)
    heading = f"{request_word} {names}" if asg.request else names
    return heading.rstrip(" :.;") + ":" if colon else heading


def _assignment(asg: Assignment, parent: tuple[int, ...], index: int, request_word: str,
                full: bool, colon: bool = False) -> list[Para]:
    heading = assignment_heading(asg, request_word, colon)
    if len(parent) == 1:   # under a Roman section: a titled clause "1. Phòng Nội vụ quận"
        label = numbering.section_label(parent + (index,), full=full)
        out = _labelled(HEADING2, label, [heading], bold_title=True)
    else:                  # deeper: a point "a) Giám đốc Sở Nội vụ"
        out = _labelled(POINT, numbering.point_label(index), [heading])
    out += [Para(BODY, parse_inline(t)) for t in asg.text]
    out += _bullets(asg.tasks, 0)
    return out


def _close_content(body: list[Block]) -> None:
    """End the last paragraph of the content with "./." (a paragraph of its own after a table)."""
    if not body:
        return
    last = body[-1]
    if not isinstance(last, Para):
        body.append(Para(BODY, [Span("./.")]))
        return
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


# ------------------------------------------------------------------ tasks
def timing_text(timing: str | Timing, year: int) -> str:
    """"Quý I/2021", "Tháng 02/2021", "27/02/2021", "Trước ngày 27/02/2021", or the text as written."""
    if isinstance(timing, str):
        return timing
    y = timing.year or year
    if timing.quarter is not None:
        return datewords.quarter_text(timing.quarter, y)
    if timing.month is not None:
        return f"Tháng {datewords.month_text(timing.month)}/{y}"
    if timing.date is not None:
        return datewords.short_date(timing.date)
    assert timing.before is not None
    return f"Trước ngày {datewords.short_date(timing.before)}"


def task_assignments(ctx: _Ctx) -> list[Assignment]:
    """Per-unit assignments derived from the plan's tasks, by lead unit, in order of appearance."""
    by_unit: dict[str, list[str]] = {}
    for group in ctx.plan.tasks:
        for task in group.tasks:
            when = "; ".join(timing_text(t, ctx.year) for t in task.timing)
            text = task.task[0] + (f" (thời gian: {when[:1].lower() + when[1:]})" if when else "")
            for unit in task.lead:
                by_unit.setdefault(unit, []).append(text)
    requested = {u.name for u in ctx.org.units.values() if u.request}
    return [Assignment(unit=[name], request=name in requested, tasks=tasks) for name, tasks in by_unit.items()]


# ------------------------------------------------------------------ appendices
TASK_HEADERS = {
    "stt": "STT", "task": "Nội dung công việc", "lead": "Cơ quan, đơn vị chủ trì",
    "support": "Cơ quan, đơn vị phối hợp", "timing": "Thời gian thực hiện", "product": "Dự kiến sản phẩm",
}
TASK_WIDTHS = {"stt": 0.05, "task": 0.36, "lead": 0.15, "support": 0.16, "timing": 0.12, "product": 0.16}


def appendix_attached_line(plan: Plan) -> str:
    """"(Kèm theo Kế hoạch số 106/KH-UBND ngày 09 tháng 02 năm 2021 của Ủy ban nhân dân quận Bình Tân)";
    another kind names itself: "(Kèm theo Báo cáo số …/BC-UBND …)"."""
    org = plan.organisation
    year = plan.year or 0
    ref = decision_ref(plan.decision, org) if plan.decision is not None else plan.attached_to
    if ref is not None:
        return f"(Kèm theo Kế hoạch ban hành kèm theo {ref_words_blank(ref, year)})"
    kind = doc_kind(plan.kind)
    number = f"{number_text(plan.number)}/{number_symbol(kind, org.symbol, plan.unit_symbol)}"
    issuer = plan.appendix_issuer or org.name
    return f"(Kèm theo {kind.name} số {number} {draft_date_words(plan.date, year, plan.month)} của {issuer})"


def _cell(lines: list[str], align: str = "left", bold: bool = False) -> Cell:
    if len(lines) > 1:
        lines = [ln if ln.startswith(("- ", "+ ")) else f"- {ln}" for ln in lines]
    return Cell([parse_inline(ln) for ln in lines] or [[]], align, bold)


def _task_table(plan: Plan, app: Appendix, year: int) -> Table:
    columns = app.columns or []
    keys = [c.key for c in columns] or list(TASK_HEADERS)
    headers = [(c.header if c.header else TASK_HEADERS.get(c.key, c.key)) for c in columns] or \
        list(TASK_HEADERS.values())
    if columns and all(c.width for c in columns):
        total = sum(c.width or 0 for c in columns)
        widths = [(c.width or 0) / total for c in columns]
    else:
        # portrait: "STT" needs ~1.2 cm, more than 5 % of the 16.5 cm line; the task column gives it up
        shares = TASK_WIDTHS if app.landscape else {**TASK_WIDTHS, "stt": 0.075, "task": 0.335}
        raw = [shares.get(k, EXTRA_WIDTH) for k in keys]
        widths = [w / sum(raw) for w in raw]
    rows = [Row("header", [Cell([[Span(h, bold=True)]], "center", True) for h in headers])]
    if app.numbers:
        rows.append(Row("header", [Cell([[Span(f"({i})", italic=True)]], "center") for i in range(1, len(keys) + 1)]))
    cells = [_TASK_CELL.get(k) or _extra_cell(k) for k in keys]
    for g, group in enumerate(plan.tasks, start=1):
        if group.group:
            title = f"{numbering.roman(g)}. {upper_vi(group.group)}"
            rows.append(Row("group", [Cell([[Span(title, bold=True)]], "left", True)]))
        for n, task in enumerate(group.tasks, start=1):
            rows.append(Row("data", [cell(task, n, year) for cell in cells]))
    return Table(widths, rows)


#: Share of an extra column of the task table when the plan gives no widths.
EXTRA_WIDTH = 0.12


def _extra_cell(key: str) -> Callable[[Task, int, int], Cell]:
    """The cell of an extra column: the task's ``extra`` value under ``key`` (empty when it has none)."""
    return lambda task, n, year: _lines_cell(task.extra.get(key, []))


def _lines_cell(lines: list[str], align: str = "left") -> Cell:
    """:func:`_cell` (one line: the common case, made directly)."""
    if len(lines) == 1:
        return Cell([parse_inline(lines[0])], align)
    return _cell(lines, align)


def _joined_cell(names: list[str]) -> Cell:
    return Cell([parse_inline(", ".join(names))] if names else [[]])


def _timing_cell(task: Task, n: int, year: int) -> Cell:
    lines = [timing_text(t, year) for t in task.timing]
    return _lines_cell(lines, "center" if len(lines) == 1 else "left")


#: Each task-table column's cell from a task, its number in its group and the plan's year;
#: STT and a single timing line centred.
_TASK_CELL: dict[str, Callable[[Task, int, int], Cell]] = {
    "stt": lambda task, n, year: Cell([[Span(str(n))]], "center"),
    "task": lambda task, n, year: _lines_cell(task.task),
    "lead": lambda task, n, year: _joined_cell(task.lead),
    "support": lambda task, n, year: _joined_cell(task.support),
    "timing": _timing_cell,
    "product": lambda task, n, year: _lines_cell(task.product),
}


def _report_table(app: Appendix) -> Table:
    """The form to fill in; without an STT column the topics carry their numbers ("1. ...")."""
    n = len(app.fields)
    stt = 0.08 if app.stt else 0.0
    topic = (0.45 if n <= 2 else 0.35) + (0.0 if app.stt else 0.05)
    rest = (1 - stt - topic) / n
    headers = (["STT"] if app.stt else []) + [app.topic_header, *app.fields]
    rows = [Row("header", [Cell([[Span(h, bold=True)]], "center", True) for h in headers])]
    for i, t in enumerate(app.topics, start=1):
        first = [Cell([[Span(str(i))]], "center"), _cell([t])] if app.stt else [_cell([f"{i}. {t}"])]
        rows.append(Row("form", first + [Cell([[]]) for _ in app.fields]))
    return Table(([stt] if app.stt else []) + [topic] + [rest] * n, rows)


def _quantity(value: float | None) -> str:
    if value is None:
        return ""
    if value == int(value):
        return vnwords.format_amount(int(value))
    whole, frac = f"{value:.2f}".rstrip("0").split(".")
    return f"{vnwords.format_amount(int(whole))},{frac}"


def _budget_table(app: Appendix) -> tuple[Table, int]:
    headers = ["STT", "Nội dung", "Đơn vị tính", "Số lượng", "Đơn giá (đồng)", "Thành tiền (đồng)"]
    rows = [Row("header", [Cell([[Span(h, bold=True)]], "center", True) for h in headers])]
    total = 0
    for i, it in enumerate(app.items, start=1):
        amount = it.amount or 0
        total += amount
        rows.append(Row("data", [
            Cell([[Span(str(i))]], "center"), _cell([it.item]), Cell([[Span(it.unit or "")]], "center"),
            Cell([[Span(_quantity(it.quantity))]], "right"),
            Cell([[Span(vnwords.format_amount(it.price) if it.price is not None else "")]], "right"),
            Cell([[Span(vnwords.format_amount(amount))]], "right")]))
    rows.append(Row("total", [Cell([[]]), Cell([[Span("Tổng cộng", bold=True)]], "center", True), Cell([[]]),
                              Cell([[]]), Cell([[]]),
                              Cell([[Span(vnwords.format_amount(total), bold=True)]], "right", True)]))
    return Table([0.08, 0.36, 0.11, 0.11, 0.16, 0.18], rows), total


FORM_UNIT = "Tên đơn vị: " + "…" * 30


def appendix_layout(plan: Plan, app: Appendix, label: str, ctx: _Ctx) -> AppendixLayout:
    """Lay out one appendix of ``plan``; ``label`` is "Phụ lục", "Phụ lục II" or "" (none)."""
    before = [Para(BODY, parse_inline(t)) for t in app.text]
    after = [Para(BODY, parse_inline(t)) for t in app.notes]
    top: list[Para] = []
    signatures: list[list[tuple[str, str]]] = []
    name = label or upper_vi(app.heading or app.title.split("\n")[0])
    blocks: list[Block] = []
    landscape = app.is_landscape
    warnings: list[str] | None = None
    if app.type == "tasks":
        table = _task_table(plan, app, ctx.year)
    elif app.type == "report":
        if app.unit_line == "below":
            before.insert(0, Para("form_unit", [Span(FORM_UNIT)]))
        elif app.unit_line == "above":
            top.append(Para("form_unit", [Span(FORM_UNIT)]))
        table = _report_table(app)
        signatures = [
            [("Người thực hiện", "sign_title"), ("(Ký tên và ghi rõ họ tên)", "sign_note")],
            [(f"Ngày {'…' * 3} tháng {'…' * 3} năm {'…' * 3}", "sign_note"), ("THỦ TRƯỞNG ĐƠN VỊ", "sign_title"),
             ("(Ký tên và đóng dấu)", "sign_note")],
        ]
    elif app.type == "table":
        assert app.table is not None
        table, warnings = table_layout(app.table, name, landscape)
    elif app.type == "content":
        table = Table([], [])
        seen = len(ctx.warnings)
        blocks = _content(content.appendix_blocks(app), (), ctx, False, ctx.colon, name, landscape)
        warnings, ctx.warnings[seen:] = ctx.warnings[seen:], []
    else:
        table, total = _budget_table(app)
        after.insert(0, Para("amount_words", [Span("Bằng chữ: ", italic=True),
                                              Span(vnwords.amount_in_words(total), italic=True)]))
    if warnings is None:
        warnings = column_warnings(table, app.landscape, name, app.columns, configurable=app.type == "tasks")
    return AppendixLayout(
        label=label, title=app.title if app.heading else upper_vi(app.title),
        attached_line=appendix_attached_line(plan), landscape=landscape, before=before, table=table,
        after=after, signatures=signatures, top=top, heading=upper_vi(app.heading) if app.heading else None,
        warnings=warnings, blocks=blocks, after_signature=app.placement == "after_signature")


# ------------------------------------------------------------------ decision
def article_blocks(articles: list[Article], ctx: _Ctx | None, first: int = 1) -> list[Block]:
    """"Điều 1.", "Điều 2." …: the number (bold) opens the article's title (bold) or its first paragraph;
    its blocks follow, clauses numbered "1.", "2." and points "a)", "b)" (Phụ lục I §II.6.đ).

    ``ctx``: None for an article of text only (a decision issuing a plan); ``first``: the first article's
    number (articles go on across the chapters of an attached Quy định)."""
    out: list[Block] = []
    for i, art in enumerate(articles, start=first):
        number = Span(f"Điều {i}.", bold=True)
        if art.title is not None:
            heading = [Span(s.text, True, s.italic, s.note) for s in parse_inline(art.title)]
            # a heading of its own line: kept with what follows, as a section's title is
            out.append(Para(HEADING2, [number, Span(" ", bold=True), *heading]))
            texts = art.text
        else:
            first = parse_inline(art.text[0]) if art.text else []
            out.append(Para(ARTICLE, [number, Span(" ")] + first))
            texts = art.text[1:]
        out += [Para(BODY, parse_inline(t)) for t in texts]
        if art.body:
            assert ctx is not None, "an article with blocks needs the document"
            out += _content([content.body_block(item) for item in art.body], (i,), ctx, False, ctx.colon,
                            f"Điều {i}")
    return out


def decision_ref(decision: Decision, org: Org) -> DocRef:
    """The decision as cited under the plan's title: "Quyết định số 1963/QĐ-UBND ngày ... của ..."."""
    issuer = decision.issuer or f"Chủ tịch {org.short_name or org.name}"
    number = doc_number(decision.number, DECISION_ABBR, org.symbol).replace(datewords.BLANK, "")
    return DocRef(kind="Quyết định", number=number, date=decision.date, issuer=issuer)


def decision_layout(decision: Decision, org: Org, year: int, ctx: _Ctx | None = None) -> DecisionLayout:
    """Lay out the Quyết định that issues the plan (``ctx``: the plan's, for articles written with blocks)."""
    articles = article_blocks(decision.articles, ctx)
    _close_content(articles)
    signer = decision.signer
    assert not isinstance(signer, str), "signer not resolved"
    authority = decision.authority or org.authority or f"CHỦ TỊCH {upper_vi(org.name)}"
    return DecisionLayout(
        number_line=number_line(decision.number, org.symbol, DECISION_ABBR),
        date_line=datewords.place_date(org.place, decision.date, decision.date.year if decision.date else year),
        subject=decision.subject.split("\n"),
        authority=upper_vi(authority),
        body=_bases(decision.bases),
        articles=articles,
        recipients=recipient_lines(decision.recipients, decision.archive),
        signer_titles=list(signer.authority) + [signer.position],
        signer_name=signer.name,
    )
