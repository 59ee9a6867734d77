"""Tests for generator.lang.vnwords (Vietnamese number reading)."""

from __future__ import annotations

import doctest
import unicodedata

import pytest

from generator.lang import vnwords
from generator.lang.vnwords import amount_in_words, format_amount, number_to_words

TRICKY: list[tuple[int, str]] = [
    (0, "không"),
    (1, "một"),
    (4, "bốn"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (31, "ba mươi mốt"),
    (44, "bốn mươi tư"),
    (55, "năm mươi lăm"),
    (99, "chín mươi chín"),
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (111, "một trăm mười một"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (1000, "một nghìn"),
    (1001, "một nghìn không trăm linh một"),
    (1005, "một nghìn không trăm linh năm"),
    (1010, "một nghìn không trăm mười"),
    (1015, "một nghìn không trăm mười lăm"),
    (1024, "một nghìn không trăm hai mươi tư"),
    (1100, "một nghìn một trăm"),
    (10000, "mười nghìn"),
    (10005, "mười nghìn không trăm linh năm"),
    (15000, "mười lăm nghìn"),
    (21000, "hai mươi mốt nghìn"),
    (100000, "một trăm nghìn"),
    (105000, "một trăm linh năm nghìn"),
    (1000000, "một triệu"),
    (1020000, "một triệu không trăm hai mươi nghìn"),
    (1000005, "một triệu không trăm linh năm"),
    (2000005, "hai triệu không trăm linh năm"),
    (
        1234567,
        "một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy",
    ),
    (1000000000, "một tỷ"),
    (1000000001, "một tỷ không trăm linh một"),
    (1001000000, "một tỷ không trăm linh một triệu"),
    (2000000000000, "hai nghìn tỷ"),
    (2000000000005, "hai nghìn tỷ không trăm linh năm"),
    (3000000000000000, "ba triệu tỷ"),
    (10**18, "một tỷ tỷ"),
    (-5, "âm năm"),
    (-1500, "âm một nghìn năm trăm"),
    (-1005, "âm một nghìn không trăm linh năm"),
]

VOCABULARY = frozenset(
    vnwords.DIGITS
    + ("mười", "mươi", "mốt", "tư", "lăm", "trăm", "linh", "nghìn", "triệu", "tỷ")
)


@pytest.mark.parametrize(("n", "expected"), TRICKY)
def test_number_to_words_tricky(n: int, expected: str) -> None:
    assert number_to_words(n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (105, "một trăm lẻ năm"),
        (1005, "một nghìn không trăm lẻ năm"),
        (2000001, "hai triệu không trăm lẻ một"),
        (110, "một trăm mười"),
        (5, "năm"),
    ],
)
def test_zero_tens_le(n: int, expected: str) -> None:
    assert number_to_words(n, zero_tens="lẻ") == expected


@pytest.mark.parametrize("n", [0, 7, 1010, 1234567, 10**12 + 5])
def test_negative_is_prefixed(n: int) -> None:
    if n == 0:
        assert number_to_words(-0) == "không"
    else:
        assert number_to_words(-n) == "âm " + number_to_words(n)


@pytest.mark.parametrize("bad", [1.0, "12", None, True])
def test_rejects_non_int(bad: object) -> None:
    with pytest.raises(TypeError):
        number_to_words(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_amount(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("n", "unit", "expected"),
    [
        (
            1234567,
            "đồng",
            "Một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy đồng.",
        ),
        (0, "đồng", "Không đồng."),
        (1005, "đồng", "Một nghìn không trăm linh năm đồng."),
        (15000000, "đồng", "Mười lăm triệu đồng."),
        (-2500, "đồng", "Âm hai nghìn năm trăm đồng."),
        (21, "USD", "Hai mươi mốt USD."),
        (24, "", "Hai mươi tư."),
    ],
)
def test_amount_in_words(n: int, unit: str, expected: str) -> None:
    assert amount_in_words(n, unit) == expected


def test_amount_in_words_default_unit() -> None:
    assert amount_in_words(1500) == "Một nghìn năm trăm đồng."


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0"),
        (5, "5"),
        (999, "999"),
        (1000, "1.000"),
        (1500, "1.500"),
        (-1500, "-1.500"),
        (100000, "100.000"),
        (1234567, "1.234.567"),
        (-1234567, "-1.234.567"),
        (2000000000000, "2.000.000.000.000"),
    ],
)
def test_format_amount(n: int, expected: str) -> None:
    assert format_amount(n) == expected


def test_output_is_nfc() -> None:
    for n, _ in TRICKY:
        text = number_to_words(n)
        assert unicodedata.is_normalized("NFC", text)


def test_properties_over_range() -> None:
    for n in range(0, 100000, 7):
        text = number_to_words(n)
        assert "  " not in text, n
        assert text == text.strip(), n
        assert "mười không" not in text, n
        assert "mươi không" not in text, n
        words = text.split(" ")
        unknown = set(words) - VOCABULARY
        assert not unknown, (n, unknown)
        # "mốt" and "tư" only follow "mươi"; "linh" is never last.
        for i, word in enumerate(words):
            if word in ("mốt", "tư"):
                assert i > 0 and words[i - 1] == "mươi", (n, text)
            if word == "lăm":
                assert i > 0 and words[i - 1] in ("mười", "mươi"), (n, text)
        assert words[-1] != "linh", n
        assert words[0] != "không" or n == 0, n


def test_docstring_examples() -> None:
    result = doctest.testmod(vnwords)
    assert result.failed == 0
    assert result.attempted > 0


def test_num2words_disagreements_documented() -> None:
    """Record where num2words 0.5.x (lang="vi") differs from our reading.

    Our values are the reference; num2words' outputs are only observations
    (it uses "lẻ", skips "không trăm" in inner groups, reads 24 as "hai
    mươi bốn" and mishandles
    negatives: -5 became "mười lăm" and -1500 raised in 0.5.14).
    """
    from num2words import num2words  # a dependency of kh

    assert number_to_words(1010) == "một nghìn không trăm mười"
    assert num2words(1010, lang="vi") != number_to_words(1010)

    assert number_to_words(1005) == "một nghìn không trăm linh năm"
    assert num2words(1005, lang="vi") != number_to_words(1005)

    assert number_to_words(1020000) == "một triệu không trăm hai mươi nghìn"
    assert num2words(1020000, lang="vi") != number_to_words(1020000)

    assert number_to_words(-5) == "âm năm"
    try:
        theirs = num2words(-5, lang="vi")
    except Exception:  # noqa: BLE001 - any failure is a disagreement too
        theirs = None
    assert theirs != number_to_words(-5)

    # num2words does not use "tư" after a tens digit >= 2.
    assert num2words(24, lang="vi") != number_to_words(24)

    # Where both conventions coincide, the readings agree.
    for n in (0, 15, 21, 110, 1000000, 1000000000):
        assert num2words(n, lang="vi") == number_to_words(n)
