"""Writer: a :class:`Plan` → .docx through a docxtpl template (templates/kehoach.docx, or the template of
the document's kind: :mod:`generator.model.doc_kinds`).

The template owns page set-up, styles and layout; this module fills it with the plan's
laid-out blocks, adds real footnotes, fixes the document properties and packs the result
reproducibly. Undefined template variables are errors, text is XML-escaped.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

from ..core.errors import KhError, TemplateError
from ..core.resources import templates_dir
from ..lang.typography import Span
from ..layout import geometry, metrics
from ..layout.blocks import Layout, Table, layout
from ..model.doc_kinds import ATTACHMENT_TEMPLATE, DEFAULT_KIND, doc_kind
from ..model.plan import Plan
from ..ooxml.package import package_bytes
from . import appendix_docx, closing_docx, footnotes

TEMPLATES_DIR = templates_dir()  # repo templates/, or package data in an installed wheel
DEFAULT_TEMPLATE = TEMPLATES_DIR / "kehoach.docx"
DECISION_TEMPLATE = TEMPLATES_DIR / "quyetdinh.docx"

_AGENCY_LINE = geometry.header_line_width(0)
_DATE_LINE = geometry.header_line_width(1)


def template_for(plan: Plan) -> Path:
    """The plan's own template, else its organisation's (a Kế hoạch's), else the built-in one of its kind."""
    chosen = plan.template or (plan.organisation.template if plan.kind == DEFAULT_KIND else None)
    if chosen:
        return Path(chosen)
    if plan.decision is not None:
        return DECISION_TEMPLATE
    if plan.attachment is not None:
        return TEMPLATES_DIR / ATTACHMENT_TEMPLATE
    return TEMPLATES_DIR / doc_kind(plan.kind).template


#: Where the "Kính gửi:" lines may start at the earliest (twips from the margin): past the 1.27 cm
#: first-line indent of the paragraph they stand in.
_TO_MIN_TAB = 1134
_TO_PT = 14


def addressee_tabs(lines: list[str]) -> list[dict[str, Any]]:
    """Each "Kính gửi:" line with its tab stop: one line centred on the text width; several lines as a
    block centred, "Kính gửi:" first and the "- ...;" lines aligned under its colon (Phụ lục I §II.9.d)."""
    if not lines:
        return []
    width = [metrics.text_width_pt(t, _TO_PT) * metrics.TWIPS_PER_PT for t in lines]
    if len(lines) == 1:
        tab = max(_TO_MIN_TAB, int((geometry.TEXT_WIDTH - width[0]) / 2))
        return [{"text": lines[0], "tab": tab}]
    label = metrics.text_width_pt(lines[0].rstrip(":"), _TO_PT) * metrics.TWIPS_PER_PT
    block = label + max(width[1:])
    first = max(_TO_MIN_TAB, int((geometry.TEXT_WIDTH - block) / 2))
    return [{"text": lines[0], "tab": first}] + [{"text": t, "tab": first + int(label)} for t in lines[1:]]


def letter_rich(lines: list[str]) -> Any:
    """An official letter's "V/v ..." lines as one paragraph (line breaks where the document has them)."""
    from docxtpl import RichText

    return RichText("\n".join(lines)) if lines else None


def rule_indents(agency: list[str], subject: list[str]) -> dict[str, int]:
    """Indents that make the agency rule and the subject rule ~0.4 of their text's width."""
    agency_w = max((metrics.text_width_pt(x, 13, bold=True) for x in agency), default=0.0)
    agency_w = min(agency_w, _AGENCY_LINE / 20)
    subject_w = max((metrics.text_width_pt(x, 14, bold=True) for x in subject), default=0.0)
    subject_w = min(subject_w, geometry.TEXT_WIDTH / 20)
    return {
        "agency": metrics.centred_rule_indent(_AGENCY_LINE, agency_w, 0.4),
        "subject": metrics.centred_rule_indent(geometry.TEXT_WIDTH, subject_w, 0.4),
    }


def date_rich(text: str | None) -> Any:
    """The place-and-date line, at 13 pt instead of 14 when 14 would wrap (both allowed, §V)."""
    from docxtpl import RichText

    if text is None:
        return None
    fits = metrics.text_width_pt(text, 14) * metrics.TWIPS_PER_PT <= _DATE_LINE
    return RichText(text) if fits else RichText(text, size=26)


def _rich(spans: list[Span], notes: list[list[footnotes.Run]]) -> Any:
    from docxtpl import RichText

    rt = RichText()
    for span in spans:
        if span.note is not None:
            notes.append([(s.text, s.bold, s.italic) for s in span.note])
            rt.xml += footnotes.reference_run_xml(len(notes))
        elif span.text:
            rt.add(span.text, bold=span.bold, italic=span.italic)
    return rt


def _blocks(paras: list[Any], notes: list[list[footnotes.Run]],
            tables: list[tuple[Table, str]] | None = None) -> list[dict[str, Any]]:
    """The template's blocks: a paragraph's kind and runs; a table stands as a marker (kind "table")
    its XML, made here so its footnotes are numbered in reading order, is added to ``tables``."""
    if tables is None or not any(isinstance(p, Table) for p in paras):
        return [{"kind": p.kind, "rt": _rich(p.spans, notes), "text": p.text} for p in paras]
    from docxtpl import RichText

    out = []
    for p in paras:
        if isinstance(p, Table):
            xml = appendix_docx.grid_table_xml(p, appendix_docx.text_width_of(p),
                                               appendix_docx.usable_height_pt(p.landscape), notes)
            rt = RichText()
            rt.xml = appendix_docx.body_table_marker(len(tables))
            tables.append((p, xml))
            out.append({"kind": "table", "rt": rt, "text": ""})
        else:
            out.append({"kind": p.kind, "rt": _rich(p.spans, notes), "text": p.text})
    return out


def context(doc: Layout, notes: list[list[footnotes.Run]],
            tables: list[tuple[Table, str]] | None = None) -> dict[str, Any]:
    """The template's variables; every name a template may use is defined here.

    ``tables``: the body's tables with their XML, in order, for :func:`appendix_docx.place_body_tables`."""
    qd = None
    if doc.decision is not None:
        d = doc.decision
        qd = {
            "number_line": d.number_line, "date_line": date_rich(d.date_line), "subject": d.subject,
            "authority": d.authority, "body": _blocks(d.body, notes), "articles": _blocks(d.articles, notes, tables),
            "recipients": d.recipients, "signer_titles": d.signer_titles, "signer_name": d.signer_name,
            "rules": rule_indents(doc.agency, d.subject),
        }
    return {
        "qd": qd,
        "parent": doc.parent,
        "agency": doc.agency,
        "number_line": doc.number_line,
        "date_line": date_rich(doc.date_line),
        "doc_type": doc.doc_type,
        "subject": doc.subject,
        "attached_line": doc.attached_line,
        "attached": doc.attached,
        "body": _blocks(doc.body, notes, tables),
        "recipients": doc.recipients,
        "signer_titles": doc.signer_titles,
        "signer_name": doc.signer_name or "",
        "rules": rule_indents(doc.agency, doc.subject),
        "year": doc.year,
        "kind": doc.kind,
        "to_lines": addressee_tabs(doc.addressees),
        "letter_subject": letter_rich(doc.letter_subject),
        "authority": doc.authority,
    }


def render_docx(plan: Plan, template: Path | None = None, warnings: list[str] | None = None) -> bytes:
    """Render ``plan`` into .docx bytes (byte-identical for identical input).

    ``warnings``: the layout's warnings (a too-narrow column …) are appended to it.
    """
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import TemplateError as JinjaError
    from lxml.etree import XMLSyntaxError

    from ..core.sandbox import TEMPLATE_MAX_OUTPUT, explain, make_env
    from .template_check import check_template

    template = template or template_for(plan)
    check_template(template)      # regular file, no zip bomb, well-formed XML without DTD, closed tags
    doc = layout(plan)
    if warnings is not None:
        warnings += doc.warnings
    notes: list[list[footnotes.Run]] = []
    body_tables: list[tuple[Table, str]] = []
    ctx = context(doc, notes, body_tables)
    tpl = _strict_template(DocxTemplate)(str(template))
    try:
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, XMLSyntaxError, ValueError) as exc:
        raise TemplateError(f"{template}: không phải tệp .docx hợp lệ (not a valid .docx): {exc}") from None
    try:
        tpl.render(ctx, jinja_env=make_env(autoescape=True, max_output=TEMPLATE_MAX_OUTPUT))
    except TemplateSyntaxError as exc:
        near = " ".join(x.strip() for x in getattr(exc, "docx_context", []) if x.strip())
        raise TemplateError(f"{template}: thẻ mẫu sai (broken template tag): {exc.message}"
                            + (f" — gần (near): {near[:160]}" if near else "")) from None
    except UndefinedError as exc:
        raise TemplateError(f"{template}: mẫu dùng biến chưa định nghĩa (undefined variable): {exc.message}"
                            f"; biến có sẵn (available): {', '.join(sorted(ctx))}") from None
    except (JinjaError, RecursionError, ArithmeticError, TypeError, ValueError) as exc:
        raise TemplateError(f"{template}: mẫu {explain(exc)}") from None
    except XMLSyntaxError as exc:
        raise TemplateError(f"{template}: mẫu dựng ra XML hỏng (template produced malformed XML): {exc}") from None
    tables = appendix_docx.place_body_tables(tpl.docx, body_tables)
    closing_docx.place_after_end(tpl.docx, doc.after_end, doc.attached, notes)
    appendix_docx.place_after_signature(tpl.docx, doc.appendices, notes, tables)
    tables = appendix_docx.append_appendices(tpl.docx, doc.appendices, notes, tables)
    footnotes.install_footnotes(tpl.docx, notes)
    _properties(tpl.docx, plan, doc)
    # zipped once, fixed timestamps (as save + normalise_zip); appendix tables written as text
    return package_bytes(tpl.docx, tables)


