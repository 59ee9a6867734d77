"""Estimated widths of Times New Roman text, to size the decree's horizontal rules.

Advance widths (1/1000 em) are Adobe Times-Roman / Times-Bold AFM values; Vietnamese
letters take the width of their base letter (diacritics do not advance the pen).
"""

from __future__ import annotations

import unicodedata

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_ROMAN = dict(zip(_UPPER, [722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889,
                           722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611], strict=True))
_ROMAN.update(zip(_LOWER, [444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778,
                           500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444], strict=True))
_BOLD = dict(zip(_UPPER, [722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944,
                          722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667], strict=True))
_BOLD.update(zip(_LOWER, [500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833,
                          556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444], strict=True))
for _table in (_ROMAN, _BOLD):
    _table.update({" ": 250, "-": 333, ",": 250, ".": 250, "/": 278, ":": 278, ";": 278,
                   "(": 333, ")": 333, "_": 500, "\u00a0": 250})
    _table.update({d: 500 for d in "0123456789"})

TWIPS_PER_PT = 20

#: Narrowest and widest advance (1/1000 em) of any character in roman text (unknown ones: 500).
NARROWEST = min(*_ROMAN.values(), 500)
WIDEST = max(*_ROMAN.values(), 500)
WIDEST_BOLD = max(*_BOLD.values(), 500)


def _base(ch: str) -> str:
    if ch in "Đđ":
        return "D" if ch == "Đ" else "d"
    return unicodedata.normalize("NFD", ch)[0]


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
