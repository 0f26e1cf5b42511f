"""docgen.workdays: deadlines in working days across 国庆, 春节 and 调休 weekends.

Expected dates are counted by hand from the State Council's published schedules (国办发明电):
2024 劳动节 5月1日—5日 off, 4月28日（日）and 5月11日（六）work; 2024 清明 4月4日—6日 off, 4月7日（日）works;
2025 国庆·中秋 10月1日—8日 off, 9月28日（日）and 10月11日（六）work;
2026 春节 2月15日—23日 off, 2月14日（六）and 2月28日（六）work.
"""

from datetime import date

import pytest

from docgen.errors import DocgenError
from docgen.workdays import (
    CalendarNotCoveredError,
    add_working_days,
    covered_years,
    is_working_day,
    working_days_between,
)


@pytest.mark.parametrize(("start", "n", "due"), [
    (date(2025, 9, 30), 1, date(2025, 10, 9)),     # the whole 国庆 week is skipped
    (date(2025, 9, 26), 1, date(2025, 9, 28)),     # Sunday 28 September is a 调休 working day
    (date(2025, 10, 10), 1, date(2025, 10, 11)),   # so is Saturday 11 October
    (date(2025, 9, 15), 30, date(2025, 10, 31)),
    (date(2025, 9, 30), 30, date(2025, 11, 18)),
    (date(2026, 2, 13), 1, date(2026, 2, 14)),     # Saturday before 春节 works
    (date(2026, 2, 14), 1, date(2026, 2, 24)),     # 15–23 February off
    (date(2026, 2, 2), 15, date(2026, 2, 28)),     # ends on the 调休 Saturday after 春节
    (date(2026, 1, 30), 30, date(2026, 3, 19)),
    (date(2024, 3, 6), 30, date(2024, 4, 18)),     # across 清明 with its 调休 Sunday
    (date(2024, 4, 15), 30, date(2024, 5, 28)),    # across 劳动节 with two 调休 days
    (date(2025, 10, 4), 1, date(2025, 10, 9)),     # counting from a holiday: the start never counts
])
def test_add_working_days(start, n, due):
    assert add_working_days(start, n) == due
    assert working_days_between(start, due) == n


@pytest.mark.parametrize(("day", "working"), [
    (date(2025, 10, 1), False), (date(2025, 10, 8), False), (date(2025, 9, 28), True), (date(2025, 10, 11), True),
    (date(2026, 2, 16), False), (date(2026, 2, 14), True), (date(2026, 2, 28), True), (date(2026, 2, 21), False),
    (date(2025, 10, 18), False), (date(2025, 10, 20), True),
])
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_between_is_signed_and_zero_for_the_same_day():
    assert working_days_between(date(2025, 10, 9), date(2025, 9, 30)) == -1
    assert working_days_between(date(2025, 10, 9), date(2025, 10, 9)) == 0


def test_at_least_one_day():
    with pytest.raises(ValueError, match="至少为 1"):
        add_working_days(date(2025, 1, 2), 0)


def test_covered_years_reach_2026():
    first, last = covered_years()
    assert first <= 2004 and last >= 2026


@pytest.mark.parametrize("start", [date(2026, 12, 15), date(2030, 1, 1), date(2003, 6, 1)])
def test_uncovered_year_is_a_typed_error_not_a_guess(start):
    last = covered_years()[1]
    if start.year <= last and start.year >= 2004:
        start = date(last, 12, 15)
    with pytest.raises(CalendarNotCoveredError) as caught:
        add_working_days(start, 30)
    assert isinstance(caught.value, DocgenError) and isinstance(caught.value, LookupError)
    assert caught.value.year not in range(covered_years()[0], last + 1)
    assert "chinese-calendar" in str(caught.value)
