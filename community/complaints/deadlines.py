"""Complaint deadlines, in plain dates (no Django): business days and calendar months.

The French regulator's practice (ACPR recommendation 2022-R-01) is to acknowledge a complaint
within 10 business days of receiving it and to answer within two months of receiving it. Here
a business day is Monday to Friday, except French public holidays: the fixed ones, Easter
Monday, Ascension and Whit Monday. A bank with more days off (Alsace-Moselle's Good Friday and
26 December) passes them as `extra_holidays`.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from datetime import date, timedelta
from functools import lru_cache

FIXED_HOLIDAYS = (
    (1, 1),  # New Year's Day
    (5, 1),  # Labour Day
    (5, 8),  # Victory in Europe Day
    (7, 14),  # Bastille Day
    (8, 15),  # Assumption
    (11, 1),  # All Saints' Day
    (11, 11),  # Armistice Day
    (12, 25),  # Christmas Day
)


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous "Meeus/Jones/Butcher" algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=32)
def french_holidays(year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    movable = {
        easter + timedelta(days=1),  # Easter Monday
        easter + timedelta(days=39),  # Ascension Thursday
        easter + timedelta(days=50),  # Whit Monday
    }
    return frozenset({date(year, month, day) for month, day in FIXED_HOLIDAYS} | movable)


def is_business_day(day: date, *, extra_holidays: Collection[date] = ()) -> bool:
    return day.weekday() < 5 and day not in french_holidays(day.year) and day not in extra_holidays


def add_business_days(start: date, days: int, *, extra_holidays: Collection[date] = ()) -> date:
    """The `days`-th business day after `start` (`start` itself never counts; 0 gives `start`)."""
    if days < 0:
        raise ValueError("days must be zero or more")
    current = start
    while days:
        current += timedelta(days=1)
        if is_business_day(current, extra_holidays=extra_holidays):
            days -= 1
    return current


def add_months(start: date, months: int) -> date:
    """The same day `months` calendar months later, or that month's last day if it is shorter
    (31 December + 2 months = 28 or 29 February)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def acknowledge_deadline(
    received: date, *, business_days: int, extra_holidays: Collection[date] = ()
) -> date:
    return add_business_days(received, business_days, extra_holidays=extra_holidays)


def answer_deadline(received: date, *, months: int) -> date:
    return add_months(received, months)


def reminder_horizon(
    today: date, *, business_days: int, extra_holidays: Collection[date] = ()
) -> date:
    """Deadlines on or before this date are within `business_days` business days of `today`."""
    return add_business_days(today, business_days, extra_holidays=extra_holidays)
