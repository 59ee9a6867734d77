"""Appendices (Phụ lục) appended to a rendered document as OOXML.

docxtpl cannot start a section with its own orientation and page numbering, nor build a
table whose columns the plan chooses, so this small module does it with lxml on the
document python-docx holds. Styles come from the template (``KH Appendix ...``, ``KH Table
...``); each appendix starts a new section whose page numbers restart at 1 (Phụ lục I
§III.1.đ), in landscape where the plan asks. A table is written as XML text that the
package writer puts in place of a placeholder once the document part is serialised
(:class:`TableText`): a 10,000-row table is never parsed into lxml and written out again.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Callable
from typing import Any

from docx.oxml.ns import qn
from lxml import etree

from ..lang.typography import Span
from ..layout import metrics
from ..layout.blocks import AppendixLayout, Cell, Para, Row, Table
from ..layout.geometry import (
    LANDSCAPE_TEXT_WIDTH,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    PAGE_LONG,
    PAGE_SHORT,
    TABLE_CELL_MARGIN,
    TEXT_WIDTH,
)
from . import footnotes

STYLE_OF = {"form_unit": "KH Table Text", "amount_words": "KH Body", "sign_title": "KH Sign Title",
            "sign_note": "KH Appendix Note", "heading1": "KH Heading", "heading2": "KH Heading",
            "heading3": "KH Heading", "basis": "KH Basis"}


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_NSMAP = {"w": _W}
_make = etree.Element   # plain lxml: python-docx's element classes apply again once inside its tree


def _el(tag: str, **attrs: str) -> Any:
    """A ``w:`` element, made by lxml directly (python-docx's OxmlElement re-parses each tag name)."""
    el = _make(f"{{{_W}}}{tag[2:]}" if tag.startswith("w:") else qn(tag), nsmap=_W_NSMAP)
    for key, value in attrs.items():
        el.set(f"{{{_W}}}{key}", value)
    return el


#: Parses kh's own generated XML: large text allowed, no entities, DTDs or network.
_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False, load_dtd=False, no_network=True)
_JC = {"left": "left", "right": "right", "center": "center"}


_T = f"{{{_W}}}t"
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _parse(xml: str, *, space: bool = True) -> Any:
    """The element ``xml`` (``w:`` markup, no namespace declaration, its first tag not empty).

    The declaration goes on the element itself: moved into the document it is dropped as
    redundant (a declaration on a wrapper would be re-resolved for every element, far slower).
    Text elements get ``xml:space="preserve"`` here, or (``space=False``) from
    :func:`_preserve_space` once in the document: lxml moves ``xml:`` attributes between
    documents in quadratic time (a 10,000-row table: seconds).
    """
    end = xml.index(">")
    el = etree.fromstring(f'{xml[:end]} xmlns:w="{_W}"{xml[end:]}', _PARSER)
    if space:
        _preserve_space(el)
    return el


def _preserve_space(el: Any) -> None:
    """``xml:space="preserve"`` on every ``w:t`` in ``el`` (their only attribute)."""
    for t in el.iter(_T):
        t.set(_SPACE, "preserve")


