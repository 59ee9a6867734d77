"""Estimated widths of Times New Roman text, to size the decree's horizontal rules.

Advance widths: :mod:`generator.lang.glyph_widths` (shared with the ND30 check of Word documents).
"""

from __future__ import annotations

from ..lang.glyph_widths import BOLD as _BOLD
from ..lang.glyph_widths import ROMAN as _ROMAN
from ..lang.glyph_widths import base_letter as _base

TWIPS_PER_PT = 20

#: Narrowest and widest advance (1/1000 em) of any character in roman text (unknown ones: 500).
NARROWEST = min(*_ROMAN.values(), 500)
WIDEST = max(*_ROMAN.values(), 500)
WIDEST_BOLD = max(*_BOLD.values(), 500)


#: character → advance width, filled on first sight of each character (roman, bold).
_SEEN: tuple[dict[str, int], dict[str, int]] = ({}, {})


def text_width_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """Width in points of one line of ``text`` set in Times New Roman."""
    seen = _SEEN[bold]
    try:
        units = sum(map(seen.__getitem__, text))
    except KeyError:
        table = _BOLD if bold else _ROMAN
        for c in set(text).difference(seen):
            seen[c] = table.get(_base(c), 500)
        units = sum(map(seen.__getitem__, text))
    return units * size_pt / 1000.0


#: Low and high byte of each ASCII character's roman advance (others: 0, never looked up).
_ASCII_LOW = bytes(_ROMAN.get(chr(i), 500) & 255 for i in range(128)) + bytes(128)
_ASCII_HIGH = bytes(_ROMAN.get(chr(i), 500) >> 8 for i in range(128)) + bytes(128)


def roman_units_bounds(text: str) -> tuple[int, int]:
    """Least and most advance (1/1000 em) ``text`` can have in roman, without a per-character loop.

    Its ASCII characters are measured exactly (bytes operations), the others bounded by
    :data:`NARROWEST` and :data:`WIDEST`; ``text_width_pt(text, s)`` lies within the bounds × s / 1000.
    """
    ascii_ = text.encode("ascii", "ignore")
    others = len(text) - len(ascii_)
    high = ascii_.translate(_ASCII_HIGH)
    units = sum(ascii_.translate(_ASCII_LOW)) + ((high.count(1) + 2 * high.count(2) + 3 * high.count(3)) << 8)
    return units + others * NARROWEST, units + others * WIDEST


def centred_rule_indent(line_width_twips: int, text_width_pt_: float, ratio: float) -> int:
    """Left/right indent (twips) that centres a rule ``ratio`` × the text's width in a line."""
    length = min(text_width_pt_ * ratio * TWIPS_PER_PT, line_width_twips)
    return max(0, int(round((line_width_twips - length) / 2)))
