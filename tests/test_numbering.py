import pytest

from generator.lang import numbering
from generator.model import content


@pytest.mark.parametrize("n,expected", [(1, "I"), (4, "IV"), (5, "V"), (9, "IX"), (14, "XIV"), (40, "XL"),
                                        (90, "XC"), (2021, "MMXXI")])
def test_roman(n, expected):
    assert numbering.roman(n) == expected


def test_roman_rejects_zero():
    with pytest.raises(ValueError):
        numbering.roman(0)


def test_point_letters_follow_the_vietnamese_alphabet():
    letters = [numbering.point_letter(i) for i in range(1, 24)]
    assert letters[:11] == ["a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l"]
    assert "f" not in letters and "j" not in letters and "w" not in letters and "z" not in letters
    assert letters[-1] == "y"
    assert numbering.point_letter(24) == "aa"


def test_seed_000_sequence_is_corrected():
    # the seed printed a) b) c) d) c) d) e) g) ...: twelve points must read a) ... m)
    labels = [numbering.point_label(i) for i in range(1, 13)]
    assert labels == ["a)", "b)", "c)", "d)", "đ)", "e)", "g)", "h)", "i)", "k)", "l)", "m)"]


def test_section_labels():
    assert numbering.section_label((2,)) == "II."
    assert numbering.section_label((2, 3)) == "3."
    assert numbering.section_label((2, 3), decimal=True) == "3."
    assert numbering.section_label((2, 3, 1), decimal=True) == "3.1."
    assert numbering.section_label((1, 2, 3, 4), decimal=True) == "2.3.4."
    assert numbering.section_label((2, 3), full=True) == "2.3."
    assert numbering.section_label((2, 3, 1), decimal=True, full=True) == "2.3.1."
    assert numbering.section_label((2,), full=True) == "II."
    with pytest.raises(ValueError):
        numbering.section_label(())


def test_bullets():
    assert numbering.bullet_label(0) == "-"
    assert numbering.bullet_label(1) == "+"
    assert numbering.bullet_label(3) == "+"


def test_appendix_labels_skip_unlabelled_forms():
    assert content.appendix_labels([True]) == ["Phụ lục"]
    assert content.appendix_labels([True, False, True]) == ["Phụ lục I", "", "Phụ lục II"]
    assert content.appendix_labels([True, False]) == ["Phụ lục", ""]
    names = content.appendix_names([{"type": "tasks", "title": "Nhiệm vụ"},
                                      {"type": "report", "title": "Kết quả", "label": False},
                                      {"type": "budget", "title": "Dự toán kinh phí", "label": False}])
    assert names == ["Phụ lục", "mẫu báo cáo", "dự toán kinh phí"]