def _text(text: str) -> str:
    """``text`` escaped for XML content; CR kept as a character reference (a parser folds it)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


_T_OPEN = "<w:t>"
#: A text element as lxml writes it once ``xml:space`` is set (see :func:`_preserve_space`).
_T_KEEP = '<w:t xml:space="preserve">'


def _runs_xml(spans: list[Span], notes: list[list[footnotes.Run]] | None = None, t_open: str = _T_OPEN) -> str:
    if len(spans) == 1:                 # most table cells: one plain line
        span = spans[0]
        if span.note is None and not span.bold and not span.italic and "\n" not in span.text:
            return f"<w:r>{t_open}{_text(span.text)}</w:t></w:r>" if span.text else ""
    out = []
    for span in spans:
        if span.note is not None and notes is not None:
            notes.append([(s.text, s.bold, s.italic) for s in span.note])
            out.append(footnotes.reference_run_xml(len(notes)))
            continue
        if not span.text:
            continue
        out.append("<w:r>")
        if span.bold or span.italic:
            out.append("<w:rPr>" + ("<w:b/>" if span.bold else "") + ("<w:i/>" if span.italic else "") + "</w:rPr>")
        for i, line in enumerate(span.text.split("\n")):   # "\n" is a line break, as in the body
            if i:
                out.append("<w:br/>")
            if line:
                out.append(f"{t_open}{_text(line)}</w:t>")    # xml:space set by _parse unless given
        out.append("</w:r>")
    return "".join(out)


@functools.lru_cache(maxsize=64)
def _ppr(style: str, align: str | None, keep_next: bool) -> str:
    ppr = f'<w:pStyle w:val="{style.replace(" ", "")}"/>'
    if keep_next:
        ppr += "<w:keepNext/>"
    if align:
        ppr += f'<w:jc w:val="{_JC[align]}"/>'
    return f"<w:p><w:pPr>{ppr}</w:pPr>"


def _paragraph_xml(style: str, spans: list[Span], *, align: str | None = None, keep_next: bool = False,
                   notes: list[list[footnotes.Run]] | None = None) -> str:
    return f"{_ppr(style, align, keep_next)}{_runs_xml(spans, notes)}</w:p>"


def paragraph(style: str, spans: list[Span], *, align: str | None = None, keep_next: bool = False,
              notes: list[list[footnotes.Run]] | None = None) -> Any:
    """A ``w:p`` in ``style`` holding ``spans``."""
    return _parse(_paragraph_xml(style, spans, align=align, keep_next=keep_next, notes=notes))


def _rule(width_twips: int, ratio: float, text_width_twips: int) -> Any:
    """A short centred solid line under the appendix heading (Mẫu 2.1)."""
    p = paragraph("KH Rule", [])
    ppr = p.find(qn("w:pPr"))
    bdr = _el("w:pBdr")
    bdr.append(_el("w:bottom", val="single", sz="6", space="1", color="000000"))
    ppr.append(bdr)
    indent = str(max(0, int((text_width_twips - width_twips * ratio) / 2)))
    ppr.append(_el("w:spacing", after="240"))
    ppr.append(_el("w:ind", left=indent, right=indent))
    return p


_BORDERS = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                   for side in ("top", "left", "bottom", "right", "insideH", "insideV"))


def column_widths(tbl: Table, text_width: int) -> list[int]:
    """The columns' widths in twips, summing to ``text_width``."""
    widths = [int(round(f * text_width)) for f in tbl.widths]
    widths[-1] += text_width - sum(widths)
    return widths


def table(tbl: Table, text_width: int, page_height_pt: float = 482.0,
          notes: list[list[footnotes.Run]] | None = None, *, space: bool = True) -> Any:
    """A bordered table; its header row repeats on every page, rows do not split across pages.

    Built as XML text (:func:`table_xml`) and parsed once; ``space=False``: see :func:`_parse`.
    """
    return _parse(table_xml(tbl, text_width, page_height_pt, notes, preserve=False), space=space)


