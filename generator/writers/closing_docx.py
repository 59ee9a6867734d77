"""Lines printed after the end mark "./." (e.g. "(Kèm theo mẫu báo cáo ...)"), as OOXML.

They stand right under the last paragraph of the content and above "Nơi nhận". To keep them
with the closing block (and outside the content, which must end with "./.", Phụ lục III), they
go into a first row of the Nơi nhận | signature table, one cell across both columns, with no
cell margins so the text lines up with the body. A plan issued by a decision has no closing
block of its own: the lines then stand in a borderless one-cell table of their own after the
content, the same block without the Nơi nhận row.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn

from ..layout.blocks import Para
from ..layout.geometry import TEXT_WIDTH
from . import footnotes
from .appendix_docx import _el, fixed_table, paragraph

STYLE = "KH Body"


def place_after_end(document: Any, paras: list[Para], attached: bool,
                    notes: list[list[footnotes.Run]] | None = None) -> None:
    """Insert ``paras`` after the content of the rendered plan in ``document``.

    Call before the appendices are appended: the plan's closing table is then the body's last.
    """
    if not paras:
        return
    body = document.element.body
    elements = [paragraph(STYLE, p.spans, notes=notes) for p in paras]
    tables = body.findall(qn("w:tbl"))
    if attached or not tables:
        tbl = fixed_table([TEXT_WIDTH])
        tbl.append(_row(elements, [TEXT_WIDTH]))
        final = body.find(qn("w:sectPr"))
        final.addprevious(tbl)
        final.addprevious(_el("w:p"))      # a document's body does not end on a table
        return
    tbl = tables[-1]
    widths = [int(c.get(qn("w:w"))) for c in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
    tbl.find(qn("w:tr")).addprevious(_row(elements, widths))


def _row(elements: list[Any], widths: list[int]) -> Any:
    """One row, one cell across all columns, no side margins (text lines up with the body)."""
    tr = _el("w:tr")
    trpr = _el("w:trPr")
    trpr.append(_el("w:cantSplit"))
    tr.append(trpr)
    tc = _el("w:tc")
    tcpr = _el("w:tcPr")
    tcpr.append(_el("w:tcW", w=str(sum(widths)), type="dxa"))
    if len(widths) > 1:
        tcpr.append(_el("w:gridSpan", val=str(len(widths))))
    mar = _el("w:tcMar")
    mar.append(_el("w:left", w="0", type="dxa"))
    mar.append(_el("w:right", w="0", type="dxa"))
    tcpr.append(mar)
    tc.append(tcpr)
    for el in elements:
        tc.append(el)
    tr.append(tc)
    return tr
