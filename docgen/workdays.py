"""Working days (工作日) under the State Council's holiday schedule, 调休 working weekends included.

The schedule is published year by year, so no rule can compute it: we read it from the maintained
package ``chinese_calendar`` (pip ``chinese-calendar``) and never guess. A date in a year the package
does not cover raises `CalendarNotCoveredError`; rules turn that into a ``calendar.year_not_covered``
finding instead of printing a deadline that may be wrong.

Counting convention, as deadlines on these forms are read: "within N working days of day D" ends on the
N-th working day *after* D (D itself never counts, whatever kind of day it is).
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

from docgen.errors import DocgenError

_DAY = timedelta(days=1)


class CalendarNotCoveredError(DocgenError, LookupError):
    """The holiday schedule of a year is not known (not yet published, or before 2004)."""

    def __init__(self, year: int):
        first, last = covered_years()
        super().__init__(f"{year} 年的法定节假日和调休安排不在 chinese_calendar 的数据范围（{first}—{last} 年）内，"
                         f"无法按工作日计算期限；请更新 chinese-calendar 后重试")
        self.year = year


def covered_years() -> tuple[int, int]:
    """First and last year whose holiday schedule ``chinese_calendar`` knows."""
    years = [day.year for day in chinese_calendar.holidays]
    return min(years), max(years)


def is_working_day(day: date) -> bool:
    """True for a working day: Monday–Friday that is not a holiday, or a 调休 weekend.

    Raises:
        CalendarNotCoveredError: If the year's schedule is unknown.
    """
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise CalendarNotCoveredError(day.year) from None


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after *start* (``n >= 1``): the last day of "within n working days".

    Example: ``add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)`` (国庆 and 中秋 1–8 October;
    Saturday 11 October is a 调休 working day).

    Raises:
        ValueError: If *n* is less than 1.
        CalendarNotCoveredError: If the count runs through a year whose schedule is unknown.
    """
    if n < 1:
        raise ValueError(f"工作日天数须至少为 1：{n}")
    day, counted = start, 0
    while counted < n:
        day += _DAY
        counted += is_working_day(day)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after *start* up to and including *end*; negative when *end* is before *start*.

    ``working_days_between(d, add_working_days(d, n)) == n``.

    Raises:
        CalendarNotCoveredError: If a day counted lies in a year whose schedule is unknown.
    """
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += _DAY
        count += is_working_day(day)
    return count
