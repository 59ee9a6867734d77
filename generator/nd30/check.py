"""Judge a Word document against the decree: facts → components → every rule of its kind → report.

``check_path`` is the API the command and the test suite use::

    report = check_path(Path("output/quan3-2025.docx"))
    report.kind, report.rules_checked, [f.rule for f in report.findings]

A file that cannot be read raises :class:`~generator.ooxml.safe_open.DocxReadError` (exit 2).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..ooxml.safe_open import DEFAULT_LIMITS, Limits, open_docx
from . import eval_body, eval_closing, eval_header, eval_page
from .facts import Facts, read_facts
from .findings import Finding, Issue, Report
from .judge import Ctx
from .lines import Layouts, assign_lines, fits_one_page
from .parts import recognise
from .rules import RULES, rules_for

#: Rules about the whole file, judged once (on the first document of the file).
FILE_RULES = frozenset({"PAGE-SIZE", "PAGE-ORIENT", "PAGE-MARGIN", "FONT-FAMILY", "FONT-COLOR", "FONT-UNICODE",
                        "PAGENUM", "PAGENUM-FIRST"})

#: Rule id → the function that judges it.
JUDGES: dict[str, Callable[[Ctx], None]] = {
    "PAGE-SIZE": eval_page.page_size, "PAGE-ORIENT": eval_page.page_orient, "PAGE-MARGIN": eval_page.page_margin,
    "FONT-FAMILY": eval_page.font_family, "FONT-COLOR": eval_page.font_color,
    "FONT-UNICODE": eval_page.font_unicode,
    "HDR-LAYOUT": eval_header.hdr_layout, "HDR-QH": eval_header.hdr_qh, "HDR-TN": eval_header.hdr_tn,
    "HDR-TN-LINE": eval_header.hdr_tn_line, "HDR-AGENCY": eval_header.hdr_agency,
    "HDR-AGENCY-LINE": eval_header.hdr_agency_line, "HDR-NUMBER": eval_header.hdr_number,
    "HDR-DATE": eval_header.hdr_date, "HDR-ROW": eval_header.hdr_row, "HDR-VV": eval_header.hdr_vv,
    "TITLE-TYPE": eval_header.title_type, "TITLE-TRICHYEU": eval_header.title_trichyeu,
    "TITLE-LINE": eval_header.title_line,
    "KINHGUI": eval_body.kinhgui, "BODY-CANCU": eval_body.body_cancu, "BODY-SIZE": eval_body.body_size,
    "BODY-ALIGN": eval_body.body_align, "BODY-INDENT": eval_body.body_indent,
    "BODY-SPACING": eval_body.body_spacing, "BODY-NUMBERING": eval_body.body_numbering,
    "BODY-END": eval_body.body_end,
    "PAGENUM": eval_page.pagenum, "PAGENUM-FIRST": eval_page.pagenum_first,
    "NOINHAN-LABEL": eval_closing.noinhan_label, "NOINHAN-ENTRIES": eval_closing.noinhan_entries,
    "SIGN-BLOCK": eval_closing.sign_block, "SIGN-PREFIX": eval_closing.sign_prefix,
    "APPX-HEAD": eval_closing.appendix_head, "APPX-PAGENUM": eval_page.appendix_pagenum,
}
assert set(JUDGES) == {r.id for r in RULES}, "every rule has a judge"


def evaluate(facts: Facts, only: frozenset[str] | None = None) -> Report:
    """Judge read facts: every rule of each document's kind (``only``: a subset of rule ids)."""
    layouts = Layouts(facts)
    assign_lines(facts, layouts)
    if facts.pages == 1 and not fits_one_page(facts, layouts):   # "1 page" written by a tool that never laid it out
        facts.pages = None
        for p in facts.body:
            p.page = None
    documents = recognise(facts)
    findings: list[Finding] = []
    checked: list[str] = []
    for index, parts in enumerate(documents):
        ctx = Ctx(facts, parts, index, documents, facts.even_odd, layouts)
        for rule in rules_for(parts.kind, parts.attached):
            if (index and rule.id in FILE_RULES) or (only is not None and rule.id not in only):
                continue
            try:
                JUDGES[rule.id](ctx)
            except Exception as exc:  # noqa: BLE001 - an odd document must give a report, not a traceback
                ctx.add(rule.id, Issue(f"kh không đánh giá được quy tắc này ({type(exc).__name__}: {exc})",
                                       "kh could not evaluate this rule"), where="(lỗi nội bộ, internal error)")
            if rule.id not in checked:
                checked.append(rule.id)
        findings += ctx.out
    return Report(facts.label, documents[0].kind, [d.kind for d in documents], findings, len(checked), checked,
                  facts.pages, len(facts.body))


def check_path(path: Path, limits: Limits = DEFAULT_LIMITS, label: str | None = None,
               data: bytes | None = None) -> Report:
    """Read and judge one .docx (``data``: its bytes when already in memory)."""
    pkg = open_docx(path, limits, data=data, label=label)
    return evaluate(read_facts(pkg))
