from datetime import date, datetime, timedelta

import pytest

from docgen.dates import add_months, cn_date, months_between, parse_date, period_text


def test_parse_date_reads_iso():
    assert parse_date("2026-03-01") == date(2026, 3, 1)
    assert parse_date("2028-02-29") == date(2028, 2, 29)


def test_parse_date_passes_a_date_through():
    assert parse_date(date(2026, 3, 1)) == date(2026, 3, 1)


@pytest.mark.parametrize(
    "value",
    [
        "2026-3-1",
        "20260301",
        "2026/03/01",
        "2026-02-30",
        "2027-02-29",
        "2026-13-01",
        "2026-03-01T00:00",
        " 2026-03-01",
        "2026-03-01\n",
        "",
        "２０２６-０３-０１",
        datetime(2026, 3, 1),
        20260301,
        None,
    ],
    ids=[
        "unpadded",
        "basic-format",
        "slashes",
        "feb-30",
        "not-leap",
        "month-13",
        "datetime-text",
        "leading-space",
        "trailing-newline",
        "empty",
        "fullwidth-digits",
        "datetime",
        "int",
        "none",
    ],
)
def test_parse_date_rejects(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-03-01", "2026年3月1日"), (date(2026, 12, 31), "2026年12月31日"), ("2027-10-09", "2027年10月9日")],
    ids=["str", "date", "no-padding"],
)
def test_cn_date(value, expected):
    assert cn_date(value) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
        (date(2026, 1, 1), -1, date(2025, 12, 1)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 1, 15), 0, date(2026, 1, 15)),
    ],
    ids=[
        "clamp",
        "clamp-leap",
        "backwards-clamp",
        "over-year-end",
        "december",
        "back-over-year",
        "leap-day",
        "zero",
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-03-01", "2027-02-28", 12),
        ("2026-03-01", "2027-03-01", 13),
        ("2026-01-01", "2027-12-31", 24),
        ("2026-01-01", "2028-01-01", 25),
        ("2026-01-15", "2026-02-14", 1),
        ("2026-01-15", "2026-02-15", 2),
        ("2026-01-31", "2026-02-28", 1),
        ("2026-01-30", "2026-02-28", 1),
        ("2026-01-28", "2026-02-27", 1),
        ("2026-01-28", "2026-02-28", 2),
        ("2026-03-31", "2026-04-30", 1),
        ("2026-03-31", "2026-05-01", 2),
        ("2026-03-01", "2026-03-31", 1),
        ("2026-03-01", "2026-04-01", 2),
        ("2028-02-29", "2029-02-28", 12),
        ("2026-12-15", "2027-01-14", 1),
        ("2026-03-01", "2026-03-01", 1),
        ("2026-03-01", "2026-03-02", 1),
    ],
    ids=[
        "one-year",
        "one-year-and-a-day",
        "two-years",
        "two-years-and-a-day",
        "mid-month",
        "mid-month-and-a-day",
        "jan-31-to-feb-end",
        "jan-30-to-feb-end",
        "jan-28",
        "jan-28-and-a-day",
        "mar-31-to-apr-end",
        "mar-31-and-a-day",
        "whole-march",
        "march-and-a-day",
        "leap-day-start",
        "over-year-end",
        "same-day",
        "two-days",
    ],
)
def test_months_between(start, end, expected):
    assert months_between(start, end) == expected


def test_months_between_accepts_dates():
    assert months_between(date(2026, 3, 1), date(2027, 2, 28)) == 12


@pytest.mark.parametrize("months", [1, 6, 12, 24, 36])
def test_months_between_counts_started_months_for_every_start_day(months):
    # When the same day exists n months later, the day before it closes n months and that day opens month n+1.
    start = date(2026, 1, 1)
    while start < date(2029, 1, 1):
        same_day = add_months(start, months)
        if same_day.day == start.day:
            assert months_between(start, same_day - timedelta(days=1)) == months, start
            assert months_between(start, same_day) == months + 1, start
        start += timedelta(days=1)


def test_months_between_rejects_end_before_start():
    with pytest.raises(ValueError, match="早于"):
        months_between("2026-03-01", "2026-02-28")


def test_period_text():
    assert period_text("2026-03-01", "2027-02-28") == "2026年3月1日至2027年2月28日（共12个月）"
    assert period_text(date(2026, 1, 1), date(2028, 1, 1)) == "2026年1月1日至2028年1月1日（共25个月）"
