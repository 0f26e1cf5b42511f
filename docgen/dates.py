"""Dates on forms: strict ISO input, 2026年3月1日 output, and project periods counted in months."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

from babel import Locale
from babel.dates import format_date

_LOCALE = Locale.parse("zh_CN")  # parsed once: babel looks a locale name up on every call
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: str | date) -> date:
    """Read a date written ``YYYY-MM-DD``; a `date` passes through.

    Raises:
        ValueError: For any other text (``2026-3-1``, ``20260301``, ``2026/03/01``), a day that does
            not exist (``2026-02-30``), a `datetime` (a time of day has no place on these forms), or
            any other type.
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError(f"日期须写作 YYYY-MM-DD：{value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"日期不存在：{value}") from error


def cn_date(value: str | date) -> str:
    """Write a date the Chinese way with Arabic numerals and no padding: ``2026年3月1日``."""
    return format_date(parse_date(value), "y年M月d日", locale=_LOCALE)


def add_months(day: date, months: int) -> date:
    """Move *day* by *months* calendar months (may be negative), clamping to the month's last day.

    Example: ``add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)``.
    """
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))


def months_between(start: str | date, end: str | date) -> int:
    """Count the months a period runs, both ends included, the way plans state 共N个月.

    The result is the number of started months: the smallest ``n >= 1`` whose n-month period from
    *start* reaches *end*. An n-month period ends the day before the same day n months later
    (2026-03-01 → 2027-02-28 is 12 months, → 2027-03-01 is 13); when that month has no such day it
    ends on the month's last day, as in 民法典 第二百零二条 (2026-01-31 → 2026-02-28 is 1 month).

    Raises:
        ValueError: If a date is malformed or *end* is before *start*.
    """
    first, last = parse_date(start), parse_date(end)
    if last < first:
        raise ValueError(f"结束日期 {last} 早于开始日期 {first}")
    # No period shorter than the calendar-month difference can reach `last`; at most two more steps.
    months = max(1, (last.year - first.year) * 12 + last.month - first.month)
    while _period_end(first, months) < last:
        months += 1
    return months


def period_text(start: str | date, end: str | date) -> str:
    """Write a project period: ``2026年3月1日至2027年2月28日（共12个月）``."""
    return f"{cn_date(start)}至{cn_date(end)}（共{months_between(start, end)}个月）"


def _period_end(start: date, months: int) -> date:
    """Last day of the *months*-month period that begins on *start*."""
    same_day = add_months(start, months)
    if same_day.day < start.day:  # clamped: that month has no such day, so the period fills it
        return same_day
    return same_day - timedelta(days=1)
