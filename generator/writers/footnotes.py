"""Real Word footnotes (``/word/footnotes.xml``) for python-docx / docxtpl output.

docxtpl cannot create footnotes, so the body only carries reference marks
(:func:`reference_run_xml`, spliced into a ``RichText``) and the notes
themselves are written afterwards by :func:`install_footnotes` on the rendered
python-docx ``Document`` (``DocxTemplate.docx`` after ``render()``).

Typical use::

    rt = RichText("Căn cứ Nghị định số 30/2020/NĐ-CP")
    rt.xml += reference_run_xml(1)
    tpl.render({"can_cu": rt})
    install_footnotes(tpl.docx, [[("Văn bản ", False, False), ("số 30", True, False)]])
    tpl.save(path)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import OxmlElement, parse_xml
from docx.oxml.xmlchemy import BaseOxmlElement
from lxml import etree

if TYPE_CHECKING:
    from docx.document import Document

__all__ = ["Run", "install_footnotes", "reference_run_xml"]

Run = tuple[str, bool, bool]
"""One formatted piece of a footnote: ``(text, bold, italic)``."""

FOOTNOTE_TEXT_STYLE = "FootnoteText"
FOOTNOTE_REFERENCE_STYLE = "FootnoteReference"

_FOOTNOTES_PARTNAME = "/word/footnotes.xml"

# Characters outside the XML 1.0 ``Char`` production (C0 controls other than
# TAB/LF/CR, lone surrogates, U+FFFE and U+FFFF). lxml refuses them outright.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Children of CT_Settings that precede ``w:footnotePr`` (ECMA-376 Part 1,
# wml.xsd, complexType CT_Settings; same sequence as python-docx's
# ``docx.oxml.settings.CT_Settings._tag_seq``). ``w:footnotePr`` comes right
# after ``w:hdrShapeDefaults`` and before ``w:endnotePr``/``w:compat``/``w:rsids``.
_SETTINGS_BEFORE_FOOTNOTEPR = tuple(
    qn(f"w:{name}")
    for name in (
        "writeProtection", "view", "zoom", "removePersonalInformation",
        "removeDateAndTime", "doNotDisplayPageBoundaries", "displayBackgroundShape",
        "printPostScriptOverText", "printFractionalCharacterWidth", "printFormsData",
        "embedTrueTypeFonts", "embedSystemFonts", "saveSubsetFonts", "saveFormsData",
        "mirrorMargins", "alignBordersAndEdges", "bordersDoNotSurroundHeader",
        "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
        "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign",
        "attachedTemplate", "linkStyles", "stylePaneFormatFilter",
        "stylePaneSortMethod", "documentType", "mailMerge", "revisionView",
        "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting",
        "documentProtection", "autoFormatOverride", "styleLockTheme",
        "styleLockQFSet", "defaultTabStop", "autoHyphenation",
        "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps",
        "showEnvelope", "summaryLength", "clickAndTypeStyle", "defaultTableStyle",
        "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting",
        "bookFoldPrintingSheets", "drawingGridHorizontalSpacing",
        "drawingGridVerticalSpacing", "displayHorizontalDrawingGridEvery",
        "displayVerticalDrawingGridEvery", "doNotUseMarginsForDrawingGridOrigin",
        "drawingGridHorizontalOrigin", "drawingGridVerticalOrigin",
        "doNotShadeFormData", "noPunctuationKerning", "characterSpacingControl",
        "printTwoOnOne", "strictFirstAndLastChars", "noLineBreaksAfter",
        "noLineBreaksBefore", "savePreviewPicture", "doNotValidateAgainstSchema",
        "saveInvalidXml", "ignoreMixedContent", "alwaysShowPlaceholderText",
        "doNotDemarcateInvalidXml", "saveXmlDataOnly", "useXSLTWhenSaving",
        "saveThroughXslt", "showXMLTags", "alwaysMergeEmptyNamespace",
        "updateFields", "hdrShapeDefaults",
    )
)  # fmt: skip


def reference_run_xml(note_id: int) -> str:
    """Return the ``<w:r>`` placing footnote ``note_id``'s mark in body text.

    The string has no namespace declaration: it is meant to be appended to a
    docxtpl ``RichText.xml`` and spliced into document.xml, where ``w:`` is bound.
    """
    _check_note_id(note_id)
    return (
        "<w:r><w:rPr>"
        f'<w:rStyle w:val="{FOOTNOTE_REFERENCE_STYLE}"/>'
        '<w:vertAlign w:val="superscript"/>'
        f'</w:rPr><w:footnoteReference w:id="{note_id}"/></w:r>'
    )


def install_footnotes(
    document: Document,
    notes: Sequence[Sequence[Run]],
    *,
    font: str = "Times New Roman",
    size_pt: float = 10.0,
) -> None:
    """Write ``notes`` as the footnotes of ``document``; note k (1-based) gets id k.

    Creates ``/word/footnotes.xml`` (or replaces every footnote of an existing
    footnotes part), adds the FootnoteText/FootnoteReference styles when missing
    and ``w:footnotePr`` to settings.xml when missing. Existing styles are kept
    as they are. An empty ``notes`` leaves the document untouched. Call it after
    ``DocxTemplate.render()``, which would otherwise overwrite the part.
    """
    if not notes:
        return
    if size_pt <= 0:
        raise ValueError(f"size_pt must be positive, got {size_pt!r}")

    footnotes = [
        _separator_footnote(-1, "separator"),
        _separator_footnote(0, "continuationSeparator"),
    ]
    footnotes += [_note_footnote(k, runs) for k, runs in enumerate(notes, start=1)]
    _write_footnotes_part(document, footnotes)
    _ensure_styles(document, font, size_pt)
    _ensure_settings(document)


# -- footnote content ---------------------------------------------------------


def _check_note_id(note_id: int) -> None:
    if not isinstance(note_id, int) or isinstance(note_id, bool) or note_id < 1:
        raise ValueError(f"footnote id must be an int >= 1, got {note_id!r}")


def _w(tag: str, **attrs: str) -> BaseOxmlElement:
    """Create ``w:<tag>`` with ``w:``-qualified attributes."""
    element = OxmlElement(f"w:{tag}")
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _sub(parent: BaseOxmlElement, tag: str, **attrs: str) -> BaseOxmlElement:
    child = _w(tag, **attrs)
    parent.append(child)
    return child


def _separator_footnote(note_id: int, kind: str) -> BaseOxmlElement:
    """Footnote -1 / 0 holding the (continuation) separator line, as Word writes it."""
    footnote = _w("footnote", type=kind, id=str(note_id))
    p = _sub(footnote, "p")
    _sub(_sub(p, "pPr"), "spacing", after="0", line="240", lineRule="auto")
    _sub(_sub(p, "r"), kind)
    return footnote


def _note_footnote(note_id: int, runs: Sequence[Run]) -> BaseOxmlElement:
    """Footnote ``note_id``: footnote mark, a space, then the formatted runs."""
    footnote = _w("footnote", id=str(note_id))
    p = _sub(footnote, "p")
    _sub(_sub(p, "pPr"), "pStyle", val=FOOTNOTE_TEXT_STYLE)
    mark = _sub(p, "r")
    _sub(_sub(mark, "rPr"), "rStyle", val=FOOTNOTE_REFERENCE_STYLE)
    _sub(mark, "footnoteRef")
    _append_text(_sub(p, "r"), " ")
    for text, bold, italic in runs:
        r = _sub(p, "r")
        if bold or italic:
            rpr = _sub(r, "rPr")
            # CT_RPr order: b, bCs, i, iCs
            if bold:
                _sub(rpr, "b")
                _sub(rpr, "bCs")
            if italic:
                _sub(rpr, "i")
                _sub(rpr, "iCs")
        _append_text(r, text)
    return footnote


def _append_text(r: BaseOxmlElement, text: str) -> None:
    """Append ``text`` to run ``r`` as w:t pieces, TAB as w:tab and newline as w:br.

    lxml escapes &, < and >; XML-forbidden characters are dropped first.
    """
    text = _XML_FORBIDDEN.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    for piece in re.split(r"([\t\n])", text):
        if piece == "\t":
            _sub(r, "tab")
        elif piece == "\n":
            _sub(r, "br")
        elif piece:
            t = _sub(r, "t")
            t.text = piece
            if piece != piece.strip() or "  " in piece:
                t.set(qn("xml:space"), "preserve")


# -- package parts ------------------------------------------------------------


def _write_footnotes_part(document: Document, footnotes: list[BaseOxmlElement]) -> None:
    """Put ``footnotes`` into the footnotes part, creating it when absent."""
    doc_part = document.part
    part = next(
        (
            rel.target_part
            for rel in doc_part.rels.values()
            if rel.reltype == RT.FOOTNOTES and not rel.is_external
        ),
        None,
    )
    if part is None:
        root = parse_xml(f"<w:footnotes {nsdecls('w', 'r')}/>")
        root.extend(footnotes)
        part = XmlPart(
            _free_partname(document), CT.WML_FOOTNOTES, root, doc_part.package
        )
        doc_part.relate_to(part, RT.FOOTNOTES)
        return
    if isinstance(part, XmlPart):
        _replace_footnotes(part.element, footnotes)
        return
    # python-docx loads an existing footnotes.xml as a plain blob Part (docxtpl
    # renders it the same way): rewrite the blob, keeping the root's namespaces.
    root = parse_xml(part.blob)
    _replace_footnotes(root, footnotes)
    part._blob = etree.tostring(root, encoding="UTF-8", standalone=True)


def _replace_footnotes(root: BaseOxmlElement, footnotes: list[BaseOxmlElement]) -> None:
    for old in root.findall(qn("w:footnote")):
        root.remove(old)
    root.extend(footnotes)


def _free_partname(document: Document) -> PackURI:
    taken = {str(p.partname) for p in document.part.package.iter_parts()}
    if _FOOTNOTES_PARTNAME not in taken:
        return PackURI(_FOOTNOTES_PARTNAME)
    return document.part.package.next_partname("/word/footnotes%d.xml")


def _ensure_styles(document: Document, font: str, size_pt: float) -> None:
    """Add the FootnoteText and FootnoteReference styles when they are missing."""
    styles = document.styles.element
    ids = {s.get(qn("w:styleId")) for s in styles.findall(qn("w:style"))}
    half_points = str(round(size_pt * 2))

    if FOOTNOTE_TEXT_STYLE not in ids:
        style = _style_head(styles, "paragraph", FOOTNOTE_TEXT_STYLE, "footnote text")
        ppr = _sub(style, "pPr")
        # CT_PPrBase order: spacing before jc
        _sub(ppr, "spacing", before="0", after="0", line="240", lineRule="auto")
        _sub(ppr, "jc", val="both")
        rpr = _sub(style, "rPr")
        # CT_RPr order: rFonts, sz, szCs
        _sub(rpr, "rFonts", ascii=font, hAnsi=font, cs=font)
        _sub(rpr, "sz", val=half_points)
        _sub(rpr, "szCs", val=half_points)
        styles.append(style)

    if FOOTNOTE_REFERENCE_STYLE not in ids:
        style = _style_head(styles, "character", FOOTNOTE_REFERENCE_STYLE, "footnote reference")
        _sub(_sub(style, "rPr"), "vertAlign", val="superscript")
        styles.append(style)


def _style_head(styles: BaseOxmlElement, style_type: str, style_id: str, name: str) -> BaseOxmlElement:
    """A new ``w:style`` with its name, basedOn the default style, priority and unhide flag.

    CT_Style order: name, basedOn, uiPriority, unhideWhenUsed, then pPr and rPr (added by the caller).
    """
    style = _w("style", type=style_type, styleId=style_id)
    _sub(style, "name", val=name)
    base = _default_style_id(styles, style_type)
    if base:
        _sub(style, "basedOn", val=base)
    _sub(style, "uiPriority", val="99")
    _sub(style, "unhideWhenUsed")
    return style


def _default_style_id(styles: BaseOxmlElement, style_type: str) -> str | None:
    for style in styles.findall(qn("w:style")):
        is_default = style.get(qn("w:default")) in ("1", "true", "on")
        if is_default and style.get(qn("w:type")) == style_type:
            return style.get(qn("w:styleId"))
    return None


def _ensure_settings(document: Document) -> None:
    """Add ``<w:footnotePr>`` referencing the separators when settings has none."""
    settings = document.settings.element
    footnote_pr = settings.find(qn("w:footnotePr"))
    if footnote_pr is None:
        footnote_pr = _w("footnotePr")
        # Insert right after the last schema predecessor present; everything
        # else (endnotePr, compat, rsids, m:mathPr, ..., w14/w15 extensions)
        # belongs after it. With no predecessor present it goes first.
        index = 0
        for i, child in enumerate(settings):
            if child.tag in _SETTINGS_BEFORE_FOOTNOTEPR:
                index = i + 1
        settings.insert(index, footnote_pr)
    if footnote_pr.find(qn("w:footnote")) is None:
        # CT_FtnDocProps: pos, numFmt, numStart, numRestart, then footnote* last
        _sub(footnote_pr, "footnote", id="-1")
        _sub(footnote_pr, "footnote", id="0")
