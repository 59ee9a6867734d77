"""Estimated text widths and line heights (Times New Roman metrics), for lengths the decree compares:
the line under the motto "bằng độ dài của dòng chữ", under the agency name and trích yếu "từ 1/3
đến 1/2 độ dài của dòng chữ", and whether "Số" and the date stand on one line.

Widths use the advance widths of Adobe's Times-Roman and Times-Bold (1/1000 em), which Times New
Roman matches closely; a Vietnamese letter counts as its base letter. Line height is 1.15 × size
(Times New Roman's ascent + descent) times the paragraph's line spacing.
"""

from __future__ import annotations

import unicodedata

from .styles import ParaFmt

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_REGULAR = dict(zip(_UPPER, [722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889,
                             722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611], strict=True))
_REGULAR.update(zip(_LOWER, [444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778,
                             500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444], strict=True))
_BOLD = dict(zip(_UPPER, [722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944,
                          722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667], strict=True))
_BOLD.update(zip(_LOWER, [500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833,
                          556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444], strict=True))
for _table in (_REGULAR, _BOLD):
    _table.update({" ": 250, "-": 333, ",": 250, ".": 250, "/": 278, ":": 278, ";": 278, "(": 333, ")": 333,
                   "_": 500, "\u00a0": 250, "\t": 500})
    _table.update({d: 500 for d in "0123456789"})

LINE_FACTOR = 1.15       # Times New Roman: (ascent + descent) / em
TWIPS_PER_MM = 1440 / 25.4
EMU_PER_PT = 12700


def _base(ch: str) -> str:
    if ch in "Đđ":
        return "D" if ch == "Đ" else "d"
    return unicodedata.normalize("NFD", ch)[0] if ch else ch


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
