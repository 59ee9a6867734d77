"""Vietnamese administrative numbering: I. → 1. → 1.1. → a) → - → +.

Nghị định 30/2020, Phụ lục I §II.6: sections (mục) take Roman numerals, clauses (khoản)
Arabic numerals, points (điểm) the letters of the Vietnamese alphabet followed by ")".
Below points, practice uses "-" then "+" bullets.
"""

from __future__ import annotations

# Letters used for points, in Vietnamese alphabetical order (the decree lists
# "a) b) c) d) đ) e) g) h) i)"); ă, â, ê, ô, ơ, ư and f, j, w, z are not used.
POINT_LETTERS: tuple[str, ...] = tuple("a b c d đ e g h i k l m n o p q r s t u v x y".split())

_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))

BULLET = "-"
SUB_BULLET = "+"


def roman(n: int) -> str:
    """Roman numeral of a positive integer: 4 → "IV"."""
    if n < 1:
        raise ValueError(f"Roman numerals start at 1, got {n}")
    out = []
    for value, symbol in _ROMAN:
        while n >= value:
            out.append(symbol)
            n -= value
    return "".join(out)


def point_letter(n: int) -> str:
    """Letter of the n-th point (1-based): 1 → "a", 5 → "đ", 6 → "e", 24 → "aa"."""
    if n < 1:
        raise ValueError(f"points start at 1, got {n}")
    count = len(POINT_LETTERS)
    letter = POINT_LETTERS[(n - 1) % count]
    return letter * ((n - 1) // count + 1)


def section_label(path: tuple[int, ...], *, decimal: bool = False, full: bool = False) -> str:
    """Label of a numbered section from its 1-based path.

    (2,) → "II."; (2, 3) → "3."; with ``decimal`` the Arabic levels below the
    first are joined: (2, 3, 1) → "3.1." (the first level stays Roman). With ``full`` the
    Roman section's number leads, in Arabic: (2, 3) → "2.3.", (2, 3, 1) → "2.3.1.".
    """
    if not path:
        raise ValueError("empty section path")
    if len(path) == 1:
        return f"{roman(path[0])}."
    if full:
        return ".".join(str(n) for n in path) + "."
    if decimal:
        return ".".join(str(n) for n in path[1:]) + "."
    return f"{path[-1]}."


def point_label(n: int) -> str:
    """Label of the n-th point: 1 → "a)"."""
    return f"{point_letter(n)})"


def bullet_label(depth: int) -> str:
    """Bullet for a bullet list nested ``depth`` levels deep (0 → "-", 1+ → "+")."""
    return BULLET if depth == 0 else SUB_BULLET
