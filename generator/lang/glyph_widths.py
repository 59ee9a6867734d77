"""Advance widths of Times New Roman, the decree's font, for estimating how wide a line of text is.

Values (1/1000 em) are Adobe Times-Roman / Times-Bold AFM widths, which Times New Roman matches
closely; a Vietnamese letter takes the width of its base letter (diacritics do not advance the pen),
any other character 500. Used by the layout (sizing the decree's rules, table columns) and by the
ND30 check of Word documents (line lengths the decree compares).
"""

from __future__ import annotations

import unicodedata

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
#: character → advance width (1/1000 em), upright and bold.
ROMAN = dict(zip(_UPPER, [722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889,
                          722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611], strict=True))
ROMAN.update(zip(_LOWER, [444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778,
                          500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444], strict=True))
BOLD = dict(zip(_UPPER, [722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944,
                         722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667], strict=True))
BOLD.update(zip(_LOWER, [500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833,
                         556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444], strict=True))
for _table in (ROMAN, BOLD):
    _table.update({" ": 250, "-": 333, ",": 250, ".": 250, "/": 278, ":": 278, ";": 278,
                   "(": 333, ")": 333, "_": 500, "\u00a0": 250})
    _table.update({d: 500 for d in "0123456789"})
#: The width of a character not in the tables.
DEFAULT = 500


def base_letter(ch: str) -> str:
    """The letter whose width ``ch`` takes: "ệ" → "e", "Đ" → "D"."""
    if ch in "Đđ":
        return "D" if ch == "Đ" else "d"
    return unicodedata.normalize("NFD", ch)[0] if ch else ch