_STRICT: dict[type, type] = {}


def _strict_template(base: type) -> type:
    """docxtpl's DocxTemplate whose body re-parse never drops content silently.

    docxtpl re-parses the rendered body with lxml's *recover* mode, which cuts a text node over
    10 MB and everything after it without a word. Here the body is parsed strictly first (huge
    text allowed) and the recovered tree must hold as many elements and characters.
    """
    if base not in _STRICT:
        from lxml import etree

        class StrictDocxTemplate(base):  # type: ignore[misc, valid-type]
            def fix_tables(self, xml: str) -> Any:
                strict = etree.fromstring(xml, etree.XMLParser(huge_tree=True, resolve_entities=False,
                                                               no_network=True, load_dtd=False))
                tree = super().fix_tables(xml)
                if _extent(tree) != _extent(strict):
                    raise KhError("văn bản quá lớn: một đoạn dài hơn 10 MB sẽ bị cắt khi ghi .docx, nên không "
                                  "ghi gì (a paragraph over 10 MB would be cut; nothing written)")
                return tree

        _STRICT[base] = StrictDocxTemplate
    return _STRICT[base]


def _extent(tree: Any) -> tuple[int, int]:
    """(elements, characters of text) in an lxml tree."""
    elements = chars = 0
    for el in tree.iter():
        elements += 1
        chars += len(el.text or "") + len(el.tail or "")
    return elements, chars


#: Longest text Word keeps in a core document property (title, subject, author).
PROPERTY_LIMIT = 255


def fit_property(text: str, limit: int = PROPERTY_LIMIT) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, "…" marking the cut.

    Only the document properties are shortened; the body keeps the full text.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–") + "…"


def _properties(document: Any, plan: Plan, doc: Layout) -> None:
    """Document properties from the plan only (no clock), so builds are reproducible."""
    stamp = dt.datetime.combine(plan.date or dt.date(plan.year or 2000, 1, 1), dt.time())
    props = document.core_properties
    props.title = fit_property(" ".join(doc.subject))
    props.subject = fit_property(f"{doc.doc_type} {doc.number_line or ''}".strip())
    props.author = fit_property(plan.organisation.name)
    props.last_modified_by = fit_property(plan.organisation.name)
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    props.keywords = "kh"
    props.comments = ""
