"""Date wording under Nghị định 30/2020, Phụ lục I §II.4.

Days below 10 and the months 1 and 2 take a leading zero ("ngày 05 tháng 01 năm 2025");
months 3 to 12 do not ("ngày 29 tháng 4 năm 2025"). A draft leaves day and month blank for
the văn thư to fill in at issuance.
"""

from __future__ import annotations

import datetime as _dt

#: Blank left for a day or month the văn thư fills in by hand.
BLANK = "\u00a0" * 6


def day_text(day: int) -> str:
    """Day of month as written: 5 → "05", 29 → "29"."""
    if not 1 <= day <= 31:
        raise ValueError(f"day out of range: {day}")
    return f"{day:02d}"


def month_text(month: int) -> str:
    """Month as written: 1 → "01", 2 → "02", 4 → "4", 12 → "12"."""
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range: {month}")
    return f"{month:02d}" if month <= 2 else str(month)


def date_words(date: _dt.date | None, year: int | None = None) -> str:
    """"ngày 29 tháng 4 năm 2025"; with no date, blanks for day and month."""
    if date is None:
        if year is None:
            raise ValueError("a blank date needs its year")
        return f"ngày{BLANK}tháng{BLANK}năm {year}"
    return f"ngày {day_text(date.day)} tháng {month_text(date.month)} năm {date.year}"


def place_date(place: str, date: _dt.date | None, year: int | None = None) -> str:
    """"Quận 3, ngày 29 tháng 4 năm 2025" (ô 4 of the header)."""
    return f"{place}, {date_words(date, year)}"


def short_date(date: _dt.date) -> str:
    """Compact form used inside tables: "31/12/2020", "05/02/2021", "07/4/2021"."""
    return f"{day_text(date.day)}/{month_text(date.month)}/{date.year}"


def quarter_text(quarter: int, year: int) -> str:
    """"Quý I/2021"."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter out of range: {quarter}")
    return f"Quý {('I', 'II', 'III', 'IV')[quarter - 1]}/{year}"
