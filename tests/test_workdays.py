"""docgen.workdays: deadlines in working days across 国庆, 春节 and 调休 weekends.

Expected dates are counted by hand from the State Council's published schedules (国办发明电):
2024 劳动节 5月1日—5日 off, 4月28日（日）and 5月11日（六）work; 2024 清明 4月4日—6日 off, 4月7日（日）works;
2025 国庆·中秋 10月1日—8日 off, 9月28日（日）and 10月11日（六）work;
2026 春节 2月15日—23日 off, 2月14日（六）and 2月28日（六）work.
"""

from datetime import date, timedelta

import pytest

from docgen.errors import ConfigError, DocgenError
from docgen.workdays import (
    CalendarNotCoveredError,
    add_holidays,
    add_working_days,
    covered_years,
    is_working_day,
    next_working_day,
    reset_holidays,
    within_working_days,
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
    years = covered_years()
    assert years[0] <= 2004 and years[-1] >= 2026


@pytest.mark.parametrize("start", [date(2026, 12, 15), date(2030, 1, 1), date(2003, 6, 1)])
def test_uncovered_year_is_a_typed_error_not_a_guess(start):
    with pytest.raises(CalendarNotCoveredError) as caught:
        add_working_days(start, 30)
    assert isinstance(caught.value, DocgenError) and isinstance(caught.value, LookupError)
    assert caught.value.year not in covered_years()
    assert "--holidays" in str(caught.value) and "DOCGEN_HOLIDAYS" in str(caught.value)


def test_shipped_schedules_match_chinese_calendar_day_by_day():
    """Every shipped year, cross-checked against the chinese-calendar package (an independent source)."""
    import chinese_calendar

    package_years = {day.year for day in chinese_calendar.holidays}
    assert set(covered_years()) == package_years
    for year in package_years:
        day = date(year, 1, 1)
        while day.year == year:
            assert is_working_day(day) is bool(chinese_calendar.is_workday(day)), day
            day += timedelta(days=1)


@pytest.mark.parametrize(("day", "due"), [
    (date(2025, 10, 1), date(2025, 10, 9)),    # 国庆·中秋 off until 8 October
    (date(2025, 10, 11), date(2025, 10, 11)),  # a 调休 Saturday is itself a working day
    (date(2026, 3, 7), date(2026, 3, 9)),      # an ordinary weekend
    (date(2026, 3, 9), date(2026, 3, 9)),
])
def test_next_working_day(day, due):
    assert next_working_day(day) == due


@pytest.mark.parametrize(("start", "n", "day", "within"), [
    (date(2026, 12, 20), 3, date(2026, 12, 23), True),   # decided inside 2026
    (date(2026, 12, 28), 4, date(2027, 1, 1), True),     # 4 calendar days can hold at most 4 working days
    (date(2026, 12, 1), 3, date(2027, 3, 1), False),     # the 3rd working day is in December 2026
    (date(2025, 9, 30), 30, date(2025, 11, 18), True),
    (date(2025, 9, 30), 30, date(2025, 11, 19), False),
])
def test_within_working_days_looks_only_at_the_days_it_needs(start, n, day, within):
    assert within_working_days(start, n, day) is within


def test_within_working_days_raises_only_when_the_answer_depends_on_an_unknown_year():
    with pytest.raises(CalendarNotCoveredError):
        within_working_days(date(2026, 12, 20), 10, date(2027, 1, 8))


_YEAR_2027 = """
year = 2027
source = "国务院办公厅关于2027年部分节假日安排的通知（测试用）"

[[holidays]]
name = "元旦"
first = 2027-01-01
last = 2027-01-03

[[holidays]]
name = "春节"
first = 2027-02-05
last = 2027-02-13
workdays = [2027-02-14]
"""


@pytest.fixture
def fresh_calendar():
    reset_holidays()
    yield
    reset_holidays()


def test_an_agency_adds_a_year_from_a_file(tmp_path, fresh_calendar):
    path = tmp_path / "2027.toml"
    path.write_text(_YEAR_2027, encoding="utf-8")
    add_holidays(path)
    assert 2027 in covered_years()
    assert not is_working_day(date(2027, 2, 8)) and is_working_day(date(2027, 2, 14))
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_an_agency_adds_a_folder_through_the_environment(tmp_path, monkeypatch, fresh_calendar):
    (tmp_path / "2027.toml").write_text(_YEAR_2027, encoding="utf-8")
    monkeypatch.setenv("DOCGEN_HOLIDAYS", str(tmp_path))
    reset_holidays()
    assert next_working_day(date(2027, 2, 5)) == date(2027, 2, 14)


@pytest.mark.parametrize(("text", "message"), [
    ('year = 2027\n', "source"),
    ('year = 2027\nsource = "x"\n[[holidays]]\nname = "春节"\nfirst = 2028-02-05\nlast = 2028-02-06\n',
     "不在 2027 年内"),
    ('year = 2027\nsource = "x"\n[[holidays]]\nname = "春节"\nfirst = 2027-02-05\nlast = 2027-02-06\n'
     'workdays = [2027-02-08]\n', "须为周六或周日"),
    ('year = 2027\nsource = "x"\n[[holidays]]\nname = "春节"\nfirst = 2027-02-05\n', "缺少 last"),
    ("year = [", "无法读取"),
])
def test_a_bad_schedule_file_is_a_clear_config_error(tmp_path, fresh_calendar, text, message):
    path = tmp_path / "2027.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        add_holidays(path)
    assert 2027 not in covered_years()


def test_a_missing_schedule_path_is_a_config_error(tmp_path, fresh_calendar):
    with pytest.raises(ConfigError, match="不存在"):
        add_holidays(tmp_path / "nope.toml")
