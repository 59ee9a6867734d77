"""Page and table geometry shared by the template builder and the writers (twips).

A4 (Phụ lục I §I.1), margins top 20, bottom 20, left 30, right 15 mm (§I.5).
"""

from __future__ import annotations

PAGE_SHORT, PAGE_LONG = 11906, 16838          # A4, 210 × 297 mm
MARGIN_TOP = MARGIN_BOTTOM = 1134             # 20 mm
MARGIN_LEFT, MARGIN_RIGHT = 1701, 850         # 30 mm, 15 mm
TEXT_WIDTH = PAGE_SHORT - MARGIN_LEFT - MARGIN_RIGHT          # 9355: 165 mm
LANDSCAPE_TEXT_WIDTH = PAGE_LONG - MARGIN_LEFT - MARGIN_RIGHT  # 14287: 252 mm

# Header table: issuing body (6.0 cm) | national title (10.5 cm), narrow cell margins so
# "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and a long place-and-date line fit on one line.
HEADER_COLS = (3402, 5953)
HEADER_CELL_MARGIN = 57
SIGN_COLS = (4535, 4820)                      # Nơi nhận | signature
TABLE_CELL_MARGIN = 85                        # appendix tables


def header_line_width(col: int) -> int:
    """Usable width of a header-table column (twips)."""
    return HEADER_COLS[col] - 2 * HEADER_CELL_MARGIN