def _table_open(text_width: int, widths: list[int]) -> list[str]:
    """The table's properties and grid, as every kh table has them: full text width, centred, single
    borders, fixed layout, the cell margins of the decree's tables, one grid column per width."""
    return [
        f'<w:tbl><w:tblPr><w:tblW w:w="{text_width}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{_BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:left w:w="{TABLE_CELL_MARGIN}" w:type="dxa"/>'
        f'<w:right w:w="{TABLE_CELL_MARGIN}" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]


def table_xml(tbl: Table, text_width: int, page_height_pt: float = 482.0,
              notes: list[list[footnotes.Run]] | None = None, *, keep_last_with_next: bool = False,
              preserve: bool = True) -> str:
    """:func:`table` as XML text, exactly as lxml serialises it inside the document.

    No namespace declaration (``w:`` is bound by the document). ``preserve``: text elements carry
    ``xml:space="preserve"`` (else :func:`_parse` or :func:`_preserve_space` set it).
    ``keep_last_with_next``: the last row's paragraphs are kept with what follows the table.
    One string per table, made with as few Python calls per cell as possible (a 10,000-row
    table has 60,000 cells).
    """
    widths = column_widths(tbl, text_width)
    out = _table_open(text_width, widths)
    rows = tbl.rows
    fit = _RowFit(widths, page_height_pt / 3)
    t_open = _T_KEEP if preserve else _T_OPEN
    # per column: its cell's opening, length thresholds, usable width and the text before a
    # plain cell's words, by (bold, align, keep with next)
    columns = [(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>', short, long, usable, {})
               for w, short, long, usable in zip(widths, fit.short, fit.long, fit.usable, strict=True)]
    group = [(f'<w:tc><w:tcPr><w:tcW w:w="{sum(widths)}" w:type="dxa"/><w:gridSpan w:val="{len(widths)}"/>'
              "</w:tcPr>", 0, 0, 0.0, {})]
    last = len(rows) - 1
    append = out.append
    for i, row in enumerate(rows):
        kind = row.kind
        keep = keep_last_with_next and i == last
        # Keep a row on one page where that is possible; a row taller than a third of the page may
        # split, or it would leave large gaps (and LibreOffice may clip a row taller than a page).
        measure = kind == "data"
        if measure:
            start = len(out)
            append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")     # until a cell is too tall
            unsure = []
        elif kind == "header":
            append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>")
        elif kind == "form":     # room to write in
            append('<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="567" w:hRule="atLeast"/></w:trPr>')
        else:
            append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        for cell, (tc, short, long, usable, heads) in zip(row.cells, group if kind == "group" else columns,
                                                          strict=True):
            key = (cell.bold, cell.align, keep)
            head = heads.get(key)
            if head is None:
                ppr = _ppr("KH Table Header" if cell.bold and cell.align == "center" else "KH Table Text",
                           cell.align if cell.align != "left" else None, keep)
                head = heads[key] = (tc + ppr, f"{tc}{ppr}<w:r>{t_open}", ppr)
            paras = cell.paras
            if len(paras) == 1:
                spans = paras[0]
                if len(spans) == 1:
                    span = spans[0]
                    text = span.text
                    if measure and len(text) > short:
                        if len(text) >= long:
                            measure = False
                            out[start] = "<w:tr><w:trPr/>"
                        else:
                            unsure.append((cell, usable))
                    if span.note is None and not span.bold and not span.italic and "\n" not in text:  # most cells
                        if not text:
                            append(head[0] + "</w:p></w:tc>")
                        elif "&" in text or "<" in text or ">" in text or "\r" in text:
                            append(f"{head[1]}{_text(text)}</w:t></w:r></w:p></w:tc>")
                        else:
                            append(f"{head[1]}{text}</w:t></w:r></w:p></w:tc>")
                        continue
            if measure and not (len(paras) == 1 and len(paras[0]) == 1):
                settled = fit.settle(paras, usable)
                if settled is False:
                    measure = False
                    out[start] = "<w:tr><w:trPr/>"
                elif settled is None:
                    unsure.append((cell, usable))
            ppr = head[2]
            append(tc + "".join(f"{ppr}{_runs_xml(spans, notes, t_open)}</w:p>" for spans in paras) + "</w:tc>")
        if measure and unsure and not all(fit.measured(c, u) for c, u in unsure):
            out[start] = "<w:tr><w:trPr/>"
        append("</w:tr>")
    append("</w:tbl>")
    return "".join(out)


def text_width_of(tbl: Table, landscape: bool | None = None) -> int:
    """The width a table of the body fills (twips): the landscape line when it asks for one."""
    return LANDSCAPE_TEXT_WIDTH if (tbl.landscape if landscape is None else landscape) else TEXT_WIDTH


def usable_height_pt(landscape: bool) -> float:
    """The height of the page's text area (points)."""
    return ((PAGE_SHORT if landscape else PAGE_LONG) - MARGIN_TOP - MARGIN_BOTTOM) / metrics.TWIPS_PER_PT


def _sized_runs(spans: list[Span], notes: list[list[footnotes.Run]] | None, t_open: str, size: str) -> str:
    """:func:`_runs_xml` with the text size ``size`` (``w:sz`` markup, "" for the style's) on each run."""
    out = []
    for span in spans:
        if span.note is not None and notes is not None:
            notes.append([(s.text, s.bold, s.italic) for s in span.note])
            out.append(footnotes.reference_run_xml(len(notes)))
            continue
        if not span.text:
            continue
        props = ("<w:b/>" if span.bold else "") + ("<w:i/>" if span.italic else "") + size
        out.append(f"<w:r><w:rPr>{props}</w:rPr>" if props else "<w:r>")
        for i, line in enumerate(span.text.split("\n")):
            if i:
                out.append("<w:br/>")
            if line:
                out.append(f"{t_open}{_text(line)}</w:t>")
        out.append("</w:r>")
    return "".join(out)


def grid_table_xml(tbl: Table, text_width: int, page_height_pt: float = 482.0,
                   notes: list[list[footnotes.Run]] | None = None, *, keep_last_with_next: bool = False,
                   preserve: bool = True) -> str:
    """A table the plan writes itself (``tbl.keep_header``), as XML text (see :func:`table_xml`).

    The same borders, cell margins, styles and fixed widths as the appendix tables; header rows repeat
    on every page and, with group rows, are kept with the row below them (no header alone at the foot
    of a page); a row does not split across pages unless it is taller than a third of the page;
    merged cells are ``w:gridSpan`` and ``w:vMerge``; ``tbl.font_size`` sets the text size.
    """
    widths = column_widths(tbl, text_width)
    edges = [0]
    for w in widths:
        edges.append(edges[-1] + w)
    half = round(tbl.size * 2)
    size = f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>' if tbl.font_size else ""
    mark = f"<w:rPr>{size}</w:rPr>" if size else ""
    out = _table_open(text_width, widths)
    t_open = _T_KEEP if preserve else _T_OPEN
    limit = page_height_pt / 3
    last = len(tbl.rows) - 1
    for i, row in enumerate(tbl.rows):
        kind = row.kind
        keep = kind in ("header", "group") or (keep_last_with_next and i == last)
        tall = False
        cells_xml = []
        col = 0
        for cell in row.cells:
            span = min(cell.span, len(widths) - col)
            width = edges[col + span] - edges[col]
            usable = max(1.0, (width - 2 * TABLE_CELL_MARGIN) / metrics.TWIPS_PER_PT)
            if kind == "data" and cell.merge == "" and not tall:
                tall = _cell_height(cell, usable, tbl.size) > limit
            tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
            if span > 1:
                tcpr += f'<w:gridSpan w:val="{span}"/>'
            if cell.merge == "restart":
                tcpr += '<w:vMerge w:val="restart"/>'
            elif cell.merge == "continue":
                tcpr += "<w:vMerge/>"
            if cell.merge or kind == "header":
                tcpr += '<w:vAlign w:val="center"/>'
            style = "KH Table Header" if cell.bold and cell.align == "center" else "KH Table Text"
            ppr = f'<w:pPr><w:pStyle w:val="{style.replace(" ", "")}"/>' + ("<w:keepNext/>" if keep else "") + \
                (f'<w:jc w:val="{_JC[cell.align]}"/>' if cell.align != "left" else "") + mark + "</w:pPr>"
            paras = "".join(f"<w:p>{ppr}{_sized_runs(spans, notes, t_open, size)}</w:p>" for spans in cell.paras)
            cells_xml.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{paras or f'<w:p>{ppr}</w:p>'}</w:tc>")
            col += span
        if kind == "header":
            trpr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
        elif tall:
            trpr = "<w:trPr/>"
        else:
            trpr = "<w:trPr><w:cantSplit/></w:trPr>"
        out.append(f"<w:tr>{trpr}{''.join(cells_xml)}</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def any_table_xml(tbl: Table, text_width: int, page_height_pt: float,
                  notes: list[list[footnotes.Run]] | None = None, *, keep_last_with_next: bool = False) -> str:
    """:func:`grid_table_xml` for a table the plan writes itself, :func:`table_xml` for the built-in ones."""
    if tbl.keep_header:
        return grid_table_xml(tbl, text_width, page_height_pt, notes, keep_last_with_next=keep_last_with_next)
    return table_xml(tbl, text_width, page_height_pt, notes, keep_last_with_next=keep_last_with_next)


class _RowFit:
    """Whether a data row is no taller than ``limit`` points: ``row_height_pt(row, widths) <= limit``.

    The same answer, with most cells settled by their length alone: every character is at
    least :data:`~.metrics.NARROWEST` and at most :data:`~.metrics.WIDEST` wide, and the
    height grows with the width, so a one-line cell of ``n`` characters surely fits when
    ``n <= short`` and surely does not when ``n >= long`` (both found once per column with the
    very arithmetic :func:`_cell_height` does). Only the cells in between are measured.
    """

    def __init__(self, widths: list[int], limit: float, size_pt: float = 13.0):
        self.limit = limit
        self.size = size_pt
        self.usable = [max(1.0, (w - 2 * TABLE_CELL_MARGIN) / metrics.TWIPS_PER_PT) for w in widths]
        self.short = [_last(lambda n, u=u: self._height(n, metrics.WIDEST, u) <= limit) for u in self.usable]
        self.long = [_last(lambda n, u=u: self._height(n, metrics.NARROWEST, u) <= limit) + 1 for u in self.usable]

    def _height(self, chars: int, advance: int, usable: float) -> float:
        """:func:`_cell_height` of one paragraph of ``chars`` characters of this ``advance`` each."""
        lines = max(1, math.ceil(chars * advance * self.size / 1000.0 / usable))
        return lines * self.size * 1.15 + 6

    def settle(self, paras: list[list[Span]], usable: float) -> bool | None:
        """Whether a cell of these paragraphs fits (None: cannot tell without measuring)."""
        least = most = 0
        for spans in paras:
            n = sum(len(s.text) for s in spans)
            least += max(1, math.ceil(n * metrics.NARROWEST * self.size / 1000.0 / usable))
            most += max(1, math.ceil(n * metrics.WIDEST * self.size / 1000.0 / usable))
        extra = len(paras) * 6        # as _cell_height computes it, bit for bit
        if least * self.size * 1.15 + extra > self.limit:
            return False
        if most * self.size * 1.15 + extra <= self.limit:
            return True
        return None

    def __call__(self, row: Row) -> bool:
        unsure = []
        for cell, short, long, usable in zip(row.cells, self.short, self.long, self.usable, strict=False):
            paras = cell.paras
            if len(paras) == 1 and len(paras[0]) == 1:
                n = len(paras[0][0].text)
                if n <= short:
                    continue
                if n >= long:
                    return False
            else:
                settled = self.settle(paras, usable)
                if settled is not None:
                    if settled:
                        continue
                    return False
            unsure.append((cell, usable))
        return all(self.measured(cell, usable) for cell, usable in unsure)

    def measured(self, cell: Cell, usable: float) -> bool:
        """Whether the cell fits, its ASCII characters measured at C speed first (most cells are
        settled there), then every character where that is not enough."""
        least = most = 0
        size = self.size
        for spans in cell.paras:
            low, high = metrics.roman_units_bounds(spans[0].text if len(spans) == 1 else "".join(s.text for s in spans))
            least += max(1, math.ceil(low * size / 1000.0 / usable))     # as text_width_pt, then _cell_height
            most += max(1, math.ceil(high * size / 1000.0 / usable))
        extra = len(cell.paras) * 6
        if most * size * 1.15 + extra <= self.limit:
            return True
        if least * size * 1.15 + extra > self.limit:
            return False
        return _cell_height(cell, usable, size) <= self.limit


def _last(ok: Callable[[int], bool], cap: int = 1 << 40) -> int:
    """The largest ``n >= 0`` with ``ok(n)`` for a predicate true up to some point (-1: none; ``cap``: all)."""
    if not ok(0):
        return -1
    low, high = 0, 1
    while ok(high):
        if high >= cap:
            return cap
        low, high = high, high * 2
    while high - low > 1:             # ok(low), not ok(high)
        mid = (low + high) // 2
        low, high = (mid, high) if ok(mid) else (low, mid)
    return low


def _cell_height(cell: Cell, usable: float, size_pt: float) -> float:
    lines = 0
    for spans in cell.paras:
        text = spans[0].text if len(spans) == 1 else "".join(s.text for s in spans)
        lines += max(1, math.ceil(metrics.text_width_pt(text, size_pt) / usable))
    return lines * size_pt * 1.15 + len(cell.paras) * 6     # 3 pt before and after each paragraph


def row_height_pt(row: Row, widths: list[int], size_pt: float = 13.0) -> float:
    """Estimated height of a row: the tallest cell's wrapped lines at 1.15 line height."""
    tallest = 0.0
    for cell, width in zip(row.cells, widths, strict=False):
        usable = max(1.0, (width - 2 * TABLE_CELL_MARGIN) / metrics.TWIPS_PER_PT)
        tallest = max(tallest, _cell_height(cell, usable, size_pt))
    return tallest


def fixed_table(widths: list[int]) -> Any:
    """An empty borderless table with fixed layout and these column widths (twips), rows to be added."""
    t = _el("w:tbl")
    pr = _el("w:tblPr")
    pr.append(_el("w:tblW", w=str(sum(widths)), type="dxa"))
    pr.append(_el("w:tblLayout", type="fixed"))
    t.append(pr)
    grid = _el("w:tblGrid")
    for width in widths:
        grid.append(_el("w:gridCol", w=str(width)))
    t.append(grid)
    return t


def _signatures(places: list[list[tuple[str, str]]], text_width: int) -> Any:
    """Two signature places side by side in a borderless table (report forms)."""
    half = text_width // len(places)
    t = fixed_table([half] * len(places))
    t.find(qn("w:tblPr")).find(qn("w:tblW")).set(qn("w:w"), str(text_width))
    tr = _el("w:tr")
    trpr = _el("w:trPr")
    trpr.append(_el("w:cantSplit"))   # the signature places never split across pages
    tr.append(trpr)
    for lines in places:
        tc = _el("w:tc")
        tcpr = _el("w:tcPr")
        tcpr.append(_el("w:tcW", w=str(half), type="dxa"))
        tc.append(tcpr)
        for i, (text, kind) in enumerate(lines):
            italic = kind == "sign_note"
            p = paragraph(STYLE_OF[kind], [Span(text, bold=kind == "sign_title", italic=italic)], align="center")
            if i == 0:   # a line of space between the notes and the signature places
                p.find(qn("w:pPr")).insert(1, _el("w:spacing", before="240"))
            tc.append(p)
        tr.append(tc)
    t.append(tr)
    return t


def _section_props(template: Any, landscape: bool, restart: bool) -> Any:
    """A copy of ``template`` (a ``w:sectPr``) set to the orientation and numbering asked for."""
    sect = copy.deepcopy(template)
    size = sect.find(qn("w:pgSz"))
    w, h = (PAGE_LONG, PAGE_SHORT) if landscape else (PAGE_SHORT, PAGE_LONG)
    size.set(qn("w:w"), str(w))
    size.set(qn("w:h"), str(h))
    if landscape:
        size.set(qn("w:orient"), "landscape")
    elif qn("w:orient") in size.attrib:
        del size.attrib[qn("w:orient")]
    if restart:
        num = sect.find(qn("w:pgNumType"))
        if num is None:
            num = _el("w:pgNumType")
            # pgNumType goes after pgMar/paperSrc/pgBorders/lnNumType in CT_SectPr
            anchor = None
            for tag in ("w:lnNumType", "w:pgBorders", "w:paperSrc", "w:pgMar", "w:pgSz"):
                anchor = sect.find(qn(tag))
                if anchor is not None:
                    break
            anchor.addnext(num)
        num.set(qn("w:start"), "1")
        if sect.find(qn("w:titlePg")) is None:
            sect.append(_el("w:titlePg"))
        _reorder_title_pg(sect)
    return sect


def _reorder_title_pg(sect: Any) -> None:
    """Keep ``w:titlePg`` before textDirection/bidi/rtlGutter/docGrid as CT_SectPr requires."""
    title = sect.find(qn("w:titlePg"))
    for tag in ("w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings"):
        later = sect.find(qn(tag))
        if later is not None:
            later.addprevious(title)
            return


class TableText:
    """An appendix table kept as XML text: a placeholder stands in the document tree.

    Parsing a large table into lxml only for python-docx to serialise it again costs more than
    building it; :func:`~.package.package_bytes` puts :attr:`xml` in place of :attr:`marker` in
    the serialised document part, the bytes lxml would have written for the table, or calls
    :meth:`materialise` where it cannot (the marker not found exactly once, text XML forbids).
    """

    def __init__(self, xml: str, index: int) -> None:
        self.xml = xml
        self.placeholder = etree.ProcessingInstruction("kh-table", str(index))
        self.marker: bytes = etree.tostring(self.placeholder)

    def materialise(self) -> None:
        """Parse the table into the tree in place of its placeholder."""
        el = _parse(self.xml.replace(_T_KEEP, _T_OPEN), space=False)
        self.placeholder.getparent().replace(self.placeholder, el)
        _preserve_space(el)         # once in the document (see _parse)


def append_appendices(document: Any, appendices: list[AppendixLayout],
                      notes: list[list[footnotes.Run]] | None = None,
                      tables: list[TableText] | None = None) -> list[TableText]:
    """Append each appendix in its own section after the content of ``document``.

    Footnotes in the appendices' text are added to ``notes`` (numbered after the body's).
    Returns the tables left as text, for :func:`~.package.package_bytes` to write: ``tables`` (those
    placed earlier in the document, in order) with the appendices' added. Appendices printed after
    the signature are not these (see :func:`place_after_signature`).
    """
    tables = [] if tables is None else tables
    appendices = [app for app in appendices if not app.after_signature]
    if not appendices:
        return tables
    body = document.element.body
    final = body.find(qn("w:sectPr"))
    previous = copy.deepcopy(final)        # the section the plan itself ends
    for app in appendices:
        brk = _el("w:p")
        ppr = _el("w:pPr")
        ppr.append(previous)
        brk.append(ppr)
        final.addprevious(brk)
        text_width = LANDSCAPE_TEXT_WIDTH if app.landscape else TEXT_WIDTH
        _insert(final, _appendix_elements(app, text_width, notes), tables)
        previous = _section_props(final, app.landscape, restart=True)
    last = previous
    final.getparent().replace(final, last)
    return tables


def place_after_signature(document: Any, appendices: list[AppendixLayout],
                          notes: list[list[footnotes.Run]] | None = None,
                          tables: list[TableText] | None = None) -> list[TableText]:
    """Print the appendices placed ``after_signature`` right under the closing block, in the plan's
    own section (its pages, its page numbers), each under its label and title.

    Call after the closing block is complete and before :func:`append_appendices`.
    """
    tables = [] if tables is None else tables
    final = document.element.body.find(qn("w:sectPr"))
    for app in appendices:
        if not app.after_signature:
            continue
        space = paragraph("KH Body", [], keep_next=True)    # a line between the signature and the heading
        final.addprevious(space)
        _insert(final, _appendix_elements(app, TEXT_WIDTH, notes, rule=False), tables)
    return tables


def _insert(final: Any, elements: list[Any], tables: list[TableText]) -> None:
    """Put ``elements`` before ``final``; a table as text stands in as a placeholder (see :class:`TableText`),
    an empty paragraph between two tables (Word would join them)."""
    previous_table = False
    for el in elements:
        if isinstance(el, str):
            if previous_table:
                final.addprevious(_spacer())
            tables.append(TableText(el, len(tables)))
            final.addprevious(tables[-1].placeholder)
            previous_table = True
        else:
            final.addprevious(el)
            _preserve_space(el)         # once in the document (see _parse)
            previous_table = False


def _spacer() -> Any:
    """A small empty paragraph that keeps two tables apart."""
    return _parse('<w:p><w:pPr><w:pStyle w:val="KHTableText"/></w:pPr></w:p>')


def _appendix_elements(app: AppendixLayout, text_width: int, notes: list[list[footnotes.Run]] | None,
                       *, rule: bool = True) -> list[Any]:
    """The appendix's elements in order; its tables as XML text (see :class:`TableText`)."""
    out: list[Any] = [_para(p, notes, keep_next=True) for p in app.top]
    if app.label:
        out.append(paragraph("KH Appendix Label", [Span(app.label, bold=True)], keep_next=True))
    if app.heading:
        out.append(paragraph("KH Appendix Title", [Span(app.heading, bold=True)], keep_next=True))
    out += [
        paragraph("KH Appendix Title", [Span(app.title, bold=True)], keep_next=True),
        paragraph("KH Appendix Attached", [Span(app.attached_line, italic=True)], keep_next=True),
    ]
    if rule:
        out.append(_rule(min(text_width, 4000), 0.6, text_width))
    usable = usable_height_pt(app.landscape)
    if app.blocks:
        for i, block in enumerate(app.blocks):
            if isinstance(block, Table):
                out.append(any_table_xml(block, text_width, usable, notes))
            else:      # a paragraph that leads into a table stays with it
                nxt = app.blocks[i + 1] if i + 1 < len(app.blocks) else None
                out.append(_para(block, notes, keep_next=isinstance(nxt, Table) or block.kind.startswith("heading")))
        out += [_para(p, notes) for p in app.before + app.after]
        return out
    out += [_para(p, notes, keep_next=app.table.keep_header and i == len(app.before) - 1)
            for i, p in enumerate(app.before)]
    # what follows the table (amount in words, notes, signature places) stays with its last row:
    # with the notes also kept with the next paragraph, the signature places never stand alone
    # on a page; if they do not fit under the table, the last row moves over with them
    out.append(any_table_xml(app.table, text_width, usable, notes,
                             keep_last_with_next=bool(app.after or app.signatures)))
    out += [_para(p, notes, keep_next=bool(app.signatures) or i < len(app.after) - 1)
            for i, p in enumerate(app.after)]
    if app.signatures:
        out.append(_signatures(app.signatures, text_width))
    return out


def _para(p: Para, notes: list[list[footnotes.Run]] | None = None, keep_next: bool = False) -> Any:
    return paragraph(STYLE_OF.get(p.kind, "KH Body"), p.spans, notes=notes, keep_next=keep_next)


# ------------------------------------------------------------------ tables in the body
#: The processing instruction a table of the body stands as in the rendered template (its index).
BODY_TABLE_PI = "kh-body-table"


def body_table_marker(index: int) -> str:
    """What the template renders where the body's ``index``-th table goes (inside an empty paragraph)."""
    return f"<?{BODY_TABLE_PI} {index}?>"


def place_body_tables(document: Any, xml: list[tuple[Table, str]]) -> list[TableText]:
    """Put the body's tables (laid out, their XML made) in place of their markers.

    A table that asks for landscape gets a landscape section of its own (consecutive ones share it);
    the paragraph just before a table is kept with it. Returns the tables as text (document order).
    """
    tables: list[TableText] = []
    if not xml:
        return tables
    body = document.element.body
    final = body.find(qn("w:sectPr"))
    marks = {int(pi.text): pi for pi in body.iter(etree.ProcessingInstruction) if pi.target == BODY_TABLE_PI}
    first_break = True
    open_landscape = None       # the placeholder of a landscape table whose section is still open
    for index, (tbl, text) in enumerate(xml):
        pi = marks.get(index)
        if pi is None:
            continue      # a template that does not render this block: nothing to replace
        para = pi.getparent()
        host = para if para is not None and para.tag == qn("w:p") else pi
        tables.append(TableText(text, len(tables)))
        placeholder = tables[-1].placeholder
        before = host.getprevious()
        if tbl.landscape and before is not None and before is open_landscape:
            host.addprevious(_spacer())          # the same landscape section goes on
        elif tbl.landscape:
            host.addprevious(_section_break(final, landscape=False, first=first_break))
            first_break = False
        elif _is_table(before):
            host.addprevious(_spacer())
        elif before is not None and before.tag == qn("w:p"):
            _keep_with_next(before)
        host.addprevious(placeholder)
        open_landscape = None
        if tbl.landscape:
            if _landscape_follows(host.getnext(), xml):
                open_landscape = placeholder
            else:
                host.addprevious(_section_break(final, landscape=True, first=False))
        host.getparent().remove(host)
    if not first_break:      # the plan goes on after a landscape part: no first-page numbering again
        _continued(final)
    return tables


def _is_table(el: Any) -> bool:
    return el is not None and (el.tag == qn("w:tbl") or (
        isinstance(el, etree._ProcessingInstruction) and el.target == "kh-table"))


def _landscape_follows(nxt: Any, xml: list[tuple[Table, str]]) -> bool:
    """Is the element after a landscape table the marker of another landscape table (same section)?"""
    if nxt is None or nxt.tag != qn("w:p"):
        return False
    for pi in nxt.iter(etree.ProcessingInstruction):
        if pi.target == BODY_TABLE_PI:
            index = int(pi.text)
            return index < len(xml) and xml[index][0].landscape
    return False


def _section_break(final: Any, *, landscape: bool, first: bool) -> Any:
    """An empty paragraph ending a section: the plan's own section (``first``: the very first, with
    its first-page settings) or a continued one, portrait or landscape."""
    sect = _section_props(final, landscape, restart=False)
    if not first:
        _drop_first_page(sect)
    p = _el("w:p")
    ppr = _el("w:pPr")
    ppr.append(sect)
    p.append(ppr)
    return p


def _continued(final: Any) -> None:
    """The plan's last section, now a continuation: page numbers go on, no first-page settings."""
    _drop_first_page(final)


def _drop_first_page(sect: Any) -> None:
    title = sect.find(qn("w:titlePg"))
    if title is not None:
        sect.remove(title)
    num = sect.find(qn("w:pgNumType"))
    if num is not None and qn("w:start") in num.attrib:
        del num.attrib[qn("w:start")]
        if not num.attrib:
            sect.remove(num)


def _keep_with_next(p: Any) -> None:
    """Keep paragraph ``p`` on the page of what follows it (a table it introduces)."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = _el("w:pPr")
        p.insert(0, ppr)
    if ppr.find(qn("w:keepNext")) is None:
        style = ppr.find(qn("w:pStyle"))
        keep = _el("w:keepNext")
        if style is not None:
            style.addnext(keep)
        else:
            ppr.insert(0, keep)
