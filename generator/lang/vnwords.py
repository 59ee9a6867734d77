"""Vietnamese number reading for administrative and financial documents.

Self-contained (no num2words dependency). Reading conventions, as used in
the "Bằng chữ" line of bank and accounting documents:

* 1 after a tens digit >= 2 is "mốt" (21 "hai mươi mốt"); 11 is "mười một".
* 4 after a tens digit >= 2 is "tư" (24 "hai mươi tư"); 14 is "mười bốn".
* 5 after any tens digit is "lăm" (15 "mười lăm", 25 "hai mươi lăm").
* A zero tens digit before a non-zero unit, once hundreds are read, is
  "linh" (105 "một trăm linh năm"); ``zero_tens="lẻ"`` selects the
  alternative. Unit words after "linh" keep their plain form
  (101 "một trăm linh một", 104 "một trăm linh bốn").
* Groups are nghìn (10^3), triệu (10^6) and tỷ (10^9); above tỷ the scale
  repeats (10^12 "nghìn tỷ", 10^15 "triệu tỷ", 10^18 "tỷ tỷ").
* The leading (highest non-zero) group is read naturally; every following
  non-zero group is read in full with its hundreds, including "không trăm"
  (1005 "một nghìn không trăm linh năm", 2000005 "hai triệu không trăm
  linh năm", 1000001000000 "một nghìn tỷ không trăm linh một triệu").
* All-zero groups are skipped (1000000 "một triệu").
* Negative numbers are prefixed with "âm".
"""

from __future__ import annotations

from ..core.digits import group_digits

__all__ = ["amount_in_words", "format_amount", "number_to_words"]

DIGITS: tuple[str, ...] = (
    "không",
    "một",
    "hai",
    "ba",
    "bốn",
    "năm",
    "sáu",
    "bảy",
    "tám",
    "chín",
)
# Scale words for the groups inside one "tỷ" block (units, 10^3, 10^6).
_SCALES: tuple[str, ...] = ("", "nghìn", "triệu")
_BILLION = 10**9


def _check_int(n: object) -> int:
    """Return ``n`` if it is a real integer (not bool), else raise TypeError."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected int, got {type(n).__name__}")
    return n


def _read_triple(value: int, full: bool, zero_tens: str) -> list[str]:
    """Read a 0..999 group; ``full`` forces hundreds ("không trăm")."""
    hundreds, rest = divmod(value, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if full or hundreds:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append(zero_tens)
            words.append(DIGITS[units])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 4 and tens >= 2:
        words.append("tư")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _read_block(value: int, leading: bool, zero_tens: str) -> list[str]:
    """Read 1..999_999_999; ``leading`` means no higher group precedes it."""
    groups = [(value // 10**6) % 1000, (value // 1000) % 1000, value % 1000]
    words: list[str] = []
    for index, group in enumerate(groups):
        if group == 0:
            continue
        full = not leading or bool(words)
        words += _read_triple(group, full, zero_tens)
        scale = _SCALES[len(groups) - 1 - index]
        if scale:
            words.append(scale)
    return words


def _read_positive(value: int, leading: bool, zero_tens: str) -> list[str]:
    """Read a positive integer of any size, repeating "tỷ" above 10^9."""
    if value < _BILLION:
        return _read_block(value, leading, zero_tens)
    high, low = divmod(value, _BILLION)
    words = _read_positive(high, leading, zero_tens) + ["tỷ"]
    if low:
        words += _read_block(low, False, zero_tens)
    return words


def number_to_words(n: int, zero_tens: str = "linh") -> str:
    """Return the lower-case Vietnamese reading of ``n``.

    >>> number_to_words(1005)
    'một nghìn không trăm linh năm'
    >>> number_to_words(-24)
    'âm hai mươi tư'
    """
    n = _check_int(n)
    if n == 0:
        return DIGITS[0]
    words = _read_positive(abs(n), True, zero_tens)
    if n < 0:
        words.insert(0, "âm")
    return " ".join(words)


def amount_in_words(n: int, unit: str = "đồng") -> str:
    """Return the "Bằng chữ" sentence: capitalised, unit appended, full stop.

    >>> amount_in_words(1500)
    'Một nghìn năm trăm đồng.'
    """
    text = number_to_words(n)
    if unit:
        text = f"{text} {unit}"
    return f"{text[0].upper()}{text[1:]}."


def format_amount(n: int) -> str:
    """Group digits with dots, Vietnamese style: 1234567 -> "1.234.567"."""
    return group_digits(_check_int(n))
