import datetime as dt

import pytest

from generator.lang import datewords


@pytest.mark.parametrize("date,expected", [
    (dt.date(2025, 4, 29), "ngày 29 tháng 4 năm 2025"),
    (dt.date(2025, 1, 23), "ngày 23 tháng 01 năm 2025"),
    (dt.date(2021, 2, 9), "ngày 09 tháng 02 năm 2021"),
    (dt.date(2024, 3, 5), "ngày 05 tháng 3 năm 2024"),
    (dt.date(2024, 12, 6), "ngày 06 tháng 12 năm 2024"),
    (dt.date(2020, 10, 31), "ngày 31 tháng 10 năm 2020"),
])
def test_leading_zero_rule(date, expected):
    assert datewords.date_words(date) == expected


def test_blank_date_for_a_draft_keeps_the_year():
    text = datewords.date_words(None, 2025)
    assert text.startswith("ngày") and text.endswith("năm 2025")
    assert "\u00a0" * 6 in text   # non-breaking blanks survive Word's space handling
    with pytest.raises(ValueError):
        datewords.date_words(None)


def test_place_date():
    assert datewords.place_date("Quận 3", dt.date(2025, 4, 29)) == "Quận 3, ngày 29 tháng 4 năm 2025"


def test_short_date_and_quarter():
    assert datewords.short_date(dt.date(2020, 12, 31)) == "31/12/2020"
    assert datewords.short_date(dt.date(2021, 2, 5)) == "05/02/2021"
    assert datewords.short_date(dt.date(2021, 4, 7)) == "07/4/2021"
    assert datewords.quarter_text(3, 2021) == "Quý III/2021"
    with pytest.raises(ValueError):
        datewords.quarter_text(5, 2021)


def test_month_and_day_ranges():
    with pytest.raises(ValueError):
        datewords.month_text(13)
    with pytest.raises(ValueError):
        datewords.day_text(0)
