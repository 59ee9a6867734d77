"""Estimated text widths and line heights (Times New Roman metrics), for lengths the decree compares:
the line under the motto "bằng độ dài của dòng chữ", under the agency name and trích yếu "từ 1/3
đến 1/2 độ dài của dòng chữ", and whether "Số" and the date stand on one line.

Widths use the advance widths of Adobe's Times-Roman and Times-Bold (1/1000 em), which Times New
Roman matches closely; a Vietnamese letter counts as its base letter. Line height is 1.15 × size
(Times New Roman's ascent + descent) times the paragraph's line spacing.
"""

from __future__ import annotations

from ..lang.glyph_widths import BOLD as _BOLD
from ..lang.glyph_widths import ROMAN as _REGULAR
from ..lang.glyph_widths import base_letter as _base
from .styles import ParaFmt

LINE_FACTOR = 1.15       # Times New Roman: (ascent + descent) / em
TWIPS_PER_MM = 1440 / 25.4
EMU_PER_PT = 12700


def text_width(text: str, size: float, bold: bool) -> float:
    """Estimated width in points of ``text`` set in Times New Roman."""
    table = _BOLD if bold else _REGULAR
    return sum(table.get(_base(c), 500) for c in text) * size / 1000.0


def line_height(fmt: ParaFmt, size: float) -> float:
    """Height in points of one line of a paragraph whose largest text is ``size``."""
    if fmt.line_rule == "exact":
        return fmt.line / 20.0
    natural = size * LINE_FACTOR
    if fmt.line_rule == "atLeast":
        return max(natural, fmt.line / 20.0)
    return natural * fmt.line / 240.0


def spacing_pt(twips: int, lines: int, size: float) -> float:
    """Before/after spacing in points (``lines`` in hundredths of a line wins when set)."""
    if lines:
        return lines / 100.0 * size * LINE_FACTOR
    return twips / 20.0
